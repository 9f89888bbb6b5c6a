// core::Router over a registry of fake connectors: the connector hint, the YAML rules
// (order, every match dimension, fall-through, weighted splits), the default route, and
// what a decision records.

#include "core/router.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "plugins/connector_registry.hpp"

namespace payd::core {
namespace {

using Strings = std::vector<std::string>;

// A provider that is never called: the router only reads info().
class FakeProvider final : public sdk::Provider {
 public:
  explicit FakeProvider(sdk::Info info) : info_(std::move(info)) {}
  [[nodiscard]] sdk::Info info() const override { return info_; }
  sdk::Step start(sdk::Operation, const sdk::OperationInput&) override { return sdk::Outcome{}; }
  sdk::Step resume(sdk::Operation, const sdk::OperationInput&, const sdk::HttpResponse&,
                   const sdk::StepState&) override {
    return sdk::Outcome{};
  }
  sdk::WebhookResult on_webhook(const sdk::InboundWebhook&) override { return {}; }

 private:
  sdk::Info info_;
};

struct Spec {
  std::string id{};
  config::ConnectorMode mode = config::ConnectorMode::test;
  std::string tenant{};
  Strings currencies{};  // empty: any
  bool manual_capture = true;
  Strings types{"card"};
  bool available = true;  // false: its plugin failed to build it
};

std::unique_ptr<plugins::Connector> make_connector(const Spec& s) {
  config::ConnectorConfig cfg;
  cfg.id = s.id;
  cfg.plugin = "fake";
  cfg.mode = s.mode;
  cfg.tenant = s.tenant;
  sdk::Info info;
  info.name = "fake";
  info.capabilities.operations = {sdk::Operation::authorize, sdk::Operation::capture};
  info.capabilities.currencies = s.currencies;
  info.capabilities.manual_capture = s.manual_capture;
  info.capabilities.payment_method_types = s.types;
  if (!s.available) {
    return std::make_unique<plugins::Connector>(cfg, "", nullptr, sdk::Info{},
                                                "payd.yaml:9: plugin \"fake\" is not loaded");
  }
  return std::make_unique<plugins::Connector>(cfg, "1.0.0", std::make_unique<FakeProvider>(info),
                                              info, "");
}

std::unique_ptr<plugins::ConnectorRegistry> registry_of(const std::vector<Spec>& specs) {
  std::vector<std::unique_ptr<plugins::Connector>> connectors;
  for (const auto& s : specs) connectors.push_back(make_connector(s));
  return std::make_unique<plugins::ConnectorRegistry>(std::move(connectors));
}

config::RoutingRule rule(std::string name, Strings connectors) {
  config::RoutingRule r;
  r.name = std::move(name);
  r.connectors = std::move(connectors);
  return r;
}

config::RoutingRule split_rule(std::string name, std::vector<config::WeightedConnector> split) {
  config::RoutingRule r;
  r.name = std::move(name);
  r.split = std::move(split);
  return r;
}

RouteQuery card_payment(std::int64_t amount = 1000, std::string currency = "USD") {
  RouteQuery q;
  q.mode = sdk::Mode::test;
  q.tenant_name = "acme";
  q.amount = amount;
  q.currency = std::move(currency);
  q.payment_method_types = {"card"};
  return q;
}

// A registry, the set of open breakers, the rules, and a queue of random values.
class RouterTest : public ::testing::Test {
 protected:
  void connectors(const std::vector<Spec>& specs) { registry_ = registry_of(specs); }

  [[nodiscard]] Router router() const {
    return Router(
        *registry_, [this](std::string_view id) { return open_.count(std::string(id)) != 0; },
        routing_, [this] { return draws_.empty() ? 0 : draws_[next_draw_++ % draws_.size()]; });
  }

  RoutingDecision decide_ok(const RouteQuery& q) const {
    auto d = router().decide(q);
    EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().message);
    return d.ok() ? *d : RoutingDecision{};
  }

