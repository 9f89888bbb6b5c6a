#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "api/request_fields.hpp"

namespace payd::api {
namespace {

boost::json::object parse(std::string_view json) {
  return boost::json::parse(json).as_object();
}

// The error finish() reports, which must be a 400 invalid_request.
http::ApiError error_of(const FieldReader& r) {
  auto done = r.finish();
  EXPECT_FALSE(done.ok());
  if (done.ok()) return {};
  EXPECT_EQ(done.error().status, 400);
  EXPECT_EQ(done.error().type, http::ErrorType::invalid_request);
  return done.error();
}

void expect_error(const FieldReader& r, std::string_view code, std::string_view param,
                  std::string_view message_part = {}) {
  const auto e = error_of(r);
  EXPECT_EQ(e.code, code);
  EXPECT_EQ(e.param, std::string(param));
  if (!message_part.empty()) {
    EXPECT_NE(e.message.find(message_part), std::string::npos) << e.message;
  }
}

TEST(FieldReader, ReadsAWellFormedBody) {
  const auto body = parse(R"({
    "amount": 1000, "currency": "usd", "capture_method": "manual", "hosted_checkout": true,
    "description": "Order 42", "payment_method_types": ["card", "crypto"],
    "metadata": {"order_id": "42", "note": ""},
    "return_url": "https://shop.example/return?x=1#done",
    "customer": {"email": "jane.doe+pay@example.co.uk", "name": "Jane"},
    "line_items": [{"name": "Tea", "unit_amount": 500, "quantity": 2}]
  })");
  FieldReader r(body);
  EXPECT_EQ(r.required_int64("amount"), 1000);
  EXPECT_EQ(r.required_string("currency", 3), "usd");
  EXPECT_EQ(r.optional_enum("capture_method", {"automatic", "manual"}), "manual");
  EXPECT_EQ(r.optional_bool("hosted_checkout"), true);
  EXPECT_EQ(r.optional_string("description", 1000), "Order 42");
  EXPECT_EQ(r.optional_string_list("payment_method_types", 10, 32),
            (std::vector<std::string>{"card", "crypto"}));
  auto metadata = r.optional_metadata("metadata");
  ASSERT_TRUE(metadata.has_value());
  EXPECT_EQ(metadata->at("order_id"), "42");
  EXPECT_EQ(metadata->at("note"), "");
  EXPECT_EQ(r.optional_url("return_url"), "https://shop.example/return?x=1#done");
  auto customer = r.optional_object("customer");
  ASSERT_TRUE(customer.has_value());
  EXPECT_EQ(customer->optional_email("email"), "jane.doe+pay@example.co.uk");
  EXPECT_EQ(customer->optional_string("name", 100), "Jane");
  EXPECT_EQ(customer->path("email"), "customer.email");
  auto items = r.optional_object_list("line_items", 100);
  ASSERT_TRUE(items.has_value());
  ASSERT_EQ(items->size(), 1U);
  auto& item = (*items)[0];
  EXPECT_EQ(item.required_string("name", 200), "Tea");
  EXPECT_EQ(item.required_int64("unit_amount"), 500);
  EXPECT_EQ(item.optional_int64("quantity"), 2);
  EXPECT_EQ(item.path("unit_amount"), "line_items[0].unit_amount");
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.finish().ok());
}

TEST(FieldReader, AbsentAndNullOptionalFieldsAreNothing) {
  const auto body = parse(R"({"description": null, "metadata": null, "customer": null})");
  FieldReader r(body);
  EXPECT_FALSE(r.optional_int64("amount").has_value());
  EXPECT_FALSE(r.optional_string("description", 10).has_value());
  EXPECT_FALSE(r.optional_metadata("metadata").has_value());
  EXPECT_FALSE(r.optional_object("customer").has_value());
  EXPECT_FALSE(r.optional_object_list("line_items", 5).has_value());
  EXPECT_FALSE(r.optional_url("return_url").has_value());
  EXPECT_FALSE(r.optional_email("email").has_value());
  EXPECT_FALSE(r.optional_bool("hosted_checkout").has_value());
  EXPECT_FALSE(r.optional_enum("capture_method", {"automatic"}).has_value());
  EXPECT_FALSE(r.optional_string_list("types", 5, 5).has_value());
  EXPECT_TRUE(r.finish().ok());
}

