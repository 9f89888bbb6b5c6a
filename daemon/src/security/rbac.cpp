#include "security/rbac.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace payd::security {

namespace {

constexpr std::array<std::pair<Permission, std::string_view>, kPermissionCount> kNames{{
    {Permission::payments_create, "payments:create"},
    {Permission::payments_read, "payments:read"},
    {Permission::payments_capture, "payments:capture"},
    {Permission::payments_cancel, "payments:cancel"},
    {Permission::refunds_create, "refunds:create"},
    {Permission::refunds_read, "refunds:read"},
    {Permission::checkout_create, "checkout:create"},
    {Permission::checkout_read, "checkout:read"},
    {Permission::payment_links_create, "payment_links:create"},
    {Permission::payment_links_read, "payment_links:read"},
    {Permission::payment_links_update, "payment_links:update"},
    {Permission::connectors_read, "connectors:read"},
    {Permission::api_keys_manage, "api_keys.manage"},
    {Permission::webhooks_manage, "webhooks.manage"},
    {Permission::users_manage, "users.manage"},
    {Permission::audit_read, "audit:read"},
    {Permission::analytics_read, "analytics:read"},
    {Permission::account_self, "account:self"},
}};

constexpr std::array<std::pair<Role, std::string_view>, 6> kRoleNames{{
    {Role::owner, "owner"},
    {Role::admin, "admin"},
    {Role::developer, "developer"},
    {Role::support, "support"},
    {Role::analyst, "analyst"},
    {Role::read_only, "read_only"},
}};

using P = Permission;

// Reading the merchant's own business data, and acting on one's own credentials
// (account:self); every role has these.
PermissionSet read_everything() {
  return PermissionSet::of({P::payments_read, P::refunds_read, P::checkout_read,
                            P::payment_links_read, P::connectors_read, P::account_self});
}

}  // namespace

std::string_view to_string(Permission p) noexcept {
  for (const auto& [k, name] : kNames) {
    if (k == p) return name;
  }
  return "unknown";
}

std::optional<Permission> parse_permission(std::string_view name) noexcept {
  for (const auto& [k, n] : kNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

const std::vector<Permission>& all_permissions() {
  static const std::vector<Permission> all = [] {
    std::vector<Permission> v;
    for (const auto& entry : kNames) v.push_back(entry.first);
    return v;
  }();
  return all;
}

PermissionSet PermissionSet::all() {
  PermissionSet s;
  s.bits_.set();
  return s;
}

PermissionSet PermissionSet::of(std::initializer_list<Permission> ps) {
  PermissionSet s;
  for (auto p : ps) s.add(p);
  return s;
}

bool PermissionSet::has(std::string_view name) const noexcept {
  auto p = parse_permission(name);
  return p && has(*p);
}

std::optional<Permission> PermissionSet::first_missing(const PermissionSet& other) const noexcept {
  for (const auto& [p, name] : kNames) {
    if (other.has(p) && !has(p)) return p;
  }
  return std::nullopt;
}

std::vector<std::string> PermissionSet::names() const {
  std::vector<std::string> out;
  for (const auto& [p, name] : kNames) {
    if (has(p)) out.emplace_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string_view to_string(Role r) noexcept {
  for (const auto& [k, name] : kRoleNames) {
    if (k == r) return name;
  }
  return "unknown";
}

std::optional<Role> parse_role(std::string_view name) noexcept {
  for (const auto& [k, n] : kRoleNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

const std::vector<Role>& all_roles() {
  static const std::vector<Role> all{Role::owner,   Role::admin,   Role::developer,
                                     Role::support, Role::analyst, Role::read_only};
  return all;
}

// The matrix (docs/security.md has it as a table):
//   owner      everything
//   admin      everything but users.manage (team membership stays with owners)
//   developer  takes and manages payments, checkout and links, manages keys and webhooks;
//              no refunds (money going out), no audit, no users
//   support    reads everything, refunds and cancels (what a support desk resolves)
//   analyst    reads everything, analytics and the audit trail
//   read_only  reads everything
PermissionSet permissions_of(Role r) {
  auto s = read_everything();
  switch (r) {
    case Role::owner:
      return PermissionSet::all();
    case Role::admin: {
      PermissionSet out;
      for (auto p : all_permissions()) {
        if (p != P::users_manage) out.add(p);
      }
      return out;
    }
    case Role::developer:
      for (auto p : {P::payments_create, P::payments_capture, P::payments_cancel,
                     P::checkout_create, P::payment_links_create, P::payment_links_update,
                     P::api_keys_manage, P::webhooks_manage, P::analytics_read}) {
        s.add(p);
      }
      return s;
    case Role::support:
      s.add(P::refunds_create);
      s.add(P::payments_cancel);
      return s;
    case Role::analyst:
      s.add(P::analytics_read);
      s.add(P::audit_read);
      return s;
    case Role::read_only:
      return s;
  }
  return {};
}

std::optional<PermissionSet> parse_scopes(const std::vector<std::string>& names,
                                          UnknownScope* unknown) {
  PermissionSet s;
  for (const auto& n : names) {
    auto p = parse_permission(n);
    if (!p) {
      if (unknown) unknown->name = n;
      return std::nullopt;
    }
    s.add(*p);
  }
  return s;
}

}  // namespace payd::security
