// The `routing:` section: a full document that loads, and a table of bad ones with the exact
// messages (file:line: path: problem) an operator sees for each.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config_loader.hpp"
#include "test_support.hpp"

namespace payd::config {
namespace {

using testing::fake_env;
using testing::fake_sources;
using testing::messages;

// Lines 1-3; routing starts on line 4 in every bad document below.
const std::string kConnectors =
    "connectors:\n"
    "  - {id: stripe, plugin: sandbox, mode: test}\n"
    "  - {id: sandbox, plugin: sandbox, mode: test}\n";

// Lines 1-6: a rule named "eu" opens on line 6; its keys follow from line 7.
const std::string kRuleHead = kConnectors +
                              "routing:\n"
                              "  rules:\n"
                              "    - name: eu\n";

class RoutingLoadTest : public ::testing::Test {
 protected:
  void SetUp() override { fake_env().clear(); }
};

TEST_F(RoutingLoadTest, EveryFieldLoads) {
  const auto result = load_config_string(kConnectors + R"(routing:
  rules:
    - name: eu-cards
      match:
        currency: [EUR, GBP]
        amount: {gte: 100, lte: 500000}
        payment_method_types: [card]
        country: [DE, FR]
        metadata: {channel: web, vip: true}
        tenant: [acme]
      connectors: [stripe, sandbox]
      failover_on_decline: true
    - name: split-usd
      match:
        currency: [USD]
        amount: {lte: 99}
      split:
        - {connector: stripe, weight: 70}
        - {connector: sandbox, weight: 30}
    - name: catch-all
      connectors: [sandbox]
  default: [sandbox, stripe]
)",
                                         "payd.yaml", fake_sources());
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(messages(result.error()));
  const RoutingConfig& r = result->routing;
  ASSERT_EQ(r.rules.size(), 3U);

  const RoutingRule& eu = r.rules[0];
  EXPECT_EQ(eu.name, "eu-cards");
  EXPECT_EQ(eu.match.currencies, (std::vector<std::string>{"EUR", "GBP"}));
  EXPECT_EQ(eu.match.amount_gte, 100);
  EXPECT_EQ(eu.match.amount_lte, 500000);
  EXPECT_EQ(eu.match.payment_method_types, std::vector<std::string>{"card"});
  EXPECT_EQ(eu.match.countries, (std::vector<std::string>{"DE", "FR"}));
  EXPECT_EQ(eu.match.metadata,
            (std::map<std::string, std::string, std::less<>>{{"channel", "web"}, {"vip", "true"}}));
  EXPECT_EQ(eu.match.tenants, std::vector<std::string>{"acme"});
  EXPECT_EQ(eu.connectors, (std::vector<std::string>{"stripe", "sandbox"}));
  EXPECT_TRUE(eu.split.empty());
  EXPECT_TRUE(eu.failover_on_decline);

  const RoutingRule& split = r.rules[1];
  EXPECT_FALSE(split.match.amount_gte.has_value());
  EXPECT_EQ(split.match.amount_lte, 99);
  EXPECT_TRUE(split.connectors.empty());
  EXPECT_EQ(split.split, (std::vector<WeightedConnector>{{"stripe", 70}, {"sandbox", 30}}));
  EXPECT_FALSE(split.failover_on_decline);

  const RoutingRule& all = r.rules[2];
  EXPECT_EQ(all.match, RouteMatch{});
  EXPECT_EQ(all.connectors, std::vector<std::string>{"sandbox"});

  ASSERT_TRUE(r.default_connectors.has_value());
  EXPECT_EQ(*r.default_connectors, (std::vector<std::string>{"sandbox", "stripe"}));
}

TEST_F(RoutingLoadTest, NoRoutingSectionMeansNoRulesAndNoDefault) {
  const auto result = load_config_string(kConnectors, "payd.yaml", fake_sources());
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->routing.rules.empty());
  EXPECT_FALSE(result->routing.default_connectors.has_value());
}