TEST(FieldReader, MissingRequiredFields) {
  {
    const auto body = parse(R"({})");
    FieldReader r(body);
    (void)r.required_int64("amount");
    expect_error(r, "PARAMETER_MISSING", "amount", "amount is required");
  }
  {
    const auto body = parse(R"({"amount": null})");
    FieldReader r(body);
    (void)r.required_int64("amount");
    expect_error(r, "PARAMETER_MISSING", "amount");
  }
  {
    const auto body = parse(R"({"currency": ""})");
    FieldReader r(body);
    (void)r.required_string("currency", 3);
    expect_error(r, "PARAMETER_MISSING", "currency");
  }
}

TEST(FieldReader, IntegersMustBeJsonIntegers) {
  struct Case {
    const char* json;
    const char* message_part;
  };
  for (const Case& c : {
           Case{R"({"amount": 10.5})", "must be an integer, without a decimal point"},
           Case{R"({"amount": 10.0})", "must be an integer, without a decimal point"},
           Case{R"({"amount": 1e3})", "must be an integer, without a decimal point"},
           Case{R"({"amount": "1000"})", "must be an integer; got a string"},
           Case{R"({"amount": true})", "must be an integer; got a boolean"},
           Case{R"({"amount": [1]})", "must be an integer; got an array"},
           Case{R"({"amount": {}})", "must be an integer; got an object"},
           Case{R"({"amount": 9223372036854775808})", "out of range"},
           Case{R"({"amount": 18446744073709551615})", "out of range"},
           Case{R"({"amount": 18446744073709551616})", "out of range"},
           Case{R"({"amount": -9223372036854775809})", "out of range"},
           Case{R"({"amount": 100000000000000000000000000000})", "out of range"},
       }) {
    const auto body = parse(c.json);
    FieldReader r(body);
    EXPECT_FALSE(r.required_int64("amount").has_value()) << c.json;
    EXPECT_FALSE(r.ok());
    expect_error(r, "PARAMETER_INVALID", "amount", c.message_part);
  }
}

TEST(FieldReader, IntegerExtremesThatFitAreAccepted) {
  const auto body = parse(R"({"a": 9223372036854775807, "b": -9223372036854775808, "c": -0})");
  FieldReader r(body);
  EXPECT_EQ(r.required_int64("a"), INT64_MAX);
  EXPECT_EQ(r.required_int64("b"), INT64_MIN);
  EXPECT_EQ(r.optional_int64("c"), 0);
  EXPECT_TRUE(r.finish().ok());
}

TEST(FieldReader, StringTypeLengthAndNul) {
  {
    const auto body = parse(R"({"currency": 840})");
    FieldReader r(body);
    (void)r.required_string("currency", 3);
    expect_error(r, "PARAMETER_INVALID", "currency", "currency must be a string; got a number");
  }
  {
    const auto body = parse(R"({"currency": "USDX"})");
    FieldReader r(body);
    (void)r.required_string("currency", 3);
    expect_error(r, "PARAMETER_INVALID", "currency", "at most 3 characters; got 4");
  }
  {
    // Characters, not bytes: five 2-byte and five 3-byte characters fit in 5.
    const auto body = parse(R"({"a": "ééééé", "b": "€€€€€", "c": "€€€€€€"})");
    FieldReader r(body);
    EXPECT_EQ(r.optional_string("a", 5), "ééééé");
    EXPECT_EQ(r.optional_string("b", 5), "€€€€€");
    EXPECT_TRUE(r.ok());
    EXPECT_FALSE(r.optional_string("c", 5).has_value());
    expect_error(r, "PARAMETER_INVALID", "c", "got 6");
  }
  {
    const auto body = parse(R"({"description": "a\u0000b"})");
    FieldReader r(body);
    (void)r.optional_string("description", 100);
    expect_error(r, "PARAMETER_INVALID", "description", "NUL");
  }
}

TEST(FieldReader, BooleansAndEnums) {
  {
    const auto body = parse(R"({"hosted_checkout": "true"})");
    FieldReader r(body);
    (void)r.optional_bool("hosted_checkout");
    expect_error(r, "PARAMETER_INVALID", "hosted_checkout", "must be a boolean");
  }
  for (const char* json : {R"({"capture_method": "Manual"})", R"({"capture_method": "later"})",
                           R"({"capture_method": 1})", R"({"capture_method": ""})"}) {
    const auto body = parse(json);
    FieldReader r(body);
    EXPECT_FALSE(r.optional_enum("capture_method", {"automatic", "manual"}).has_value());
    expect_error(r, "PARAMETER_INVALID", "capture_method",
                 "capture_method must be one of: automatic, manual");
  }
}

