#pragma once
// The rules of checkout sessions and payment links, pure so each has a unit test: what a
// session's status is given its payment, which slugs a link may have, and whether a link
// can still be paid.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/api_error.hpp"
#include "payd/sdk/types.hpp"

namespace payd::core {

// ---- checkout sessions ------------------------------------------------------------------

enum class CheckoutStatus { pending, completed, expired, canceled, failed };

[[nodiscard]] std::string_view to_string(CheckoutStatus s) noexcept;

// A session is a view of its payment:
//   requires_action            pending, or expired once `now` reaches `expires_at` (the
//                              hosted page no longer takes the customer)
//   processing                 pending even past expires_at: the provider is settling an
//                              answer the customer already gave, and the reconciler will
//                              learn it
//   requires_capture/succeeded completed (the customer paid; capture is the merchant's)
//   expired / canceled / failed the same word
// Times are unix seconds.
[[nodiscard]] CheckoutStatus checkout_status(sdk::PaymentStatus payment, std::int64_t expires_at,
                                             std::int64_t now) noexcept;

// Seconds the customer has left: expires_at - now while pending, otherwise 0.
[[nodiscard]] std::int64_t remaining_seconds(CheckoutStatus status, std::int64_t expires_at,
                                             std::int64_t now) noexcept;

// ---- payment links ----------------------------------------------------------------------

// The payment_links.slug CHECK: ^[a-z0-9][a-z0-9-]{2,63}$.
[[nodiscard]] bool is_valid_slug(std::string_view slug) noexcept;
// "link-" + 16 characters of [0-9a-z] from the CSPRNG (82 bits): valid, and unguessable for
// links the merchant does not publish widely. Throws std::runtime_error if the CSPRNG fails.
[[nodiscard]] std::string new_slug();

struct LinkState {
  bool active = true;
  std::optional<std::int64_t> expires_at;  // unix seconds; none: never
  std::optional<std::int64_t> usage_limit;
  std::int64_t usage_count = 0;
};

struct LinkAvailability {
  bool is_expired = false;           // expires_at has been reached
  bool usage_limit_reached = false;  // every allowed checkout has been opened
  bool can_pay = false;              // active, not expired, limit not reached
};

[[nodiscard]] LinkAvailability link_availability(const LinkState& link, std::int64_t now) noexcept;

enum class LinkRefusal { inactive, expired, usage_limit_reached };

// Why a link cannot be paid, checked in this order; nothing when it can be paid.
[[nodiscard]] std::optional<LinkRefusal> link_refusal(const LinkState& link,
                                                      std::int64_t now) noexcept;
// The 409 the public checkout answers: LINK_INACTIVE, LINK_EXPIRED, LINK_USAGE_LIMIT_REACHED.
[[nodiscard]] http::ApiError link_refusal_error(LinkRefusal refusal);

}  // namespace payd::core
