#pragma once
// application/x-www-form-urlencoded bodies, with the nested-key convention of Stripe-like APIs:
//
//   FormBuilder f;
//   f.add("amount", 2000).add("currency", "usd");
//   f.add_list("payment_method_types", {"card"});        // payment_method_types[0]=card
//   f.add_map("metadata", {{"order_id", "o1"}});         // metadata[order_id]=o1
//   f.add(form_key("line_items", {"0", "quantity"}), 1);  // line_items[0][quantity]=1
//   request.body = f.encode();
//
// Encoding: bytes A-Z a-z 0-9 - . _ ~ * are kept, a space becomes '+', every other byte
// (UTF-8 included) becomes %XX with upper-case hex. In KEYS the brackets '[' and ']' are kept
// literally by default, as stripe-node does (it undoes qs's %5B/%5D "to make parameter strings
// easier to read"); servers decode both forms identically, and KeyBrackets::encoded gives the
// strict form. Brackets in values are always encoded. Field order is preserved.

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "payd/sdk/result.hpp"

namespace payd::sdk {

// Ordered (key, value) pairs; a key may repeat.
using FormFields = std::vector<std::pair<std::string, std::string>>;

enum class KeyBrackets { literal, encoded };

// "k1=v1&k2=v2", each side form-encoded as described above.
[[nodiscard]] std::string form_urlencode(const FormFields& fields,
                                         KeyBrackets brackets = KeyBrackets::literal);
// One key or value, form-encoded (space -> '+').
[[nodiscard]] std::string form_encode_component(std::string_view text);
// RFC 3986 percent-encoding for a URL path segment or query value: only A-Z a-z 0-9 - . _ ~
// are kept, a space is %20. Use it for ids placed into URLs ("/v1/payment_intents/" + ...).
[[nodiscard]] std::string url_encode_component(std::string_view text);

// Decodes %XX (either hex case) and, when plus_is_space, '+' as a space. Fails on a truncated
// or non-hex escape. The result may be any bytes (no UTF-8 check).
[[nodiscard]] Result<std::string> percent_decode(std::string_view text, bool plus_is_space);
// Parses "k1=v1&k2=v2" back into fields (for tests and provider simulators). An empty body is
// no fields; "k" without '=' is ("k", ""); empty segments ("a=1&&b=2") are skipped.
[[nodiscard]] Result<FormFields> form_urldecode(std::string_view body);

// "root[a][b]": form_key("line_items", {"0", "price_data", "currency"}).
[[nodiscard]] std::string form_key(std::string_view root,
                                   std::initializer_list<std::string_view> path);

class FormBuilder {
 public:
  FormBuilder& add(std::string_view key, std::string_view value);
  // Any integer type (a template so that a literal 0 is not ambiguous with const char*).
  template <std::integral I>
  requires(!std::same_as<I, bool> && !std::same_as<I, char>) FormBuilder& add(std::string_view key,
                                                                              I value) {
    return add(key, std::string_view(std::to_string(value)));
  }
  FormBuilder& add(std::string_view key, const char* value) {
    return add(key, std::string_view(value));
  }
  FormBuilder& add(std::string_view key, const std::string& value) {
    return add(key, std::string_view(value));
  }
  // "true" / "false" (a separate name: a bool overload of add() would capture string literals).
  FormBuilder& add_bool(std::string_view key, bool value);
  // Adds the field only when `value` is not empty (optional provider parameters).
  FormBuilder& add_if_not_empty(std::string_view key, std::string_view value);
  // key[0]=v0&key[1]=v1 ...
  FormBuilder& add_list(std::string_view key, const std::vector<std::string>& values);
  // key[k]=v for each entry, in the map's order.
  FormBuilder& add_map(std::string_view key, const std::map<std::string, std::string>& values);

  [[nodiscard]] const FormFields& fields() const noexcept { return fields_; }
  [[nodiscard]] std::string encode(KeyBrackets brackets = KeyBrackets::literal) const {
    return form_urlencode(fields_, brackets);
  }

 private:
  FormFields fields_;
};

}  // namespace payd::sdk