TEST(FieldReader, StringLists) {
  struct Case {
    const char* json;
    const char* param;
    const char* message_part;
  };
  for (const Case& c : {
           Case{R"({"types": "card"})", "types", "must be an array of strings; got a string"},
           Case{R"({"types": ["a", "b", "c", "d"]})", "types", "at most 3 items; got 4"},
           Case{R"({"types": ["card", 5]})", "types[1]", "types[1] must be a string"},
           Case{R"({"types": ["card", "toolongvalue"]})", "types[1]", "at most 8 characters"},
           Case{R"({"types": ["x\u0000"]})", "types[0]", "NUL"},
       }) {
    const auto body = parse(c.json);
    FieldReader r(body);
    EXPECT_FALSE(r.optional_string_list("types", 3, 8).has_value()) << c.json;
    expect_error(r, "PARAMETER_INVALID", c.param, c.message_part);
  }
  const auto empty = parse(R"({"types": []})");
  FieldReader r(empty);
  EXPECT_EQ(r.optional_string_list("types", 3, 8), std::vector<std::string>{});
}

std::string metadata_with_keys(std::size_t n) {
  std::string json = R"({"metadata": {)";
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) json += ",";
    json += "\"k" + std::to_string(i) + "\": \"v\"";
  }
  return json + "}}";
}

TEST(FieldReader, MetadataLimits) {
  {
    const auto body = parse(metadata_with_keys(50));
    FieldReader r(body);
    EXPECT_EQ(r.optional_metadata("metadata")->size(), 50U);
    EXPECT_TRUE(r.finish().ok());
  }
  {
    const auto body = parse(metadata_with_keys(51));
    FieldReader r(body);
    (void)r.optional_metadata("metadata");
    expect_error(r, "PARAMETER_INVALID", "metadata", "at most 50 keys; got 51");
  }
  const std::string key40(40, 'k');
  const std::string value500(500, 'v');
  {
    const auto body = parse(R"({"metadata": {")" + key40 + R"(": ")" + value500 + R"("}})");
    FieldReader r(body);
    EXPECT_EQ(r.optional_metadata("metadata")->at(key40), value500);
    EXPECT_TRUE(r.finish().ok());
  }
  struct Case {
    std::string json;
    std::string param;
    std::string message_part;
  };
  for (const Case& c : {
           Case{R"({"metadata": {")" + key40 + R"(k": "v"}})", "metadata",
                "keys must be at most 40 characters"},
           Case{R"({"metadata": {"": "v"}})", "metadata", "non-empty"},
           Case{R"({"metadata": {"a\u0000": "v"}})", "metadata", "NUL"},
           Case{R"({"metadata": {"order": ")" + value500 + R"(v"}})", "metadata[order]",
                "at most 500 characters; got 501"},
           Case{R"({"metadata": {"order": 42}})", "metadata[order]",
                "metadata[order] must be a string; got a number"},
           Case{R"({"metadata": {"order": null}})", "metadata[order]", "got null"},
           Case{R"({"metadata": {"order": {"id": "1"}}})", "metadata[order]", "got an object"},
           Case{R"({"metadata": {"order": "a\u0000"}})", "metadata[order]", "NUL"},
           Case{R"({"metadata": ["a"]})", "metadata", "must be an object of string values"},
           Case{R"({"metadata": "a=b"})", "metadata", "must be an object of string values"},
       }) {
    const auto body = parse(c.json);
    FieldReader r(body);
    EXPECT_FALSE(r.optional_metadata("metadata").has_value()) << c.json;
    expect_error(r, "PARAMETER_INVALID", c.param, c.message_part);
  }
}

