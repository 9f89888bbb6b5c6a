#include "security/password_hash.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <memory>
#include <stdexcept>

#include "payd/sdk/crypto.hpp"

namespace payd::security {
namespace {

// Bounds on what a stored string may ask for: 4x the default work at most, 256 MiB.
constexpr int kMinLog2N = 1;
constexpr int kMaxLog2N = 20;
constexpr std::uint32_t kMaxR = 32;
constexpr std::uint32_t kMaxP = 16;
constexpr std::uint64_t kMaxMemoryBytes = 256ULL * 1024 * 1024;
constexpr std::uint64_t kMaxWork = (1ULL << 17U) * 8 * 4;  // N * r * p
constexpr std::size_t kMinStoredSalt = 16;
constexpr std::size_t kMaxStoredSalt = 64;
constexpr std::size_t kMinStoredHash = 16;
constexpr std::size_t kMaxStoredHash = 64;

struct KdfFree {
  void operator()(EVP_KDF* p) const noexcept { EVP_KDF_free(p); }
};
struct KdfCtxFree {
  void operator()(EVP_KDF_CTX* p) const noexcept { EVP_KDF_CTX_free(p); }
};

bool within_bounds(const ScryptParams& p) noexcept {
  if (p.log2_n < kMinLog2N || p.log2_n > kMaxLog2N || p.r < 1 || p.r > kMaxR || p.p < 1 ||
      p.p > kMaxP) {
    return false;
  }
  const std::uint64_t n = 1ULL << static_cast<unsigned>(p.log2_n);
  return 128ULL * p.r * n <= kMaxMemoryBytes && n * p.r * p.p <= kMaxWork;
}

// scrypt of `password` into `out`; throws std::runtime_error if OpenSSL fails.
void scrypt(std::string_view password, std::string_view salt, const ScryptParams& params,
            unsigned char* out, std::size_t out_len) {
  const std::unique_ptr<EVP_KDF, KdfFree> kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr));
  if (!kdf) throw std::runtime_error("scrypt is not available in this OpenSSL");
  const std::unique_ptr<EVP_KDF_CTX, KdfCtxFree> ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) throw std::runtime_error("EVP_KDF_CTX_new failed");
  std::uint64_t n = 1ULL << static_cast<unsigned>(params.log2_n);
  std::uint32_t r = params.r;
  std::uint32_t p = params.p;
  std::uint64_t maxmem = kMaxMemoryBytes + 16ULL * 1024 * 1024;
  // OSSL_PARAM wants non-const pointers; the KDF only reads them.
  std::array<OSSL_PARAM, 7> ps = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, const_cast<char*>(password.data()),
                                        password.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()),
                                        salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_KDF_derive(ctx.get(), out, out_len, ps.data()) != 1) {
    throw std::runtime_error("scrypt failed (OpenSSL; out of memory?)");
  }
}

// PHC strings use standard base64 without padding.
std::string b64_nopad(std::string_view bytes) {
  std::string s = sdk::base64_encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

Result<std::string> b64_nopad_decode(std::string_view text) {
  if (text.find('=') != std::string_view::npos || text.size() % 4 == 1) {
    return fail(std::string("bad base64"));
  }
  std::string padded(text);
  padded.append((4 - text.size() % 4) % 4, '=');
  auto decoded = sdk::base64_decode(padded);
  if (!decoded) return fail(std::string("bad base64"));
  return std::move(*decoded);
}

bool parse_uint(std::string_view s, std::uint64_t& out) noexcept {
  if (s.empty() || s.size() > 10 || (s.size() > 1 && s[0] == '0')) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

struct Parsed {
  ScryptParams params;
  std::string salt;
  std::string hash;
};

// "$scrypt$ln=17,r=8,p=1$<salt>$<hash>", exactly; parameters in that order.
Result<Parsed> parse_stored(std::string_view stored) {
  constexpr std::string_view kPrefix = "$scrypt$";
  if (!stored.starts_with(kPrefix) || stored.size() > 512) return fail(std::string("not scrypt"));
  std::string_view rest = stored.substr(kPrefix.size());
  const auto d1 = rest.find('$');
  if (d1 == std::string_view::npos) return fail(std::string("malformed"));
  const std::string_view param_text = rest.substr(0, d1);
  rest = rest.substr(d1 + 1);
  const auto d2 = rest.find('$');
  if (d2 == std::string_view::npos) return fail(std::string("malformed"));
  const std::string_view salt_text = rest.substr(0, d2);
  const std::string_view hash_text = rest.substr(d2 + 1);

  Parsed out;
  std::array<std::uint64_t, 3> values{};
  constexpr std::array<std::string_view, 3> kNames = {"ln=", "r=", "p="};
  std::string_view pt = param_text;
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (!pt.starts_with(kNames[i])) return fail(std::string("malformed parameters"));
    pt.remove_prefix(kNames[i].size());
    const auto comma = pt.find(',');
    const bool last = i + 1 == kNames.size();
    if (last != (comma == std::string_view::npos)) return fail(std::string("malformed parameters"));
    if (!parse_uint(last ? pt : pt.substr(0, comma), values[i])) {
      return fail(std::string("malformed parameters"));
    }
    if (!last) pt.remove_prefix(comma + 1);
  }
  if (values[0] > 64 || values[1] > kMaxR || values[2] > kMaxP) {
    return fail(std::string("parameters out of bounds"));
  }
  out.params = {static_cast<int>(values[0]), static_cast<std::uint32_t>(values[1]),
                static_cast<std::uint32_t>(values[2])};
  if (!within_bounds(out.params)) return fail(std::string("parameters out of bounds"));
  auto salt = b64_nopad_decode(salt_text);
  auto hash = b64_nopad_decode(hash_text);
  if (!salt || !hash) return fail(std::string("malformed base64"));
  if (salt->size() < kMinStoredSalt || salt->size() > kMaxStoredSalt ||
      hash->size() < kMinStoredHash || hash->size() > kMaxStoredHash) {
    return fail(std::string("bad salt or hash length"));
  }
  out.salt = std::move(*salt);
  out.hash = std::move(*hash);
  return out;
}

// A fixed salt for dummy_verify: its result is compared with nothing that matters.
constexpr std::string_view kDummySalt = "payd-dummy-salt!";

}  // namespace

