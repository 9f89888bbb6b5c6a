#pragma once
// What the /api/v1 resource handlers share (payments, refunds, checkout sessions, payment
// links): the caller a key stands for, the error response, list paging in and out.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <vector>

#include "api/cursor.hpp"
#include "common/result.hpp"
#include "core/payment_service.hpp"
#include "http/api_error.hpp"
#include "http/request_context.hpp"
#include "http/response.hpp"
#include "security/authenticator.hpp"
#include "store/payment_records.hpp"

namespace payd::api {

[[nodiscard]] core::Caller caller_of(const http::RequestContext& ctx,
                                     const security::Principal& who);

// Unix seconds: the `now` of statuses computed while rendering.
[[nodiscard]] std::int64_t unix_seconds_now();

[[nodiscard]] inline http::Response error_response(const http::ApiError& e,
                                                   const http::RequestContext& ctx) {
  return e.to_response(ctx.request_id);
}

// `limit` and `cursor`, the paging parameters of every list.
struct PageQuery {
  unsigned limit = 0;
  std::optional<store::ListPosition> after;
};

[[nodiscard]] Result<PageQuery, http::ApiError> read_page(QueryParams& q);

// The body of an action that takes no parameters (cancel, deactivate, revoke): none, or
// an empty JSON object; a field is PARAMETER_UNKNOWN, malformed JSON INVALID_JSON.
[[nodiscard]] Result<void, http::ApiError> read_empty_body(const http::RequestContext& ctx);

// {"object": "list", "data": [...], "has_more", "next_cursor"}; the cursor points after
// the last item shown. Records need created_at_us and id.
template <typename Record, typename Render>
[[nodiscard]] boost::json::object list_json(const std::vector<Record>& items, bool has_more,
                                            Render render) {
  boost::json::array data;
  for (const auto& item : items) data.emplace_back(render(item));
  boost::json::object o;
  o["object"] = "list";
  o["data"] = std::move(data);
  o["has_more"] = has_more;
  o["next_cursor"] =
      has_more && !items.empty()
          ? boost::json::value(encode_cursor(items.back().created_at_us, items.back().id))
          : boost::json::value(nullptr);
  return o;
}

}  // namespace payd::api
