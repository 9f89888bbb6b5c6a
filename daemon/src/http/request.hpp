#pragma once
// The front door's own request type: what handlers see instead of Beast's.

#include <string>

#include "http/headers.hpp"
#include "http/method.hpp"

namespace payd::http {

struct Request {
  Method method = Method::get;
  std::string target;  // as received: path plus optional ?query
  std::string path;    // target up to '?'
  std::string query;   // after '?', without it
  Headers headers;
  std::string body;
  std::string remote_address;  // peer IP, for rate limits and truncated audit entries
  unsigned version = 11;       // 10 or 11
};

}  // namespace payd::http
