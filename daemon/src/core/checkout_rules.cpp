#include "core/checkout_rules.hpp"

#include "core/random_text.hpp"

namespace payd::core {

using sdk::PaymentStatus;

std::string_view to_string(CheckoutStatus s) noexcept {
  switch (s) {
    case CheckoutStatus::pending:
      return "pending";
    case CheckoutStatus::completed:
      return "completed";
    case CheckoutStatus::expired:
      return "expired";
    case CheckoutStatus::canceled:
      return "canceled";
    case CheckoutStatus::failed:
      return "failed";
  }
  return "pending";
}

CheckoutStatus checkout_status(PaymentStatus payment, std::int64_t expires_at,
                               std::int64_t now) noexcept {
  switch (payment) {
    case PaymentStatus::requires_action:
      return now >= expires_at ? CheckoutStatus::expired : CheckoutStatus::pending;
    case PaymentStatus::processing:
      return CheckoutStatus::pending;
    case PaymentStatus::requires_capture:
    case PaymentStatus::succeeded:
      return CheckoutStatus::completed;
    case PaymentStatus::expired:
      return CheckoutStatus::expired;
    case PaymentStatus::canceled:
      return CheckoutStatus::canceled;
    case PaymentStatus::failed:
      return CheckoutStatus::failed;
  }
  return CheckoutStatus::pending;
}

std::int64_t remaining_seconds(CheckoutStatus status, std::int64_t expires_at,
                               std::int64_t now) noexcept {
  if (status != CheckoutStatus::pending || expires_at <= now) return 0;
  return expires_at - now;
}

bool is_valid_slug(std::string_view slug) noexcept {
  if (slug.size() < 3 || slug.size() > 64) return false;
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_or_digit(slug.front())) return false;
  for (char c : slug.substr(1)) {
    if (!lower_or_digit(c) && c != '-') return false;
  }
  return true;
}

std::string new_slug() {
  constexpr std::size_t kRandomChars = 16;
  std::string slug = "link-";
  // Keeping only the digits and lower-case letters of uniform base62 text leaves each of
  // those 36 characters equally likely.
  while (slug.size() < 5 + kRandomChars) {
    for (char c : random_base62(kRandomChars)) {
      if (slug.size() == 5 + kRandomChars) break;
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) slug.push_back(c);
    }
  }
  return slug;
}

LinkAvailability link_availability(const LinkState& link, std::int64_t now) noexcept {
  LinkAvailability a;
  a.is_expired = link.expires_at && now >= *link.expires_at;
  a.usage_limit_reached = link.usage_limit && link.usage_count >= *link.usage_limit;
  a.can_pay = link.active && !a.is_expired && !a.usage_limit_reached;
  return a;
}

std::optional<LinkRefusal> link_refusal(const LinkState& link, std::int64_t now) noexcept {
  const auto a = link_availability(link, now);
  if (!link.active) return LinkRefusal::inactive;
  if (a.is_expired) return LinkRefusal::expired;
  if (a.usage_limit_reached) return LinkRefusal::usage_limit_reached;
  return std::nullopt;
}

http::ApiError link_refusal_error(LinkRefusal refusal) {
  switch (refusal) {
    case LinkRefusal::inactive:
      return {409, http::ErrorType::invalid_request, "LINK_INACTIVE",
              "This payment link has been deactivated.", std::nullopt};
    case LinkRefusal::expired:
      return {409, http::ErrorType::invalid_request, "LINK_EXPIRED",
              "This payment link has expired.", std::nullopt};
    case LinkRefusal::usage_limit_reached:
      break;
  }
  return {409, http::ErrorType::invalid_request, "LINK_USAGE_LIMIT_REACHED",
          "This payment link has been used as many times as it allows.", std::nullopt};
}

}  // namespace payd::core