  std::unique_ptr<plugins::ConnectorRegistry> registry_ =
      registry_of({{.id = "a"}, {.id = "b"}, {.id = "c"}});
  std::set<std::string> open_;
  config::RoutingConfig routing_;
  std::vector<std::uint64_t> draws_;
  mutable std::size_t next_draw_ = 0;
};

// --- without rules: the behaviour before routing rules existed -------------------------------

TEST_F(RouterTest, WithoutRulesEveryFitConnectorInConfigOrder) {
  const auto d = decide_ok(card_payment());
  EXPECT_EQ(d.rule, "default");
  EXPECT_EQ(d.candidates, (Strings{"a", "b", "c"}));
  EXPECT_TRUE(d.skipped.empty());
  EXPECT_FALSE(d.failover_on_decline);
  EXPECT_FALSE(d.split.has_value());
}

TEST_F(RouterTest, NothingFitIsNoConnectorAvailable) {
  connectors({{.id = "eur", .currencies = {"EUR"}}});
  const auto d = router().decide(card_payment(1000, "USD"));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().status, 400);
  EXPECT_EQ(d.error().code, "NO_CONNECTOR_AVAILABLE");
}

// --- rule order and each match dimension ------------------------------------------------------

TEST_F(RouterTest, FirstMatchingRuleDecides) {
  routing_.rules = {rule("first", {"c"}), rule("second", {"b"})};
  const auto d = decide_ok(card_payment());
  EXPECT_EQ(d.rule, "first");
  EXPECT_EQ(d.candidates, Strings{"c"});
}

TEST_F(RouterTest, RuleConnectorsKeepTheirOrder) {
  routing_.rules = {rule("r", {"c", "a", "b"})};
  EXPECT_EQ(decide_ok(card_payment()).candidates, (Strings{"c", "a", "b"}));
}

TEST_F(RouterTest, NonMatchingRulesAreSkipped) {
  auto eur = rule("eur", {"a"});
  eur.match.currencies = {"EUR"};
  routing_.rules = {eur, rule("rest", {"b"})};
  EXPECT_EQ(decide_ok(card_payment(1000, "EUR")).rule, "eur");
  const auto usd = decide_ok(card_payment(1000, "USD"));
  EXPECT_EQ(usd.rule, "rest");
  EXPECT_TRUE(usd.fell_through.empty());  // "eur" did not match: nothing to report
}

TEST_F(RouterTest, CurrencyIsAnyOf) {
  auto r = rule("eu", {"a"});
  r.match.currencies = {"EUR", "GBP"};
  routing_.rules = {r};
  EXPECT_EQ(decide_ok(card_payment(1000, "GBP")).rule, "eu");
  EXPECT_EQ(decide_ok(card_payment(1000, "EUR")).rule, "eu");
  EXPECT_EQ(decide_ok(card_payment(1000, "USD")).rule, "default");
}

TEST_F(RouterTest, AmountBoundsAreInclusive) {
  auto r = rule("mid", {"a"});
  r.match.amount_gte = 100;
  r.match.amount_lte = 500;
  routing_.rules = {r};
  EXPECT_EQ(decide_ok(card_payment(99)).rule, "default");
  EXPECT_EQ(decide_ok(card_payment(100)).rule, "mid");
  EXPECT_EQ(decide_ok(card_payment(500)).rule, "mid");
  EXPECT_EQ(decide_ok(card_payment(501)).rule, "default");
}

