#include "core/route_match.hpp"

#include <algorithm>

#include "core/router.hpp"

namespace payd::core {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

bool metadata_holds(const config::RouteMatch& m, const boost::json::object& metadata) {
  return std::all_of(m.metadata.begin(), m.metadata.end(), [&](const auto& wanted) {
    const auto* value = metadata.if_contains(wanted.first);
    return value != nullptr && value->is_string() && value->get_string() == wanted.second;
  });
}

}  // namespace

bool route_matches(const config::RouteMatch& m, const RouteQuery& q) {
  if (!m.currencies.empty() && !contains(m.currencies, q.currency)) return false;
  if (m.amount_gte && q.amount < *m.amount_gte) return false;
  if (m.amount_lte && q.amount > *m.amount_lte) return false;
  if (!m.payment_method_types.empty() &&
      std::none_of(q.payment_method_types.begin(), q.payment_method_types.end(),
                   [&](const std::string& t) { return contains(m.payment_method_types, t); })) {
    return false;
  }
  if (!m.countries.empty() && (q.country.empty() || !contains(m.countries, q.country))) {
    return false;
  }
  if (!m.tenants.empty() && !contains(m.tenants, q.tenant_name)) return false;
  return metadata_holds(m, q.metadata);
}

}  // namespace payd::core
