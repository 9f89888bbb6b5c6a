#pragma once
// Who is calling: turns the Authorization and X-Tenant headers of a request into a
// Principal (tenant, mode, key), or says why not. HTTP-free: api/authenticated.hpp maps
// the outcome to responses.
//
// Accepted credentials (the key is always a full API key, see api_key.hpp):
//   Authorization: Bearer sk_test_...        (scheme case-insensitive)
//   Authorization: Basic base64(sk_test_...:) the key as user name, empty password, as
//                                            Stripe accepts it (curl -u sk_test_...:)
//   Authorization: sk_test_...               the bare key (front-door-api.md shows it)
//
// Rules:
//   * no Authorization                               -> missing_credentials
//   * malformed key (checked before any query)       -> invalid_key
//   * unknown lookup, wrong secret (constant time)   -> invalid_key, indistinguishable
//   * revoked key (the secret verified)              -> revoked_key
//   * X-Tenant present and neither the key's tenant id nor its name -> tenant_mismatch
//   * the key store failing                          -> store (with the StoreError)
// Nothing is cached: every call does one indexed lookup, so a revocation is effective on
// the next request (#5 may add a cache that revocation invalidates).
//
// With tokens enabled (an `auth:` section, enable_tokens), a Bearer credential that does not
// start like an API key is verified as one of payd's JWTs (access_tokens.hpp):
//   * any JWT failure (signature, alg, kid, typ, iss, aud, exp/nbf/iat, claims), a
//     disabled or unknown user, the issuing key revoked or gone   -> invalid_token
//   * a user token: X-Tenant picks the tenant (id or name) among the user's memberships;
//     required when there are several (tenant_required), a tenant the user is not a member
//     of (or not the token's own tenant) -> tenant_mismatch. Permissions: the membership
//     role's, looked up on every request. Actor "user:usr_…".
//   * a key token: tenant, mode and scopes from the claims, narrowed again to what the key
//     holds now; the key is looked up on every request, so revoking it kills its tokens.

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "payd/sdk/types.hpp"
#include "security/api_key.hpp"
#include "security/auth_settings.hpp"
#include "security/rbac.hpp"
#include "store/api_key_store.hpp"
#include "store/principal_store.hpp"
#include "store/store_error.hpp"

namespace payd::store {
class ConnectionPool;
}

namespace payd::security {

struct Principal {
  std::string tenant_id;
  std::string tenant_name;
  sdk::Mode mode = sdk::Mode::test;  // fixed by the key: test keys see only test data
  std::string key_id;                // api_keys.id
  KeyKind key_kind = KeyKind::secret;
  std::string actor;                // for logs and audit: "api_key:sk_test_…abcd"
  std::vector<std::string> scopes;  // restricted keys: exactly what they may do
  std::optional<std::string> role;  // secret keys (none: kDefaultKeyRole)
  PermissionSet permissions;        // what the caller holds (security/rbac.hpp)
  std::string user_id;              // a user's JWT: "usr_…"; empty for API keys
  bool via_token = false;           // authenticated by a JWT (user or key token)

  [[nodiscard]] bool is_user() const noexcept { return !user_id.empty(); }
};

// What a key of this kind, role and scopes may do (see rbac.hpp).
[[nodiscard]] PermissionSet key_permissions(KeyKind kind, const std::optional<std::string>& role,
                                            const std::vector<std::string>& scopes);

struct AuthError {
  enum class Kind {
    missing_credentials,
    invalid_key,
    revoked_key,
    tenant_mismatch,
    store,
    invalid_token,    // a JWT that does not verify, or whose user or key is gone
    tenant_required,  // a user of several tenants sent no X-Tenant
  };
  Kind kind = Kind::invalid_key;
  store::StoreError store_error;  // kind == store
  // For the log line only: the display form of the presented key when it was well formed
  // ("sk_test_…abcd"), never the key.
  std::string display;
  // invalid_token: why, for the log line (a JwtErrorCode name and detail), never the token.
  std::string token_error;
};

[[nodiscard]] std::string_view to_string(AuthError::Kind kind) noexcept;

// Where keys are looked up: the database in production, a fake in unit tests, a cache
// with invalidation later.
class ApiKeyDirectory {
 public:
  virtual ~ApiKeyDirectory() = default;
  // The key with this lookup (revoked or not), or std::nullopt.
  virtual boost::asio::awaitable<Result<std::optional<store::ApiKeyRecord>, store::StoreError>>
  find(std::string lookup) = 0;
};

// Where the subjects of JWTs are looked up: the database in production, fakes in tests.
class PrincipalDirectory {
 public:
  virtual ~PrincipalDirectory() = default;
  virtual boost::asio::awaitable<
      Result<std::optional<store::UserPrincipalRecord>, store::StoreError>>
  find_user(std::string user_id) = 0;
  virtual boost::asio::awaitable<Result<std::optional<store::TokenKeyRecord>, store::StoreError>>
  find_key(std::string key_id) = 0;
};

class StorePrincipalDirectory final : public PrincipalDirectory {
 public:
  explicit StorePrincipalDirectory(store::ConnectionPool& pool) noexcept : pool_(pool) {}
  boost::asio::awaitable<Result<std::optional<store::UserPrincipalRecord>, store::StoreError>>
  find_user(std::string user_id) override;
  boost::asio::awaitable<Result<std::optional<store::TokenKeyRecord>, store::StoreError>> find_key(
      std::string key_id) override;

 private:
  store::ConnectionPool& pool_;
};

// The database, through store::lookup_api_key (one autocommit query per call).
class StoreApiKeyDirectory final : public ApiKeyDirectory {
 public:
  explicit StoreApiKeyDirectory(store::ConnectionPool& pool) noexcept : pool_(pool) {}
  boost::asio::awaitable<Result<std::optional<store::ApiKeyRecord>, store::StoreError>> find(
      std::string lookup) override;

 private:
  store::ConnectionPool& pool_;
};

// The credential in an Authorization header value (see the accepted forms above), or
// std::nullopt when the value has none of those forms. Not validated as a key.
[[nodiscard]] std::optional<std::string> credential_from_authorization(std::string_view value);

class Authenticator {
 public:
  explicit Authenticator(store::ConnectionPool& pool);
  explicit Authenticator(std::shared_ptr<ApiKeyDirectory> directory);

  // `authorization` and `x_tenant`: the header values, std::nullopt when absent (copied
  // into the coroutine, so the caller's buffers need not outlive it).
  [[nodiscard]] boost::asio::awaitable<Result<Principal, AuthError>> authenticate(
      std::optional<std::string> authorization, std::optional<std::string> x_tenant);

  // Accept payd's JWTs besides API keys. `settings` must outlive the authenticator.
  void enable_tokens(const AuthSettingsHolder* settings,
                     std::shared_ptr<PrincipalDirectory> principals) noexcept {
    settings_ = settings;
    principals_ = std::move(principals);
  }

 private:
  boost::asio::awaitable<Result<Principal, AuthError>> authenticate_token(
      std::string token, std::optional<std::string> x_tenant);

  std::shared_ptr<ApiKeyDirectory> directory_;
  const AuthSettingsHolder* settings_ = nullptr;
  std::shared_ptr<PrincipalDirectory> principals_;
};

}  // namespace payd::security