Result<void> check_password_policy(std::string_view password) {
  if (password.size() > kMaxPasswordBytes) {
    return fail("password is longer than " + std::to_string(kMaxPasswordBytes) + " bytes");
  }
  std::size_t chars = 0;
  for (const char c : password) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++chars;  // not a continuation byte
  }
  if (chars < kMinPasswordChars) {
    return fail("password is shorter than " + std::to_string(kMinPasswordChars) + " characters");
  }
  return {};
}

std::string hash_password(std::string_view password, const ScryptParams& params) {
  if (!within_bounds(params)) throw std::invalid_argument("scrypt parameters out of bounds");
  std::array<unsigned char, kPasswordSaltBytes> salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed: no salt for a password hash");
  }
  const std::string_view salt_view(reinterpret_cast<const char*>(salt.data()), salt.size());
  std::array<unsigned char, kPasswordHashBytes> hash{};
  scrypt(password, salt_view, params, hash.data(), hash.size());
  std::string out = "$scrypt$ln=" + std::to_string(params.log2_n) +
                    ",r=" + std::to_string(params.r) + ",p=" + std::to_string(params.p) + "$";
  out += b64_nopad(salt_view);
  out += '$';
  out += b64_nopad({reinterpret_cast<const char*>(hash.data()), hash.size()});
  OPENSSL_cleanse(hash.data(), hash.size());
  return out;
}

bool verify_password(std::string_view password, std::string_view stored) {
  if (password.size() > kMaxPasswordBytes) return false;
  auto parsed = parse_stored(stored);
  if (!parsed) return false;
  std::string computed(parsed->hash.size(), '\0');
  scrypt(password, parsed->salt, parsed->params, reinterpret_cast<unsigned char*>(computed.data()),
         computed.size());
  const bool equal = sdk::constant_time_equals(computed, parsed->hash);
  OPENSSL_cleanse(computed.data(), computed.size());
  return equal;
}

bool dummy_verify(std::string_view password) {
  if (password.size() > kMaxPasswordBytes) return false;
  std::array<unsigned char, kPasswordHashBytes> computed{};
  scrypt(password, kDummySalt, ScryptParams{}, computed.data(), computed.size());
  const std::array<unsigned char, kPasswordHashBytes> other{};
  // Compare as verify_password does, so the work matches; the answer is always false.
  const volatile bool equal = CRYPTO_memcmp(computed.data(), other.data(), computed.size()) == 0;
  static_cast<void>(equal);
  OPENSSL_cleanse(computed.data(), computed.size());
  return false;
}

bool needs_rehash(std::string_view stored, const ScryptParams& target) {
  auto parsed = parse_stored(stored);
  if (!parsed) return true;
  const auto& p = parsed->params;
  return p.log2_n != target.log2_n || p.r != target.r || p.p != target.p ||
         parsed->salt.size() != kPasswordSaltBytes || parsed->hash.size() != kPasswordHashBytes;
}

Result<ScryptParams> parse_password_params(std::string_view stored) {
  auto parsed = parse_stored(stored);
  if (!parsed) return fail(parsed.error());
  return parsed->params;
}

}  // namespace payd::security
