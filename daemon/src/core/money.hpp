#pragma once
// Money as the API accepts it: a positive int64 amount in minor units plus an ISO 4217 code.
// The exponent table is the SDK's (payd::sdk::currency_exponent), so payd and its plugins can
// never disagree about how many minor units a currency has.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "http/api_error.hpp"

namespace payd::core {

struct Currency {
  std::string code;  // ISO 4217, upper case
  int exponent = 2;  // minor-unit digits: JPY 0, USD 2, KWD 3 (CLF and UYW 4)
};

// Bounds of an amount in minor units, the same for every currency. The maximum is eleven
// nines (below 1e11): larger than any single payment we expect, so a provider with a lower
// limit refuses it in its plugin, and small enough that sums of amounts and refunds stay far
// from int64 overflow.
inline constexpr std::int64_t kMinAmount = 1;
inline constexpr std::int64_t kMaxAmount = 99'999'999'999;

// The active ISO 4217 currency with this code, in any letter case ("usd" finds USD), or
// std::nullopt (also for "", "US", "XXX" and codes without minor units such as XAU).
[[nodiscard]] std::optional<Currency> find_currency(std::string_view code);

// Validates a request's amount and currency, currency first. Errors are 400s:
// INVALID_CURRENCY (param = currency_param) for an unknown code, INVALID_AMOUNT
// (param = amount_param) for an amount outside kMinAmount..kMaxAmount.
[[nodiscard]] Result<Currency, http::ApiError> validate_money(
    std::int64_t amount, std::string_view currency, std::string_view amount_param = "amount",
    std::string_view currency_param = "currency");

// Exact decimal text for messages, never via floating point: 1000 USD -> "10.00 USD",
// 500 JPY -> "500 JPY", 1234 KWD -> "1.234 KWD", -5 USD -> "-0.05 USD".
[[nodiscard]] std::string format_minor(std::int64_t amount, const Currency& currency);

}  // namespace payd::core
