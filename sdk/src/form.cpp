#include "payd/sdk/form.hpp"

namespace payd::sdk {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool is_alnum(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_unreserved(unsigned char c) noexcept {
  return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

enum class Style { form_value, form_key_literal_brackets, rfc3986 };

void encode_into(std::string& out, std::string_view text, Style style) {
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || (c == '*' && style != Style::rfc3986) ||
        ((c == '[' || c == ']') && style == Style::form_key_literal_brackets)) {
      out.push_back(ch);
    } else if (c == ' ' && style != Style::rfc3986) {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4U]);
      out.push_back(kHex[c & 0x0FU]);
    }
  }
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string form_encode_component(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  encode_into(out, text, Style::form_value);
  return out;
}

std::string url_encode_component(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  encode_into(out, text, Style::rfc3986);
  return out;
}

std::string form_urlencode(const FormFields& fields, KeyBrackets brackets) {
  std::string out;
  const Style key_style =
      brackets == KeyBrackets::literal ? Style::form_key_literal_brackets : Style::form_value;
  for (const auto& [key, value] : fields) {
    if (!out.empty()) out.push_back('&');
    encode_into(out, key, key_style);
    out.push_back('=');
    encode_into(out, value, Style::form_value);
  }
  return out;
}

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      const int hi = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
      const int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return fail("invalid percent-escape at offset " + std::to_string(i));
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<FormFields> form_urldecode(std::string_view body) {
  FormFields fields;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const auto segment = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (segment.empty()) continue;
    const auto eq = segment.find('=');
    auto key = percent_decode(segment.substr(0, eq), true);
    if (!key) return fail("form key: " + key.error());
    auto value = percent_decode(
        eq == std::string_view::npos ? std::string_view() : segment.substr(eq + 1), true);
    if (!value) return fail("form value of \"" + *key + "\": " + value.error());
    fields.emplace_back(std::move(*key), std::move(*value));
  }
  return fields;
}

std::string form_key(std::string_view root, std::initializer_list<std::string_view> path) {
  std::string key(root);
  for (const auto part : path) key.append("[").append(part).append("]");
  return key;
}

FormBuilder& FormBuilder::add(std::string_view key, std::string_view value) {
  fields_.emplace_back(std::string(key), std::string(value));
  return *this;
}

FormBuilder& FormBuilder::add_bool(std::string_view key, bool value) {
  return add(key, std::string_view(value ? "true" : "false"));
}

FormBuilder& FormBuilder::add_if_not_empty(std::string_view key, std::string_view value) {
  if (!value.empty()) add(key, value);
  return *this;
}

FormBuilder& FormBuilder::add_list(std::string_view key, const std::vector<std::string>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    add(form_key(key, {std::to_string(i)}), std::string_view(values[i]));
  }
  return *this;
}

FormBuilder& FormBuilder::add_map(std::string_view key,
                                  const std::map<std::string, std::string>& values) {
  for (const auto& [k, v] : values) add(form_key(key, {k}), std::string_view(v));
  return *this;
}

}  // namespace payd::sdk
