#pragma once
// Password hashing for users: scrypt (RFC 7914) through OpenSSL's EVP_KDF, stored as a
// PHC-style string that carries its own parameters, so costs can rise later and old hashes
// still verify (then needs_rehash says to upgrade them at the next successful login):
//
//   $scrypt$ln=17,r=8,p=1$<base64 salt>$<base64 hash>     (standard alphabet, no padding)
//
// Defaults are OWASP's scrypt recommendation: N=2^17, r=8, p=1 (128 MiB, ~0.3 s here),
// 16-byte random salt, 32-byte output.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace payd::security {

struct ScryptParams {
  int log2_n = 17;  // N = 2^log2_n
  std::uint32_t r = 8;
  std::uint32_t p = 1;
};

inline constexpr std::size_t kPasswordSaltBytes = 16;
inline constexpr std::size_t kPasswordHashBytes = 32;
inline constexpr std::size_t kMinPasswordChars = 12;    // Unicode code points
inline constexpr std::size_t kMaxPasswordBytes = 1024;  // bounds the work an attacker can ask for

// Whether a new password is acceptable: at least 12 characters (Unicode code points),
// at most 1024 bytes. The error says which rule failed, never the password.
[[nodiscard]] Result<void> check_password_policy(std::string_view password);

// A fresh salt from the CSPRNG and the PHC string. `params` other than the default are for
// tests (cheap hashes) and future cost increases. Throws std::invalid_argument for parameters
// verify_password would refuse, std::runtime_error if OpenSSL fails.
[[nodiscard]] std::string hash_password(std::string_view password, const ScryptParams& params = {});

// Whether `password` matches `stored`, the final comparison in constant time. False (without
// hashing) for a malformed string, parameters beyond the accepted bounds (a planted string
// must not make us allocate gigabytes or burn minutes), or a password over kMaxPasswordBytes.
[[nodiscard]] bool verify_password(std::string_view password, std::string_view stored);

// The same work as verify_password against a default-parameter hash, always false: call it
// for an unknown user so that the answer and its timing match a wrong password.
[[nodiscard]] bool dummy_verify(std::string_view password);

// Whether `stored` was made with other parameters than `target` (or does not parse): hash the
// password again after a successful verification.
[[nodiscard]] bool needs_rehash(std::string_view stored, const ScryptParams& target = {});

// The parameters of a stored string, if it parses and they are within bounds.
[[nodiscard]] Result<ScryptParams> parse_password_params(std::string_view stored);

}  // namespace payd::security
