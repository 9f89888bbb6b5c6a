#pragma once
// Exact money arithmetic for plugins: decimal text <-> integer minor units.
//
// payd carries every amount as int64 minor units plus an ISO 4217 code; the exponent (number
// of minor-unit digits) comes from the table below (JPY 0, USD 2, KWD 3), or from the plugin
// for crypto tokens (up to 18). Nothing here goes through binary floating point: "16.49"
// becomes 1649 by string arithmetic, and an amount that does not fit its exponent is an error,
// never rounded.
//
// A provider that sends amounts as JSON numbers (`"amount": 16.49`) must be parsed with
// payd::sdk::parse_json_with_decimal_strings (json.hpp), which keeps the number's source text;
// boost::json::parse would turn it into a double and lose exactness.
//
// Note: these are ISO 4217 exponents. Some providers deviate for particular currencies (for
// example Stripe's documented special cases for ISK, HUF, TWD and UGX); such quirks belong in
// the plugin.

#include <cstdint>
#include <string>
#include <string_view>

#include "payd/sdk/result.hpp"

namespace payd::sdk {

// Largest exponent accepted anywhere in this header (18: ERC-20 style tokens).
inline constexpr int kMaxExponent = 18;

// ISO 4217 minor-unit exponent of an active currency code (case-insensitive: "usd" == "USD"):
// 0 for JPY, KRW, VND, CLP, ISK ..., 3 for BHD, IQD, JOD, KWD, LYD, OMR, TND, 4 for CLF and
// UYW, 2 for the other listed codes. -1 for an unknown code (including crypto tokens, whose
// exponent the plugin supplies) and for codes without minor units (XAU, XDR ...).
[[nodiscard]] int currency_exponent(std::string_view iso_code) noexcept;
[[nodiscard]] inline bool is_known_currency(std::string_view iso_code) noexcept {
  return currency_exponent(iso_code) >= 0;
}
// As currency_exponent, with an error naming the code when it is unknown.
[[nodiscard]] Result<int> exponent_of(std::string_view iso_code);

enum class Negatives { reject, allow };

// "99.99" -> 9999 with exponent 2. Grammar: [-]DIGITS[.DIGITS] (leading zeros allowed,
// "-" only with Negatives::allow). Fraction digits beyond the exponent are accepted only when
// they are zeros ("25.10" and "25.100" are 2510 at exponent 2; "1.234" is an error, never
// rounded). Rejected: "", ".", "1.", ".5", "+1", " 1", "1,00", "1e3", "0x10", overflow of int64,
// exponents outside 0..18.
[[nodiscard]] Result<std::int64_t> decimal_to_minor(std::string_view decimal, int exponent,
                                                    Negatives negatives = Negatives::reject);

// As decimal_to_minor, for the text of a JSON number (RFC 8259 grammar: no leading zeros,
// exponent forms allowed): "16.49", "25.0", "1e2", "1.649E+1" are exact; "1e-3" at exponent 2
// is an error. Use it on the strings produced by parse_json_with_decimal_strings.
[[nodiscard]] Result<std::int64_t> json_number_to_minor(std::string_view json_number_text,
                                                        int exponent,
                                                        Negatives negatives = Negatives::reject);

// 9999, 2 -> "99.99"; 5, 2 -> "0.05"; 100, 0 -> "100"; -125, 2 -> "-1.25";
// 1, 18 -> "0.000000000000000001". With trim_trailing_zeros: 2500, 2 -> "25" and
// 2510, 2 -> "25.1". Throws std::invalid_argument for an exponent outside 0..18.
[[nodiscard]] std::string minor_to_decimal(std::int64_t minor, int exponent,
                                           bool trim_trailing_zeros = false);

}  // namespace payd::sdk
