#pragma once
// Who may do what: the permissions routes declare, the roles that bundle them, and the
// permissions a caller holds.
//
//   * Every non-public route declares one permission (http::RouteOptions::permission);
//     a caller without it gets 403 INSUFFICIENT_PERMISSIONS naming it. Deny by default:
//     an unknown permission name is held by nobody.
//   * A secret key (sk_) holds its role's permissions; a key stored without a role is an
//     `admin` key (what `payd admin key create` made before roles existed).
//   * A restricted key (rk_) holds exactly its scopes, never more.
//   * Users (JWT) hold their membership role's permissions, narrowed by a token's scopes.
//
// Nobody can hand out more than they hold: a key created through the API may carry only
// permissions its creator has (see may_grant).

#include <bitset>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace payd::security {

enum class Permission : unsigned {
  payments_create,
  payments_read,
  payments_capture,
  payments_cancel,
  refunds_create,
  refunds_read,
  checkout_create,
  checkout_read,
  payment_links_create,
  payment_links_read,
  payment_links_update,
  connectors_read,
  api_keys_manage,
  webhooks_manage,
  users_manage,
  audit_read,
  analytics_read,
  // One's own credentials: exchanging one's API key for a token, enrolling, verifying and
  // disabling one's own MFA factor. Every role holds it; it reaches no tenant data.
  account_self,
};
inline constexpr unsigned kPermissionCount = 18;

// The names routes and scopes use ("payments:create", "api_keys.manage", ...).
[[nodiscard]] std::string_view to_string(Permission p) noexcept;
[[nodiscard]] std::optional<Permission> parse_permission(std::string_view name) noexcept;
[[nodiscard]] const std::vector<Permission>& all_permissions();

class PermissionSet {
 public:
  PermissionSet() = default;
  static PermissionSet all();
  static PermissionSet of(std::initializer_list<Permission> ps);

  void add(Permission p) noexcept { bits_.set(static_cast<unsigned>(p)); }
  [[nodiscard]] bool has(Permission p) const noexcept {
    return bits_.test(static_cast<unsigned>(p));
  }
  // False for a name that is not a permission (deny by default).
  [[nodiscard]] bool has(std::string_view name) const noexcept;
  // Every permission of `other` is held here.
  [[nodiscard]] bool covers(const PermissionSet& other) const noexcept {
    return (other.bits_ & ~bits_).none();
  }
  // The first permission of `other` not held here (for the 403 message).
  [[nodiscard]] std::optional<Permission> first_missing(const PermissionSet& other) const noexcept;
  [[nodiscard]] PermissionSet intersect(const PermissionSet& other) const noexcept {
    PermissionSet r;
    r.bits_ = bits_ & other.bits_;
    return r;
  }
  [[nodiscard]] bool empty() const noexcept { return bits_.none(); }
  // Sorted names, for JSON.
  [[nodiscard]] std::vector<std::string> names() const;
  friend bool operator==(const PermissionSet&, const PermissionSet&) = default;

 private:
  std::bitset<kPermissionCount> bits_;
};

enum class Role { owner, admin, developer, support, analyst, read_only };

[[nodiscard]] std::string_view to_string(Role r) noexcept;  // "owner", ..., "read_only"
[[nodiscard]] std::optional<Role> parse_role(std::string_view name) noexcept;
[[nodiscard]] const std::vector<Role>& all_roles();
[[nodiscard]] PermissionSet permissions_of(Role r);

// The role a secret key stored without one stands for.
inline constexpr Role kDefaultKeyRole = Role::admin;

// Scope names -> a set; the first unknown name is the error.
struct UnknownScope {
  std::string name;
};
[[nodiscard]] std::optional<PermissionSet> parse_scopes(const std::vector<std::string>& names,
                                                        UnknownScope* unknown = nullptr);

}  // namespace payd::security
