#include "http/response.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace payd::http {

Response Response::json(int status, const boost::json::value& body) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", "application/json");
  r.body = boost::json::serialize(body);
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

}  // namespace payd::http
