// The kit's checks called directly: they must pass a good provider and name every flaw of a
// bad one (no nested GoogleTest: each check returns its list of problems).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "fake_providers.hpp"
#include "payd/testkit/kit.hpp"

namespace payd::testkit {
namespace {

namespace json = boost::json;
using Problems = std::vector<std::string>;

bool mentions(const Problems& problems, std::string_view text) {
  for (const auto& p : problems) {
    if (p.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string dump(const Problems& problems) {
  std::string s;
  for (const auto& p : problems) s += "\n  " + p;
  return s;
}

Fixtures fixtures(std::string_view kit, std::initializer_list<std::string_view> files) {
  Fixtures f;
  f.kit = kit_from_json(json::parse(kit));
  int i = 0;
  for (auto file : files) add_fixture_from_json(f, json::parse(file), "f" + std::to_string(i++));
  return f;
}

ProviderMaker flawed(fake::Flaw flaw) {
  return
      [flaw](const json::object&, const sdk::ConnectorContext&) { return fake::make_flawed(flaw); };
}

constexpr std::string_view kKit = R"({"config": {"api_key": "sk_test_fake"}})";
constexpr std::string_view kAuthorize = R"({"operation": "authorize",
  "input": {"payment": {"id": "pay_1", "amount": 2000, "currency": "USD"}},
  "expect_outcome": {"kind": "processed", "status": "succeeded"}})";
constexpr std::string_view kSignedKit = R"({"config": {},
  "webhook": {"signing": {"header": "Fake-Signature", "secret": "whsec_0123456789abcdef"}}})";
constexpr std::string_view kWebhook = R"({"name": "paid",
  "webhook": {"headers": {"Content-Type": "application/json"}, "sign": true,
              "body": {"id": "evt_1", "type": "charge.succeeded"}, "received_at": 1700000000},
  "expect": {"verified": true}})";

TEST(TestkitJson, OperationInputFromJson) {
  const auto in = operation_input_from_json(json::parse(R"({
    "payment": {"id": "pay_1", "amount": 1000, "currency": "JPY", "capture_method": "manual",
                "metadata": {"order": "o1"}, "line_items": [{"name": "tea", "unit_amount": 500,
                "quantity": 2}], "state": {"status": "requires_capture"}},
    "refund": {"id": "re_1", "amount": 300}, "amount": 300, "now": 1700000000})"));
  EXPECT_EQ(in.payment.capture_method, sdk::CaptureMethod::manual);
  EXPECT_EQ(in.payment.metadata.at("order"), "o1");
  EXPECT_EQ(in.payment.line_items.at(0).quantity, 2);
  EXPECT_EQ(in.payment.state.at("status").as_string(), "requires_capture");
  ASSERT_TRUE(in.refund);
  EXPECT_EQ(in.refund->amount, 300);
  EXPECT_EQ(in.now, 1700000000);
  EXPECT_EQ(to_json(in).at("payment").at("currency").as_string(), "JPY");
}

TEST(TestkitJson, ReadersNameThePathOfABadField) {
  try {
    (void)operation_input_from_json(json::parse(R"({"payment": {"amout": 1}})"));
    FAIL() << "no error";
  } catch (const FixtureError& e) {
    EXPECT_STREQ(e.what(), "input.payment.amout: unknown key");
  }
  EXPECT_THROW((void)operation_input_from_json(json::parse(R"({"payment": {"mode": "prod"}})")),
               FixtureError);
  EXPECT_THROW((void)http_response_from_json(json::parse("{}"), "response"), FixtureError);
}

TEST(TestkitJson, SubsetMatching) {
  const auto actual = json::parse(R"({"kind": "processed", "amounts": {"received": 5}})");
  EXPECT_TRUE(subset_mismatches(json::parse(R"({"amounts": {"received": 5}, "error": null})"),
                                actual, "outcome")
                  .empty());
  const auto problems = subset_mismatches(
      json::parse(R"({"kind": "declined", "amounts": {"received": null}})"), actual, "outcome");
  EXPECT_TRUE(mentions(problems, "outcome.kind: expected \"declined\"")) << dump(problems);
  EXPECT_TRUE(mentions(problems, "outcome.amounts.received: expected absent")) << dump(problems);
}

