#include "security/secret_box.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <stdexcept>

#include "payd/sdk/crypto.hpp"
#include "security/secret_file.hpp"

namespace payd::security {
namespace {

constexpr unsigned char kVersion = 0x01;
constexpr std::size_t kHeaderBytes = 1 + kKekIdBytes;

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* p) const noexcept { EVP_CIPHER_CTX_free(p); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

const unsigned char* bytes(std::string_view s) noexcept {
  return reinterpret_cast<const unsigned char*>(s.data());
}

CipherCtx new_ctx() {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) throw std::runtime_error("EVP_CIPHER_CTX_new failed");
  return ctx;
}

// The authenticated data: the header, then the caller's AAD (length-prefixed so that the
// boundary between them is unambiguous).
bool add_aad(EVP_CIPHER_CTX* ctx, std::string_view header, std::string_view aad) {
  int len = 0;
  std::array<unsigned char, 8> aad_len{};
  std::uint64_t n = aad.size();
  for (int i = 7; i >= 0; --i) {
    aad_len[static_cast<std::size_t>(i)] = static_cast<unsigned char>(n & 0xFFU);
    n >>= 8U;
  }
  // EVP_CipherUpdate: the same calls serve the encrypting and the decrypting context.
  return EVP_CipherUpdate(ctx, nullptr, &len, bytes(header), static_cast<int>(header.size())) ==
             1 &&
         EVP_CipherUpdate(ctx, nullptr, &len, aad_len.data(), static_cast<int>(aad_len.size())) ==
             1 &&
         (aad.empty() ||
          EVP_CipherUpdate(ctx, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) == 1);
}

}  // namespace

Kek::Kek(std::string_view key) {
  if (key.size() != kKekBytes) throw std::invalid_argument("a KEK must be exactly 32 bytes");
  std::copy(key.begin(), key.end(), key_.begin());
  std::string input("payd-kek-id");
  input.push_back('\0');
  input.append(key);
  const std::string digest = sdk::sha256_raw(input);
  OPENSSL_cleanse(input.data(), input.size());
  std::copy_n(digest.begin(), kKekIdBytes, id_.begin());
}

Kek::~Kek() {
  OPENSSL_cleanse(key_.data(), key_.size());
}

std::string Kek::id_hex() const {
  return sdk::to_hex({reinterpret_cast<const char*>(id_.data()), id_.size()});
}

std::string_view to_string(SecretBoxError e) noexcept {
  switch (e) {
    case SecretBoxError::malformed:
      return "malformed";
    case SecretBoxError::unknown_version:
      return "unknown_version";
    case SecretBoxError::wrong_key:
      return "wrong_key";
    case SecretBoxError::authentication_failed:
      return "authentication_failed";
  }
  return "malformed";
}

std::string seal(const Kek& kek, std::string_view plaintext, std::string_view aad) {
  if (plaintext.size() > static_cast<std::size_t>(INT_MAX) - 64 ||
      aad.size() > static_cast<std::size_t>(INT_MAX)) {
    throw std::invalid_argument("secret box: input too large");
  }
  std::string out(kSecretBoxOverhead + plaintext.size(), '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  o[0] = kVersion;
  std::copy(kek.id().begin(), kek.id().end(), o + 1);
  unsigned char* nonce = o + kHeaderBytes;
  if (RAND_bytes(nonce, static_cast<int>(kSecretBoxNonceBytes)) != 1) {
    throw std::runtime_error("RAND_bytes failed: no nonce for the secret box");
  }
  unsigned char* ct = nonce + kSecretBoxNonceBytes;
  const auto ctx = new_ctx();
  int len = 0;
  int final_len = 0;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kSecretBoxNonceBytes, nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, kek.data(), nonce) != 1 ||
      !add_aad(ctx.get(), std::string_view(out.data(), kHeaderBytes), aad) ||
      EVP_EncryptUpdate(ctx.get(), ct, &len, bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), ct + len, &final_len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kSecretBoxTagBytes,
                          ct + plaintext.size()) != 1) {
    throw std::runtime_error("AES-256-GCM encryption failed (OpenSSL)");
  }
  return out;
}

Result<std::string, SecretBoxError> open(const Kek& kek, std::string_view sealed,
                                         std::string_view aad) {
  if (sealed.size() < kSecretBoxOverhead) return fail(SecretBoxError::malformed);
  if (static_cast<unsigned char>(sealed[0]) != kVersion)
    return fail(SecretBoxError::unknown_version);
  if (CRYPTO_memcmp(sealed.data() + 1, kek.id().data(), kKekIdBytes) != 0) {
    return fail(SecretBoxError::wrong_key);
  }
  if (sealed.size() > static_cast<std::size_t>(INT_MAX) ||
      aad.size() > static_cast<std::size_t>(INT_MAX)) {
    return fail(SecretBoxError::malformed);
  }
  const auto* nonce = bytes(sealed) + kHeaderBytes;
  const auto* ct = nonce + kSecretBoxNonceBytes;
  const std::size_t ct_len = sealed.size() - kSecretBoxOverhead;
  std::array<unsigned char, kSecretBoxTagBytes> tag{};
  std::copy_n(ct + ct_len, kSecretBoxTagBytes, tag.begin());
  std::string out(ct_len, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  const auto ctx = new_ctx();
  int len = 0;
  int final_len = 0;
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kSecretBoxNonceBytes, nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, kek.data(), nonce) != 1) {
    throw std::runtime_error("AES-256-GCM setup failed (OpenSSL)");
  }
  const bool ok =
      add_aad(ctx.get(), sealed.substr(0, kHeaderBytes), aad) &&
      EVP_DecryptUpdate(ctx.get(), o, &len, ct, static_cast<int>(ct_len)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kSecretBoxTagBytes, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), o + len, &final_len) == 1;
  if (!ok) {
    // Never hand back unauthenticated plaintext.
    OPENSSL_cleanse(out.data(), out.size());
    return fail(SecretBoxError::authentication_failed);
  }
  return out;
}

std::string sealed_kek_id_hex(std::string_view sealed) {
  if (sealed.size() < kHeaderBytes) return {};
  return sdk::to_hex(sealed.substr(1, kKekIdBytes));
}

Result<Kek> load_kek(const std::string& path) {
  auto content = read_secret_file(path);
  if (!content) return fail(content.error());
  std::string& raw = *content;
  std::string key;
  if (raw.size() == kKekBytes) {
    key = raw;
  } else {
    const std::string_view text = trim_trailing_space(raw);
    if (text.size() == 2 * kKekBytes) {
      if (auto hex = sdk::from_hex(text)) key = std::move(*hex);
    } else if (auto b64 = sdk::base64_decode(text); b64 && b64->size() == kKekBytes) {
      key = std::move(*b64);
    }
  }
  OPENSSL_cleanse(raw.data(), raw.size());
  if (key.size() != kKekBytes) {
    return fail("key file " + path +
                " must hold a 32-byte key: 32 raw bytes, 64 hex characters or base64 of 32 bytes");
  }
  Kek kek(key);
  OPENSSL_cleanse(key.data(), key.size());
  return kek;
}

Result<Kek> load_kek_credential(std::string_view name) {
  auto path = credential_path(name);
  if (!path) return fail(path.error());
  return load_kek(*path);
}

}  // namespace payd::security
