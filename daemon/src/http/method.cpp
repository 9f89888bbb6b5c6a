#include "http/method.hpp"

namespace payd::http {

Method parse_method(std::string_view t) noexcept {
  if (t == "GET") return Method::get;
  if (t == "POST") return Method::post;
  if (t == "HEAD") return Method::head;
  if (t == "PUT") return Method::put;
  if (t == "PATCH") return Method::patch;
  if (t == "DELETE") return Method::del;
  if (t == "OPTIONS") return Method::options;
  return Method::other;
}

std::string_view to_string(Method m) noexcept {
  switch (m) {
    case Method::get: return "GET";
    case Method::head: return "HEAD";
    case Method::post: return "POST";
    case Method::put: return "PUT";
    case Method::patch: return "PATCH";
    case Method::del: return "DELETE";
    case Method::options: return "OPTIONS";
    case Method::other: return "OTHER";
  }
  return "OTHER";
}

}  // namespace payd::http
