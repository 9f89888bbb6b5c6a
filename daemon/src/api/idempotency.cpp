#include "api/idempotency.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <exception>
#include <optional>
#include <utility>

#include "core/store_failure.hpp"
#include "http/api_error.hpp"
#include "http/route_table.hpp"
#include "observability/log.hpp"
#include "payd/sdk/crypto.hpp"
#include "payd/sdk/names.hpp"
#include "security/authenticator.hpp"
#include "store/connection_pool.hpp"
#include "store/idempotency_store.hpp"

namespace payd::api {

namespace asio = boost::asio;

// ---- metrics ------------------------------------------------------------------------------

struct IdempotencyService::Metrics {
  prometheus::Counter& replays;
  prometheus::Family<prometheus::Counter>& conflicts;
  prometheus::Counter& key_reused;
  prometheus::Counter& in_progress;
  prometheus::Counter& incomplete;

  explicit Metrics(prometheus::Registry& registry)
      : replays(prometheus::BuildCounter()
                    .Name("payd_idempotency_replays_total")
                    .Help("Requests answered with the stored response of an earlier request "
                          "with the same Idempotency-Key.")
                    .Register(registry)
                    .Add({})),
        conflicts(prometheus::BuildCounter()
                      .Name("payd_idempotency_conflicts_total")
                      .Help("Requests refused because of their Idempotency-Key, by reason "
                            "(key_reused, in_progress, incomplete).")
                      .Register(registry)),
        key_reused(conflicts.Add({{"reason", "key_reused"}})),
        in_progress(conflicts.Add({{"reason", "in_progress"}})),
        incomplete(conflicts.Add({{"reason", "incomplete"}})) {}
};

IdempotencyService::IdempotencyService(store::ConnectionPool& pool, IdempotencyOptions options,
                                       prometheus::Registry* registry)
    : pool_(pool),
      options_(options),
      metrics_(registry != nullptr ? std::make_unique<Metrics>(*registry) : nullptr) {}

IdempotencyService::~IdempotencyService() = default;

void IdempotencyService::count_replay() {
  if (metrics_) metrics_->replays.Increment();
}

void IdempotencyService::count_conflict(std::string_view reason) {
  if (!metrics_) return;
  if (reason == "key_reused") {
    metrics_->key_reused.Increment();
  } else if (reason == "in_progress") {
    metrics_->in_progress.Increment();
  } else if (reason == "incomplete") {
    metrics_->incomplete.Increment();
  }
}

// ---- the pieces ---------------------------------------------------------------------------

IdempotencyScope idempotency_scope(const security::Principal& principal) {
  return {principal.tenant_id, std::string(sdk::to_string(principal.mode))};
}

bool is_valid_idempotency_key(std::string_view key) noexcept {
  if (key.empty() || key.size() > kMaxIdempotencyKeyLength) return false;
  for (char c : key) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

std::string idempotency_fingerprint(std::string_view method, std::string_view target,
                                    std::string_view body) {
  std::string data;
  data.reserve(3 * 8 + method.size() + target.size() + body.size());
  auto field = [&data](std::string_view bytes) {
    auto n = static_cast<std::uint64_t>(bytes.size());
    for (int shift = 56; shift >= 0; shift -= 8) {
      data.push_back(static_cast<char>((n >> shift) & 0xFF));
    }
    data.append(bytes);
  };
  field(method);
  field(target);
  field(body);
  return sdk::sha256_raw(data);
}

bool releases_idempotency_key(int status) noexcept {
  switch (status) {
    case 400:  // validation failed
    case 401:  // not authenticated (or MFA step-up required)
    case 403:  // not permitted
    case 404:  // no such resource
    case 409:  // refused by a concurrent change
    case 429:  // rate limited
    case 503:  // the database or payd was unavailable: nothing changed
      return true;
    default:
      return false;
  }
}

bool replays_header(std::string_view name) noexcept {
  static constexpr std::string_view kPerResponse[] = {
      "Content-Length", "Transfer-Encoding", "Connection",  "Keep-Alive",
      "Date",           "X-Request-Id",      "Retry-After", "Idempotent-Replayed",
  };
  for (auto n : kPerResponse) {
    if (http::iequals(name, n)) return false;
  }
  constexpr std::string_view kRateLimit = "RateLimit";
  return !(name.size() >= kRateLimit.size() &&
           http::iequals(name.substr(0, kRateLimit.size()), kRateLimit));
}

namespace {

http::ApiError key_invalid(std::string message) {
  return {400, http::ErrorType::invalid_request, "IDEMPOTENCY_KEY_INVALID", std::move(message), {}};
}

http::ApiError key_reused(const store::IdempotencyClaim& claim) {
  return {400,
          http::ErrorType::idempotency,
          "IDEMPOTENCY_KEY_REUSED",
          "This Idempotency-Key was already used for a different request (" + claim.method + " " +
              claim.path +
              " with other parameters); a key may only be retried with the identical request. "
              "Use a new key for a new request.",
          {}};
}

http::ApiError in_progress() {
  return {409,
          http::ErrorType::idempotency,
          "IDEMPOTENCY_REQUEST_IN_PROGRESS",
          "A request with this Idempotency-Key is still being processed; retry after the "
          "indicated delay to receive its response.",
          {},
          1U};
}

// A sentence telling the client where the resource is.
std::string retrieval_hint(std::string_view type, std::string_view id) {
  std::string_view collection;
  if (type == "payment") {
    collection = "/api/v1/payments/";
  } else if (type == "refund") {
    collection = "/api/v1/refunds/";
  } else if (type == "checkout_session") {
    collection = "/api/v1/checkout/sessions/";
  }
  if (collection.empty()) return "Retrieve it by its id.";
  return "Retrieve it with GET " + std::string(collection) + std::string(id) + ".";
}

http::ApiError incomplete(const store::IdempotencyClaim& claim) {
  const std::string type = claim.resource_type.empty() ? "resource" : claim.resource_type;
  return {409,
          http::ErrorType::idempotency,
          "IDEMPOTENCY_REQUEST_INCOMPLETE",
          "The first request with this Idempotency-Key created " + type + " " + claim.resource_id +
              " but did not finish, and will not be run again. " +
              retrieval_hint(claim.resource_type, claim.resource_id),
          {}};
}

http::Response replay(const store::StoredResponse& stored) {
  http::Response r;
  r.status = stored.status;
  for (const auto& [name, value] : stored.headers) r.headers.add(name, value);
  r.body = stored.body;
  r.headers.set(kIdempotentReplayedHeader, "true");
  return r;
}

store::StoredResponse to_stored(const http::Response& response) {
  store::StoredResponse s;
  s.status = response.status;
  for (const auto& [name, value] : response.headers.fields()) {
    if (replays_header(name)) s.headers.emplace_back(name, value);
  }
  s.body = response.replay_body ? *response.replay_body : response.body;
  return s;
}

}  // namespace

// ---- the middleware -----------------------------------------------------------------------

asio::awaitable<http::Response> run_idempotently(IdempotencyService& service,
                                                 const IdempotencyScope& scope,
                                                 http::RequestContext& ctx, http::Handler inner) {
  const http::Request& request = ctx.request;
  const std::size_t sent =
      request.method == http::Method::post ? request.headers.count(kIdempotencyKeyHeader) : 0;
  if (sent == 0) co_return co_await inner(ctx);
  if (sent > 1) {
    co_return key_invalid("Send one Idempotency-Key header, not " + std::to_string(sent) + ".")
        .to_response(ctx.request_id);
  }
  const std::string key(request.headers.get(kIdempotencyKeyHeader).value_or(""));
  if (!is_valid_idempotency_key(key)) {
    co_return key_invalid("The Idempotency-Key header must be 1 to " +
                          std::to_string(kMaxIdempotencyKeyLength) + " printable ASCII characters.")
        .to_response(ctx.request_id);
  }

  const std::string method(http::to_string(request.method));
  const store::IdempotencyClaimRequest claim_request{
      {scope.tenant_id, scope.mode, key},
      idempotency_fingerprint(method, request.target, request.body),
      method,
      request.target,
      service.options().stale_after,
      service.options().retention};
  const store::IdempotencyKeyId& id = claim_request.id;

  store::IdempotencyClaim claim;
  auto claimed = co_await service.pool().transact(
      [&](store::Tx& tx) { claim = store::claim_idempotency_key(tx, claim_request); });
  if (!claimed) {
    co_return core::store_failure(claimed.error(), ctx.request_id).to_response(ctx.request_id);
  }

  using Kind = store::IdempotencyClaim::Kind;
  switch (claim.kind) {
    case Kind::completed:
      service.count_replay();
      co_return replay(claim.response);
    case Kind::mismatch:
      service.count_conflict("key_reused");
      co_return key_reused(claim).to_response(ctx.request_id);
    case Kind::in_progress:
      service.count_conflict("in_progress");
      co_return in_progress().to_response(ctx.request_id);
    case Kind::incomplete:
      service.count_conflict("incomplete");
      obs::log_info("idempotent request found the stale claim of a request that created a resource")
          .str("request_id", ctx.request_id)
          .str("resource_type", claim.resource_type)
          .str("resource_id", claim.resource_id);
      co_return incomplete(claim).to_response(ctx.request_id);
    case Kind::taken_over:
      obs::log_warn("idempotent request took over a stale claim that created nothing")
          .str("request_id", ctx.request_id)
          .str("route", ctx.route.pattern);
      break;
    case Kind::claimed:
      break;
  }
  const std::int64_t token = claim.token;

  // Run the request. (No co_await in a handler: remember the failure and act below.)
  std::optional<http::Response> response;
  std::string failure;
  ctx.idempotency_key = key;
  try {
    response = co_await inner(ctx);
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown exception";
  }
  ctx.idempotency_key.clear();

  if (!response) {
    // Unknown outcome: the claim stays in_progress for the stale rule, made stale at once
    // when a resource was recorded (a retry must then learn about it, never rerun).
    obs::log_error("request handler failed; its idempotency key stays claimed")
        .str("request_id", ctx.request_id)
        .str("error", failure);
    auto abandoned = co_await service.pool().transact(
        [&](store::Tx& tx) { (void)store::abandon_idempotency_key(tx, id, token); });
    if (!abandoned) {
      obs::log_error("could not update the idempotency claim of a failed request")
          .str("request_id", ctx.request_id)
          .str("kind", store::to_string(abandoned.error().kind))
          .str("detail", abandoned.error().detail);
    }
    co_return http::ApiError::internal().to_response(ctx.request_id);
  }

  enum class Ending { stored, released, abandoned, lost };
  Ending ending = Ending::lost;
  const store::StoredResponse stored = to_stored(*response);
  auto finished = co_await service.pool().transact([&](store::Tx& tx) {
    ending = Ending::lost;
    auto owned = store::lock_idempotency_claim(tx, id, token);
    if (!owned) return;
    const bool started = !owned->resource_id.empty();
    if (releases_idempotency_key(stored.status) && !started) {
      if (store::release_idempotency_key(tx, id, token)) ending = Ending::released;
    } else if (releases_idempotency_key(stored.status) && stored.status >= 500) {
      if (store::abandon_idempotency_key(tx, id, token)) ending = Ending::abandoned;
    } else if (store::complete_idempotency_key(tx, id, token, stored)) {
      ending = Ending::stored;
    }
  });
  if (!finished) {
    obs::log_error(
        "could not store the response of an idempotent request; the key stays "
        "claimed until it is stale")
        .str("request_id", ctx.request_id)
        .str("kind", store::to_string(finished.error().kind))
        .str("detail", finished.error().detail);
  } else if (ending == Ending::lost) {
    obs::log_warn(
        "idempotency claim was taken over or purged while its request ran; response "
        "not stored")
        .str("request_id", ctx.request_id);
  }
  co_return std::move(*response);
}

PostWrapper idempotent_posts(IdempotencyService& service) {
  return [&service](AuthedHandler inner) -> AuthedHandler {
    return [&service, inner = std::move(inner)](
               http::RequestContext& ctx,
               const security::Principal& who) -> boost::asio::awaitable<http::Response> {
      auto scope = idempotency_scope(who);
      http::Handler run = [&inner, &who](http::RequestContext& c) { return inner(c, who); };
      co_return co_await run_idempotently(service, scope, ctx, std::move(run));
    };
  };
}

}  // namespace payd::api
