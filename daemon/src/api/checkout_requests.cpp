#include "api/checkout_requests.hpp"

#include <limits>

#include "api/payment_fields.hpp"
#include "api/request_fields.hpp"
#include "core/checkout_rules.hpp"
#include "core/money.hpp"
#include "core/timestamps.hpp"

namespace payd::api {

namespace json = boost::json;

namespace {

// payment_links.usage_limit is a PostgreSQL integer.
constexpr std::int64_t kMaxUsageLimit = std::numeric_limits<std::int32_t>::max();

http::ApiError invalid(std::string param, std::string message) {
  return {400, http::ErrorType::invalid_request, "PARAMETER_INVALID", std::move(message),
          std::move(param)};
}

}  // namespace

Result<core::CreateCheckoutSession, http::ApiError> read_create_checkout_session(
    const json::object& body) {
  FieldReader r(body);
  core::CreateCheckoutSession s;
  auto& p = s.payment;
  auto amount = r.required_int64("amount");
  auto currency = r.required_string("currency", 3);
  auto reference = r.optional_string("reference", kShortText);
  auto types = read_method_types(r);
  auto success_url = r.optional_url("success_url");
  if (!success_url && r.ok()) {
    r.reject({400, http::ErrorType::invalid_request, "PARAMETER_MISSING",
              "success_url is required: where the customer goes after paying.",
              std::string("success_url")});
  }
  auto cancel_url = r.optional_url("cancel_url");
  auto capture = r.optional_enum("capture_method", {"automatic", "manual"});
  auto connector = r.optional_string("connector", 64);
  auto description = r.optional_string("description", kLongText);
  auto metadata = r.optional_metadata("metadata");
  if (auto customer = r.optional_object("customer")) {
    if (auto email = customer->optional_email("email")) p.customer_email = *email;
    if (auto name = customer->optional_string("name", kShortText)) p.customer_name = *name;
  }
  if (auto done = r.finish(); !done) return fail(done.error());
  auto money = core::validate_money(*amount, *currency, "amount", "currency");
  if (!money) return fail(money.error());
  p.amount = *amount;
  p.currency = money->code;
  if (reference) p.reference = std::move(*reference);
  if (types) p.payment_method_types = std::move(*types);
  if (capture && *capture == "manual") p.capture_method = sdk::CaptureMethod::manual;
  if (connector) p.connector = std::move(*connector);
  if (description) p.description = std::move(*description);
  if (metadata) {
    for (auto& [k, v] : *metadata) p.metadata[k] = v;
  }
  s.success_url = std::move(*success_url);
  if (cancel_url) s.cancel_url = std::move(*cancel_url);
  return s;
}

Result<core::CreatePaymentLink, http::ApiError> read_create_payment_link(const json::object& body,
                                                                         std::int64_t now) {
  FieldReader r(body);
  core::CreatePaymentLink link;
  auto slug = r.optional_string("slug", 64);
  if (slug && !core::is_valid_slug(*slug)) {
    r.reject(invalid("slug",
                     "slug must be 3 to 64 characters of a-z, 0-9 and '-', starting with a "
                     "letter or digit (^[a-z0-9][a-z0-9-]{2,63}$)."));
  }
  auto amount = r.required_int64("amount");
  auto currency = r.required_string("currency", 3);
  auto reference = r.optional_string("reference", kShortText);
  auto types = read_method_types(r);
  auto expires_at = r.optional_string("expires_at", 64);
  std::optional<std::int64_t> expiry;
  if (expires_at) {
    expiry = core::parse_rfc3339(*expires_at);
    if (!expiry) {
      r.reject(invalid("expires_at",
                       "expires_at must be an RFC 3339 timestamp such as 2026-11-23T10:00:00Z."));
    } else if (*expiry <= now) {
      r.reject(invalid("expires_at", "expires_at must be in the future."));
    }
  }
  auto usage_limit = r.optional_int64("usage_limit");
  if (usage_limit && (*usage_limit < 1 || *usage_limit > kMaxUsageLimit)) {
    r.reject(invalid("usage_limit",
                     "usage_limit must be between 1 and " + std::to_string(kMaxUsageLimit) + "."));
  }
  if (auto done = r.finish(); !done) return fail(done.error());
  auto money = core::validate_money(*amount, *currency, "amount", "currency");
  if (!money) return fail(money.error());
  if (slug) link.slug = std::move(*slug);
  link.amount = *amount;
  link.currency = money->code;
  if (reference) link.reference = std::move(*reference);
  if (types) link.payment_method_types = std::move(*types);
  link.expires_at = expiry;
  link.usage_limit = usage_limit;
  return link;
}

Result<std::vector<std::string>, http::ApiError> read_link_checkout(const json::object& body) {
  FieldReader r(body);
  auto types = read_method_types(r);
  if (auto done = r.finish(); !done) return fail(done.error());
  return types ? std::move(*types) : std::vector<std::string>{};
}

}  // namespace payd::api
