#pragma once

#include <boost/json/fwd.hpp>
#include <optional>
#include <string>

#include "http/headers.hpp"

namespace payd::http {

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // What an idempotent replay of this response returns instead of `body`, when the body
  // holds a secret shown once (a new API key): only this is stored with the key.
  std::optional<std::string> replay_body;

  static Response json(int status, const boost::json::value& body);
  static Response text(int status, std::string body, std::string content_type);
};

}  // namespace payd::http
