#include "security/authenticator.hpp"

#include "payd/sdk/crypto.hpp"
#include "payd/sdk/names.hpp"
#include "security/access_tokens.hpp"
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
    case AuthError::Kind::invalid_token:
      return "invalid_token";
    case AuthError::Kind::tenant_required:
      return "tenant_required";
  }
  return "invalid_key";
}

boost::asio::awaitable<Result<std::optional<store::ApiKeyRecord>, store::StoreError>>
StoreApiKeyDirectory::find(std::string lookup) {
  co_return co_await store::lookup_api_key(pool_, std::move(lookup));
}

boost::asio::awaitable<Result<std::optional<store::UserPrincipalRecord>, store::StoreError>>
StorePrincipalDirectory::find_user(std::string user_id) {
  co_return co_await store::lookup_user_principal(pool_, std::move(user_id));
}

boost::asio::awaitable<Result<std::optional<store::TokenKeyRecord>, store::StoreError>>
StorePrincipalDirectory::find_key(std::string key_id) {
  co_return co_await store::lookup_key_by_id(pool_, std::move(key_id));
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

PermissionSet key_permissions(KeyKind kind, const std::optional<std::string>& role,
                              const std::vector<std::string>& scopes) {
  if (kind == KeyKind::restricted) {
    // Only the scopes; a scope this build does not know grants nothing.
    PermissionSet granted;
    for (const auto& s : scopes) {
      if (auto p = parse_permission(s)) granted.add(*p);
    }
    return granted;
  }
  if (!role) return permissions_of(kDefaultKeyRole);
  auto r = parse_role(*role);
  return r ? permissions_of(*r) : PermissionSet{};  // an unknown role: nothing (deny)
}

boost::asio::awaitable<Result<Principal, AuthError>> Authenticator::authenticate(
    std::optional<std::string> authorization, std::optional<std::string> x_tenant) {
  using Kind = AuthError::Kind;
  if (!authorization || trim(*authorization).empty()) {
    co_return fail(error(Kind::missing_credentials));
  }
  const auto credential = credential_from_authorization(*authorization);
  if (!credential) co_return fail(error(Kind::invalid_key));
  if (settings_ != nullptr && principals_ && !has_api_key_prefix(*credential)) {
    co_return co_await authenticate_token(*credential, std::move(x_tenant));
  }
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
  p.permissions = key_permissions(*kind, record->role, record->scopes);
  co_return p;
}

namespace {

AuthError token_error(std::string why) {
  AuthError e = error(AuthError::Kind::invalid_token);
  e.token_error = std::move(why);
  return e;
}

AuthError store_error(const store::StoreError& failure) {
  AuthError e = error(AuthError::Kind::store);
  e.store_error = failure;
  return e;
}

}  // namespace

boost::asio::awaitable<Result<Principal, AuthError>> Authenticator::authenticate_token(
    std::string token, std::optional<std::string> x_tenant) {
  using Kind = AuthError::Kind;
  const auto settings = settings_->get();
  auto verified = verify_access_token(*settings, token, unix_now());
  if (!verified) {
    co_return fail(token_error(std::string(to_string(verified.error().code)) + ": " +
                               verified.error().detail));
  }
  const auto& claims = verified.value();
  auto names = [](std::string_view x, std::string_view id, std::string_view name) {
    return x == id || x == name;
  };

  Principal p;
  p.mode = claims.mode;
  p.via_token = true;
  if (claims.kind == AccessTokenClaims::Kind::key) {
    auto found = co_await principals_->find_key(claims.subject);
    if (!found) co_return fail(store_error(found.error()));
    const auto& key = found.value();
    if (!key || key->revoked) co_return fail(token_error("the issuing API key is revoked or gone"));
    const auto mode = sdk::parse_mode(key->mode);
    const auto kind = parse_key_kind(key->kind);
    if (!mode || !kind || *mode != claims.mode || key->tenant_id != *claims.tenant_id) {
      co_return fail(token_error("claims disagree with the issuing key"));
    }
    const auto display = display_key(*kind, *mode, key->last4);
    if (x_tenant && !names(*x_tenant, key->tenant_id, key->tenant_name)) {
      co_return fail(error(Kind::tenant_mismatch, display));
    }
    // Never wider than the key holds now: a key narrowed after the exchange narrows its
    // tokens too. A scope this build does not know grants nothing.
    PermissionSet scoped;
    for (const auto& s : claims.scopes) {
      if (auto perm = parse_permission(s)) scoped.add(*perm);
    }
    p.tenant_id = key->tenant_id;
    p.tenant_name = key->tenant_name;
    p.key_id = key->id;
    p.key_kind = *kind;
    p.actor = "api_key:" + display;
    p.scopes = claims.scopes;
    p.role = key->role;
    p.permissions = key_permissions(*kind, key->role, key->scopes).intersect(scoped);
    co_return p;
  }

  auto found = co_await principals_->find_user(claims.subject);
  if (!found) co_return fail(store_error(found.error()));
  const auto& user = found.value();
  if (!user || user->disabled) co_return fail(token_error("the user is disabled or gone"));
  const store::MembershipRecord* chosen = nullptr;
  if (claims.tenant_id) {
    // A token bound to one tenant at login: X-Tenant may only repeat it.
    for (const auto& m : user->memberships) {
      if (m.tenant_id == *claims.tenant_id) chosen = &m;
    }
    if (chosen == nullptr) co_return fail(error(Kind::tenant_mismatch));
    if (x_tenant && !names(*x_tenant, chosen->tenant_id, chosen->tenant_name)) {
      co_return fail(error(Kind::tenant_mismatch));
    }
  } else if (x_tenant) {
    for (const auto& m : user->memberships) {
      if (names(*x_tenant, m.tenant_id, m.tenant_name)) chosen = &m;
    }
    if (chosen == nullptr) co_return fail(error(Kind::tenant_mismatch));
  } else if (user->memberships.size() == 1) {
    chosen = &user->memberships.front();
  } else if (user->memberships.empty()) {
    co_return fail(error(Kind::tenant_mismatch));
  } else {
    co_return fail(error(Kind::tenant_required));
  }
  const auto role = parse_role(chosen->role);
  p.tenant_id = chosen->tenant_id;
  p.tenant_name = chosen->tenant_name;
  p.user_id = claims.subject;
  p.actor = "user:" + claims.subject;
  p.role = chosen->role;
  p.permissions = role ? permissions_of(*role) : PermissionSet{};
  co_return p;
}

}  // namespace payd::security
