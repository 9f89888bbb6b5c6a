// The pieces behind GET /api/v1/openapi.json: the YAML reader, the embedded document and
// conditional requests. tests/integration/test_openapi.py checks the served document
// against the route table and real responses.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/openapi_route.hpp"
#include "api/yaml_document.hpp"

namespace payd::api {
namespace {

namespace json = boost::json;

json::value read(std::string_view yaml) {
  auto v = yaml_document_to_json(yaml);
  EXPECT_TRUE(v) << (v ? "" : v.error());
  return v ? *v : json::value();
}

std::string refusal(std::string_view yaml) {
  auto v = yaml_document_to_json(yaml);
  EXPECT_FALSE(v) << "accepted: " << yaml;
  return v ? std::string() : v.error();
}

TEST(YamlDocument, TypesPlainScalarsLikeTheCoreSchema) {
  const auto v = read(
      "a: null\nb: ~\nc:\nd: true\ne: False\nf: 42\ng: -7\nh: +5\ni: 1.5\nj: 2e3\nk: .5\n"
      "l: yes\nm: 3.1.0\nn: 2026-11-23T10:00:00Z\no: 0777\n");
  EXPECT_EQ(json::serialize(v),
            R"({"a":null,"b":null,"c":null,"d":true,"e":false,"f":42,"g":-7,"h":5,"i":1.5E0,)"
            R"("j":2E3,"k":5E-1,"l":"yes","m":"3.1.0","n":"2026-11-23T10:00:00Z","o":777})");
}

TEST(YamlDocument, QuotedBlockAndTaggedScalarsAreStrings) {
  const auto v = read("a: '200'\nb: \"true\"\nc: !!str 12\nd: |\n  two\n  lines\ne: >\n  folded\n");
  EXPECT_EQ(json::serialize(v),
            R"({"a":"200","b":"true","c":"12","d":"two\nlines\n","e":"folded\n"})");
}

TEST(YamlDocument, KeepsOrderAndNesting) {
  const auto v = read("z: [1, {y: x}]\na:\n  - b\n  - c: [d]\n'404': {}\n");
  EXPECT_EQ(json::serialize(v), R"({"z":[1,{"y":"x"}],"a":["b",{"c":["d"]}],"404":{}})");
}

TEST(YamlDocument, RefusesWhatJsonCannotHoldOrIsAmbiguous) {
  EXPECT_NE(refusal("a: 1\na: 2\n").find("line 2: duplicate key a"), std::string::npos);
  EXPECT_NE(refusal("a: 99999999999999999999\n").find("64 bits"), std::string::npos);
  EXPECT_NE(refusal("a: 0x1F\n").find("quote it"), std::string::npos);
  EXPECT_NE(refusal("a: .inf\n").find("quote it"), std::string::npos);
  EXPECT_NE(refusal("a: !!int 3\n").find("unsupported tag"), std::string::npos);
  EXPECT_NE(refusal("? [a]\n: b\n").find("keys must be scalars"), std::string::npos);
  EXPECT_NE(refusal("a: 1\n---\nb: 2\n").find("one YAML document"), std::string::npos);
  EXPECT_FALSE(refusal("a: [1, 2\n").empty());
}

TEST(OpenApiDocument, TheEmbeddedDocumentIsServableOpenApi31) {
  auto doc = make_openapi_document(embedded_openapi_yaml());
  ASSERT_TRUE(doc) << doc.error();
  const auto v = json::parse(doc->json);
  EXPECT_EQ(v.at("openapi").as_string(), "3.1.0");
  EXPECT_TRUE(v.at("paths").as_object().contains(kOpenApiPath));
  // Strong (no W/), quoted, and a function of the content only.
  ASSERT_GE(doc->etag.size(), 3U);
  EXPECT_EQ(doc->etag.front(), '"');
  EXPECT_EQ(doc->etag.back(), '"');
  EXPECT_EQ(make_openapi_document(embedded_openapi_yaml())->etag, doc->etag);
}

TEST(OpenApiDocument, RefusesYamlThatIsNotOpenApi) {
  EXPECT_FALSE(make_openapi_document("- a\n"));
  EXPECT_FALSE(make_openapi_document("swagger: '2.0'\n"));
  EXPECT_FALSE(make_openapi_document("openapi: [\n"));
}

TEST(OpenApiDocument, IfNoneMatchUsesWeakComparison) {
  const std::string etag = "\"abc\"";
  EXPECT_TRUE(if_none_match_hits("\"abc\"", etag));
  EXPECT_TRUE(if_none_match_hits("W/\"abc\"", etag));
  EXPECT_TRUE(if_none_match_hits("\"x\", \"abc\"", etag));
  EXPECT_TRUE(if_none_match_hits(" * ", etag));
  EXPECT_FALSE(if_none_match_hits("\"abd\"", etag));
  EXPECT_FALSE(if_none_match_hits("abc", etag));
  EXPECT_FALSE(if_none_match_hits("", etag));
}

}  // namespace
}  // namespace payd::api
