// Direct unit tests of the sandbox's decisions and settings, beside the conformance suite.
#include <gtest/gtest.h>

#include "card_table.hpp"
#include "payd/sdk/outcome_check.hpp"
#include "payd/sdk/plugin.hpp"
#include "sandbox_provider.hpp"

namespace payd::sandbox {
namespace {

sdk::OperationInput payment(std::string card) {
  sdk::OperationInput in;
  in.payment.id = "pay_1";
  in.payment.amount = 2000;
  in.payment.currency = "USD";
  in.payment.payment_method = std::move(card);
  return in;
}

TEST(SandboxCards, SpacesAndDashesAreIgnored) {
  EXPECT_EQ(behaviour_for("4000 0000 0000 0002"), CardBehaviour::decline);
  EXPECT_EQ(behaviour_for("4000-0027-6000-3184"), CardBehaviour::requires_action);
  EXPECT_EQ(behaviour_for(""), CardBehaviour::succeed);
  EXPECT_EQ(behaviour_for("5555555555554444"), CardBehaviour::succeed);
}

TEST(SandboxDecisions, EveryCardGivesAValidAuthorizeOutcome) {
  for (const auto* card :
       {"4242424242424242", "4000000000000002", "4000000000009995", "4000000000000069",
        "4000000000000127", "4000000000000259", "4000002760003184"}) {
    for (auto method : {sdk::CaptureMethod::automatic, sdk::CaptureMethod::manual}) {
      auto in = payment(card);
      in.payment.capture_method = method;
      const auto o = authorize(in, SandboxSettings{});
      EXPECT_EQ(sdk::validate_outcome(sdk::Operation::authorize, o), std::nullopt) << card;
      EXPECT_EQ(sdk::validate_outcome(sdk::Operation::sync, sync(in, SandboxSettings{})),
                std::nullopt)
          << card;
    }
  }
}

TEST(SandboxDecisions, RedirectUsesTheConfiguredBase) {
  SandboxSettings s;
  s.redirect_base_url = "https://pay.example.com/3ds";
  const auto o = authorize(payment("4000002760003184"), s);
  ASSERT_TRUE(o.next_action);
  EXPECT_EQ(o.next_action->url, "https://pay.example.com/3ds/pay_1");
}

TEST(SandboxDecisions, HostedCheckoutWithoutACardWaitsForTheCustomer) {
  SandboxSettings s;
  s.redirect_base_url = "https://pay.example.com/checkout";
  for (auto method : {sdk::CaptureMethod::automatic, sdk::CaptureMethod::manual}) {
    auto in = payment("");
    in.payment.hosted_checkout = true;
    in.payment.capture_method = method;
    const auto o = authorize(in, s);
    EXPECT_EQ(sdk::validate_outcome(sdk::Operation::authorize, o), std::nullopt);
    EXPECT_EQ(o.kind, sdk::OutcomeKind::pending);
    EXPECT_EQ(o.status, sdk::PaymentStatus::requires_action);
    ASSERT_TRUE(o.next_action);
    EXPECT_EQ(o.next_action->type, sdk::NextAction::Type::redirect);
    EXPECT_EQ(o.next_action->url, "https://pay.example.com/checkout/pay_1");
    EXPECT_FALSE(o.amounts.received.has_value() && *o.amounts.received != 0);
  }
}

TEST(SandboxDecisions, HostedCheckoutWithACardFollowsTheCard) {
  auto in = payment("4242424242424242");
  in.payment.hosted_checkout = true;
  EXPECT_EQ(authorize(in, SandboxSettings{}).status, sdk::PaymentStatus::succeeded);
  in.payment.payment_method = "4000000000000002";
  EXPECT_EQ(authorize(in, SandboxSettings{}).kind, sdk::OutcomeKind::declined);
}

TEST(SandboxDecisions, WithoutHostedCheckoutAnEmptyCardIsStillCharged) {
  // The long-standing default: a plain payment without a card behaves as 4242.
  const auto o = authorize(payment(""), SandboxSettings{});
  EXPECT_EQ(o.status, sdk::PaymentStatus::succeeded);
  EXPECT_FALSE(o.next_action);
}

TEST(SandboxSettingsTest, BadConfigNamesTheKey) {
  auto key_of = [](boost::json::object config) {
    try {
      (void)parse_settings(config);
    } catch (const sdk::ConfigError& e) {
      return e.key();
    }
    return std::string();
  };
  EXPECT_EQ(key_of({{"webhook_secret", "short"}}), "webhook_secret");
  EXPECT_EQ(key_of({{"latency_ms", -1}}), "latency_ms");
  EXPECT_EQ(key_of({{"redirect_base_url", "ftp://x"}}), "redirect_base_url");
  EXPECT_EQ(key_of({{"webhook_tolerance_seconds", 0}}), "webhook_tolerance_seconds");
  EXPECT_EQ(key_of({{"latency", 5}}), "latency");
  EXPECT_EQ(key_of({}), "");
}

TEST(SandboxProviderTest, WebhooksAreDeclaredOnlyWithASecret) {
  const SandboxProvider off(SandboxSettings{}, sdk::ConnectorContext{});
  EXPECT_FALSE(off.info().capabilities.webhooks);
  SandboxSettings s;
  s.webhook_secret = "whsec_0123456789abcdef";
  const SandboxProvider on(s, sdk::ConnectorContext{});
  EXPECT_TRUE(on.info().capabilities.webhooks);
}

}  // namespace
}  // namespace payd::sandbox
