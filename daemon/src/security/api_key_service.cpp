#include "security/api_key_service.hpp"

#include "core/payment_service_support.hpp"
#include "core/store_failure.hpp"
#include "payd/sdk/names.hpp"
#include "security/api_key_issue.hpp"
#include "store/audit_store.hpp"
#include "store/connection_pool.hpp"

namespace payd::security {

namespace asio = boost::asio;

namespace {

http::ApiError key_not_found(std::string_view id) {
  return http::ApiError::not_found("No API key '" + std::string(id) + "' exists.");
}

}  // namespace

PermissionSet requested_permissions(const NewKeyRequest& request) {
  if (request.scopes) {
    PermissionSet s;
    for (auto p : *request.scopes) s.add(p);
    return s;
  }
  return permissions_of(request.role.value_or(kDefaultKeyRole));
}

asio::awaitable<Result<CreatedKey, http::ApiError>> ApiKeyService::create(core::Caller caller,
                                                                          PermissionSet held,
                                                                          NewKeyRequest request) {
  const auto wanted = requested_permissions(request);
  if (auto missing = held.first_missing(wanted)) {
    co_return fail(http::ApiError{
        403,
        http::ErrorType::permission,
        "INSUFFICIENT_PERMISSIONS",
        "Missing " + std::string(to_string(*missing)) +
            " permission: a key cannot be given permissions its "
            "creator does not hold.",
        request.scopes ? std::optional<std::string>("scopes") : std::optional<std::string>("role"),
        {}});
  }
  const auto kind = request.scopes ? KeyKind::restricted : KeyKind::secret;
  auto issued = issue_api_key(caller.tenant_id, caller.mode, kind, request.name);
  if (request.scopes) {
    for (auto p : *request.scopes) issued.row.scopes.emplace_back(to_string(p));
  } else {
    issued.row.role = std::string(to_string(request.role.value_or(kDefaultKeyRole)));
  }
  std::optional<store::ApiKeyRecord> stored;
  auto audit = core::detail::audit_of(caller, "api_key.created", "api_key:" + issued.row.id,
                                      core::AuditOutcome::success);
  audit.details["type"] = issued.row.kind;
  if (issued.row.role) audit.details["role"] = *issued.row.role;
  if (!issued.row.scopes.empty()) {
    boost::json::array scopes;
    for (const auto& scope : issued.row.scopes) scopes.emplace_back(scope);
    audit.details["scopes"] = std::move(scopes);
  }
  auto r = co_await pool_.transact([&](store::Tx& tx) {
    store::insert_api_key(tx, issued.row);
    core::detail::mark_idempotent_resource(tx, caller, "api_key", issued.row.id);
    (void)store::append_audit(tx, audit);
    stored = store::find_api_key(tx, caller.tenant_id, issued.row.mode, issued.row.id);
  });
  if (!r) co_return fail(core::store_failure(r.error(), caller.request_id));
  if (!stored) co_return fail(http::ApiError::internal());
  co_return CreatedKey{std::move(*stored), std::move(issued.key.key)};
}

asio::awaitable<Result<std::vector<store::ApiKeyRecord>, http::ApiError>> ApiKeyService::list(
    core::Caller caller) {
  std::vector<store::ApiKeyRecord> keys;
  const std::string mode(sdk::to_string(caller.mode));
  auto r = co_await pool_.read_once(
      [&](store::Tx& tx) { keys = store::list_api_keys(tx, caller.tenant_id, mode); });
  if (!r) co_return fail(core::store_failure(r.error(), caller.request_id));
  co_return keys;
}

asio::awaitable<Result<store::ApiKeyRecord, http::ApiError>> ApiKeyService::revoke(
    core::Caller caller, std::string key_id) {
  std::optional<store::ApiKeyRecord> after;
  const std::string mode(sdk::to_string(caller.mode));
  const auto audit = core::detail::audit_of(caller, "api_key.revoked", "api_key:" + key_id,
                                            core::AuditOutcome::success);
  auto r = co_await pool_.transact([&](store::Tx& tx) {
    if (!store::find_api_key(tx, caller.tenant_id, mode, key_id)) return;
    // Only a revocation that changed something is a new audit event.
    if (store::revoke_api_key(tx, caller.tenant_id, key_id)) (void)store::append_audit(tx, audit);
    after = store::find_api_key(tx, caller.tenant_id, mode, key_id);
  });
  if (!r) co_return fail(core::store_failure(r.error(), caller.request_id));
  if (!after) co_return fail(key_not_found(key_id));
  co_return std::move(*after);
}

}  // namespace payd::security
