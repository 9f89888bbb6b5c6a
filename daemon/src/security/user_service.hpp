#pragma once
// Users: creation (`payd admin user create`) and password login for access tokens
// (docs/users.md).
//
// Login answers one way for an unknown address, a wrong password, a locked account and a
// disabled user (LoginError::Kind::invalid_credentials), and does the same work for each:
// one scrypt computation (dummy_verify when there is no hash to check), one lookup and at
// most one write. Hashing runs on the service's own threads, never on an I/O thread.
// After login.max_failures consecutive wrong passwords the account is locked for
// login.lockout; a correct password during the lockout is refused too.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "payd/sdk/types.hpp"
#include "security/access_tokens.hpp"
#include "security/auth_settings.hpp"
#include "security/rbac.hpp"
#include "security/request_facts.hpp"
#include "store/store_error.hpp"
#include "store/user_store.hpp"

namespace payd::store {
class ConnectionPool;
}

namespace payd::security {

struct LoginRequest {
  std::string email;
  std::string password;
  std::optional<std::string> tenant;  // id or name: bind the token to it
  sdk::Mode mode = sdk::Mode::test;
};

struct LoginResult {
  IssuedToken token;
  std::string user_id;
  std::string email;
  std::vector<store::MembershipRecord> memberships;
};

struct LoginError {
  enum class Kind { invalid_credentials, not_a_member, store };
  Kind kind = Kind::invalid_credentials;
  store::StoreError store_error;
};

// Lower-case ASCII; std::nullopt unless it looks like local@domain (1..254 bytes, no
// spaces or control characters).
[[nodiscard]] std::optional<std::string> normalize_email(std::string_view email);

class LoginService {
 public:
  // Both must outlive the service. `hash_threads` bound the memory scrypt takes at once
  // (128 MiB each).
  LoginService(store::ConnectionPool& pool, const AuthSettingsHolder& settings,
               unsigned hash_threads = 2);
  ~LoginService();
  LoginService(const LoginService&) = delete;
  LoginService& operator=(const LoginService&) = delete;

  boost::asio::awaitable<Result<LoginResult, LoginError>> login(LoginRequest request,
                                                                RequestFacts facts);

 private:
  boost::asio::awaitable<bool> check_password(std::string password,
                                              std::optional<std::string> hash);

  store::ConnectionPool& pool_;
  const AuthSettingsHolder& settings_;
  boost::asio::thread_pool hashing_;
};

struct CreatedUser {
  std::string user_id;
  std::string email;
  std::string tenant_id;
  std::string tenant_name;
  std::string role;
  bool user_created = false;      // false: the address existed, a membership was added
  bool membership_added = false;  // false: it was already a member (nothing changed)
  std::optional<std::string> initial_password;  // only for a new user: shown once
};

struct CreateUserError {
  enum class Kind { unknown_tenant, store };
  Kind kind = Kind::store;
  store::StoreError store_error;
};

// For the CLI (blocking). Creates the user with a random initial password (24 base62
// characters, ~142 bits) when the address is new, and the membership. `tenant`: name or id.
[[nodiscard]] Result<CreatedUser, CreateUserError> create_user(store::ConnectionPool& pool,
                                                               const std::string& tenant,
                                                               const std::string& email, Role role);

}  // namespace payd::security
