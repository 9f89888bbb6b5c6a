#include "payd/sdk/form.hpp"

#include <gtest/gtest.h>

#include <string>

namespace payd::sdk {
namespace {

TEST(SdkForm, EncodesComponents) {
  struct Case {
    const char* in;
    const char* form;
    const char* url;
  };
  for (const auto& c : {
           Case{"abcXYZ019", "abcXYZ019", "abcXYZ019"},
           Case{"-._~", "-._~", "-._~"},
           Case{"*", "*", "%2A"},
           Case{"a b", "a+b", "a%20b"},
           Case{"a+b", "a%2Bb", "a%2Bb"},
           Case{"a&b=c", "a%26b%3Dc", "a%26b%3Dc"},
           Case{"100%", "100%25", "100%25"},
           Case{"[x]", "%5Bx%5D", "%5Bx%5D"},
           Case{"/?#", "%2F%3F%23", "%2F%3F%23"},
           Case{"\"'<>\\", "%22%27%3C%3E%5C", "%22%27%3C%3E%5C"},
           Case{"line\nbreak\r", "line%0Abreak%0D", "line%0Abreak%0D"},
           Case{"caf\xC3\xA9", "caf%C3%A9", "caf%C3%A9"},             // é, UTF-8
           Case{"\xE2\x82\xAC", "%E2%82%AC", "%E2%82%AC"},            // €
           Case{"\xF0\x9F\x92\xB3", "%F0%9F%92%B3", "%F0%9F%92%B3"},  // 💳
           Case{"", "", ""},
       }) {
    EXPECT_EQ(form_encode_component(c.in), c.form) << c.in;
    EXPECT_EQ(url_encode_component(c.in), c.url) << c.in;
  }
  EXPECT_EQ(form_encode_component(std::string("a\0b", 3)), "a%00b");
}

TEST(SdkForm, BuildsStripeStyleBody) {
  FormBuilder f;
  f.add("amount", 2000)
      .add("currency", "usd")
      .add_list("payment_method_types", {"card", "link"})
      .add_map("metadata", {{"order_id", "o1"}, {"note", "a b&c"}})
      .add(form_key("line_items", {"0", "price_data", "currency"}), std::string("usd"))
      .add(form_key("line_items", {"0", "quantity"}), 0)
      .add_bool("capture", false)
      .add_if_not_empty("description", "")
      .add_if_not_empty("statement_descriptor", "PAYD*SHOP");
  EXPECT_EQ(f.encode(),
            "amount=2000&currency=usd&payment_method_types[0]=card&payment_method_types[1]=link"
            "&metadata[note]=a+b%26c&metadata[order_id]=o1"
            "&line_items[0][price_data][currency]=usd&line_items[0][quantity]=0"
            "&capture=false&statement_descriptor=PAYD*SHOP");
  EXPECT_EQ(f.encode(KeyBrackets::encoded),
            "amount=2000&currency=usd&payment_method_types%5B0%5D=card"
            "&payment_method_types%5B1%5D=link&metadata%5Bnote%5D=a+b%26c"
            "&metadata%5Border_id%5D=o1&line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=usd"
            "&line_items%5B0%5D%5Bquantity%5D=0&capture=false&statement_descriptor=PAYD*SHOP");
  EXPECT_EQ(f.fields().size(), 10U);
}

TEST(SdkForm, BracketsInValuesAreAlwaysEncoded) {
  EXPECT_EQ(form_urlencode({{"q[a]", "[b]"}}), "q[a]=%5Bb%5D");
  EXPECT_EQ(form_urlencode({{"k=&", "v"}}), "k%3D%26=v");
}

TEST(SdkForm, IntegerOverloads) {
  FormBuilder f;
  f.add("a", std::int64_t{-5}).add("b", 7U).add("c", std::size_t{18446744073709551615U});
  EXPECT_EQ(f.encode(), "a=-5&b=7&c=18446744073709551615");
}

TEST(SdkForm, EmptyAndRepeated) {
  EXPECT_EQ(form_urlencode({}), "");
  EXPECT_EQ(form_urlencode({{"a", ""}, {"a", "x"}}), "a=&a=x");
  EXPECT_EQ(FormBuilder().add_list("l", {}).encode(), "");
}

TEST(SdkForm, DecodeRoundTrips) {
  const FormFields fields = {{"amount", "2000"},
                             {"metadata[order id]", "a+b&c=d%"},
                             {"unicode", "caf\xC3\xA9 \xF0\x9F\x92\xB3"},
                             {"empty", ""}};
  for (const auto brackets : {KeyBrackets::literal, KeyBrackets::encoded}) {
    const auto body = form_urlencode(fields, brackets);
    const auto back = form_urldecode(body);
    ASSERT_TRUE(back.ok()) << back.error();
    EXPECT_EQ(*back, fields) << body;
  }
}

TEST(SdkForm, DecodeEdgeCases) {
  EXPECT_TRUE(form_urldecode("")->empty());
  EXPECT_EQ(*form_urldecode("a=1&&b=2&"), (FormFields{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(*form_urldecode("flag"), (FormFields{{"flag", ""}}));
  EXPECT_EQ(*form_urldecode("k=a=b"), (FormFields{{"k", "a=b"}}));
  EXPECT_EQ(*form_urldecode("%5b%5D=%c3%a9"), (FormFields{{"[]", "\xC3\xA9"}}));
  for (const char* bad : {"a=%", "a=%4", "a=%zz", "%g0=1", "a=%%41"}) {
    EXPECT_FALSE(form_urldecode(bad).ok()) << bad;
  }
}

TEST(SdkForm, PercentDecodePlusHandling) {
  EXPECT_EQ(*percent_decode("a+b%20c", true), "a b c");
  EXPECT_EQ(*percent_decode("a+b%20c", false), "a+b c");
  EXPECT_EQ(*percent_decode("%00", false), std::string(1, '\0'));
}

}  // namespace
}  // namespace payd::sdk
