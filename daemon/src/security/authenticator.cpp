#include "security/authenticator.hpp"

#include "payd/sdk/crypto.hpp"
#include "payd/sdk/names.hpp"
#include "store/connection_pool.hpp"

namespace payd::security {

namespace {

constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool iequals_ascii(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool has_space(std::string_view s) noexcept {
  for (char c : s) {
    if (is_space(c)) return true;
  }
  return false;
}

AuthError error(AuthError::Kind kind, std::string display = {}) {
  AuthError e;
  e.kind = kind;
  e.display = std::move(display);
  return e;
}

}  // namespace

std::string_view to_string(AuthError::Kind kind) noexcept {
  switch (kind) {
    case AuthError::Kind::missing_credentials:
      return "missing_credentials";
    case AuthError::Kind::invalid_key:
      return "invalid_key";
    case AuthError::Kind::revoked_key:
      return "revoked_key";
    case AuthError::Kind::tenant_mismatch:
      return "tenant_mismatch";
    case AuthError::Kind::store:
      return "store";
  }
  return "invalid_key";
}

boost::asio::awaitable<Result<std::optional<store::ApiKeyRecord>, store::StoreError>>
StoreApiKeyDirectory::find(std::string lookup) {
  co_return co_await store::lookup_api_key(pool_, std::move(lookup));
}

std::optional<std::string> credential_from_authorization(std::string_view value) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  const auto space = value.find_first_of(" \t");
  if (space == std::string_view::npos) {
    // The bare key, without a scheme.
    if (has_api_key_prefix(value)) return std::string(value);
    return std::nullopt;
  }
  const auto scheme = value.substr(0, space);
  const auto rest = trim(value.substr(space + 1));
  if (rest.empty() || has_space(rest)) return std::nullopt;
  if (iequals_ascii(scheme, "Bearer")) return std::string(rest);
  if (iequals_ascii(scheme, "Basic")) {
    auto decoded = sdk::base64_decode(rest);
    if (!decoded) return std::nullopt;
    const std::string& pair = decoded.value();
    const auto colon = pair.find(':');
    if (colon == std::string::npos || colon + 1 != pair.size() || colon == 0) return std::nullopt;
    return pair.substr(0, colon);
  }
  return std::nullopt;
}

Authenticator::Authenticator(store::ConnectionPool& pool)
    : directory_(std::make_shared<StoreApiKeyDirectory>(pool)) {}

Authenticator::Authenticator(std::shared_ptr<ApiKeyDirectory> directory)
    : directory_(std::move(directory)) {}

boost::asio::awaitable<Result<Principal, AuthError>> Authenticator::authenticate(
    std::optional<std::string> authorization, std::optional<std::string> x_tenant) {
  using Kind = AuthError::Kind;
  if (!authorization || trim(*authorization).empty()) {
    co_return fail(error(Kind::missing_credentials));
  }
  const auto credential = credential_from_authorization(*authorization);
  if (!credential) co_return fail(error(Kind::invalid_key));
  const auto parsed = parse_api_key(*credential);
  if (!parsed) co_return fail(error(Kind::invalid_key));
  std::string display = display_key(parsed->kind, parsed->mode, parsed->last4);

  auto found = co_await directory_->find(std::string(parsed->lookup));
  if (!found) {
    AuthError e = error(Kind::store, std::move(display));
    e.store_error = found.error();
    co_return fail(std::move(e));
  }
  const auto& record = found.value();
  // An unknown lookup still costs one hash and one comparison, like a wrong secret.
  static const std::string kNoHash(kKeyHashLength, '\0');
  const bool verified = verify_api_key(*credential, record ? record->secret_hash : kNoHash);
  if (!record || !verified) co_return fail(error(Kind::invalid_key, std::move(display)));

  // The hash covers the prefix too, so these agree unless the row was edited by hand.
  const auto mode = sdk::parse_mode(record->mode);
  const auto kind = parse_key_kind(record->kind);
  if (!mode || !kind || *mode != parsed->mode || *kind != parsed->kind) {
    co_return fail(error(Kind::invalid_key, std::move(display)));
  }
  if (record->revoked()) co_return fail(error(Kind::revoked_key, std::move(display)));

  if (x_tenant && *x_tenant != record->tenant_id && *x_tenant != record->tenant_name) {
    co_return fail(error(Kind::tenant_mismatch, std::move(display)));
  }

  Principal p;
  p.tenant_id = record->tenant_id;
  p.tenant_name = record->tenant_name;
  p.mode = *mode;
  p.key_id = record->id;
  p.key_kind = *kind;
  p.actor = "api_key:" + display;
  p.scopes = record->scopes;
  p.role = record->role;
  co_return p;
}

}  // namespace payd::security
