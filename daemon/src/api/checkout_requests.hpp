#pragma once
// Strict reading of the checkout session and payment link request bodies (FieldReader
// rules: 400 PARAMETER_MISSING / PARAMETER_INVALID / PARAMETER_UNKNOWN naming the field,
// INVALID_AMOUNT / INVALID_CURRENCY from core::validate_money). Field names are snake_case
// only: the camelCase of the front-door spec (successUrl, methodTypes) is PARAMETER_UNKNOWN.

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "core/checkout_service.hpp"
#include "core/payment_link_service.hpp"
#include "http/api_error.hpp"

namespace payd::api {

// POST /api/v1/checkout/sessions: amount, currency, success_url (required); reference,
// payment_method_types (default [card]), cancel_url, capture_method, connector,
// customer {email, name}, description, metadata. No expires_in: a session lives as long as
// its payment may wait for the customer (payments.action_ttl).
[[nodiscard]] Result<core::CreateCheckoutSession, http::ApiError> read_create_checkout_session(
    const boost::json::object& body);

// POST /api/v1/payment_links: amount, currency (required); slug, reference,
// payment_method_types, expires_at (RFC 3339, after `now`, unix seconds), usage_limit.
[[nodiscard]] Result<core::CreatePaymentLink, http::ApiError> read_create_payment_link(
    const boost::json::object& body, std::int64_t now);

// POST /api/v1/links/{slug}/checkout: {payment_method_types?}; empty when not given.
[[nodiscard]] Result<std::vector<std::string>, http::ApiError> read_link_checkout(
    const boost::json::object& body);

}  // namespace payd::api
