#include "config/secret_resolver.hpp"

#include <cstdlib>
#include <filesystem>

#include "config/file_contents.hpp"

namespace payd::config {
namespace {

// Secrets are connection strings, tokens and keys; anything bigger is a wrong path.
constexpr std::size_t kMaxSecretFileBytes = std::size_t{64} * 1024;

constexpr std::string_view kFilePrefix = "file:";
constexpr std::string_view kCredentialPrefix = "credential:";

const char* lookup_env(const SecretSources& sources, const char* name) {
  return sources.getenv != nullptr ? sources.getenv(name)
                                   : std::getenv(name);  // NOLINT(concurrency-mt-unsafe)
}

bool is_env_name(std::string_view name) {
  if (name.empty() || (name.front() >= '0' && name.front() <= '9')) return false;
  for (const char c : name) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// Files written by editors and `echo` end in a newline that is not part of the secret.
std::string trim_trailing_newlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

Result<Secret, std::string> from_env(std::string_view name, const SecretSources& sources) {
  if (!is_env_name(name)) {
    return fail(std::string("${...} needs a variable name made of letters, digits and _"));
  }
  const std::string var(name);
  const char* value = lookup_env(sources, var.c_str());
  if (value == nullptr) return fail("environment variable " + var + " is not set");
  if (*value == '\0') return fail("environment variable " + var + " is empty");
  return Secret(value);
}

Result<Secret, std::string> from_file(const std::filesystem::path& path,
                                      const std::string& description) {
  auto contents = read_file_contents(path, kMaxSecretFileBytes);
  if (!contents) return fail("cannot read " + description + ": " + contents.error());
  std::string value = trim_trailing_newlines(std::move(contents).value());
  if (value.empty()) return fail(description + " is empty");
  return Secret(std::move(value));
}

Result<Secret, std::string> from_credential(std::string_view name, const SecretSources& sources) {
  const std::string credential(name);
  if (credential.empty() || credential == "." || credential == ".." ||
      credential.find('/') != std::string::npos) {
    return fail(std::string("credential:NAME needs a plain file name"));
  }
  std::string directory = sources.credentials_directory;
  if (directory.empty()) {
    const char* from_env = lookup_env(sources, "CREDENTIALS_DIRECTORY");
    if (from_env != nullptr) directory = from_env;
  }
  if (directory.empty()) {
    return fail("credential:" + credential +
                " needs $CREDENTIALS_DIRECTORY (set by systemd LoadCredential=)");
  }
  const std::filesystem::path path = std::filesystem::path(directory) / credential;
  return from_file(path, "credential " + credential + " (" + path.string() + ")");
}

}  // namespace

Result<Secret, std::string> resolve_secret(std::string_view reference,
                                           const SecretSources& sources) {
  if (reference.empty()) return fail(std::string("must not be empty"));
  if (reference.starts_with("${") && reference.ends_with("}")) {
    return from_env(reference.substr(2, reference.size() - 3), sources);
  }
  // A literal with ${...} inside would otherwise be used verbatim, and the operator would
  // debug a login failure instead of reading this message.
  if (reference.find("${") != std::string_view::npos) {
    return fail(std::string("${NAME} must be the whole value; interpolation is not supported"));
  }
  if (reference.starts_with(kFilePrefix)) {
    const std::filesystem::path path(reference.substr(kFilePrefix.size()));
    if (!path.is_absolute()) {
      return fail(std::string("file:PATH needs an absolute path"));
    }
    return from_file(path, "secret file " + path.string());
  }
  if (reference.starts_with(kCredentialPrefix)) {
    return from_credential(reference.substr(kCredentialPrefix.size()), sources);
  }
  return Secret(std::string(reference));
}

void read_secret(MappingReader& reader, std::string_view key, std::optional<Secret>& out,
                 const SecretSources& sources) {
  const auto node = reader.field(key);
  if (!node) return;
  if (!node->IsScalar()) {
    reader.error(*node, key,
                 "expected a secret: a literal, ${ENV_NAME}, file:/abs/path or credential:NAME");
    return;
  }
  auto secret = resolve_secret(node->Scalar(), sources);
  if (!secret) {
    reader.error(*node, key, secret.error());
    return;
  }
  out = std::move(secret).value();
}

}  // namespace payd::config
