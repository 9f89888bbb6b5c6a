#include "security/totp.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>

#include "payd/sdk/crypto.hpp"
#include "security/base32.hpp"

namespace payd::security {
namespace {

const EVP_MD* md_of(TotpAlgorithm alg) noexcept {
  switch (alg) {
    case TotpAlgorithm::sha256:
      return EVP_sha256();
    case TotpAlgorithm::sha512:
      return EVP_sha512();
    case TotpAlgorithm::sha1:
      break;
  }
  return EVP_sha1();
}

std::string_view name_of(TotpAlgorithm alg) noexcept {
  switch (alg) {
    case TotpAlgorithm::sha256:
      return "SHA256";
    case TotpAlgorithm::sha512:
      return "SHA512";
    case TotpAlgorithm::sha1:
      break;
  }
  return "SHA1";
}

constexpr std::array<std::uint32_t, 9> kPow10 = {1,      10,      100,      1000,     10000,
                                                 100000, 1000000, 10000000, 100000000};

bool is_unreserved(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    if (is_unreserved(ch)) {
      out.push_back(ch);
    } else {
      const auto c = static_cast<unsigned char>(ch);
      out.push_back('%');
      out.push_back(kHex[c >> 4U]);
      out.push_back(kHex[c & 0x0FU]);
    }
  }
  return out;
}

void random_bytes(unsigned char* out, std::size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) {
    throw std::runtime_error("RAND_bytes failed: no random bytes for an MFA secret");
  }
}

constexpr std::string_view kRecoveryAlphabet = "abcdefghijklmnopqrstuvwxyz234567";

}  // namespace

std::string hotp_code(std::string_view secret, std::uint64_t counter, int digits,
                      TotpAlgorithm alg) {
  if (digits < 6 || digits > 8) throw std::invalid_argument("HOTP digits must be 6..8");
  if (secret.empty()) throw std::invalid_argument("HOTP secret is empty");
  std::array<unsigned char, 8> msg{};
  for (int i = 7; i >= 0; --i) {
    msg[static_cast<std::size_t>(i)] = static_cast<unsigned char>(counter & 0xFFU);
    counter >>= 8U;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  if (HMAC(md_of(alg), secret.data(), static_cast<int>(secret.size()), msg.data(), msg.size(),
           mac.data(), &mac_len) == nullptr ||
      mac_len < 20) {
    throw std::runtime_error("HMAC failed (OpenSSL)");
  }
  // Dynamic truncation (RFC 4226 section 5.3).
  const unsigned offset = mac[mac_len - 1] & 0x0FU;
  const std::uint32_t bin = ((mac[offset] & 0x7FU) << 24U) | (mac[offset + 1] << 16U) |
                            (mac[offset + 2] << 8U) | mac[offset + 3];
  const std::uint32_t value = bin % kPow10[static_cast<std::size_t>(digits)];
  std::string out(static_cast<std::size_t>(digits), '0');
  std::uint32_t v = value;
  for (auto it = out.rbegin(); it != out.rend(); ++it) {
    *it = static_cast<char>('0' + v % 10U);
    v /= 10U;
  }
  OPENSSL_cleanse(mac.data(), mac.size());
  return out;
}

std::string totp_code(std::string_view secret, std::int64_t unix_time, int digits,
                      std::int64_t step, TotpAlgorithm alg) {
  if (unix_time < 0) throw std::invalid_argument("TOTP time is negative");
  if (step <= 0) throw std::invalid_argument("TOTP step must be positive");
  return hotp_code(secret, static_cast<std::uint64_t>(unix_time / step), digits, alg);
}

std::optional<std::int64_t> totp_verify(std::string_view secret, std::string_view code,
                                        std::int64_t now, int window, const TotpParams& params) {
  if (params.digits < 6 || params.digits > 8 || params.step <= 0 || secret.empty() || now < 0 ||
      window < 0 || window > 10) {
    return std::nullopt;
  }
  if (code.size() != static_cast<std::size_t>(params.digits) ||
      !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const std::int64_t current = now / params.step;
  std::optional<std::int64_t> matched;
  // No early exit: the work done does not depend on which step (if any) matched.
  for (std::int64_t s = current - window; s <= current + window; ++s) {
    if (s < 0) continue;
    const std::string expected =
        hotp_code(secret, static_cast<std::uint64_t>(s), params.digits, params.alg);
    if (sdk::constant_time_equals(expected, code) && !matched) matched = s;
  }
  return matched;
}

std::string generate_totp_secret() {
  std::string out(kTotpSecretBytes, '\0');
  random_bytes(reinterpret_cast<unsigned char*>(out.data()), out.size());
  return out;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret) {
  const TotpParams p;
  std::string out = "otpauth://totp/";
  out += percent_encode(issuer);
  out += ':';
  out += percent_encode(account);
  out += "?secret=";
  out += base32_encode(secret);
  out += "&issuer=";
  out += percent_encode(issuer);
  out += "&algorithm=";
  out += name_of(p.alg);
  out += "&digits=";
  out += std::to_string(p.digits);
  out += "&period=";
  out += std::to_string(p.step);
  return out;
}

std::vector<std::string> generate_recovery_codes(std::size_t n) {
  std::vector<std::string> codes;
  codes.reserve(n);
  std::array<unsigned char, kRecoveryCodeChars> buf{};
  for (std::size_t i = 0; i < n; ++i) {
    random_bytes(buf.data(), buf.size());
    std::string code;
    for (std::size_t k = 0; k < buf.size(); ++k) {
      if (k > 0 && k % kRecoveryCodeGroup == 0) code.push_back('-');
      // 256 is a multiple of 32, so the low five bits are uniform.
      code.push_back(kRecoveryAlphabet[buf[k] & 0x1FU]);
    }
    codes.push_back(std::move(code));
  }
  OPENSSL_cleanse(buf.data(), buf.size());
  return codes;
}

std::optional<std::string> normalize_recovery_code(std::string_view typed) {
  if (typed.size() > 4 * kRecoveryCodeChars) return std::nullopt;
  std::string out;
  out.reserve(kRecoveryCodeChars);
  for (const char ch : typed) {
    if (ch == '-' || ch == ' ') continue;
    const char c = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    if (kRecoveryAlphabet.find(c) == std::string_view::npos) return std::nullopt;
    out.push_back(c);
  }
  if (out.size() != kRecoveryCodeChars) return std::nullopt;
  return out;
}

std::optional<std::string> hash_recovery_code(std::string_view typed) {
  const auto normalized = normalize_recovery_code(typed);
  if (!normalized) return std::nullopt;
  return sdk::sha256_raw(*normalized);
}

bool verify_recovery_code(std::string_view typed, std::string_view stored_hash) {
  const auto hash = hash_recovery_code(typed);
  if (!hash) return false;
  return sdk::constant_time_equals(*hash, stored_hash);
}

}  // namespace payd::security
