#include "http/route_table.hpp"

#include <array>
#include <map>
#include <stdexcept>

namespace payd::http {
namespace {

constexpr std::array<Method, 6> kRoutableMethods = {Method::get,   Method::post, Method::put,
                                                    Method::patch, Method::del,  Method::options};

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path.front() != '/') return segments;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto end = path.find('/', start);
    const auto stop = end == std::string_view::npos ? path.size() : end;
    segments.push_back(path.substr(start, stop - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return segments;
}

bool is_param(std::string_view seg) {
  return seg.size() >= 3 && seg.front() == '{' && seg.back() == '}';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool percent_decode_segment(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = hex_value(in[i + 1]);
    const int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    const char c = static_cast<char>(hi * 16 + lo);
    if (c == '/' || c == '\0') return false;
    out += c;
    i += 2;
  }
  return true;
}

struct RouteTable::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> param;
  std::string param_name;
  std::map<Method, const Route*> routes;
};

RouteTable::RouteTable() : root_(std::make_unique<Node>()) {}
RouteTable::~RouteTable() = default;
RouteTable::RouteTable(RouteTable&&) noexcept = default;
RouteTable& RouteTable::operator=(RouteTable&&) noexcept = default;

void RouteTable::add(Method method, std::string_view pattern, Handler handler,
                     RouteOptions options) {
  if (method == Method::head || method == Method::other) {
    throw std::invalid_argument("route " + std::string(pattern) + ": HEAD follows GET");
  }
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  }
  Node* node = root_.get();
  for (auto seg : split_path(pattern)) {
    if (seg.empty()) throw std::invalid_argument("empty segment in " + std::string(pattern));
    if (is_param(seg)) {
      auto name = std::string(seg.substr(1, seg.size() - 2));
      if (!node->param) {
        node->param = std::make_unique<Node>();
        node->param_name = name;
      } else if (node->param_name != name) {
        throw std::invalid_argument("conflicting parameter names {" + node->param_name +
                                    "} and {" + name + "} in " + std::string(pattern));
      }
      node = node->param.get();
    } else {
      if (seg.find_first_of("{}") != std::string_view::npos) {
        throw std::invalid_argument("malformed segment in " + std::string(pattern));
      }
      auto& child = node->literals[std::string(seg)];
      if (!child) child = std::make_unique<Node>();
      node = child.get();
    }
  }
  if (node->routes.contains(method)) {
    throw std::invalid_argument("duplicate route " + std::string(to_string(method)) + " " +
                                std::string(pattern));
  }
  routes_.push_back(std::make_unique<Route>(
      Route{method, std::string(pattern), std::move(handler), std::move(options)}));
  node->routes[method] = routes_.back().get();
}

RouteMatch RouteTable::match(Method method, std::string_view path) const {
  RouteMatch result;
  const auto segments = split_path(path);
  if (segments.empty()) return result;

  // Depth-first: literal child before the parameter child, so /payments/search beats
  // /payments/{id}, and a dead end under a literal falls back to the parameter.
  struct Frame {
    const Node* node;
    std::size_t depth;
    std::vector<std::pair<std::string, std::string>> params;
  };
  std::vector<Frame> stack;
  stack.push_back({root_.get(), 0, {}});
  const Node* found = nullptr;
  std::vector<std::pair<std::string, std::string>> found_params;
  while (!stack.empty()) {
    Frame f = std::move(stack.back());
    stack.pop_back();
    if (f.depth == segments.size()) {
      if (!f.node->routes.empty()) {
        found = f.node;
        found_params = std::move(f.params);
        break;
      }
      continue;
    }
    const auto seg = segments[f.depth];
    if (f.node->param && !seg.empty()) {
      std::string decoded;
      if (percent_decode_segment(seg, decoded)) {
        auto params = f.params;
        params.emplace_back(f.node->param_name, std::move(decoded));
        stack.push_back({f.node->param.get(), f.depth + 1, std::move(params)});
      }
    }
    if (auto it = f.node->literals.find(seg); it != f.node->literals.end()) {
      stack.push_back({it->second.get(), f.depth + 1, f.params});
    }
  }
  if (found == nullptr) return result;

  const Method lookup = method == Method::head ? Method::get : method;
  if (auto it = found->routes.find(lookup); it != found->routes.end()) {
    result.kind = RouteMatch::Kind::found;
    result.route = it->second;
    for (auto& [k, v] : found_params) result.params.add(std::move(k), std::move(v));
    return result;
  }
  result.kind = RouteMatch::Kind::method_not_allowed;
  result.route = found->routes.begin()->second;  // same pattern; lets 405s be labelled by route
  for (Method m : kRoutableMethods) {
    if (!found->routes.contains(m)) continue;
    if (!result.allow.empty()) result.allow += ", ";
    result.allow += to_string(m);
    if (m == Method::get) result.allow += ", HEAD";
  }
  return result;
}

std::vector<const Route*> RouteTable::routes() const {
  std::vector<const Route*> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_) out.push_back(r.get());
  return out;
}

}  // namespace payd::http