TEST(TestkitFixtures, LoadsAFolderAndRefusesTypos) {
  const auto f = load_fixtures(PAYD_TESTKIT_FIXTURES "/two_step");
  EXPECT_EQ(f.operations.size(), 3U);
  EXPECT_EQ(f.operations.at(0).name, "authorize_declined");  // from the file name
  EXPECT_EQ(f.operations.at(1).exchanges.size(), 2U);
  try {
    (void)fixtures(kKit, {R"({"operation": "authorize", "exchanges": [{"expect_request":
      {"methd": "GET"}, "response": {"status": 200}}], "expect_outcome": {"kind": "unknown"}})"});
    FAIL() << "no error";
  } catch (const FixtureError& e) {
    EXPECT_STREQ(e.what(), "exchanges[0].expect_request.methd: unknown key");
  }
  EXPECT_THROW((void)fixtures(kKit, {R"({"operation": "charge", "expect_outcome": {}})"}),
               FixtureError);
  EXPECT_THROW((void)fixtures(kKit, {kWebhook}), FixtureError);  // "sign" without signing
  EXPECT_THROW((void)load_fixtures("/nonexistent"), FixtureError);
}

TEST(TestkitChecks, RequestMismatchesAreNamed) {
  sdk::HttpRequest r;
  r.method = "POST";
  r.url = "https://api.fake.test/v1/charges";
  r.headers = {{"Authorization", "Bearer k"}};
  r.body = "amount=100&currency=USD";
  const auto problems = check_request(json::parse(R"({"method": "GET",
    "headers": {"authorization": "Bearer x", "Idempotency-Key": "a"},
    "form": {"amount": "200", "currency": "USD", "extra": null}, "body_contains": "cur=",
    "json": {}})")
                                          .as_object(),
                                      r);
  EXPECT_TRUE(mentions(problems, "method: expected GET, got POST")) << dump(problems);
  EXPECT_TRUE(mentions(problems, "header authorization: expected")) << dump(problems);
  EXPECT_TRUE(mentions(problems, "header Idempotency-Key is missing")) << dump(problems);
  EXPECT_TRUE(mentions(problems, "form field amount: expected \"200\"")) << dump(problems);
  EXPECT_TRUE(mentions(problems, "body does not contain")) << dump(problems);
  EXPECT_TRUE(mentions(problems, "body is not JSON")) << dump(problems);
  EXPECT_EQ(problems.size(), 6U) << dump(problems);
  r.url = "api.fake.test";
  EXPECT_TRUE(mentions(check_request({}, r), "not an absolute http(s) URL"));
}

TEST(TestkitChecks, TheTwoStepProviderPasses) {
  const auto f = load_fixtures(PAYD_TESTKIT_FIXTURES "/two_step");
  for (const auto& op : f.operations) {
    const auto problems = check_operation_fixture(fake::make_two_step, f.kit, op);
    EXPECT_TRUE(problems.empty()) << op.name << dump(problems);
  }
}

TEST(TestkitChecks, UnexpectedAndMissingRequestsFail) {
  auto f = load_fixtures(PAYD_TESTKIT_FIXTURES "/two_step");
  auto op = f.operations.at(1);  // authorize_success: POST then GET
  op.exchanges.at(1).expect_request["url"] = "https://api.fake.test/v1/charges/ch_2";
  auto problems = check_operation_fixture(fake::make_two_step, f.kit, op);
  EXPECT_TRUE(mentions(problems, "request 2 (GET https://api.fake.test/v1/charges/ch_1): url"))
      << dump(problems);

  op = f.operations.at(1);
  op.exchanges.pop_back();
  problems = check_operation_fixture(fake::make_two_step, f.kit, op);
  EXPECT_TRUE(mentions(problems,
                       "request 2 (GET https://api.fake.test/v1/charges/ch_1) is not "
                       "expected: the fixture has 1 exchanges"))
      << dump(problems);

  op = f.operations.at(0);  // declined after one request
  op.exchanges.push_back(op.exchanges.at(0));
  problems = check_operation_fixture(fake::make_two_step, f.kit, op);
  EXPECT_TRUE(mentions(problems, "the Outcome came after 1 of 2 expected requests"))
      << dump(problems);
}

TEST(TestkitChecks, AnOutcomeThatDiffersFromTheFixtureFails) {
  auto f = load_fixtures(PAYD_TESTKIT_FIXTURES "/two_step");
  auto op = f.operations.at(1);
  op.expect_outcome["status"] = "requires_capture";
  const auto problems = check_operation_fixture(fake::make_two_step, f.kit, op);
  EXPECT_TRUE(mentions(problems,
                       "outcome.status: expected \"requires_capture\", got "
                       "\"succeeded\""))
      << dump(problems);
}

