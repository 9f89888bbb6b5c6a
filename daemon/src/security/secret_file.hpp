#pragma once
// Reading key material from files: the key-encryption key, JWT signing keys. Errors name the
// file and what is wrong with it, never its contents.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace payd::security {

// Whole files above this are refused (key files are small; a huge one is a mistake).
inline constexpr std::size_t kMaxSecretFileBytes = std::size_t{64} * 1024;

// The contents of a regular file that only its owner may access: any group or other
// permission bit (mode & 077) is refused, checked on the opened descriptor so that the file
// checked is the file read. Fails on a missing, unreadable, empty or oversized file.
[[nodiscard]] Result<std::string> read_secret_file(const std::string& path);

// The same without the permission check, for material that is not secret (public keys).
[[nodiscard]] Result<std::string> read_public_file(const std::string& path);

// $CREDENTIALS_DIRECTORY/<name> (systemd LoadCredential=/SetCredentialEncrypted=). Fails when
// the variable is unset or the name is not a plain file name.
[[nodiscard]] Result<std::string> credential_path(std::string_view name);

// `text` without trailing spaces, tabs, CR and LF (editors add a final newline).
[[nodiscard]] std::string_view trim_trailing_space(std::string_view text) noexcept;

}  // namespace payd::security
