#pragma once
// Turns a secret reference from payd.yaml into the secret itself:
//   ${ENV_NAME}          the environment variable's value
//   file:/abs/path       the file's contents, trailing newlines trimmed
//   credential:NAME      $CREDENTIALS_DIRECTORY/NAME (systemd LoadCredential=), trimmed likewise
//   anything else        the literal text
// Error messages name the key and the source, never the value.

#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "config/config_loader.hpp"
#include "config/secret.hpp"
#include "config/yaml_reader.hpp"

namespace payd::config {

// The secret `reference` points at, or why it could not be resolved (message without the key).
Result<Secret, std::string> resolve_secret(std::string_view reference,
                                           const SecretSources& sources);

// Reads `key` of `reader` as a secret reference and resolves it into `out`; absent keys leave
// `out` untouched. Use it for every secret-bearing field so all secrets share one syntax.
void read_secret(MappingReader& reader, std::string_view key, std::optional<Secret>& out,
                 const SecretSources& sources);

}  // namespace payd::config
