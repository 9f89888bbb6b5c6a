#include "core/payment_link_service.hpp"

#include <algorithm>

#include "core/checkout_rules.hpp"
#include "core/ids.hpp"
#include "core/payment_service_support.hpp"
#include "core/store_failure.hpp"
#include "observability/log.hpp"
#include "store/audit_store.hpp"
#include "store/connection_pool.hpp"
#include "store/idempotency_store.hpp"

namespace payd::core {

namespace asio = boost::asio;

namespace {

http::ApiError link_not_found(std::string_view id_or_slug) {
  return http::ApiError::not_found("No payment link '" + std::string(id_or_slug) + "' exists.");
}

http::ApiError slug_taken(std::string_view slug) {
  return http::ApiError{409, http::ErrorType::invalid_request, "SLUG_TAKEN",
                        "The slug '" + std::string(slug) +
                            "' is already used by another payment link; choose another.",
                        std::string("slug")};
}

LinkState state_of(const store::PaymentLinkRecord& link) {
  return LinkState{link.active, link.expires_at, link.usage_limit, link.usage_count};
}

// A customer may narrow the link's payment method types, never widen them.
std::optional<http::ApiError> check_types(const std::vector<std::string>& asked,
                                          const std::vector<std::string>& allowed) {
  for (std::size_t i = 0; i < asked.size(); ++i) {
    if (std::find(allowed.begin(), allowed.end(), asked[i]) == allowed.end()) {
      std::string list;
      for (const auto& t : allowed) list += (list.empty() ? "" : ", ") + t;
      return http::ApiError{400, http::ErrorType::invalid_request, "PARAMETER_INVALID",
                            "This payment link accepts only: " + list + ".",
                            "payment_method_types[" + std::to_string(i) + "]"};
    }
  }
  return std::nullopt;
}

}  // namespace

PaymentLinkService::PaymentLinkService(store::ConnectionPool& pool, CheckoutService& checkout)
    : pool_(pool), checkout_(checkout) {}

asio::awaitable<Result<store::PaymentLinkRecord, http::ApiError>> PaymentLinkService::create(
    Caller caller, CreatePaymentLink request) {
  store::PaymentLinkRecord link;
  link.id = new_id("plink");
  link.tenant_id = caller.tenant_id;
  link.mode = caller.mode;
  link.slug = request.slug.empty() ? new_slug() : std::move(request.slug);
  link.amount = request.amount;
  link.currency = std::move(request.currency);
  link.reference = std::move(request.reference);
  link.payment_method_types = std::move(request.payment_method_types);
  link.expires_at = request.expires_at;
  link.usage_limit = request.usage_limit;
  bool inserted = false;
  auto r = co_await pool_.transact([&](store::Tx& tx) {
    inserted = store::insert_payment_link(tx, link);
    if (inserted) {
      auto audit = detail::audit_of(caller, "payment_link.created", "payment_link:" + link.id);
      audit.details["slug"] = link.slug;
      audit.details["amount"] = link.amount;
      audit.details["currency"] = link.currency;
      (void)store::append_audit(tx, audit);
      store::mark_idempotency_resource(tx, caller.tenant_id, caller.mode, caller.idempotency_key,
                                       "payment_link", link.id);
    }
  });
  if (!r) co_return fail(store_failure(r.error(), caller.request_id));
  if (!inserted) co_return fail(slug_taken(link.slug));
  co_return link;
}

asio::awaitable<Result<store::PaymentLinkRecord, http::ApiError>> PaymentLinkService::get(
    Caller caller, std::string id) {
  if (!looks_like_id(id, "plink")) co_return fail(link_not_found(id));
  std::optional<store::PaymentLinkRecord> found;
  auto r = co_await pool_.transact([&](store::Tx& tx) {
    found = store::find_payment_link(tx, caller.tenant_id, caller.mode, id);
  });
  if (!r) co_return fail(store_failure(r.error(), caller.request_id));
  if (!found) co_return fail(link_not_found(id));
  co_return std::move(*found);
}

asio::awaitable<Result<PaymentLinkPage, http::ApiError>> PaymentLinkService::list(
    Caller caller, std::optional<store::ListPosition> after, unsigned limit) {
  limit = detail::page_limit(limit);
  PaymentLinkPage page;
  auto r = co_await pool_.transact([&](store::Tx& tx) {
    page.items = store::list_payment_links(tx, caller.tenant_id, caller.mode, after, limit + 1);
  });
  if (!r) co_return fail(store_failure(r.error(), caller.request_id));
  page.has_more = detail::trim_page(page.items, limit);
  co_return page;
}

asio::awaitable<Result<store::PaymentLinkRecord, http::ApiError>> PaymentLinkService::deactivate(
    Caller caller, std::string id) {
  if (!looks_like_id(id, "plink")) co_return fail(link_not_found(id));
  std::optional<store::PaymentLinkRecord> done;
  auto r = co_await pool_.transact([&](store::Tx& tx) {
    done = store::deactivate_payment_link(tx, caller.tenant_id, caller.mode, id);
    if (done) {
      (void)store::append_audit(
          tx, detail::audit_of(caller, "payment_link.deactivated", "payment_link:" + id));
      store::mark_idempotency_resource(tx, caller.tenant_id, caller.mode, caller.idempotency_key,
                                       "payment_link", id);
    }
  });
  if (!r) co_return fail(store_failure(r.error(), caller.request_id));
  if (!done) co_return fail(link_not_found(id));
  co_return std::move(*done);
}

asio::awaitable<Result<store::PaymentLinkRecord, http::ApiError>> PaymentLinkService::find_public(
    std::string slug, std::string request_id) {
  // A string that cannot be a slug is not looked up (nor logged by the database).
  if (!is_valid_slug(slug)) co_return fail(link_not_found(slug));
  std::optional<store::PaymentLinkRecord> found;
  auto r = co_await pool_.transact(
      [&](store::Tx& tx) { found = store::find_payment_link_by_slug(tx, slug); });
  if (!r) co_return fail(store_failure(r.error(), request_id));
  if (!found) co_return fail(link_not_found(slug));
  co_return std::move(*found);
}

asio::awaitable<Result<CheckoutSession, http::ApiError>> PaymentLinkService::checkout(
    std::string slug, std::vector<std::string> payment_method_types, std::string request_id) {
  // Refusals that need no use of the link: unknown slug, a link that cannot be paid, types
  // the link does not accept (a link's types never change).
  auto slug_copy = slug;
  auto request_id_copy = request_id;
  auto found = co_await find_public(std::move(slug_copy), std::move(request_id_copy));
  if (!found) co_return fail(std::move(found).error());
  if (auto refused = link_refusal(state_of(*found), detail::unix_now())) {
    co_return fail(link_refusal_error(*refused));
  }
  if (auto bad = check_types(payment_method_types, found->payment_method_types)) {
    co_return fail(std::move(*bad));
  }

  // The use, atomically. Losing the race to the last use (or to a deactivation) is told
  // the same way as finding the link used up.
  std::optional<store::PaymentLinkUse> use;
  std::optional<store::PaymentLinkRecord> now_found;
  auto reserved = co_await pool_.transact([&](store::Tx& tx) {
    use = store::reserve_payment_link_use(tx, slug);
    if (!use) now_found = store::find_payment_link_by_slug(tx, slug);
  });
  if (!reserved) co_return fail(store_failure(reserved.error(), request_id));
  if (!use) {
    if (!now_found) co_return fail(link_not_found(slug));
    // Nothing refused by our clock: the database's said expired a moment earlier.
    const auto refused = link_refusal(state_of(*now_found), detail::unix_now());
    co_return fail(link_refusal_error(refused.value_or(LinkRefusal::expired)));
  }

  const auto& link = use->link;
  Caller caller;
  caller.tenant_id = link.tenant_id;
  caller.tenant_name = use->tenant_name;
  caller.mode = link.mode;
  caller.request_id = request_id;
  caller.actor = "anonymous";  // a customer on the public link page: no credential
  CreateCheckoutSession request;
  request.payment.amount = link.amount;
  request.payment.currency = link.currency;
  request.payment.reference = link.reference;
  request.payment.payment_method_types =
      payment_method_types.empty() ? link.payment_method_types : payment_method_types;
  request.payment_link_id = link.id;
  auto created = co_await checkout_.create(std::move(caller), std::move(request));

  const bool nothing_started = !created && created.error().status < 500;
  if (nothing_started || (created && !created->provider_reached)) {
    auto link_copy = link;
    auto request_id_again = request_id;
    co_await give_back(std::move(link_copy), std::move(request_id_again));
  }
  co_return std::move(created);
}

asio::awaitable<void> PaymentLinkService::give_back(store::PaymentLinkRecord link,
                                                    std::string request_id) {
  auto r = co_await pool_.transact(
      [&](store::Tx& tx) { store::release_payment_link_use(tx, link.tenant_id, link.id); });
  if (!r) {
    // The use stays counted: the link allows one checkout fewer, never one more.
    obs::log_warn("could not give back a payment link use")
        .str("request_id", request_id)
        .str("payment_link", link.id)
        .str("detail", r.error().detail);
  }
}

}  // namespace payd::core
