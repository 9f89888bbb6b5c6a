#include "plugins/log_scrubber.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace payd::plugins {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string lower(std::string_view in) {
  std::string out(in);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string percent_encoded(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : in) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0x0f];
    }
  }
  return out;
}

std::string json_escaped(std::string_view in) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : in) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '/':
        out += "\\/";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0x0f];
        } else {
          out += c;
        }
    }
  }
  return out;
}

void replace_all(std::string& s, std::string_view needle, std::string_view with) {
  for (auto pos = s.find(needle); pos != std::string::npos;
       pos = s.find(needle, pos + with.size())) {
    s.replace(pos, needle.size(), with);
  }
}

}  // namespace

LogScrubber::LogScrubber(const std::vector<std::string>& secrets, std::size_t max_body)
    : max_body_(max_body) {
  for (const auto& s : secrets) {
    if (s.size() < 4) continue;
    for (auto form : {s, percent_encoded(s), json_escaped(s)}) {
      if (std::find(secrets_.begin(), secrets_.end(), form) == secrets_.end()) {
        secrets_.push_back(std::move(form));
      }
    }
  }
  // Longest first, so a secret containing another is replaced whole.
  std::stable_sort(secrets_.begin(), secrets_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

bool LogScrubber::is_sensitive_header(std::string_view name) {
  const auto n = lower(name);
  if (n == "idempotency-key" || n == "x-idempotency-key") return false;
  static constexpr std::array<std::string_view, 12> kParts = {
      "authorization", "cookie",  "token",  "secret",  "signature", "password",
      "passwd",        "api-key", "apikey", "api_key", "auth",      "credential"};
  if (n == "x-api-key" || n == "key") return true;
  return std::any_of(kParts.begin(), kParts.end(),
                     [&](std::string_view part) { return n.find(part) != std::string::npos; });
}

std::string LogScrubber::mask_card_numbers(std::string_view in) {
  std::string out(in);
  std::size_t i = 0;
  while (i < out.size()) {
    if (!is_digit(out[i])) {
      ++i;
      continue;
    }
    // A run: digits, with single spaces or dashes between digits.
    const std::size_t start = i;
    std::size_t digits = 0;
    std::size_t end = i;  // one past the last digit
    while (i < out.size()) {
      if (is_digit(out[i])) {
        ++digits;
        ++i;
        end = i;
      } else if ((out[i] == ' ' || out[i] == '-') && i + 1 < out.size() && is_digit(out[i + 1])) {
        ++i;
      } else {
        break;
      }
    }
    i = end;
    if (digits < 13) continue;
    std::size_t keep = 4;
    for (std::size_t j = end; j > start; --j) {
      char& c = out[j - 1];
      if (!is_digit(c)) continue;
      if (keep > 0) {
        --keep;
      } else {
        c = '*';
      }
    }
  }
  return out;
}

std::string LogScrubber::text(std::string_view in) const {
  std::string out(in);
  for (const auto& s : secrets_) replace_all(out, s, kRedacted);
  return mask_card_numbers(out);
}

std::string LogScrubber::body(std::string_view in) const {
  auto out = text(in);
  if (out.size() > max_body_) {
    const auto cut = out.size() - max_body_;
    out.resize(max_body_);
    out += "...[" + std::to_string(cut) + " bytes truncated]";
  }
  return out;
}

std::string LogScrubber::header_value(std::string_view name, std::string_view value) const {
  if (is_sensitive_header(name)) return std::string(kRedacted);
  return text(value);
}

std::string LogScrubber::headers(const sdk::Headers& headers) const {
  std::string out;
  for (const auto& [name, value] : headers) {
    if (!out.empty()) out += '\n';
    out += text(name);
    out += ": ";
    out += header_value(name, value);
  }
  return out;
}

std::string LogScrubber::url(std::string_view url) const {
  std::string_view rest = url;
  std::string out;
  if (const auto scheme_end = rest.find("://"); scheme_end != std::string_view::npos) {
    out.append(rest.substr(0, scheme_end + 3));
    rest.remove_prefix(scheme_end + 3);
    const auto authority_end = rest.find_first_of("/?#");
    auto authority = rest.substr(0, authority_end);
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
      authority.remove_prefix(at + 1);  // drop user:password@
    }
    out.append(authority);
    rest =
        authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  }
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
    rest = rest.substr(0, hash);
  }
  const auto q = rest.find('?');
  out += text(rest.substr(0, q));
  if (q == std::string_view::npos) return out;
  auto query = rest.substr(q + 1);
  out += '?';
  bool first = true;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    if (!first) out += '&';
    first = false;
    const auto eq = pair.find('=');
    out += text(pair.substr(0, eq));
    if (eq != std::string_view::npos) {
      out += '=';
      out += kRedacted;
    }
  }
  return out;
}

}  // namespace payd::plugins
