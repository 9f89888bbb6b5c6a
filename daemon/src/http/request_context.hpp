#pragma once
// What a handler receives: the request, its path parameters and per-request facts
// the middleware established. Later issues add the authenticated principal here.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/request.hpp"

namespace payd::http {

struct Route;

class PathParams {
 public:
  void add(std::string name, std::string value) {
    values_.emplace_back(std::move(name), std::move(value));
  }
  // Empty view when absent; a matched route always has its declared parameters.
  [[nodiscard]] std::string_view get(std::string_view name) const {
    for (const auto& [k, v] : values_) {
      if (k == name) return v;
    }
    return {};
  }
  [[nodiscard]] std::size_t size() const noexcept { return values_.size(); }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

struct RequestLimits {
  unsigned max_json_depth = 32;
};

struct RequestContext {
  const Request& request;
  const Route& route;
  PathParams params;
  std::string request_id;
  RequestLimits limits;
  // The request's Idempotency-Key while api::run_idempotently owns it (else empty): services
  // pass it to store::mark_idempotency_resource in the transaction that creates a resource.
  std::string idempotency_key{};
};

}  // namespace payd::http