TEST(FieldReader, Urls) {
  for (const char* good : {"https://shop.example/return", "http://localhost:8080/x?y=1",
                           "HTTPS://SHOP.EXAMPLE", "https://[::1]/a", "https://a.b/c#frag"}) {
    const auto body = parse(std::string(R"({"u": ")") + good + "\"}");
    FieldReader r(body);
    EXPECT_EQ(r.optional_url("u"), good);
    EXPECT_TRUE(r.finish().ok()) << good;
  }
  for (const char* bad :
       {"", "shop.example/return", "/relative", "ftp://shop.example/", "javascript:alert(1)",
        "https://", "https:///path", "https://user:pass@shop.example/", "https://shop .example/",
        "https://shop.example/a b", "data:text/html,hi", "mailto:a@b.c"}) {
    const auto body = parse(std::string(R"({"u": ")") + bad + "\"}");
    FieldReader r(body);
    EXPECT_FALSE(r.optional_url("u").has_value()) << bad;
    expect_error(r, "PARAMETER_INVALID", "u", "absolute http or https URL");
  }
  const auto long_url = parse(R"({"u": "https://a.example/)" + std::string(2048, 'x') + "\"}");
  FieldReader r(long_url);
  EXPECT_FALSE(r.optional_url("u").has_value());
  expect_error(r, "PARAMETER_INVALID", "u", "at most 2048 characters");
}

TEST(FieldReader, Emails) {
  for (const char* good : {"jane@example.com", "j.d+tag@mail.example.co.uk", "a@b.io",
                           "o'brien@example.ie", "x_y-z@sub-domain.example.org"}) {
    const auto body = parse(std::string(R"({"e": ")") + good + "\"}");
    FieldReader r(body);
    EXPECT_EQ(r.optional_email("e"), good);
    EXPECT_TRUE(r.finish().ok()) << good;
  }
  for (const char* bad : {"",
                          "jane",
                          "jane@",
                          "@example.com",
                          "jane@example",
                          "jane@@example.com",
                          "ja@ne@example.com",
                          ".jane@example.com",
                          "jane.@example.com",
                          "ja..ne@example.com",
                          "jane@-example.com",
                          "jane@example-.com",
                          "jane@example..com",
                          "jane@.example.com",
                          "jane@example.com.",
                          "jane doe@example.com",
                          "jane@exa mple.com",
                          "jane@127.0.0.1",
                          "\"jane\"@example.com",
                          "jané@example.com",
                          "jane@example.com\n"}) {
    const auto body = boost::json::object{{"e", bad}};
    FieldReader r(body);
    EXPECT_FALSE(r.optional_email("e").has_value()) << bad;
    expect_error(r, "PARAMETER_INVALID", "e", "valid email address");
  }
  const auto long_local = boost::json::object{{"e", std::string(65, 'a') + "@example.com"}};
  FieldReader r(long_local);
  EXPECT_FALSE(r.optional_email("e").has_value());
}

TEST(FieldReader, UnknownFieldsAreReportedWithTheirPath) {
  {
    const auto body = parse(R"({"amount": 1, "amuont": 2})");
    FieldReader r(body);
    EXPECT_EQ(r.required_int64("amount"), 1);
    EXPECT_TRUE(r.ok());  // unknown fields are found by finish() only
    expect_error(r, "PARAMETER_UNKNOWN", "amuont", "Received unknown parameter: amuont");
  }
  {
    const auto body = parse(R"({"customer": {"email": "a@b.co", "phone": "1"}})");
    FieldReader r(body);
    auto customer = r.optional_object("customer");
    (void)customer->optional_email("email");
    expect_error(r, "PARAMETER_UNKNOWN", "customer.phone");
  }
  {
    const auto body = parse(R"({"line_items": [{"name": "a"}, {"name": "b", "price": 1}]})");
    FieldReader r(body);
    // Named: `for (auto& i : *r.optional_object_list(...))` would iterate a destroyed temporary.
    auto items = r.optional_object_list("line_items", 10);
    ASSERT_TRUE(items.has_value());
    for (auto& item : *items) {
      (void)item.required_string("name", 10);
    }
    expect_error(r, "PARAMETER_UNKNOWN", "line_items[1].price");
  }
  {
    // A field asked for but absent is still known; the root is checked before nested objects.
    const auto body = parse(R"({"customer": {"x": 1}, "y": 2})");
    FieldReader r(body);
    (void)r.optional_object("customer");
    (void)r.optional_string("description", 5);
    expect_error(r, "PARAMETER_UNKNOWN", "y");
  }
  {
    // A huge unknown key is shortened in the param and the message.
    const std::string key(1000, 'z');
    const auto body = boost::json::object{{key, 1}};
    FieldReader r(body);
    const auto e = error_of(r);
    EXPECT_EQ(e.code, "PARAMETER_UNKNOWN");
    EXPECT_EQ(e.param, std::string(64, 'z') + "...");
    EXPECT_LT(e.message.size(), 200U);
  }
}

TEST(FieldReader, NestedErrorsUseDottedAndIndexedPaths) {
  {
    const auto body = parse(R"({"customer": {"email": "nope"}})");
    FieldReader r(body);
    (void)r.optional_object("customer")->optional_email("email");
    expect_error(r, "PARAMETER_INVALID", "customer.email", "customer.email must be");
  }
  {
    const auto body = parse(R"({"line_items": [{"name": "a", "unit_amount": 1},
                                               {"name": "b", "unit_amount": 2.5}]})");
    FieldReader r(body);
    auto items = r.optional_object_list("line_items", 10);
    ASSERT_TRUE(items.has_value());
    for (auto& item : *items) {
      (void)item.required_string("name", 10);
      (void)item.required_int64("unit_amount");
    }
    expect_error(r, "PARAMETER_INVALID", "line_items[1].unit_amount",
                 "line_items[1].unit_amount must be an integer");
  }
  {
    const auto body = parse(R"({"line_items": [{}]})");
    FieldReader r(body);
    (void)(*r.optional_object_list("line_items", 10))[0].required_string("name", 10);
    expect_error(r, "PARAMETER_MISSING", "line_items[0].name");
  }
  {
    const auto body = parse(R"({"a": {"b": {"c": "x"}}})");
    FieldReader r(body);
    (void)r.optional_object("a")->optional_object("b")->optional_int64("c");
    expect_error(r, "PARAMETER_INVALID", "a.b.c");
  }
}

