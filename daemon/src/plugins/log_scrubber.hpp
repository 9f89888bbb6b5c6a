#pragma once
// Makes provider exchanges safe to log at debug level: secret header values, configured
// secret strings and card-like digit runs never reach a log line.
//
//   - headers whose name says they carry credentials (Authorization, Proxy-Authorization,
//     Cookie, X-Api-Key, X-Access-Token, anything with token/secret/signature/password/
//     api-key/auth in its name) have their value replaced by [REDACTED];
//   - every configured secret (and its percent- and JSON-escaped forms) is replaced by
//     [REDACTED] wherever it appears;
//   - every run of 13 or more digits, optionally separated by single spaces or dashes
//     (card numbers, whatever their Luhn check says), keeps only its last 4 digits.
//
// Bodies are scrubbed whole and then truncated, so a secret cut in half by the
// truncation cannot leak its first half.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "payd/sdk/types.hpp"

namespace payd::plugins {

class LogScrubber {
 public:
  static constexpr std::size_t kDefaultMaxBody = 2048;
  static constexpr std::string_view kRedacted = "[REDACTED]";

  LogScrubber() = default;
  // Secrets shorter than 4 characters are ignored: they would mangle ordinary text.
  explicit LogScrubber(const std::vector<std::string>& secrets,
                       std::size_t max_body = kDefaultMaxBody);

  // Secrets and card numbers removed.
  [[nodiscard]] std::string text(std::string_view in) const;
  // text(), then cut to max_body bytes with a "...[N bytes truncated]" marker.
  [[nodiscard]] std::string body(std::string_view in) const;
  // The value as it may be logged for a header of this name.
  [[nodiscard]] std::string header_value(std::string_view name, std::string_view value) const;
  // "Name: value" lines joined by "\n", every value passed through header_value().
  [[nodiscard]] std::string headers(const sdk::Headers& headers) const;
  // scheme://host[:port]/path?name=[REDACTED]: no userinfo, no query values, no fragment;
  // the path passes through text().
  [[nodiscard]] std::string url(std::string_view url) const;

  [[nodiscard]] static bool is_sensitive_header(std::string_view name);
  [[nodiscard]] static std::string mask_card_numbers(std::string_view in);

 private:
  std::vector<std::string> secrets_;  // longest first
  std::size_t max_body_ = kDefaultMaxBody;
};

}  // namespace payd::plugins
