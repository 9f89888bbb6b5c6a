#include "payd/sdk/money.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>

namespace payd::sdk {
namespace {

struct CurrencyExponent {
  std::string_view code;
  int exponent;
};

// Active ISO 4217 codes with minor units (list one, 2024/2025 amendments included), sorted.
// Fund codes (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW) are listed too: some providers
// report them. Codes without minor units (XAU, XDR, XXX ...) are left out on purpose.
constexpr auto kCurrencies = std::to_array<CurrencyExponent>({
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2}, {"AUD", 2},
    {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2}, {"BHD", 3}, {"BIF", 0},
    {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BOV", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2},
    {"BYN", 2}, {"BZD", 2}, {"CAD", 2}, {"CDF", 2}, {"CHE", 2}, {"CHF", 2}, {"CHW", 2}, {"CLF", 4},
    {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"COU", 2}, {"CRC", 2}, {"CUP", 2}, {"CVE", 2}, {"CZK", 2},
    {"DJF", 0}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2}, {"ERN", 2}, {"ETB", 2}, {"EUR", 2},
    {"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2}, {"GMD", 2}, {"GNF", 0},
    {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HTG", 2}, {"HUF", 2}, {"IDR", 2}, {"ILS", 2},
    {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2}, {"JOD", 3}, {"JPY", 0}, {"KES", 2},
    {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2}, {"KRW", 0}, {"KWD", 3}, {"KYD", 2}, {"KZT", 2},
    {"LAK", 2}, {"LBP", 2}, {"LKR", 2}, {"LRD", 2}, {"LSL", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2},
    {"MGA", 2}, {"MKD", 2}, {"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MRU", 2}, {"MUR", 2}, {"MVR", 2},
    {"MWK", 2}, {"MXN", 2}, {"MXV", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2}, {"NGN", 2}, {"NIO", 2},
    {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2}, {"PGK", 2}, {"PHP", 2},
    {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2}, {"RUB", 2}, {"RWF", 0},
    {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2}, {"SHP", 2}, {"SLE", 2},
    {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SVC", 2}, {"SYP", 2}, {"SZL", 2}, {"THB", 2},
    {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2}, {"TTD", 2}, {"TWD", 2}, {"TZS", 2},
    {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"USN", 2}, {"UYI", 0}, {"UYU", 2}, {"UYW", 4}, {"UZS", 2},
    {"VED", 2}, {"VES", 2}, {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0}, {"XCD", 2}, {"XCG", 2},
    {"XOF", 0}, {"XPF", 0}, {"YER", 2}, {"ZAR", 2}, {"ZMW", 2}, {"ZWG", 2}, {"ZWL", 2},
});
static_assert(std::is_sorted(kCurrencies.begin(), kCurrencies.end(),
                             [](const auto& a, const auto& b) { return a.code < b.code; }),
              "kCurrencies must stay sorted for the binary search");

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

// Shortened copy of untrusted input for error messages.
std::string quoted(std::string_view text) {
  constexpr std::size_t kMax = 40;
  std::string out = "\"";
  out.append(text.substr(0, kMax));
  if (text.size() > kMax) out.append("...");
  out.push_back('"');
  return out;
}

Result<void> check_exponent(int exponent) {
  if (exponent < 0 || exponent > kMaxExponent) {
    return fail("exponent " + std::to_string(exponent) + " is outside 0.." +
                std::to_string(kMaxExponent));
  }
  return {};
}

// The number whose digits are `int_digits` followed by `frac_digits`, times 10^exp10 (the
// decimal point sits before frac_digits), expressed in minor units of `exponent`.
Result<std::int64_t> to_minor(std::string_view text, bool negative, std::string_view int_digits,
                              std::string_view frac_digits, std::int64_t exp10, int exponent) {
  std::string digits;
  digits.reserve(int_digits.size() + frac_digits.size());
  digits.append(int_digits).append(frac_digits);
  // minor = digits * 10^shift
  std::int64_t shift =
      static_cast<std::int64_t>(exponent) + exp10 - static_cast<std::int64_t>(frac_digits.size());
  if (shift < 0) {
    const auto drop = static_cast<std::size_t>(-shift);
    const std::size_t keep = drop >= digits.size() ? 0 : digits.size() - drop;
    if (digits.find_first_not_of('0', keep) != std::string::npos) {
      return fail(quoted(text) + " has more than " + std::to_string(exponent) +
                  " decimal places (amounts are never rounded)");
    }
    digits.resize(keep);
    shift = 0;
  }
  const std::uint64_t limit =
      negative ? std::uint64_t{1} << 63U
               : static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  const auto out_of_range = [&] { return fail(quoted(text) + " is out of range"); };
  std::uint64_t magnitude = 0;
  for (const char c : digits) {
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (magnitude > (limit - d) / 10) return out_of_range();
    magnitude = magnitude * 10 + d;
  }
  if (magnitude != 0) {
    for (std::int64_t i = 0; i < shift; ++i) {
      if (magnitude > limit / 10) return out_of_range();
      magnitude *= 10;
    }
  }
  if (!negative) return static_cast<std::int64_t>(magnitude);
  if (magnitude == (std::uint64_t{1} << 63U)) return std::numeric_limits<std::int64_t>::min();
  return -static_cast<std::int64_t>(magnitude);
}

// Consumes a leading '-' according to the policy; nullopt-like failure when refused.
Result<bool> take_sign(std::string_view& s, std::string_view text, Negatives negatives) {
  if (s.empty() || s.front() != '-') return false;
  if (negatives == Negatives::reject) return fail(quoted(text) + ": negative amounts are refused");
  s.remove_prefix(1);
  return true;
}

std::string_view take_digits(std::string_view& s) {
  std::size_t n = 0;
  while (n < s.size() && is_digit(s[n])) ++n;
  const auto out = s.substr(0, n);
  s.remove_prefix(n);
  return out;
}

}  // namespace

int currency_exponent(std::string_view iso_code) noexcept {
  if (iso_code.size() != 3) return -1;
  char upper[3];
  for (std::size_t i = 0; i < 3; ++i) {
    const char c = iso_code[i];
    if (c >= 'a' && c <= 'z') {
      upper[i] = static_cast<char>(c - 'a' + 'A');
    } else if (c >= 'A' && c <= 'Z') {
      upper[i] = c;
    } else {
      return -1;
    }
  }
  const std::string_view code(upper, 3);
  const auto* it = std::lower_bound(kCurrencies.begin(), kCurrencies.end(), code,
                                    [](const auto& e, std::string_view c) { return e.code < c; });
  if (it == kCurrencies.end() || it->code != code) return -1;
  return it->exponent;
}

Result<int> exponent_of(std::string_view iso_code) {
  const int e = currency_exponent(iso_code);
  if (e < 0) return fail("unknown currency " + quoted(iso_code));
  return e;
}

Result<std::int64_t> decimal_to_minor(std::string_view decimal, int exponent, Negatives negatives) {
  if (auto e = check_exponent(exponent); !e) return fail(e.error());
  std::string_view s = decimal;
  const auto negative = take_sign(s, decimal, negatives);
  if (!negative) return fail(negative.error());
  const auto bad = [&] {
    return fail(quoted(decimal) + " is not a decimal amount (expected digits[.digits])");
  };
  const auto int_digits = take_digits(s);
  if (int_digits.empty()) return bad();
  std::string_view frac_digits;
  if (!s.empty() && s.front() == '.') {
    s.remove_prefix(1);
    frac_digits = take_digits(s);
    if (frac_digits.empty()) return bad();
  }
  if (!s.empty()) return bad();
  return to_minor(decimal, *negative, int_digits, frac_digits, 0, exponent);
}

Result<std::int64_t> json_number_to_minor(std::string_view json_number_text, int exponent,
                                          Negatives negatives) {
  if (auto e = check_exponent(exponent); !e) return fail(e.error());
  std::string_view s = json_number_text;
  const auto negative = take_sign(s, json_number_text, negatives);
  if (!negative) return fail(negative.error());
  const auto bad = [&] { return fail(quoted(json_number_text) + " is not a JSON number"); };
  const auto int_digits = take_digits(s);
  if (int_digits.empty() || (int_digits.size() > 1 && int_digits.front() == '0')) return bad();
  std::string_view frac_digits;
  if (!s.empty() && s.front() == '.') {
    s.remove_prefix(1);
    frac_digits = take_digits(s);
    if (frac_digits.empty()) return bad();
  }
  std::int64_t exp10 = 0;
  if (!s.empty() && (s.front() == 'e' || s.front() == 'E')) {
    s.remove_prefix(1);
    bool exp_negative = false;
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
      exp_negative = s.front() == '-';
      s.remove_prefix(1);
    }
    const auto exp_digits = take_digits(s);
    if (exp_digits.empty()) return bad();
    // Saturate: anything past a million digits is out of range (or zero) either way.
    for (const char c : exp_digits) {
      exp10 = std::min<std::int64_t>(exp10 * 10 + (c - '0'), 1'000'000);
    }
    if (exp_negative) exp10 = -exp10;
  }
  if (!s.empty()) return bad();
  return to_minor(json_number_text, *negative, int_digits, frac_digits, exp10, exponent);
}

std::string minor_to_decimal(std::int64_t minor, int exponent, bool trim_trailing_zeros) {
  if (exponent < 0 || exponent > kMaxExponent) {
    throw std::invalid_argument("minor_to_decimal: exponent " + std::to_string(exponent) +
                                " is outside 0..18");
  }
  const bool negative = minor < 0;
  // Two's complement magnitude: correct for INT64_MIN too.
  const std::uint64_t magnitude =
      negative ? ~static_cast<std::uint64_t>(minor) + 1 : static_cast<std::uint64_t>(minor);
  std::string digits = std::to_string(magnitude);
  const auto exp = static_cast<std::size_t>(exponent);
  if (digits.size() <= exp) digits.insert(0, exp + 1 - digits.size(), '0');
  std::string out;
  out.reserve(digits.size() + 2);
  if (negative) out.push_back('-');
  const std::size_t point = digits.size() - exp;
  out.append(digits, 0, point);
  if (exp > 0) {
    std::string_view frac = std::string_view(digits).substr(point);
    if (trim_trailing_zeros) {
      while (!frac.empty() && frac.back() == '0') frac.remove_suffix(1);
    }
    if (!frac.empty()) out.append(".").append(frac);
  }
  return out;
}

}  // namespace payd::sdk
