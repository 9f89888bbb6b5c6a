#pragma once

#include <boost/json/fwd.hpp>
#include <string>

#include "http/headers.hpp"

namespace payd::http {

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  static Response json(int status, const boost::json::value& body);
  static Response text(int status, std::string body, std::string content_type);
};

}  // namespace payd::http
