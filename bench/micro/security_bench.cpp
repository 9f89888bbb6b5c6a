// Issue #5: the in-process cost of the checks on the create-payment path, one by one.
// The database side (one key lookup, two audit statements) is measured end to end by
// bench/run_api_bench.sh; see docs/BENCHMARKS.md, "Security".
#include <benchmark/benchmark.h>

#include <boost/json/object.hpp>
#include <string>

#include "config/rate_limit_config.hpp"
#include "security/api_key.hpp"
#include "security/audit_chain.hpp"
#include "security/authenticator.hpp"
#include "security/rate_limiter.hpp"
#include "security/rbac.hpp"

namespace {

using namespace payd;

// Authentication without its query: the credential from the header, the strict parse, the
// SHA-256 and the constant-time comparison with the stored hash.
void BM_ApiKeyVerify(benchmark::State& state) {
  const auto key = security::generate_api_key(sdk::Mode::test);
  const std::string stored(key.secret_hash.begin(), key.secret_hash.end());
  const std::string header = "Bearer " + key.key;
  for (auto _ : state) {
    auto credential = security::credential_from_authorization(header);
    auto parsed = security::parse_api_key(*credential);
    benchmark::DoNotOptimize(parsed);
    benchmark::DoNotOptimize(security::verify_api_key(*credential, stored));
  }
}
BENCHMARK(BM_ApiKeyVerify);

// RBAC: a key's permissions from its role, then the route's permission by name.
void BM_RbacCheck(benchmark::State& state) {
  const std::optional<std::string> role = "developer";
  for (auto _ : state) {
    auto held = security::key_permissions(security::KeyKind::secret, role, {});
    benchmark::DoNotOptimize(held.has("payments:create"));
  }
}
BENCHMARK(BM_RbacCheck);

// The tenant's token bucket for the route's class, with `range(0)` tenants sharing the
// limiter (the map lookup under its lock).
void BM_RateLimitTake(benchmark::State& state) {
  config::RateLimitConfig cfg;
  security::RateLimiter limiter(cfg);
  std::vector<std::string> tenants;
  for (int i = 0; i < state.range(0); ++i) tenants.push_back("ten_" + std::to_string(i));
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        limiter.take(config::RateClass::general, tenants[i++ % tenants.size()]));
  }
}
BENCHMARK(BM_RateLimitTake)->Arg(1)->Arg(1000);

// The audit row's hash: canonical encoding and SHA-256 (the row's two SQL statements are
// not included).
void BM_AuditRowHash(benchmark::State& state) {
  security::AuditRow row;
  row.tenant_id = "ten_2R3N81gtYqNJguyGhuOTMcoL";
  row.seq = 123456;
  row.id = "aud_2R3N81gtYqNJguyGhuOTMcoL";
  row.occurred_at_us = 1795000000000000;
  row.actor = "api_key:sk_test_\u2026abcd";
  row.action = "payment.created";
  row.target = "payment:pay_2R3N81gtYqNJguyGhuOTMcoL";
  row.outcome = "success";
  row.request_id = "req_e1674817cdeca07f32230a8ab26c893a";
  row.client_ip = "127.0.0.0";
  row.user_agent = "wrk";
  row.details = boost::json::object{{"mode", "test"}, {"amount", 1000}, {"currency", "EUR"}};
  row.prev_hash = security::zero_hash();
  for (auto _ : state) benchmark::DoNotOptimize(security::audit_hash(row));
}
BENCHMARK(BM_AuditRowHash);

}  // namespace

BENCHMARK_MAIN();
