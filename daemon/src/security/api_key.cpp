#include "security/api_key.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>

#include "core/random_text.hpp"

namespace payd::security {

using core::is_base62;
using core::random_base62;

namespace {

bool digest(std::string_view data, KeyHash& out) noexcept {
  unsigned int length = 0;
  return EVP_Digest(data.data(), data.size(), out.data(), &length, EVP_sha256(), nullptr) == 1 &&
         length == out.size();
}

}  // namespace

std::string_view to_string(KeyKind kind) noexcept {
  switch (kind) {
    case KeyKind::secret:
      return "secret";
    case KeyKind::restricted:
      return "restricted";
  }
  return "secret";
}

std::optional<KeyKind> parse_key_kind(std::string_view s) noexcept {
  if (s == "secret") return KeyKind::secret;
  if (s == "restricted") return KeyKind::restricted;
  return std::nullopt;
}

std::string_view key_prefix(KeyKind kind, sdk::Mode mode) noexcept {
  const bool live = mode == sdk::Mode::live;
  if (kind == KeyKind::restricted) return live ? "rk_live_" : "rk_test_";
  return live ? "sk_live_" : "sk_test_";
}

GeneratedApiKey generate_api_key(sdk::Mode mode, KeyKind kind) {
  GeneratedApiKey out;
  out.kind = kind;
  out.mode = mode;
  out.lookup = random_base62(kKeyLookupLength);
  out.key.reserve(kApiKeyLength);
  out.key += key_prefix(kind, mode);
  out.key += out.lookup;
  out.key += random_base62(kKeySecretLength);
  out.secret_hash = hash_api_key(out.key);
  out.last4 = out.key.substr(out.key.size() - 4);
  return out;
}

std::optional<ParsedApiKey> parse_api_key(std::string_view text) noexcept {
  if (text.size() != kApiKeyLength) return std::nullopt;
  ParsedApiKey out;
  const auto prefix = text.substr(0, kKeyPrefixLength);
  if (prefix == "sk_test_") {
    out = {KeyKind::secret, sdk::Mode::test, {}, {}};
  } else if (prefix == "sk_live_") {
    out = {KeyKind::secret, sdk::Mode::live, {}, {}};
  } else if (prefix == "rk_test_") {
    out = {KeyKind::restricted, sdk::Mode::test, {}, {}};
  } else if (prefix == "rk_live_") {
    out = {KeyKind::restricted, sdk::Mode::live, {}, {}};
  } else {
    return std::nullopt;
  }
  const auto rest = text.substr(kKeyPrefixLength);
  if (!std::all_of(rest.begin(), rest.end(), [](char c) { return is_base62(c); })) {
    return std::nullopt;
  }
  out.lookup = rest.substr(0, kKeyLookupLength);
  out.last4 = text.substr(text.size() - 4);
  return out;
}

bool has_api_key_prefix(std::string_view text) noexcept {
  return text.starts_with("sk_test_") || text.starts_with("sk_live_") ||
         text.starts_with("rk_test_") || text.starts_with("rk_live_");
}

KeyHash hash_api_key(std::string_view full_key) {
  KeyHash out{};
  if (!digest(full_key, out)) throw std::runtime_error("SHA-256 failed (OpenSSL)");
  return out;
}

bool verify_api_key(std::string_view full_key, std::string_view stored_hash) noexcept {
  KeyHash computed{};
  if (!digest(full_key, computed)) return false;
  if (stored_hash.size() != computed.size()) return false;
  return CRYPTO_memcmp(computed.data(), stored_hash.data(), computed.size()) == 0;
}

std::string display_key(KeyKind kind, sdk::Mode mode, std::string_view last4) {
  std::string out(key_prefix(kind, mode));
  out += "\u2026";  // …
  out += last4;
  return out;
}

}  // namespace payd::security
