#include "payd/sdk/json.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

namespace payd::sdk {
namespace {

namespace json = boost::json;

TEST(SdkJson, ParseJsonReportsOffset) {
  EXPECT_TRUE(parse_json(R"({"a":[1,2.5,"x",null,true]})").ok());
  const auto bad = parse_json(R"({"a":})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("invalid JSON at offset 5"), std::string::npos) << bad.error();
  for (const char* text : {"", "{", "{} {}", "[1,]", "{'a':1}", "nul", "01", "\"\xff\""}) {
    EXPECT_FALSE(parse_json(text).ok()) << text;
    EXPECT_FALSE(parse_json_with_decimal_strings(text).ok()) << text;
  }
}

TEST(SdkJson, DepthIsLimited) {
  const std::string deep(65, '[');
  EXPECT_FALSE(parse_json(deep + std::string(65, ']')).ok());
  EXPECT_FALSE(parse_json_with_decimal_strings(deep + std::string(65, ']')).ok());
  EXPECT_TRUE(parse_json_with_decimal_strings(std::string(64, '[') + std::string(64, ']')).ok());
}

TEST(SdkJson, DecimalStringsKeepSourceText) {
  const auto doc = parse_json_with_decimal_strings(
      R"({"a":16.49,"b":25.0,"c":1e2,"d":0.1,"e":0.30000000000000004,"f":-1.5E-3,)"
      R"("g":42,"h":-7,"i":18446744073709551615,"j":123456789012345678901234567890,)"
      R"("k":"text","l":[1.10,{"m":2.50}],"n":null,"o":true,"p":1e400})");
  ASSERT_TRUE(doc.ok()) << doc.error();
  const auto& o = doc->as_object();
  EXPECT_EQ(o.at("a"), json::value("16.49"));
  EXPECT_EQ(o.at("b"), json::value("25.0"));
  EXPECT_EQ(o.at("c"), json::value("1e2"));
  EXPECT_EQ(o.at("d"), json::value("0.1"));
  EXPECT_EQ(o.at("e"), json::value("0.30000000000000004"));
  EXPECT_EQ(o.at("f"), json::value("-1.5E-3"));
  ASSERT_TRUE(o.at("g").is_int64());
  EXPECT_EQ(o.at("g").as_int64(), 42);
  EXPECT_EQ(o.at("h").as_int64(), -7);
  ASSERT_TRUE(o.at("i").is_uint64());
  EXPECT_EQ(o.at("i").as_uint64(), 18446744073709551615U);
  EXPECT_EQ(o.at("j"), json::value("123456789012345678901234567890"));
  EXPECT_EQ(o.at("k"), json::value("text"));
  EXPECT_EQ(o.at("l").as_array().at(0), json::value("1.10"));
  EXPECT_EQ(o.at("l").as_array().at(1).as_object().at("m"), json::value("2.50"));
  EXPECT_TRUE(o.at("n").is_null());
  EXPECT_EQ(o.at("o"), json::value(true));
  EXPECT_EQ(o.at("p"), json::value("1e400"));
}

TEST(SdkJson, DecimalStringsOnScalarsAndUnicode) {
  EXPECT_EQ(*parse_json_with_decimal_strings("16.49"), json::value("16.49"));
  EXPECT_EQ(*parse_json_with_decimal_strings(" 7 "), json::value(7));
  EXPECT_EQ(*parse_json_with_decimal_strings(R"({"k\u00e9y":"caf\u00e9"})"),
            json::parse(R"({"k\u00e9y":"caf\u00e9"})"));
}

TEST(SdkJson, ReaderHappyPath) {
  const auto doc = parse_json_with_decimal_strings(
      R"({"id":"evt_1","data":{"object":{"id":"pi_1","amount":16.49,"amount_minor":1649,)"
      R"("captured":true,"refunds":[{"id":"re_1"},{"id":"re_2"}],"note":null}}})");
  ASSERT_TRUE(doc.ok());
  const JsonReader root(*doc);
  EXPECT_EQ(*root.str("id"), "evt_1");
  const auto data = root.object("data");
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(data->path(), "data");
  const auto obj = data->object("object");
  ASSERT_TRUE(obj.ok());
  EXPECT_EQ(obj->path(), "data.object");
  EXPECT_EQ(*obj->str("id"), "pi_1");
  EXPECT_EQ(*obj->amount("amount", 2), 1649);
  EXPECT_EQ(*obj->amount("amount", 3), 16490);
  EXPECT_EQ(*obj->int64("amount_minor"), 1649);
  EXPECT_EQ(*obj->amount("amount_minor", 0), 1649);
  EXPECT_EQ(*obj->boolean("captured"), true);
  EXPECT_TRUE(obj->has("id"));
  EXPECT_FALSE(obj->has("note"));
  EXPECT_FALSE(obj->has("absent"));
  EXPECT_FALSE(obj->opt_str("note")->has_value());
  EXPECT_FALSE(obj->opt_str("absent")->has_value());
  EXPECT_EQ(**obj->opt_str("id"), "pi_1");
  EXPECT_EQ(**obj->opt_int64("amount_minor"), 1649);
  EXPECT_EQ(**obj->opt_boolean("captured"), true);
  EXPECT_FALSE(obj->opt_object("note")->has_value());
  const auto refunds = obj->array("refunds");
  ASSERT_TRUE(refunds.ok());
  ASSERT_EQ(refunds->size(), 2U);
  EXPECT_EQ((*refunds)[1].path(), "data.object.refunds[1]");
  EXPECT_EQ(*(*refunds)[1].str("id"), "re_2");
  const auto missing = (*refunds)[0].str("amount");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error(), "data.object.refunds[0].amount: missing");
}

TEST(SdkJson, ReaderErrorsNameThePath) {
  const auto doc = json::parse(
      R"({"data":{"object":{"amount":"12","id":null,"n":1.5,"big":18446744073709551615,)"
      R"("list":[1,"x"],"flag":"yes","o":[],"neg":-3}}})");
  const JsonReader root(doc);
  const auto obj = root.object("data")->object("object");
  ASSERT_TRUE(obj.ok());
  struct Case {
    std::string got;
    const char* want;
  };
  for (const auto& c : {
           Case{obj->int64("amount").error(),
                "data.object.amount: expected an integer, got string"},
           Case{obj->str("missing").error(), "data.object.missing: missing"},
           Case{obj->str("id").error(), "data.object.id: expected a string, got null"},
           Case{obj->int64("n").error(), "data.object.n: expected an integer, got number"},
           Case{obj->int64("big").error(), "data.object.big: integer out of range"},
           Case{obj->boolean("flag").error(), "data.object.flag: expected a boolean, got string"},
           Case{obj->object("o").error(), "data.object.o: expected an object, got array"},
           Case{obj->array("flag").error(), "data.object.flag: expected an array, got string"},
           Case{obj->opt_str("n").error(), "data.object.n: expected a string, got number"},
           Case{obj->opt_int64("amount").error(),
                "data.object.amount: expected an integer, got string"},
           Case{obj->opt_object("flag").error(),
                "data.object.flag: expected an object, got string"},
           Case{obj->object("data").error(), "data.object.data: missing"},
           Case{JsonReader(doc.at("data").at("object").at("list"), "data.object.list")
                    .str("x")
                    .error(),
                "data.object.list: expected an object, got array"},
           Case{JsonReader(json::value(3)).str("x").error(),
                "(root): expected an object, got integer"},
           Case{(*obj->array("list"))[1].as_int64().error(),
                "data.object.list[1]: expected an integer, got string"},
           Case{obj->amount("n", 2).error(),
                "data.object.n: a decimal number parsed as a double is inexact; parse the "
                "document with parse_json_with_decimal_strings"},
           Case{obj->amount("flag", 2).error(), "data.object.flag: \"yes\" is not a JSON number"},
           Case{obj->amount("o", 2).error(), "data.object.o: expected a decimal amount, got array"},
           Case{obj->amount("neg", 2).error(),
                "data.object.neg: \"-3\": negative amounts are refused"},
       }) {
    EXPECT_EQ(c.got, c.want);
  }
  EXPECT_EQ(*obj->amount("amount", 2), 1200);
  EXPECT_EQ(*obj->amount("neg", 0, Negatives::allow), -3);
  EXPECT_EQ(*(*obj->array("list"))[0].as_int64(), 1);
}

TEST(SdkJson, AmountsFromDecimalDocumentsAreExact) {
  struct Case {
    const char* json;
    int exponent;
    std::int64_t minor;
  };
  for (const auto& c :
       {Case{R"({"a":16.49})", 2, 1649}, Case{R"({"a":25.0})", 2, 2500},
        Case{R"({"a":0.1})", 2, 10}, Case{R"({"a":0.29})", 2, 29}, Case{R"({"a":1.005})", 3, 1005},
        Case{R"({"a":1e2})", 0, 100}, Case{R"({"a":"99.99"})", 2, 9999},
        Case{R"({"a":100})", 0, 100}, Case{R"({"a":0.000000000000000001})", 18, 1},
        Case{R"({"a":92233720368547758.07})", 2, 9223372036854775807}}) {
    const auto doc = parse_json_with_decimal_strings(c.json);
    ASSERT_TRUE(doc.ok()) << c.json;
    const auto r = JsonReader(*doc).amount("a", c.exponent);
    ASSERT_TRUE(r.ok()) << c.json << ": " << r.error();
    EXPECT_EQ(*r, c.minor) << c.json;
  }
  for (const char* bad : {R"({"a":1.234})", R"({"a":1e-3})", R"({"a":92233720368547758.08})",
                          R"({"a":1e400})", R"({"a":-1})"}) {
    const auto doc = parse_json_with_decimal_strings(bad);
    ASSERT_TRUE(doc.ok()) << bad;
    EXPECT_FALSE(JsonReader(*doc).amount("a", 2).ok()) << bad;
  }
}

TEST(SdkJson, TypeNames) {
  EXPECT_EQ(json_type_name(json::value("s")), "string");
  EXPECT_EQ(json_type_name(json::value(1)), "integer");
  EXPECT_EQ(json_type_name(json::value(1U)), "integer");
  EXPECT_EQ(json_type_name(json::value(1.5)), "number");
  EXPECT_EQ(json_type_name(json::value(true)), "boolean");
  EXPECT_EQ(json_type_name(json::value(nullptr)), "null");
  EXPECT_EQ(json_type_name(json::value(json::object())), "object");
  EXPECT_EQ(json_type_name(json::value(json::array())), "array");
}

}  // namespace
}  // namespace payd::sdk
