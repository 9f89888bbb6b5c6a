#pragma once
// Maps (method, path) to a route. Patterns are literal segments and `{name}`
// parameters, e.g. /api/v1/payments/{id}/capture. Literal segments win over
// parameters at the same depth. HEAD is served by a GET route with the body dropped.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/handler.hpp"
#include "http/method.hpp"
#include "http/request_context.hpp"

namespace payd::http {

struct RouteOptions {
  // Public routes need no credentials (health, metrics, public payment links).
  bool is_public = false;
  // Permission the caller must hold; empty only on public routes (checked in #5).
  std::string permission;
  // The MFA action this route is (config/auth_config.hpp: "create-payment", "refund",
  // "api-keys", "webhooks", "mfa-disable"): a user needs a recent TOTP step-up when the
  // action is enabled. Empty: no step-up.
  std::string mfa_action{};
};

struct Route {
  Method method;
  std::string pattern;  // the template; also the metrics/log label
  Handler handler;
  RouteOptions options;
};

struct RouteMatch {
  enum class Kind { found, not_found, method_not_allowed };
  Kind kind = Kind::not_found;
  // found: the route to run; method_not_allowed: a route of the same pattern (for labels).
  const Route* route = nullptr;
  PathParams params;
  std::string allow;  // for 405: e.g. "GET, HEAD, POST"
};

class RouteTable {
 public:
  RouteTable();
  ~RouteTable();
  RouteTable(RouteTable&&) noexcept;
  RouteTable& operator=(RouteTable&&) noexcept;

  // Throws std::invalid_argument on a malformed pattern or a duplicate (method, pattern):
  // route tables are built at start-up, so this is a programming error.
  void add(Method method, std::string_view pattern, Handler handler, RouteOptions options = {});

  [[nodiscard]] RouteMatch match(Method method, std::string_view path) const;
  [[nodiscard]] std::vector<const Route*> routes() const;

 private:
  struct Node;
  std::unique_ptr<Node> root_;
  std::vector<std::unique_ptr<Route>> routes_;
};

// Decodes %XX escapes of one path segment; false on a malformed escape or an
// encoded '/' or NUL (which would let a parameter smuggle a path separator).
[[nodiscard]] bool percent_decode_segment(std::string_view in, std::string& out);

}  // namespace payd::http
