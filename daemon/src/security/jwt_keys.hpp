#pragma once
// JWT keys and the key ring: which keys sign and verify payd's JWTs (jwt.hpp).
//
// Each key pins one algorithm. A token's `kid` only selects a key; the algorithm that checks
// the signature is always the key's own, never the token's `alg` (that is what defeats
// `alg: none` and HS256-with-a-public-key confusion).
//
// Rotation: a ring holds several keys, at most one of them the current signer; the others
// verify only, until removed. A ring is not synchronized: build it, then share it as
// std::shared_ptr<const JwtKeyRing> and swap the pointer to rotate.

#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace payd::security {

enum class JwtAlg { hs256, eddsa };

[[nodiscard]] std::string_view to_string(JwtAlg alg) noexcept;  // "HS256" | "EdDSA"
[[nodiscard]] Result<JwtAlg> parse_jwt_alg(std::string_view name);

inline constexpr std::size_t kMinHs256SecretBytes = 32;

class JwtKey {
 public:
  // An HMAC-SHA256 key; fails for a secret shorter than kMinHs256SecretBytes.
  [[nodiscard]] static Result<JwtKey> hs256(std::string kid, std::string_view secret);
  // An Ed25519 key from PEM: a private key (PKCS#8 "PRIVATE KEY") signs and verifies, a public
  // key ("PUBLIC KEY", SPKI) only verifies. Fails for any other key type or bad PEM.
  [[nodiscard]] static Result<JwtKey> eddsa_pem(std::string kid, std::string_view pem);

  JwtKey(const JwtKey&) = default;
  JwtKey& operator=(const JwtKey&) = default;
  JwtKey(JwtKey&&) noexcept = default;
  JwtKey& operator=(JwtKey&&) noexcept = default;
  ~JwtKey();

  [[nodiscard]] const std::string& kid() const noexcept { return kid_; }
  [[nodiscard]] JwtAlg alg() const noexcept { return alg_; }
  [[nodiscard]] bool can_sign() const noexcept { return can_sign_; }

  // The raw signature of `signing_input`. Throws std::logic_error for a verify-only key and
  // std::runtime_error if OpenSSL fails.
  [[nodiscard]] std::string sign(std::string_view signing_input) const;
  // Whether `signature` is this key's signature of `signing_input` (HMAC compared in constant
  // time).
  [[nodiscard]] bool verify(std::string_view signing_input, std::string_view signature) const;

  // EdDSA: the public key as SPKI PEM (to give verifiers); "" for HS256.
  [[nodiscard]] std::string public_pem() const;

 private:
  JwtKey() = default;
  std::string kid_;
  JwtAlg alg_ = JwtAlg::hs256;
  bool can_sign_ = false;
  std::string secret_;              // HS256
  std::shared_ptr<EVP_PKEY> pkey_;  // EdDSA
};

// A key from a file. HS256: the file holds base64 (standard alphabet, a trailing newline
// allowed) of at least 32 bytes, or else is taken verbatim as the secret (at least 32 bytes).
// EdDSA: PEM as for JwtKey::eddsa_pem. Files holding secret material (an HS256 secret, a
// private key) must not be accessible by group or others. Errors name the file, never the key.
[[nodiscard]] Result<JwtKey> load_jwt_key(std::string kid, JwtAlg alg, const std::string& path);

// A new Ed25519 private key as PKCS#8 PEM (for `payd admin` key generation and tests). Throws
// std::runtime_error if OpenSSL fails.
[[nodiscard]] std::string generate_ed25519_private_pem();

class JwtKeyRing {
 public:
  // Fails for an empty kid or one already in the ring.
  Result<void> add(JwtKey key);
  // Makes `kid` the key that signs; fails if absent or verify-only.
  Result<void> set_signer(std::string_view kid);
  // Whether a key was removed; removing the signer leaves the ring without one.
  bool remove(std::string_view kid);

  [[nodiscard]] const JwtKey* find(std::string_view kid) const noexcept;
  [[nodiscard]] const JwtKey* signer() const noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return keys_.size(); }

 private:
  std::vector<JwtKey> keys_;
  std::string signer_kid_;
};

}  // namespace payd::security
