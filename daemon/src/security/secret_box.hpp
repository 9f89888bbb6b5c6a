#pragma once
// Sealing small secrets at rest (TOTP seeds) with AES-256-GCM under a key-encryption key
// (KEK) that lives in a file or a systemd credential, never in the database: a database dump
// alone reveals no seed.
//
// Sealed layout (bytes):
//   0x01 | kek id (4) | nonce (12, random) | ciphertext | tag (16)
// The version byte and kek id are authenticated with the caller's AAD. The kek id is the
// first 4 bytes of SHA-256("payd-kek-id\0" || key): it lets a caller holding several KEKs
// (rotation) pick the right one, and reveals nothing usable about the key.
// The AAD must bind the value to its row (e.g. "mfa_totp:" + user id), so a sealed seed copied
// to another user's row does not open.
// Random 96-bit nonces are safe for far more than 2^32 seals per key, far beyond MFA needs.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace payd::security {

inline constexpr std::size_t kKekBytes = 32;
inline constexpr std::size_t kKekIdBytes = 4;
inline constexpr std::size_t kSecretBoxNonceBytes = 12;
inline constexpr std::size_t kSecretBoxTagBytes = 16;
inline constexpr std::size_t kSecretBoxOverhead =
    1 + kKekIdBytes + kSecretBoxNonceBytes + kSecretBoxTagBytes;  // 33

// A 256-bit key-encryption key. Copies are wiped on destruction.
class Kek {
 public:
  // Throws std::invalid_argument unless `key` is exactly kKekBytes bytes.
  explicit Kek(std::string_view key);
  Kek(const Kek&) = default;
  Kek& operator=(const Kek&) = default;
  ~Kek();

  [[nodiscard]] const unsigned char* data() const noexcept { return key_.data(); }
  [[nodiscard]] const std::array<unsigned char, kKekIdBytes>& id() const noexcept { return id_; }
  // Lower-case hex of id(), for logs ("sealed under kek 1a2b3c4d").
  [[nodiscard]] std::string id_hex() const;

 private:
  std::array<unsigned char, kKekBytes> key_{};
  std::array<unsigned char, kKekIdBytes> id_{};
};

enum class SecretBoxError {
  malformed,              // too short to hold the header and tag
  unknown_version,        // first byte is not 0x01
  wrong_key,              // sealed under another KEK (kek id differs)
  authentication_failed,  // tampered ciphertext, tag, nonce or header, or wrong AAD
};
[[nodiscard]] std::string_view to_string(SecretBoxError e) noexcept;

// Throws std::runtime_error only if OpenSSL fails (allocation, RNG).
[[nodiscard]] std::string seal(const Kek& kek, std::string_view plaintext, std::string_view aad);

[[nodiscard]] Result<std::string, SecretBoxError> open(const Kek& kek, std::string_view sealed,
                                                       std::string_view aad);

// Lower-case hex of the kek id a sealed value names, or "" if too short: picks the KEK to
// open it with during a rotation, and finds the rows still sealed under an old KEK.
[[nodiscard]] std::string sealed_kek_id_hex(std::string_view sealed);

// A KEK from a file holding exactly 32 raw bytes, or 64 hex characters, or base64 of 32 bytes
// (a trailing newline allowed for the last two). The file must be a regular file that group
// and others cannot access. Errors name the file, never its contents.
[[nodiscard]] Result<Kek> load_kek(const std::string& path);

// The same from systemd credential `name`, i.e. $CREDENTIALS_DIRECTORY/<name>.
[[nodiscard]] Result<Kek> load_kek_credential(std::string_view name);

}  // namespace payd::security
