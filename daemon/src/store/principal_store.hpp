#pragma once
// The per-request lookups behind a JWT (security/authenticator.hpp): who the token's user
// is now (memberships and roles change without new tokens), and whether the API key a
// token was exchanged for still exists unrevoked. One indexed autocommit query each, never
// cached, so a revocation or a removed membership is effective on the next request.

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/store_error.hpp"
#include "store/user_store.hpp"

namespace payd::store {

class ConnectionPool;

struct UserPrincipalRecord {
  bool disabled = false;
  std::vector<MembershipRecord> memberships;
};

// std::nullopt: no such user.
[[nodiscard]] boost::asio::awaitable<Result<std::optional<UserPrincipalRecord>, StoreError>>
lookup_user_principal(ConnectionPool& pool, std::string user_id);

struct TokenKeyRecord {
  std::string id;
  std::string tenant_id;
  std::string tenant_name;
  std::string mode;
  std::string kind;
  std::string last4;
  std::optional<std::string> role;
  std::vector<std::string> scopes;
  bool revoked = false;
};

// The API key with this id (not the lookup: a token carries the key's id, never the key).
[[nodiscard]] boost::asio::awaitable<Result<std::optional<TokenKeyRecord>, StoreError>>
lookup_key_by_id(ConnectionPool& pool, std::string key_id);

[[nodiscard]] Statements principal_statements();

}  // namespace payd::store