TEST_F(RoutingLoadTest, DefaultAloneIsEnough) {
  const auto result = load_config_string(kConnectors + "routing:\n  default: [stripe]\n",
                                         "payd.yaml", fake_sources());
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(messages(result.error()));
  EXPECT_TRUE(result->routing.rules.empty());
  EXPECT_EQ(result->routing.default_connectors, std::vector<std::string>{"stripe"});
}

struct BadRouting {
  const char* name;  // gtest parameter name: letters, digits and _ only
  std::string yaml;
  std::vector<std::string> expected;
};

void PrintTo(const BadRouting& row, std::ostream* os) {
  *os << row.name;
}

const std::vector<BadRouting>& bad_routing() {
  static const std::vector<BadRouting> rows = {
      // Unknown keys at every level, with "did you mean".
      {"unknown_routing_key",
       kConnectors + "routing:\n  defualt: [stripe]\n",
       {R"(payd.yaml:5: routing.defualt: unknown key (did you mean "default"?))"}},
      {"unknown_rule_key",
       kRuleHead + "      connectors: [stripe]\n      failover_on_declines: true\n",
       {R"(payd.yaml:8: routing.rules[0].failover_on_declines: unknown key (did you mean )"
        R"("failover_on_decline"?))"}},
      {"unknown_match_key",
       kRuleHead + "      match:\n        currrency: [EUR]\n      connectors: [stripe]\n",
       {R"(payd.yaml:8: routing.rules[0].match.currrency: unknown key (did you mean "currency"?))"}},
      {"unknown_amount_key",
       kRuleHead + "      match: {amount: {gt: 5}}\n      connectors: [stripe]\n",
       {R"(payd.yaml:7: routing.rules[0].match.amount.gt: unknown key (did you mean "gte"?))"}},
      {"unknown_split_key",
       kRuleHead + "      split:\n        - {connector: stripe, wieght: 1}\n",
       {"payd.yaml:8: routing.rules[0].split[0].weight: missing (a positive integer)",
        R"(payd.yaml:8: routing.rules[0].split[0].wieght: unknown key (did you mean "weight"?))"}},

      // Connectors that are not configured.
      {"rule_names_unknown_connector",
       kRuleHead + "      connectors: [sandbox, strpe]\n",
       {R"(payd.yaml:7: routing.rules[0].connectors[1]: unknown connector "strpe" (did you mean )"
        R"("stripe"?))"}},
      {"split_names_unknown_connector",
       kRuleHead + "      split:\n        - {connector: paypal, weight: 1}\n",
       {R"(payd.yaml:8: routing.rules[0].split[0].connector: unknown connector "paypal")"}},
      {"default_names_unknown_connector",
       kConnectors + "routing:\n  default:\n    - sandbox\n    - sandbx\n",
       {R"(payd.yaml:7: routing.default[1]: unknown connector "sandbx" (did you mean "sandbox"?))"}},
      {"rule_without_any_connectors_configured",
       "routing:\n  default: [sandbox]\n",
       {R"(payd.yaml:2: routing.default[0]: unknown connector "sandbox" (no connectors are )"
        R"(configured))"}},
      {"connector_listed_twice",
       kRuleHead + "      connectors: [stripe, sandbox, stripe]\n",
       {R"(payd.yaml:7: routing.rules[0].connectors[2]: connector "stripe" is listed twice)"}},
      {"split_connector_listed_twice",
       kRuleHead + "      split:\n        - {connector: stripe, weight: 1}\n"
                   "        - {connector: stripe, weight: 2}\n",
       {R"(payd.yaml:9: routing.rules[0].split[1].connector: connector "stripe" is listed twice)"}},

      // connectors or split: exactly one.
      {"both_connectors_and_split",
       kRuleHead +
           "      connectors: [stripe]\n      split:\n        - {connector: sandbox, weight: 1}\n",
       {"payd.yaml:9: routing.rules[0].split: give either connectors or split, not both"}},
      {"neither_connectors_nor_split",
       kRuleHead + "      match: {currency: [EUR]}\n",
       {"payd.yaml:6: routing.rules[0].connectors: missing: give connectors (in order of "
        "preference) or split (weights)"}},

      // Weights: positive integers.
      {"weight_zero",
       kRuleHead + "      split:\n        - {connector: stripe, weight: 0}\n",
       {"payd.yaml:8: routing.rules[0].split[0].weight: expected an integer 1-1000000"}},
      {"weight_negative",
       kRuleHead + "      split:\n        - {connector: stripe, weight: -3}\n",
       {"payd.yaml:8: routing.rules[0].split[0].weight: expected an integer 1-1000000"}},
      {"weight_fraction",
       kRuleHead + "      split:\n        - {connector: stripe, weight: 0.5}\n",
       {"payd.yaml:8: routing.rules[0].split[0].weight: expected an integer 1-1000000"}},
      {"weight_percent_text",
       kRuleHead + "      split:\n        - {connector: stripe, weight: 70%}\n",
       {"payd.yaml:8: routing.rules[0].split[0].weight: expected an integer 1-1000000"}},
      {"weight_missing",
       kRuleHead + "      split:\n        - connector: stripe\n",
       {"payd.yaml:8: routing.rules[0].split[0].weight: missing (a positive integer)"}},
      {"split_entry_not_a_mapping",
       kRuleHead + "      split: [stripe]\n",
       {"payd.yaml:7: routing.rules[0].split[0]: expected a mapping"}},

      // Amount bounds.
      {"amount_gte_above_lte",
       kRuleHead + "      match:\n        amount:\n          gte: 500\n          lte: 100\n"
                   "      connectors: [stripe]\n",
       {"payd.yaml:10: routing.rules[0].match.amount.lte: less than gte (100 < 500): no amount "
        "can match"}},
      {"amount_negative",
       kRuleHead + "      match: {amount: {gte: -1}}\n      connectors: [stripe]\n",
       {"payd.yaml:7: routing.rules[0].match.amount.gte: expected an integer 0-99999999999"}},
      {"amount_empty",
       kRuleHead + "      match: {amount: {}}\n      connectors: [stripe]\n",
       {"payd.yaml:7: routing.rules[0].match.amount: give gte, lte or both (minor units)"}},

      // Currency and country codes.
      {"currency_lower_case",
       kRuleHead + "      match: {currency: [EUR, gbp]}\n      connectors: [stripe]\n",
       {"payd.yaml:7: routing.rules[0].match.currency[1]: expected an ISO 4217 code of 3 "
        "upper-case letters, such as EUR"}},
      {"currency_too_long",
       kRuleHead +
           "      match:\n        currency:\n          - EURO\n      connectors: [stripe]\n",
       {"payd.yaml:9: routing.rules[0].match.currency[0]: expected an ISO 4217 code of 3 "
        "upper-case letters, such as EUR"}},
      {"currency_not_a_list",
       kRuleHead + "      match: {currency: EUR}\n      connectors: [stripe]\n",
       {"payd.yaml:7: routing.rules[0].match.currency: expected a list, such as [a, b]"}},
      {"country_lower_case",
       kRuleHead + "      match: {country: [de]}\n      connectors: [stripe]\n",
       {"payd.yaml:7: routing.rules[0].match.country[0]: expected an ISO 3166-1 alpha-2 code of 2 "
        "upper-case letters, such as DE"}},
      {"country_alpha3",
       kRuleHead + "      match: {country: [DEU]}\n      connectors: [stripe]\n",
       {"payd.yaml:7: routing.rules[0].match.country[0]: expected an ISO 3166-1 alpha-2 code of 2 "
        "upper-case letters, such as DE"}},

      // Rule names.
      {"duplicate_rule_name",
       kRuleHead + "      connectors: [stripe]\n    - name: eu\n      connectors: [sandbox]\n",
       {R"(payd.yaml:8: routing.rules[1].name: duplicate rule name "eu" (first at )"
        R"(routing.rules[0]))"}},
      {"rule_name_missing",
       kConnectors + "routing:\n  rules:\n    - connectors: [stripe]\n",
       {"payd.yaml:6: routing.rules[0].name: missing (every rule needs a name)"}},
      {"rule_name_reserved",
       kConnectors + "routing:\n  rules:\n    - {name: default, connectors: [stripe]}\n",
       {R"(payd.yaml:6: routing.rules[0].name: "default" is reserved; choose another name)"}},
      {"rule_name_with_spaces",
       kConnectors + "routing:\n  rules:\n    - {name: EU cards, connectors: [stripe]}\n",
       {"payd.yaml:6: routing.rules[0].name: expected 1-64 characters of a-z, 0-9, _ and -"}},

      // Empty lists and mappings.
      {"empty_rules",
       kConnectors + "routing:\n  rules: []\n",
       {"payd.yaml:5: routing.rules: must not be empty (leave it out to route by default only)"}},
      {"empty_connectors",
       kRuleHead + "      connectors: []\n",
       {"payd.yaml:7: routing.rules[0].connectors: must name at least one connector"}},
      {"connectors_without_value",
       kRuleHead + "      connectors:\n      failover_on_decline: true\n",
       {"payd.yaml:7: routing.rules[0].connectors: must name at least one connector"}},
      {"empty_split",
       kRuleHead + "      split: []\n",
       {"payd.yaml:7: routing.rules[0].split: must name at least one connector"}},
      {"empty_default",
       kConnectors + "routing:\n  default: []\n",
       {"payd.yaml:5: routing.default: must name at least one connector"}},
      {"empty_currency",
       kRuleHead + "      match: {currency: []}\n      connectors: [stripe]\n",
       {"payd.yaml:7: routing.rules[0].match.currency: must not be empty (leave it out to match "
        "any currency)"}},
      {"empty_payment_method_types",
       kRuleHead + "      match: {payment_method_types: []}\n      connectors: [stripe]\n",
       {"payd.yaml:7: routing.rules[0].match.payment_method_types: must not be empty (leave it "
        "out to match any type)"}},
      {"empty_country",
       kRuleHead + "      match: {country: []}\n      connectors: [stripe]\n",
       {"payd.yaml:7: routing.rules[0].match.country: must not be empty (leave it out to match "
        "any country)"}},
      {"empty_tenant",
       kRuleHead + "      match: {tenant: []}\n      connectors: [stripe]\n",
       {"payd.yaml:7: routing.rules[0].match.tenant: must not be empty (leave it out to match any "
        "tenant)"}},
      {"empty_metadata",
       kRuleHead + "      match: {metadata: {}}\n      connectors: [stripe]\n",
       {"payd.yaml:7: routing.rules[0].match.metadata: must not be empty (leave it out to match "
        "any metadata)"}},

      // Other shapes.
      {"metadata_value_not_a_string",
       kRuleHead + "      match:\n        metadata:\n          channel: [web, app]\n"
                   "      connectors: [stripe]\n",
       {"payd.yaml:9: routing.rules[0].match.metadata.channel: expected a string value (metadata "
        "values are compared as strings)"}},
      {"failover_on_decline_not_a_bool",
       kRuleHead + "      connectors: [stripe]\n      failover_on_decline: yes\n",
       {"payd.yaml:8: routing.rules[0].failover_on_decline: expected true or false"}},
      {"rules_not_a_list",
       kConnectors + "routing:\n  rules: {name: eu}\n",
       {"payd.yaml:5: routing.rules: expected a list"}},
  };
  return rows;
}

class BadRoutingTest : public ::testing::TestWithParam<BadRouting> {
 protected:
  void SetUp() override { fake_env().clear(); }
};

TEST_P(BadRoutingTest, ReportsExactMessages) {
  const BadRouting& row = GetParam();
  const auto result = load_config_string(row.yaml, "payd.yaml", fake_sources());
  ASSERT_FALSE(result.ok()) << "document loaded without errors:\n" << row.yaml;
  EXPECT_EQ(messages(result.error()), row.expected) << row.yaml;
}

INSTANTIATE_TEST_SUITE_P(Routing, BadRoutingTest, ::testing::ValuesIn(bad_routing()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace payd::config
