#include "security/user_service.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/ids.hpp"
#include "core/random_text.hpp"
#include "payd/sdk/names.hpp"
#include "security/password_hash.hpp"
#include "store/audit_store.hpp"
#include "store/connection_pool.hpp"
#include "store/tenant_store.hpp"

namespace payd::security {

namespace asio = boost::asio;

namespace {

constexpr std::size_t kMaxEmailBytes = 254;
constexpr std::size_t kInitialPasswordChars = 24;

std::int64_t seconds_of(std::chrono::milliseconds d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

LoginError login_error(LoginError::Kind kind) {
  LoginError e;
  e.kind = kind;
  return e;
}

LoginError store_failure(const store::StoreError& failure) {
  LoginError e = login_error(LoginError::Kind::store);
  e.store_error = failure;
  return e;
}

}  // namespace

std::optional<std::string> normalize_email(std::string_view email) {
  if (email.empty() || email.size() > kMaxEmailBytes) return std::nullopt;
  std::string out;
  out.reserve(email.size());
  for (char c : email) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return std::nullopt;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  const auto at = out.find('@');
  if (at == 0 || at == std::string::npos || at + 1 == out.size() ||
      out.find('@', at + 1) != std::string::npos) {
    return std::nullopt;
  }
  return out;
}

LoginService::LoginService(store::ConnectionPool& pool, const AuthSettingsHolder& settings,
                           unsigned hash_threads)
    : pool_(pool), settings_(settings), hashing_(hash_threads) {}

LoginService::~LoginService() {
  hashing_.join();
}

asio::awaitable<bool> LoginService::check_password(std::string password,
                                                   std::optional<std::string> hash) {
  // The work runs on the hashing pool; the result is posted back to this coroutine's own
  // executor (the awaitable handler's), so the I/O thread never computes scrypt.
  auto& pool = hashing_;
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(bool)>(
      [&pool](auto handler, std::string pw, std::optional<std::string> stored) {
        auto home = asio::get_associated_executor(handler);
        asio::post(pool, [handler = std::move(handler), home, pw = std::move(pw),
                          stored = std::move(stored)]() mutable {
          const bool ok = stored ? verify_password(pw, *stored) : dummy_verify(pw);
          asio::post(home,
                     [handler = std::move(handler), ok]() mutable { std::move(handler)(ok); });
        });
      },
      asio::use_awaitable, std::move(password), std::move(hash));
}

asio::awaitable<Result<LoginResult, LoginError>> LoginService::login(LoginRequest request,
                                                                     RequestFacts facts) {
  const auto settings = settings_.get();
  const auto& policy = settings->config.login;
  const auto email = normalize_email(request.email);

  std::optional<store::UserRecord> user;
  std::vector<store::MembershipRecord> memberships;
  if (email) {
    auto r = co_await pool_.read_once(
        [&](store::Tx& tx) { user = store::find_user_by_email(tx, *email); });
    if (!r) co_return fail(store_failure(r.error()));
  }
  const bool usable = user && !user->disabled;
  // The same scrypt work whatever the case; the result counts only for a usable account.
  // Named, not temporaries: GCC 12 destroys some temporaries of a co_await expression twice.
  std::optional<std::string> stored_hash;
  if (usable) stored_hash = user->password_hash;
  std::string password = std::move(request.password);
  const bool password_ok = co_await check_password(std::move(password), std::move(stored_hash));
  const bool ok = usable && password_ok && !user->locked;

  if (!ok) {
    std::string reason = !user            ? "unknown_user"
                         : user->disabled ? "disabled"
                         : user->locked   ? "locked"
                                          : "wrong_password";
    bool locked_now = false;
    auto r = co_await pool_.transact([&](store::Tx& tx) {
      if (usable && !user->locked) {
        locked_now = store::record_login_failure(tx, user->id, policy.max_failures,
                                                 seconds_of(policy.lockout));
      }
      // The platform chain: a failed login belongs to no tenant yet. The typed address is not
      // recorded for an unknown user (people type passwords into the wrong field).
      auto e = audit_entry(facts, "", user ? "user:" + user->id : "anonymous", "auth.login.failed",
                           user ? "user:" + user->id : "", core::AuditOutcome::failure);
      e.details["reason"] = reason;
      if (locked_now) e.details["locked"] = true;
      (void)store::append_audit(tx, e);
    });
    if (!r) co_return fail(store_failure(r.error()));
    co_return fail(login_error(LoginError::Kind::invalid_credentials));
  }

  LoginResult out;
  out.user_id = user->id;
  out.email = user->email;
  std::optional<std::string> bound_tenant;
  bool member = true;
  const auto ttl = seconds_of(settings->config.jwt.access_token_ttl);
  AccessTokenClaims claims;
  claims.kind = AccessTokenClaims::Kind::user;
  claims.subject = user->id;
  claims.mode = request.mode;
  auto r = co_await pool_.transact([&](store::Tx& tx) {
    memberships = store::list_memberships(tx, user->id);
    if (request.tenant) {
      member = false;
      for (const auto& m : memberships) {
        if (m.tenant_id == *request.tenant || m.tenant_name == *request.tenant) {
          bound_tenant = m.tenant_id;
          member = true;
        }
      }
      if (!member) {
        tx.rollback();
        return;
      }
    }
    store::record_login_success(tx, user->id);
    claims.tenant_id = bound_tenant;
    out.token = issue_access_token(*settings, claims, unix_now(), ttl);
    auto e = audit_entry(facts, bound_tenant.value_or(""), "user:" + user->id,
                         "auth.login.succeeded", "user:" + user->id, core::AuditOutcome::success);
    e.details["mode"] = sdk::to_string(request.mode);
    (void)store::append_audit(tx, e);
    auto issued = audit_entry(facts, bound_tenant.value_or(""), "user:" + user->id,
                              "auth.token.issued", "user:" + user->id, core::AuditOutcome::success);
    issued.details["jti"] = out.token.jti;
    issued.details["expires_in"] = ttl;
    (void)store::append_audit(tx, issued);
  });
  if (!r) co_return fail(store_failure(r.error()));
  if (!member) co_return fail(login_error(LoginError::Kind::not_a_member));
  out.memberships = std::move(memberships);
  co_return out;
}

Result<CreatedUser, CreateUserError> create_user(store::ConnectionPool& pool,
                                                 const std::string& tenant,
                                                 const std::string& email, Role role) {
  CreatedUser out;
  out.email = email;
  out.role = std::string(to_string(role));
  // Generated and hashed before the transaction (which may run more than once).
  const std::string password = core::random_base62(kInitialPasswordChars);
  const std::string hash = hash_password(password);
  const std::string new_id = core::new_id("usr");
  bool tenant_found = false;
  auto r = pool.transact_blocking([&](store::Tx& tx) {
    auto t = store::find_tenant_by_name(tx, tenant);
    if (!t) t = store::find_tenant_by_id(tx, tenant);
    tenant_found = t.has_value();
    if (!t) return;
    out.tenant_id = t->id;
    out.tenant_name = t->name;
    auto existing = store::find_user_by_email(tx, email);
    out.user_created = !existing;
    if (existing) {
      out.user_id = existing->id;
    } else {
      out.user_id = new_id;
      store::insert_user(tx, new_id, email, hash);
    }
    out.membership_added = store::add_membership(tx, out.user_id, t->id, out.role);
    if (out.user_created || out.membership_added) {
      core::AuditEntry e;
      e.tenant_id = t->id;
      e.actor = "system";
      e.action = out.user_created ? "user.created" : "user.membership_added";
      e.target = "user:" + out.user_id;
      e.details["role"] = out.role;
      e.details["via"] = "cli";
      (void)store::append_audit(tx, e);
    }
  });
  if (!r) {
    CreateUserError e;
    e.store_error = r.error();
    return fail(std::move(e));
  }
  if (!tenant_found) return fail(CreateUserError{CreateUserError::Kind::unknown_tenant, {}});
  if (out.user_created) out.initial_password = password;
  return out;
}

}  // namespace payd::security
