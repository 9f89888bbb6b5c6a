#pragma once
// Payment links: the merchant's side (create, read, list, deactivate: tenant- and
// mode-scoped like payments) and the public side (read by slug, open a checkout session).
//
// A public checkout counts a use of the link before it creates anything, in one UPDATE
// that checks the link is active, unexpired and below its usage limit (store::
// reserve_payment_link_use), committed at once so the row lock is not held across the
// provider call. N concurrent checkouts on a link with usage limit k therefore open exactly
// k sessions. The use is given back when nothing reached a provider:
//   * creating the payment was refused before anything was written (a 4xx, e.g. no
//     connector takes the link's currency), or
//   * every attempt was not_attempted (the session exists, status failed).
// A 5xx keeps the use: the payment may exist and may have reached the provider, and a use
// lost to an outage is better than a limit exceeded.

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "core/checkout_service.hpp"
#include "core/payment_service.hpp"
#include "http/api_error.hpp"
#include "store/payment_link_store.hpp"

namespace payd::store {
class ConnectionPool;
}

namespace payd::core {

struct CreatePaymentLink {
  std::string slug;  // validated (is_valid_slug); empty: generate one
  std::int64_t amount = 0;
  std::string currency;  // validated, upper case
  std::string reference;
  std::vector<std::string> payment_method_types{"card"};
  std::optional<std::int64_t> expires_at;   // unix seconds, in the future
  std::optional<std::int64_t> usage_limit;  // > 0
};

struct PaymentLinkPage {
  std::vector<store::PaymentLinkRecord> items;
  bool has_more = false;
};

class PaymentLinkService {
 public:
  PaymentLinkService(store::ConnectionPool& pool, CheckoutService& checkout);

  // 409 SLUG_TAKEN (param slug) when any tenant's link has the slug.
  boost::asio::awaitable<Result<store::PaymentLinkRecord, http::ApiError>> create(
      Caller caller, CreatePaymentLink request);
  boost::asio::awaitable<Result<store::PaymentLinkRecord, http::ApiError>> get(Caller caller,
                                                                               std::string id);
  boost::asio::awaitable<Result<PaymentLinkPage, http::ApiError>> list(
      Caller caller, std::optional<store::ListPosition> after, unsigned limit);
  // Idempotent: deactivating an inactive link answers the link unchanged.
  boost::asio::awaitable<Result<store::PaymentLinkRecord, http::ApiError>> deactivate(
      Caller caller, std::string id);

  // Public: any tenant's link by its slug (the caller must not show tenant or id).
  boost::asio::awaitable<Result<store::PaymentLinkRecord, http::ApiError>> find_public(
      std::string slug, std::string request_id);
  // Public: opens a checkout session for the link's tenant and mode. `payment_method_types`
  // must be a non-empty subset of the link's; empty: the link's own.
  boost::asio::awaitable<Result<CheckoutSession, http::ApiError>> checkout(
      std::string slug, std::vector<std::string> payment_method_types, std::string request_id);

 private:
  boost::asio::awaitable<void> give_back(store::PaymentLinkRecord link, std::string request_id);

  store::ConnectionPool& pool_;
  CheckoutService& checkout_;
};

}  // namespace payd::core
