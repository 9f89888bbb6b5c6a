#include "security/jwt_keys.hpp"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <stdexcept>

#include "payd/sdk/crypto.hpp"
#include "security/secret_file.hpp"

namespace payd::security {
namespace {

struct BioFree {
  void operator()(BIO* p) const noexcept { BIO_free(p); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* p) {
  return {p, [](EVP_PKEY* k) { EVP_PKEY_free(k); }};
}

// Never prompt for (or accept) an encrypted PEM's passphrase.
int no_passphrase(char*, int, int, void*) {
  return 0;
}

constexpr std::size_t kEd25519SignatureBytes = 64;

}  // namespace

std::string_view to_string(JwtAlg alg) noexcept {
  return alg == JwtAlg::eddsa ? "EdDSA" : "HS256";
}

Result<JwtAlg> parse_jwt_alg(std::string_view name) {
  if (name == "HS256") return JwtAlg::hs256;
  if (name == "EdDSA") return JwtAlg::eddsa;
  return fail(std::string("unsupported JWT algorithm (HS256 or EdDSA)"));
}

Result<JwtKey> JwtKey::hs256(std::string kid, std::string_view secret) {
  if (secret.size() < kMinHs256SecretBytes) {
    return fail("HS256 key " + kid + ": the secret must be at least " +
                std::to_string(kMinHs256SecretBytes) + " bytes");
  }
  JwtKey key;
  key.kid_ = std::move(kid);
  key.alg_ = JwtAlg::hs256;
  key.can_sign_ = true;
  key.secret_ = std::string(secret);
  return key;
}

Result<JwtKey> JwtKey::eddsa_pem(std::string kid, std::string_view pem) {
  if (pem.size() > static_cast<std::size_t>(INT32_MAX))
    return fail("EdDSA key " + kid + ": too large");
  JwtKey key;
  key.kid_ = std::move(kid);
  key.alg_ = JwtAlg::eddsa;
  const bool is_private = pem.find("PRIVATE KEY-----") != std::string_view::npos;
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw std::runtime_error("BIO_new_mem_buf failed");
  EVP_PKEY* raw = is_private ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr)
                             : PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr);
  if (raw == nullptr) {
    return fail("EdDSA key " + key.kid_ + ": not a readable unencrypted " +
                (is_private ? "private" : "public") + " key PEM");
  }
  key.pkey_ = own(raw);
  if (EVP_PKEY_get_id(raw) != EVP_PKEY_ED25519) {
    return fail("EdDSA key " + key.kid_ + ": not an Ed25519 key");
  }
  key.can_sign_ = is_private;
  return key;
}

JwtKey::~JwtKey() {
  if (!secret_.empty()) OPENSSL_cleanse(secret_.data(), secret_.size());
}

std::string JwtKey::sign(std::string_view signing_input) const {
  if (!can_sign_) throw std::logic_error("JWT key " + kid_ + " is verify-only");
  if (alg_ == JwtAlg::hs256) return sdk::hmac_sha256_raw(secret_, signing_input);
  MdCtx ctx(EVP_MD_CTX_new());
  std::string sig(kEd25519SignatureBytes, '\0');
  std::size_t len = sig.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1 ||
      len != kEd25519SignatureBytes) {
    throw std::runtime_error("Ed25519 signing failed (OpenSSL)");
  }
  return sig;
}

bool JwtKey::verify(std::string_view signing_input, std::string_view signature) const {
  if (alg_ == JwtAlg::hs256) {
    const std::string expected = sdk::hmac_sha256_raw(secret_, signing_input);
    return sdk::constant_time_equals(expected, signature);
  }
  if (signature.size() != kEd25519SignatureBytes) return false;
  MdCtx ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey_.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(),
                          reinterpret_cast<const unsigned char*>(signing_input.data()),
                          signing_input.size()) == 1;
}

std::string JwtKey::public_pem() const {
  if (alg_ != JwtAlg::eddsa) return {};
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), pkey_.get()) != 1) {
    throw std::runtime_error("PEM_write_bio_PUBKEY failed");
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return {data, static_cast<std::size_t>(n)};
}

Result<JwtKey> load_jwt_key(std::string kid, JwtAlg alg, const std::string& path) {
  if (alg == JwtAlg::hs256) {
    auto content = read_secret_file(path);
    if (!content) return fail(content.error());
    std::string secret = std::move(*content);
    if (auto decoded = sdk::base64_decode(trim_trailing_space(secret));
        decoded && decoded->size() >= kMinHs256SecretBytes) {
      OPENSSL_cleanse(secret.data(), secret.size());
      secret = std::move(*decoded);
    }
    auto key = JwtKey::hs256(std::move(kid), secret);
    OPENSSL_cleanse(secret.data(), secret.size());
    if (!key) return fail("key file " + path + ": " + key.error());
    return key;
  }
  auto content = read_public_file(path);
  if (!content) return fail(content.error());
  if (content->find("PRIVATE KEY-----") != std::string::npos) {
    OPENSSL_cleanse(content->data(), content->size());
    content = read_secret_file(path);  // a private key: insist on owner-only permissions
    if (!content) return fail(content.error());
  }
  auto key = JwtKey::eddsa_pem(std::move(kid), *content);
  OPENSSL_cleanse(content->data(), content->size());
  if (!key) return fail("key file " + path + ": " + key.error());
  return key;
}

std::string generate_ed25519_private_pem() {
  EVP_PKEY* raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (raw == nullptr) throw std::runtime_error("Ed25519 key generation failed");
  const auto pkey = own(raw);
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw std::runtime_error("PEM_write_bio_PrivateKey failed");
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return {data, static_cast<std::size_t>(n)};
}

Result<void> JwtKeyRing::add(JwtKey key) {
  if (key.kid().empty()) return fail(std::string("a JWT key needs a non-empty kid"));
  if (find(key.kid()) != nullptr)
    return fail("JWT key id " + key.kid() + " is already in the ring");
  keys_.push_back(std::move(key));
  return {};
}

Result<void> JwtKeyRing::set_signer(std::string_view kid) {
  const JwtKey* key = find(kid);
  if (key == nullptr) return fail("JWT key id " + std::string(kid) + " is not in the ring");
  if (!key->can_sign()) return fail("JWT key id " + std::string(kid) + " is verify-only");
  signer_kid_ = std::string(kid);
  return {};
}

bool JwtKeyRing::remove(std::string_view kid) {
  const auto it =
      std::find_if(keys_.begin(), keys_.end(), [&](const JwtKey& k) { return k.kid() == kid; });
  if (it == keys_.end()) return false;
  if (signer_kid_ == kid) signer_kid_.clear();
  keys_.erase(it);
  return true;
}

const JwtKey* JwtKeyRing::find(std::string_view kid) const noexcept {
  for (const auto& k : keys_) {
    if (k.kid() == kid) return &k;
  }
  return nullptr;
}

const JwtKey* JwtKeyRing::signer() const noexcept {
  return signer_kid_.empty() ? nullptr : find(signer_kid_);
}

}  // namespace payd::security