TEST(TestkitChecks, FactoryErrorsAreReported) {
  auto f = load_fixtures(PAYD_TESTKIT_FIXTURES "/two_step");
  auto op = f.operations.at(0);
  op.config = {};
  EXPECT_TRUE(mentions(check_operation_fixture(fake::make_two_step, f.kit, op),
                       "the factory threw: api_key: required string"));
}

TEST(TestkitChecks, BadProvidersFail) {
  const auto f = fixtures(kKit, {kAuthorize});
  const auto& op = f.operations.at(0);
  auto problems = check_operation_fixture(flawed(fake::Flaw::invalid_outcome), f.kit, op);
  EXPECT_TRUE(mentions(problems,
                       "invalid Outcome: processed authorize outcome: must carry a "
                       "status"))
      << dump(problems);
  problems = check_operation_fixture(flawed(fake::Flaw::throws), f.kit, op);
  EXPECT_TRUE(mentions(problems, "exception escaped the provider: boom")) << dump(problems);
  problems = check_operation_fixture(flawed(fake::Flaw::never_ends), f.kit, op);
  EXPECT_TRUE(mentions(problems, "no Outcome within 16 steps")) << dump(problems);
}

TEST(TestkitChecks, NondeterminismFails) {
  const auto f = fixtures(kKit, {R"({"operation": "authorize",
    "exchanges": [{"expect_request": {"method": "POST"}, "response": {"status": 500}}],
    "expect_outcome": {"kind": "unknown"}})"});
  const auto problems =
      check_operation_fixture(flawed(fake::Flaw::nondeterministic), f.kit, f.operations.at(0));
  EXPECT_TRUE(mentions(problems, "not deterministic")) << dump(problems);
}

TEST(TestkitChecks, PausesAreCountedAndFedAnEmptyResponse) {
  auto f = fixtures(kKit, {R"({"operation": "authorize", "pauses": 2,
    "expect_outcome": {"kind": "unknown"}})"});
  const auto provider = fake::make_flawed(fake::Flaw::never_ends);
  const auto run = run_operation(*provider, f.operations.at(0));
  EXPECT_EQ(run.pauses, kStepLimit - 1);
  EXPECT_TRUE(mentions(run.problems, "expected 2 pauses, got 15")) << dump(run.problems);
}

TEST(TestkitChecks, CoverageListsTheMissingCapabilities) {
  const auto f = fixtures(kKit, {kAuthorize});
  const auto provider = fake::make_flawed(fake::Flaw::invalid_outcome);
  const auto problems = check_coverage(provider->info(), f);
  EXPECT_TRUE(mentions(problems, "declared operations without a fixture: refund"))
      << dump(problems);
  EXPECT_TRUE(mentions(problems, "capabilities.webhooks is declared")) << dump(problems);
  const auto two_step = fake::make_two_step(json::object{{"api_key", "k"}}, {});
  EXPECT_TRUE(check_coverage(two_step->info(), f).empty());
}

TEST(TestkitChecks, WebhookAttacksCatchATrustingProvider) {
  const auto f = fixtures(kSignedKit, {kWebhook});
  const auto& hook = f.webhooks.at(0);
  EXPECT_NE(hook.webhook.headers.back().second.find("t=1700000000,v1="), std::string::npos);
  const auto problems = check_webhook_attacks(flawed(fake::Flaw::trusting_webhooks), f.kit, hook);
  for (const auto* attack :
       {"tampered body: was accepted", "missing signature header: was accepted",
        "wrong secret: was accepted", "stale timestamp: was accepted",
        "future timestamp: was accepted", "replay: the event ids differ"}) {
    EXPECT_TRUE(mentions(problems, attack)) << attack << dump(problems);
  }
}

TEST(TestkitChecks, ARejectionMustBe4xx) {
  const auto f = fixtures(kSignedKit, {kWebhook});
  const auto problems =
      check_webhook_fixture(flawed(fake::Flaw::rejects_with_200), f.kit, f.webhooks.at(0));
  EXPECT_TRUE(mentions(problems, "rejected but replies 200")) << dump(problems);
  EXPECT_TRUE(mentions(problems, "expected the webhook verified, it was rejected: bad signature"))
      << dump(problems);
}

}  // namespace
}  // namespace payd::testkit
