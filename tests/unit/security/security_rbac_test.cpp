// Roles, permissions and the permission step of the AccessGate.
#include <gtest/gtest.h>

#include "security/authenticator.hpp"
#include "security/rbac.hpp"

namespace payd::security {
namespace {

TEST(Rbac, EveryPermissionNameRoundTrips) {
  EXPECT_EQ(all_permissions().size(), kPermissionCount);
  for (auto p : all_permissions()) {
    auto parsed = parse_permission(to_string(p));
    ASSERT_TRUE(parsed) << to_string(p);
    EXPECT_EQ(*parsed, p);
  }
  EXPECT_FALSE(parse_permission("payments:*"));
  EXPECT_FALSE(parse_permission("PAYMENTS:READ"));
  EXPECT_FALSE(parse_permission(""));
}

TEST(Rbac, UnknownNamesAreHeldByNobody) {
  const auto all = PermissionSet::all();
  EXPECT_TRUE(all.has("payments:read"));
  EXPECT_FALSE(all.has("payments:steal"));
  EXPECT_FALSE(all.has(""));
}

TEST(Rbac, RolesFormAChainOfNarrowing) {
  const auto owner = permissions_of(Role::owner);
  const auto admin = permissions_of(Role::admin);
  EXPECT_EQ(owner, PermissionSet::all());
  EXPECT_TRUE(owner.covers(admin));
  EXPECT_FALSE(admin.covers(owner));
  EXPECT_EQ(admin.first_missing(owner), Permission::users_manage);
  for (auto r : {Role::developer, Role::support, Role::analyst, Role::read_only}) {
    EXPECT_TRUE(admin.covers(permissions_of(r))) << to_string(r);
    EXPECT_TRUE(permissions_of(r).covers(permissions_of(Role::read_only))) << to_string(r);
  }
}

TEST(Rbac, TheMatrixOfDocsSecurityMd) {
  const auto dev = permissions_of(Role::developer);
  EXPECT_TRUE(dev.has(Permission::payments_create));
  EXPECT_TRUE(dev.has(Permission::api_keys_manage));
  EXPECT_FALSE(dev.has(Permission::refunds_create));
  EXPECT_FALSE(dev.has(Permission::audit_read));
  const auto support = permissions_of(Role::support);
  EXPECT_TRUE(support.has(Permission::refunds_create));
  EXPECT_FALSE(support.has(Permission::payments_create));
  const auto analyst = permissions_of(Role::analyst);
  EXPECT_TRUE(analyst.has(Permission::audit_read));
  EXPECT_FALSE(analyst.has(Permission::payments_cancel));
  const auto ro = permissions_of(Role::read_only);
  EXPECT_EQ(ro.names(),
            (std::vector<std::string>{"account:self", "checkout:read", "connectors:read",
                                      "payment_links:read", "payments:read", "refunds:read"}));
}

TEST(Rbac, KeysHoldTheirRoleOrExactlyTheirScopes) {
  EXPECT_EQ(key_permissions(KeyKind::secret, std::nullopt, {}), permissions_of(kDefaultKeyRole));
  EXPECT_EQ(key_permissions(KeyKind::secret, std::string("support"), {"audit:read"}),
            permissions_of(Role::support));  // a secret key's scopes mean nothing
  EXPECT_TRUE(key_permissions(KeyKind::secret, std::string("root"), {}).empty());
  const auto rk =
      key_permissions(KeyKind::restricted, std::string("owner"), {"payments:read", "bogus"});
  EXPECT_EQ(rk.names(), std::vector<std::string>{"payments:read"});  // the role means nothing
  EXPECT_TRUE(key_permissions(KeyKind::restricted, std::nullopt, {}).empty());
}

TEST(Rbac, ParseScopesNamesTheFirstUnknown) {
  UnknownScope unknown;
  EXPECT_FALSE(parse_scopes({"payments:read", "nope", "also-nope"}, &unknown));
  EXPECT_EQ(unknown.name, "nope");
  auto ok = parse_scopes({"refunds:create", "payments:read"});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->names(), (std::vector<std::string>{"payments:read", "refunds:create"}));
}

}  // namespace
}  // namespace payd::security
