#pragma once
// API key management for a tenant (POST/GET /api/v1/api_keys, POST …/{id}/revoke):
//
//   * a key is created in the caller's mode only (a test key never mints a live one);
//   * a secret key carries a role, a restricted key explicit scopes; either way the new
//     key may hold only permissions its creator holds (no escalation through key creation:
//     403 INSUFFICIENT_PERMISSIONS naming the first one missing);
//   * the secret is returned once, by create(); only its hash is stored;
//   * revocation is effective on the very next request on every payd sharing the database
//     (keys are looked up on every request, never cached); revoking twice is a no-op that
//     returns the key as it is; a key of another tenant or mode is 404;
//   * creation and revocation write their audit rows (api_key.created, api_key.revoked) in
//     the same transaction as the change.

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "core/payment_service.hpp"
#include "http/api_error.hpp"
#include "security/authenticator.hpp"
#include "security/rbac.hpp"
#include "store/api_key_store.hpp"

namespace payd::store {
class ConnectionPool;
}

namespace payd::security {

struct NewKeyRequest {
  std::string name;
  std::optional<Role> role;                       // secret key (none: kDefaultKeyRole)
  std::optional<std::vector<Permission>> scopes;  // restricted key
};

struct CreatedKey {
  store::ApiKeyRecord record;
  std::string secret;  // the full key: shown once
};

class ApiKeyService {
 public:
  explicit ApiKeyService(store::ConnectionPool& pool) noexcept : pool_(pool) {}

  // `held`: the creator's permissions (the new key may hold no more).
  [[nodiscard]] boost::asio::awaitable<Result<CreatedKey, http::ApiError>> create(
      core::Caller caller, PermissionSet held, NewKeyRequest request);
  [[nodiscard]] boost::asio::awaitable<Result<std::vector<store::ApiKeyRecord>, http::ApiError>>
  list(core::Caller caller);
  [[nodiscard]] boost::asio::awaitable<Result<store::ApiKeyRecord, http::ApiError>> revoke(
      core::Caller caller, std::string key_id);

 private:
  store::ConnectionPool& pool_;
};

// What a key created from `request` may do (for the escalation check and responses).
[[nodiscard]] PermissionSet requested_permissions(const NewKeyRequest& request);

}  // namespace payd::security
