#include "http/api_error.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace payd::http {
namespace {

boost::json::object body_of(const Response& r) { return boost::json::parse(r.body).as_object(); }

TEST(ApiError, RendersTheEnvelope) {
  ApiError e{400, ErrorType::invalid_request, "INVALID_AMOUNT", "amount must be positive",
             std::string("amount")};
  auto r = e.to_response("req_1");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.headers.get("Content-Type"), "application/json");
  auto b = body_of(r);
  ASSERT_EQ(b.size(), 2U);
  EXPECT_EQ(b.at("request_id").as_string(), "req_1");
  auto& err = b.at("error").as_object();
  EXPECT_EQ(err.size(), 4U);
  EXPECT_EQ(err.at("type").as_string(), "invalid_request_error");
  EXPECT_EQ(err.at("code").as_string(), "INVALID_AMOUNT");
  EXPECT_EQ(err.at("message").as_string(), "amount must be positive");
  EXPECT_EQ(err.at("param").as_string(), "amount");
}

TEST(ApiError, ParamIsNullWhenAbsent) {
  auto b = body_of(ApiError::not_found("No such payment.").to_response("r"));
  EXPECT_TRUE(b.at("error").as_object().at("param").is_null());
  EXPECT_EQ(b.at("error").as_object().at("code").as_string(), "RESOURCE_NOT_FOUND");
}

TEST(ApiError, FactoriesUseTheDocumentedStatusAndCodes) {
  EXPECT_EQ(ApiError::not_found("x").status, 404);
  EXPECT_EQ(ApiError::method_not_allowed().status, 405);
  EXPECT_EQ(ApiError::method_not_allowed().code, "METHOD_NOT_ALLOWED");
  EXPECT_EQ(ApiError::payload_too_large(10).status, 413);
  EXPECT_EQ(ApiError::payload_too_large(10).code, "PAYLOAD_TOO_LARGE");
  EXPECT_EQ(ApiError::bad_request("x", "f").param, "f");
  EXPECT_EQ(ApiError::internal().status, 500);
  EXPECT_EQ(ApiError::internal().type, ErrorType::api);
}

TEST(ApiError, TypeNames) {
  EXPECT_EQ(to_string(ErrorType::authentication), "authentication_error");
  EXPECT_EQ(to_string(ErrorType::permission), "permission_error");
  EXPECT_EQ(to_string(ErrorType::rate_limit), "rate_limit_error");
  EXPECT_EQ(to_string(ErrorType::idempotency), "idempotency_error");
  EXPECT_EQ(to_string(ErrorType::api), "api_error");
}

TEST(ApiError, MessagesWithQuotesStayValidJson) {
  ApiError e{400, ErrorType::invalid_request, "X", "bad \"value\"\n\\", {}};
  EXPECT_EQ(body_of(e.to_response("r")).at("error").as_object().at("message").as_string(),
            "bad \"value\"\n\\");
}

}  // namespace
}  // namespace payd::http
