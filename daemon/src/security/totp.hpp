#pragma once
// TOTP (RFC 6238, over HOTP RFC 4226) for MFA step-up, and recovery codes.
//
// Secrets are raw bytes (std::string); base32 is only for the otpauth URI. This file has no
// notion of users or storage: single use of a code is the caller's job, done atomically in the
// database on the (user, time step) that totp_verify returns.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace payd::security {

enum class TotpAlgorithm { sha1, sha256, sha512 };

inline constexpr int kTotpDigits = 6;
inline constexpr std::int64_t kTotpStepSeconds = 30;
inline constexpr std::size_t kTotpSecretBytes = 20;  // 160 bits, RFC 4226's recommendation
// Steps either side of the current one that verify accepts (clock skew, typing time).
inline constexpr int kTotpWindow = 1;

struct TotpParams {
  int digits = kTotpDigits;  // 6..8
  std::int64_t step = kTotpStepSeconds;
  TotpAlgorithm alg = TotpAlgorithm::sha1;
};

// HOTP value of `counter`, zero-padded to `digits`. Throws std::invalid_argument for digits
// outside 6..8 or an empty secret (programming errors, not user input).
[[nodiscard]] std::string hotp_code(std::string_view secret, std::uint64_t counter,
                                    int digits = kTotpDigits,
                                    TotpAlgorithm alg = TotpAlgorithm::sha1);

// The TOTP code for `unix_time`. Throws std::invalid_argument for a negative time or a
// non-positive step, besides hotp_code's cases.
[[nodiscard]] std::string totp_code(std::string_view secret, std::int64_t unix_time,
                                    int digits = kTotpDigits, std::int64_t step = kTotpStepSeconds,
                                    TotpAlgorithm alg = TotpAlgorithm::sha1);

// The time step (unix_time / step) whose code equals `code`, looking `window` steps either
// side of now's; std::nullopt if none. A code that is not exactly params.digits ASCII digits is
// rejected before any HMAC. Every candidate is computed and compared in constant time, so the
// timing does not tell which step matched. The caller records the returned step per user and
// refuses it (and earlier ones) next time: that is what makes a code single use.
[[nodiscard]] std::optional<std::int64_t> totp_verify(std::string_view secret,
                                                      std::string_view code, std::int64_t now,
                                                      int window = kTotpWindow,
                                                      const TotpParams& params = {});

// kTotpSecretBytes from the CSPRNG. Throws std::runtime_error if RAND_bytes fails.
[[nodiscard]] std::string generate_totp_secret();

// otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=<issuer>&algorithm=SHA1&digits=6&period=30
// with issuer and account percent-encoded (RFC 3986 unreserved characters kept). The URI holds
// the secret: show it to the enrolling user once, never log it.
[[nodiscard]] std::string otpauth_uri(std::string_view issuer, std::string_view account,
                                      std::string_view secret);

// Recovery codes: kRecoveryCodeChars characters of lower-case base32 (5 bits each, 60 bits),
// shown grouped as "abcd-efgh-2345". They are random, so a plain SHA-256 is enough for storage.
inline constexpr std::size_t kRecoveryCodeChars = 12;
inline constexpr std::size_t kRecoveryCodeGroup = 4;

// `n` fresh codes, formatted with dashes. Throws std::runtime_error if RAND_bytes fails.
[[nodiscard]] std::vector<std::string> generate_recovery_codes(std::size_t n = 10);

// The canonical form of what a user typed: dashes and spaces dropped, lower-cased; std::nullopt
// unless exactly kRecoveryCodeChars base32 characters remain.
[[nodiscard]] std::optional<std::string> normalize_recovery_code(std::string_view typed);

// SHA-256 (32 raw bytes) of the normalized code; std::nullopt if it does not normalize.
[[nodiscard]] std::optional<std::string> hash_recovery_code(std::string_view typed);

// Whether `typed` hashes to `stored_hash`, compared with CRYPTO_memcmp.
[[nodiscard]] bool verify_recovery_code(std::string_view typed, std::string_view stored_hash);

}  // namespace payd::security
