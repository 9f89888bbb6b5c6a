#include "core/money.hpp"

#include "payd/sdk/money.hpp"

namespace payd::core {
namespace {

// Untrusted input echoed in a message: short and quoted.
std::string quoted(std::string_view text) {
  constexpr std::size_t kMax = 16;
  std::string out = "\"";
  out.append(text.substr(0, kMax));
  if (text.size() > kMax) out.append("...");
  out.push_back('"');
  return out;
}

// Field by field rather than aggregate-initialized: ApiError gains optional members.
http::ApiError invalid(std::string code, std::string message, std::string_view param) {
  http::ApiError e;
  e.status = 400;
  e.type = http::ErrorType::invalid_request;
  e.code = std::move(code);
  e.message = std::move(message);
  e.param = std::string(param);
  return e;
}

}  // namespace

std::optional<Currency> find_currency(std::string_view code) {
  const int exponent = sdk::currency_exponent(code);
  if (exponent < 0) return std::nullopt;
  Currency currency{std::string(code), exponent};
  for (char& c : currency.code) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return currency;
}

Result<Currency, http::ApiError> validate_money(std::int64_t amount, std::string_view currency,
                                                std::string_view amount_param,
                                                std::string_view currency_param) {
  auto found = find_currency(currency);
  if (!found) {
    return fail(invalid("INVALID_CURRENCY",
                        std::string(currency_param) +
                            " must be an active three-letter ISO 4217 code such as USD, EUR or "
                            "JPY; " +
                            quoted(currency) + " is not one",
                        currency_param));
  }
  const std::string got = "; got " + std::to_string(amount);
  if (amount < kMinAmount) {
    return fail(invalid("INVALID_AMOUNT",
                        std::string(amount_param) +
                            " must be a positive integer in minor units (cents for USD)" + got,
                        amount_param));
  }
  if (amount > kMaxAmount) {
    return fail(invalid("INVALID_AMOUNT",
                        std::string(amount_param) + " must be at most " +
                            std::to_string(kMaxAmount) + " minor units (" +
                            format_minor(kMaxAmount, *found) + ")" + got,
                        amount_param));
  }
  return std::move(*found);
}

std::string format_minor(std::int64_t amount, const Currency& currency) {
  return sdk::minor_to_decimal(amount, currency.exponent) + " " + currency.code;
}

}  // namespace payd::core
