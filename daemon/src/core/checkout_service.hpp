#pragma once
// Checkout sessions: a hosted payment page in front of one payment. Creating a session
// creates its payment through PaymentService::create with hosted_checkout set (the
// connector answers with the page to send the customer to), then records the session:
//
//   1. PaymentService::create: its own transactions around the provider call;
//   2. one transaction: the session row, its event, and the Idempotency-Key's recovery point
//      (now naming the session instead of the payment).
//
// If step 2 fails the payment exists without a session; a retry with the same
// Idempotency-Key is told which payment (409 IDEMPOTENCY_REQUEST_INCOMPLETE), and the
// payment expires with the action TTL like any payment the customer never completes.
//
// A session's status is derived from its payment on every read (core/checkout_rules.hpp),
// so it never disagrees with the payment.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>

#include "common/result.hpp"
#include "core/payment_service.hpp"
#include "http/api_error.hpp"
#include "store/checkout_store.hpp"
#include "store/payment_records.hpp"

namespace payd::store {
class ConnectionPool;
}

namespace payd::core {

struct CreateCheckoutSession {
  // amount, currency, reference, payment_method_types, connector, customer, description,
  // metadata, capture_method. The service sets hosted_checkout and the return/cancel URLs.
  CreatePayment payment;
  std::string success_url;  // where the provider sends the customer after paying
  std::string cancel_url;
  std::string payment_link_id;  // set by PaymentLinkService
};

struct CheckoutSession {
  store::CheckoutSessionRecord session;
  store::PaymentRecord payment;
  // create only: false when no attempt reached a provider (each was not_attempted), so
  // nothing was charged or reserved anywhere.
  bool provider_reached = true;
};

struct CheckoutOptions {
  // How long a session takes the customer: the payments' action TTL, so the session and
  // its payment expire together.
  std::chrono::seconds action_ttl{3600};
};

class CheckoutService {
 public:
  CheckoutService(store::ConnectionPool& pool, PaymentService& payments,
                  CheckoutOptions options = {});

  // Coroutine parameters are values (GCC 12 and temporaries in co_await expressions).
  boost::asio::awaitable<Result<CheckoutSession, http::ApiError>> create(
      Caller caller, CreateCheckoutSession request);
  // Another tenant's or mode's session is not found (404).
  boost::asio::awaitable<Result<CheckoutSession, http::ApiError>> get(Caller caller,
                                                                      std::string id);

 private:
  store::ConnectionPool& pool_;
  PaymentService& payments_;
  CheckoutOptions options_;
};

}  // namespace payd::core