TEST(FieldReader, ObjectAndObjectListShapes) {
  struct Case {
    const char* json;
    const char* param;
    const char* message_part;
  };
  for (const Case& c : {
           Case{R"({"customer": "jane"})", "customer", "must be an object; got a string"},
           Case{R"({"customer": []})", "customer", "must be an object; got an array"},
       }) {
    const auto body = parse(c.json);
    FieldReader r(body);
    EXPECT_FALSE(r.optional_object("customer").has_value());
    expect_error(r, "PARAMETER_INVALID", c.param, c.message_part);
  }
  for (const Case& c : {
           Case{R"({"items": {"name": "a"}})", "items", "must be an array of objects"},
           Case{R"({"items": [{}, {}, {}]})", "items", "at most 2 items; got 3"},
           Case{R"({"items": [{}, "x"]})", "items[1]", "items[1] must be an object"},
       }) {
    const auto body = parse(c.json);
    FieldReader r(body);
    EXPECT_FALSE(r.optional_object_list("items", 2).has_value());
    expect_error(r, "PARAMETER_INVALID", c.param, c.message_part);
  }
}

TEST(FieldReader, TheFirstErrorInReadingOrderWins) {
  const auto body = parse(R"({"currency": 1, "amount": "x", "zzz": 0})");
  {
    FieldReader r(body);
    (void)r.required_int64("amount");
    (void)r.required_string("currency", 3);
    expect_error(r, "PARAMETER_INVALID", "amount");
  }
  {
    FieldReader r(body);
    (void)r.required_string("currency", 3);
    (void)r.required_int64("amount");
    expect_error(r, "PARAMETER_INVALID", "currency");
  }
  {
    // A nested reader's error, recorded first, beats a later root error.
    const auto nested = parse(R"({"customer": {"email": 5}, "amount": "x"})");
    FieldReader r(nested);
    (void)r.optional_object("customer")->optional_email("email");
    (void)r.required_int64("amount");
    expect_error(r, "PARAMETER_INVALID", "customer.email");
  }
}

TEST(FieldReader, HandlerErrorsJoinTheSameOrder) {
  const auto body = parse(R"({"amount": 0, "currency": 5})");
  FieldReader r(body);
  auto amount = r.required_int64("amount");
  ASSERT_TRUE(amount.has_value());
  http::ApiError too_small = http::ApiError::bad_request("too small", r.path("amount"));
  too_small.code = "INVALID_AMOUNT";
  r.reject(too_small);
  (void)r.required_string("currency", 3);
  EXPECT_FALSE(r.ok());
  expect_error(r, "INVALID_AMOUNT", "amount");
}

TEST(FieldReader, CopiesAndNestedReadersShareOneState) {
  const auto body = parse(R"({"customer": {"name": 1}})");
  FieldReader r(body);
  FieldReader copy = r;
  auto customer = copy.optional_object("customer");
  (void)customer->optional_string("name", 10);
  EXPECT_FALSE(r.ok());
  expect_error(*customer, "PARAMETER_INVALID", "customer.name");
  expect_error(r, "PARAMETER_INVALID", "customer.name");
}

}  // namespace
}  // namespace payd::api