TEST_F(RouterTest, AmountBoundsAreEachOptional) {
  auto big = rule("big", {"a"});
  big.match.amount_gte = 10'000;
  auto small = rule("small", {"b"});
  small.match.amount_lte = 99;
  routing_.rules = {big, small};
  EXPECT_EQ(decide_ok(card_payment(10'000)).rule, "big");
  EXPECT_EQ(decide_ok(card_payment(99)).rule, "small");
  EXPECT_EQ(decide_ok(card_payment(5'000)).rule, "default");
}

TEST_F(RouterTest, PaymentMethodTypesMatchWhenThePaymentAsksForAnyOfThem) {
  connectors({{.id = "a", .types = {}}, {.id = "b", .types = {}}});
  auto r = rule("cards", {"a"});
  r.match.payment_method_types = {"card", "wallet"};
  routing_.rules = {r};
  auto q = card_payment();
  q.payment_method_types = {"promptpay", "wallet"};
  EXPECT_EQ(decide_ok(q).rule, "cards");
  q.payment_method_types = {"promptpay"};
  EXPECT_EQ(decide_ok(q).rule, "default");
  q.payment_method_types = {};  // a payment that names no type is not matched by type
  EXPECT_EQ(decide_ok(q).rule, "default");
}

TEST_F(RouterTest, CountryMustBeGivenAndListed) {
  auto r = rule("dach", {"a"});
  r.match.countries = {"DE", "AT", "CH"};
  routing_.rules = {r};
  auto q = card_payment();
  q.country = "AT";
  EXPECT_EQ(decide_ok(q).rule, "dach");
  q.country = "FR";
  EXPECT_EQ(decide_ok(q).rule, "default");
  q.country = "";
  EXPECT_EQ(decide_ok(q).rule, "default");
}

TEST_F(RouterTest, MetadataEveryKeyMustEqual) {
  auto r = rule("web", {"a"});
  r.match.metadata = {{"channel", "web"}, {"tier", "gold"}};
  routing_.rules = {r};
  auto q = card_payment();
  q.metadata = {{"channel", "web"}, {"tier", "gold"}, {"order", "42"}};
  EXPECT_EQ(decide_ok(q).rule, "web");
  q.metadata = {{"channel", "web"}, {"tier", "silver"}};
  EXPECT_EQ(decide_ok(q).rule, "default");
  q.metadata = {{"channel", "web"}};
  EXPECT_EQ(decide_ok(q).rule, "default");
  q.metadata = {{"channel", "web"}, {"tier", 1}};  // not a string: never equal
  EXPECT_EQ(decide_ok(q).rule, "default");
}

TEST_F(RouterTest, TenantIsAnyOf) {
  auto r = rule("big-customers", {"a"});
  r.match.tenants = {"acme", "globex"};
  routing_.rules = {r};
  auto q = card_payment();
  EXPECT_EQ(decide_ok(q).rule, "big-customers");
  q.tenant_name = "initech";
  EXPECT_EQ(decide_ok(q).rule, "default");
}

TEST_F(RouterTest, EveryDimensionMustHold) {
  auto r = rule("narrow", {"a"});
  r.match.currencies = {"EUR"};
  r.match.countries = {"DE"};
  routing_.rules = {r};
  auto q = card_payment(1000, "EUR");
  q.country = "DE";
  EXPECT_EQ(decide_ok(q).rule, "narrow");
  q.country = "FR";
  EXPECT_EQ(decide_ok(q).rule, "default");
}

TEST_F(RouterTest, RuleWithoutMatchAppliesToEveryPayment) {
  routing_.rules = {rule("all", {"b"})};
  EXPECT_EQ(decide_ok(card_payment(1, "JPY")).rule, "all");
}

// --- the connector hint -----------------------------------------------------------------------

TEST_F(RouterTest, HintOverridesRules) {
  routing_.rules = {rule("all", {"a"})};
  auto q = card_payment();
  q.connector_hint = "c";
  const auto d = decide_ok(q);
  EXPECT_EQ(d.rule, "connector_hint");
  EXPECT_EQ(d.candidates, Strings{"c"});
}

TEST_F(RouterTest, HintToUnknownOrOtherModeConnectorIsUnknown) {
  connectors({{.id = "a"}, {.id = "live", .mode = config::ConnectorMode::live}});
  auto q = card_payment();
  q.connector_hint = "live";
  auto d = router().decide(q);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, "CONNECTOR_UNKNOWN");
  q.connector_hint = "nope";
  d = router().decide(q);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, "CONNECTOR_UNKNOWN");
}

TEST_F(RouterTest, HintToUnfitConnectorIsUnavailable) {
  connectors({{.id = "eur", .currencies = {"EUR"}}});
  auto q = card_payment(1000, "USD");
  q.connector_hint = "eur";
  const auto d = router().decide(q);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, "CONNECTOR_UNAVAILABLE");
  EXPECT_NE(d.error().message.find("does not support USD"), std::string::npos);
}

// --- fitness: unfit connectors, open breakers, fall-through -----------------------------------

TEST_F(RouterTest, UnfitConnectorsOfARuleAreSkippedWithWhy) {
  connectors({{.id = "eur", .currencies = {"EUR"}},
              {.id = "auto", .manual_capture = false},
              {.id = "crypto", .types = {"crypto"}},
              {.id = "down", .available = false},
              {.id = "globex-only", .tenant = "globex"},
              {.id = "ok"}});
  routing_.rules = {rule("r", {"eur", "auto", "crypto", "down", "globex-only", "ok"})};
  auto q = card_payment(1000, "USD");
  q.capture_method = sdk::CaptureMethod::manual;
  const auto d = decide_ok(q);
  EXPECT_EQ(d.rule, "r");
  EXPECT_EQ(d.candidates, Strings{"ok"});
  EXPECT_EQ(d.skipped,
            (Strings{"eur: does not support USD", "auto: does not support manual capture",
                     "crypto: supports none of the requested payment method types",
                     "down: unavailable: payd.yaml:9: plugin \"fake\" is not loaded",
                     "globex-only: reserved for another tenant"}));
}

TEST_F(RouterTest, UnhealthyConnectorIsSkipped) {
  std::vector<std::unique_ptr<plugins::Connector>> built;
  built.push_back(make_connector({.id = "a"}));
  built.push_back(make_connector({.id = "b"}));
  built.front()->mark_unhealthy("credentials rejected");
  registry_ = std::make_unique<plugins::ConnectorRegistry>(std::move(built));
  routing_.rules = {rule("r", {"a", "b"})};
  const auto d = decide_ok(card_payment());
  EXPECT_EQ(d.candidates, Strings{"b"});
  EXPECT_EQ(d.skipped, Strings{"a: unhealthy: credentials rejected"});
}

TEST_F(RouterTest, OtherModeConnectorsAreLeftOutSilently) {
  connectors({{.id = "live", .mode = config::ConnectorMode::live}, {.id = "test"}});
  routing_.rules = {rule("both-modes", {"live", "test"})};
  const auto d = decide_ok(card_payment());
  EXPECT_EQ(d.candidates, Strings{"test"});
  EXPECT_TRUE(d.skipped.empty());  // a test key learns nothing about live connectors
}

TEST_F(RouterTest, OpenBreakerGoesLast) {
  open_ = {"a"};
  routing_.rules = {rule("r", {"a", "b", "c"})};
  const auto d = decide_ok(card_payment());
  EXPECT_EQ(d.candidates, (Strings{"b", "c", "a"}));
  EXPECT_EQ(d.skipped, Strings{"a: circuit open (kept as last resort)"});
}

TEST_F(RouterTest, RuleOfOnlyOpenBreakersStillDecides) {
  open_ = {"a", "b"};
  routing_.rules = {rule("r", {"b", "a"})};
  const auto d = decide_ok(card_payment());
  EXPECT_EQ(d.rule, "r");
  EXPECT_EQ(d.candidates, (Strings{"b", "a"}));
}

TEST_F(RouterTest, MatchingRuleWithNoFitConnectorFallsThroughToTheNextRule) {
  connectors({{.id = "eur", .currencies = {"EUR"}}, {.id = "any"}});
  routing_.rules = {rule("eur-first", {"eur"}), rule("fallback", {"any"})};
  const auto d = decide_ok(card_payment(1000, "USD"));
  EXPECT_EQ(d.rule, "fallback");
  EXPECT_EQ(d.candidates, Strings{"any"});
  EXPECT_EQ(d.fell_through, Strings{"eur-first"});
  EXPECT_EQ(d.skipped, Strings{"eur: does not support USD"});
}

TEST_F(RouterTest, FallThroughReachesTheDefaultRoute) {
  connectors({{.id = "eur", .currencies = {"EUR"}}, {.id = "any"}});
  routing_.rules = {rule("r1", {"eur"}), rule("r2", {"eur"})};
  const auto d = decide_ok(card_payment(1000, "USD"));
  EXPECT_EQ(d.rule, "default");
  EXPECT_EQ(d.candidates, Strings{"any"});
  EXPECT_EQ(d.fell_through, (Strings{"r1", "r2"}));
  EXPECT_EQ(d.skipped, Strings{"eur: does not support USD"});  // said once
}

// --- the default route ------------------------------------------------------------------------

TEST_F(RouterTest, DefaultRouteIsUsedWhenNoRuleMatches) {
  auto eur = rule("eur", {"a"});
  eur.match.currencies = {"EUR"};
  routing_.rules = {eur};
  routing_.default_connectors = Strings{"c", "b"};
  const auto d = decide_ok(card_payment(1000, "USD"));
  EXPECT_EQ(d.rule, "default");
  EXPECT_EQ(d.candidates, (Strings{"c", "b"}));  // "a" is not in the default route
  EXPECT_FALSE(d.failover_on_decline);
}

TEST_F(RouterTest, DefaultRouteWithNoFitConnectorIsNoConnectorAvailable) {
  connectors({{.id = "eur", .currencies = {"EUR"}}, {.id = "any"}});
  routing_.default_connectors = Strings{"eur"};
  const auto d = router().decide(card_payment(1000, "USD"));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, "NO_CONNECTOR_AVAILABLE");
}

TEST_F(RouterTest, RulesThatLeaveNothingAndNoDefaultIsNoConnectorAvailable) {
  connectors({{.id = "eur", .currencies = {"EUR"}}});
  routing_.rules = {rule("r", {"eur"})};
  const auto d = router().decide(card_payment(1000, "USD"));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, "NO_CONNECTOR_AVAILABLE");
}

// --- failover on decline ----------------------------------------------------------------------

TEST_F(RouterTest, FailoverOnDeclineIsCarriedFromTheRule) {
  auto eager = rule("eager", {"a", "b"});
  eager.failover_on_decline = true;
  eager.match.currencies = {"EUR"};
  routing_.rules = {eager, rule("plain", {"a", "b"})};
  EXPECT_TRUE(decide_ok(card_payment(1000, "EUR")).failover_on_decline);
  EXPECT_FALSE(decide_ok(card_payment(1000, "USD")).failover_on_decline);
  auto hinted = card_payment(1000, "EUR");
  hinted.connector_hint = "a";
  EXPECT_FALSE(decide_ok(hinted).failover_on_decline);
}

// --- weighted splits --------------------------------------------------------------------------

TEST_F(RouterTest, SplitPicksByTheDrawThenFollowsByWeight) {
  routing_.rules = {split_rule("ab", {{"a", 70}, {"b", 30}})};
  draws_ = {0, 69, 70, 99, 100, 169, 170};  // taken mod 100
  const Strings a_first{"a", "b"};
  const Strings b_first{"b", "a"};
  EXPECT_EQ(decide_ok(card_payment()).candidates, a_first);
  EXPECT_EQ(decide_ok(card_payment()).candidates, a_first);
  EXPECT_EQ(decide_ok(card_payment()).candidates, b_first);
  EXPECT_EQ(decide_ok(card_payment()).candidates, b_first);
  EXPECT_EQ(decide_ok(card_payment()).candidates, a_first);
  EXPECT_EQ(decide_ok(card_payment()).candidates, a_first);
  EXPECT_EQ(decide_ok(card_payment()).candidates, b_first);
}

TEST_F(RouterTest, SplitFailoverCandidatesAreInDescendingWeight) {
  routing_.rules = {split_rule("abc", {{"a", 20}, {"b", 50}, {"c", 30}})};
  draws_ = {5};  // in a's span [0, 20)
  EXPECT_EQ(decide_ok(card_payment()).candidates, (Strings{"a", "b", "c"}));
  draws_ = {25};  // b's span [20, 70)
  next_draw_ = 0;
  EXPECT_EQ(decide_ok(card_payment()).candidates, (Strings{"b", "c", "a"}));
  draws_ = {70};  // c's span [70, 100)
  next_draw_ = 0;
  EXPECT_EQ(decide_ok(card_payment()).candidates, (Strings{"c", "b", "a"}));
}

TEST_F(RouterTest, SplitDecisionRecordsWeightsAndDraw) {
  auto r = split_rule("ab", {{"a", 70}, {"b", 30}});
  r.failover_on_decline = true;
  routing_.rules = {r};
  draws_ = {1234};
  const auto d = decide_ok(card_payment());
  EXPECT_EQ(d.rule, "ab");
  EXPECT_TRUE(d.failover_on_decline);
  ASSERT_TRUE(d.split.has_value());
  EXPECT_EQ(d.split->total, 100U);
  EXPECT_EQ(d.split->draw, 34U);
  EXPECT_EQ(d.split->picked, "a");
  const auto json = d.to_json();
  EXPECT_EQ(boost::json::serialize(json),
            R"({"rule":"ab","candidates":["a","b"],"skipped":[],"failover_on_decline":true,)"
            R"("split":{"weights":{"a":70,"b":30},"total":100,"draw":34,"picked":"a"}})");
}

TEST_F(RouterTest, SplitDrawsOnlyAmongFitConnectors) {
  connectors({{.id = "a"}, {.id = "eur", .currencies = {"EUR"}}, {.id = "c"}});
  routing_.rules = {split_rule("s", {{"a", 10}, {"eur", 80}, {"c", 10}})};
  draws_ = {15};  // of the fit ones (a 10, c 10): c
  const auto d = decide_ok(card_payment(1000, "USD"));
  EXPECT_EQ(d.candidates, (Strings{"c", "a"}));
  EXPECT_EQ(d.skipped, Strings{"eur: does not support USD"});
  ASSERT_TRUE(d.split.has_value());
  EXPECT_EQ(d.split->total, 20U);
  EXPECT_EQ(d.split->weights, (std::vector<config::WeightedConnector>{{"a", 10}, {"c", 10}}));
}

TEST_F(RouterTest, SplitOpenBreakerIsNotDrawnAndGoesLast) {
  open_ = {"a"};
  routing_.rules = {split_rule("s", {{"a", 90}, {"b", 5}, {"c", 5}})};
  draws_ = {0};
  const auto d = decide_ok(card_payment());
  EXPECT_EQ(d.candidates, (Strings{"b", "c", "a"}));
  EXPECT_EQ(d.split->total, 10U);
}

TEST_F(RouterTest, SplitOfOnlyOpenBreakersDrawsAmongThem) {
  open_ = {"a", "b"};
  routing_.rules = {split_rule("s", {{"a", 1}, {"b", 1}})};
  draws_ = {1};
  const auto d = decide_ok(card_payment());
  EXPECT_EQ(d.candidates, (Strings{"b", "a"}));
}

TEST_F(RouterTest, SplitWithNoFitConnectorFallsThrough) {
  connectors({{.id = "eur", .currencies = {"EUR"}}, {.id = "any"}});
  routing_.rules = {split_rule("s", {{"eur", 1}}), rule("next", {"any"})};
  const auto d = decide_ok(card_payment(1000, "USD"));
  EXPECT_EQ(d.rule, "next");
  EXPECT_FALSE(d.split.has_value());
  EXPECT_EQ(d.fell_through, Strings{"s"});
}

TEST_F(RouterTest, SplitDistributionFollowsTheWeights) {
  routing_.rules = {split_rule("s", {{"a", 50}, {"b", 30}, {"c", 20}})};
  std::mt19937_64 engine(20240601);  // fixed seed: the test is deterministic
  const Router r(
      *registry_, [](std::string_view) { return false; }, routing_, [&engine] { return engine(); });
  std::map<std::string, int> firsts;
  constexpr int kDraws = 10'000;
  for (int i = 0; i < kDraws; ++i) {
    const auto d = r.decide(card_payment());
    ASSERT_TRUE(d.ok());
    ++firsts[d->candidates.front()];
  }
  // 1.5 points is about four standard deviations at these proportions.
  EXPECT_NEAR(firsts["a"] / double(kDraws), 0.50, 0.015);
  EXPECT_NEAR(firsts["b"] / double(kDraws), 0.30, 0.015);
  EXPECT_NEAR(firsts["c"] / double(kDraws), 0.20, 0.015);
}

TEST(RouterDefaults, WithoutARandomSourceSplitsStillSpread) {
  const auto registry = registry_of({{.id = "a"}, {.id = "b"}});
  config::RoutingConfig routing;
  routing.rules = {split_rule("s", {{"a", 1}, {"b", 1}})};
  const Router r(*registry, {}, routing);
  std::set<std::string> firsts;
  for (int i = 0; i < 200 && firsts.size() < 2; ++i) {
    firsts.insert(r.decide(card_payment())->candidates.front());
  }
  EXPECT_EQ(firsts.size(), 2U);
}

// --- the JSON stored on the attempt -----------------------------------------------------------

TEST_F(RouterTest, DecisionJsonKeepsItsKeysAndAddsFallThroughOnlyWhenThereIsOne) {
  EXPECT_EQ(boost::json::serialize(decide_ok(card_payment()).to_json()),
            R"({"rule":"default","candidates":["a","b","c"],"skipped":[],)"
            R"("failover_on_decline":false})");
  connectors({{.id = "eur", .currencies = {"EUR"}}, {.id = "any"}});
  routing_.rules = {rule("eur", {"eur"})};
  EXPECT_EQ(boost::json::serialize(decide_ok(card_payment(1000, "USD")).to_json()),
            R"({"rule":"default","candidates":["any"],"skipped":["eur: does not support USD"],)"
            R"("failover_on_decline":false,"fell_through":["eur"]})");
}

}  // namespace
}  // namespace payd::core
