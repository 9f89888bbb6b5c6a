#include "config/routing_schema.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/key_suggestion.hpp"

namespace payd::config {
namespace {

// The largest amount a payment may have (core::kMaxAmount; config does not link the core).
constexpr std::int64_t kMaxAmount = 99'999'999'999;
constexpr std::uint32_t kMaxWeight = 1'000'000;
// RoutingDecision::rule uses these for decisions no rule made.
constexpr std::array<std::string_view, 2> kReservedRuleNames{"default", "connector_hint"};

bool is_rule_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

bool is_upper_code(std::string_view s, std::size_t length) {
  return s.size() == length &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool is_currency(std::string_view s) {
  return is_upper_code(s, 3);
}
bool is_country(std::string_view s) {
  return is_upper_code(s, 2);
}
bool is_nonempty(std::string_view s) {
  return !s.empty();
}

std::string indexed(std::string_view key, std::size_t i) {
  return std::string(key) + "[" + std::to_string(i) + "]";
}

// One list under `key` and how to read it.
struct ListRule {
  std::string_view key;
  bool (*valid)(std::string_view);
  std::string_view expectation;  // for an element that is not valid
  std::string_view when_empty;   // for an empty list
};

// The strings of the list under `key`, each checked with rule.valid; nullopt when the key is
// absent. Problems are reported and the offending elements left out.
std::optional<std::vector<std::string>> read_list(MappingReader& m, const ListRule& rule,
                                                  std::vector<YAML::Node>* nodes = nullptr) {
  const auto node = m.field(rule.key);
  if (!node) return std::nullopt;
  std::vector<std::string> out;
  // A key with no value is as empty as `[]`: the operator meant to list something.
  if (node->IsNull() || (node->IsSequence() && node->size() == 0)) {
    m.error(*node, rule.key, std::string(rule.when_empty));
    return out;
  }
  if (!node->IsSequence()) {
    m.error(*node, rule.key, "expected a list, such as [a, b]");
    return out;
  }
  for (std::size_t i = 0; i < node->size(); ++i) {
    const YAML::Node item = (*node)[i];
    if (!item.IsScalar() || !rule.valid(item.Scalar())) {
      m.error(item.IsNull() ? *node : item, indexed(rule.key, i), std::string(rule.expectation));
      continue;
    }
    out.push_back(item.Scalar());
    if (nodes != nullptr) nodes->push_back(item);
  }
  return out;
}

// Reports a connector id that no `connectors:` entry has, with the nearest configured id.
void check_connector(MappingReader& m, const YAML::Node& at, std::string_view key,
                     const std::string& id, const Config& cfg) {
  std::vector<std::string> ids;
  for (const auto& c : cfg.connectors) {
    if (c.id == id) return;
    if (!c.id.empty()) ids.push_back(c.id);
  }
  std::string message = "unknown connector \"" + id + "\"";
  if (const auto near = nearest_key(id, ids)) {
    message += " (did you mean \"" + *near + "\"?)";
  } else if (ids.empty()) {
    message += " (no connectors are configured)";
  }
  m.error(at, key, std::move(message));
}

// Reads a list of connector ids under `key`: each configured, none twice.
std::optional<std::vector<std::string>> read_connector_list(MappingReader& m, std::string_view key,
                                                            const Config& cfg) {
  std::vector<YAML::Node> nodes;
  auto ids = read_list(
      m, {key, is_nonempty, "expected a connector id", "must name at least one connector"}, &nodes);
  if (!ids) return ids;
  for (std::size_t i = 0; i < ids->size(); ++i) {
    const auto where = indexed(key, i);
    check_connector(m, nodes[i], where, (*ids)[i], cfg);
    if (std::find(ids->begin(), ids->begin() + static_cast<std::ptrdiff_t>(i), (*ids)[i]) !=
        ids->begin() + static_cast<std::ptrdiff_t>(i)) {
      m.error(nodes[i], where, "connector \"" + (*ids)[i] + "\" is listed twice");
    }
  }
  return ids;
}

void read_amount(MappingReader& m, RouteMatch& out) {
  const auto node = m.field("amount");
  if (!node) return;
  if (node->IsNull() || (node->IsMap() && node->size() == 0)) {
    m.error(*node, "amount", "give gte, lte or both (minor units)");
    return;
  }
  m.section("amount", [&](MappingReader& a) {
    // -1 marks "not given": a valid bound is never negative.
    std::int64_t gte = -1;
    std::int64_t lte = -1;
    a.integer<std::int64_t>("gte", gte, 0, kMaxAmount);
    a.integer<std::int64_t>("lte", lte, 0, kMaxAmount);
    if (gte >= 0) out.amount_gte = gte;
    if (lte >= 0) out.amount_lte = lte;
    if (gte >= 0 && lte >= 0 && gte > lte) {
      a.error(*a.field("lte"), "lte",
              "less than gte (" + std::to_string(lte) + " < " + std::to_string(gte) +
                  "): no amount can match");
    }
  });
}

void read_metadata(MappingReader& m, RouteMatch& out) {
  const auto node = m.field("metadata");
  if (!node) return;
  if (node->IsNull() || (node->IsMap() && node->size() == 0)) {
    m.error(*node, "metadata", "must not be empty (leave it out to match any metadata)");
    return;
  }
  if (!node->IsMap()) {
    m.error(*node, "metadata", "expected a mapping of key: value, such as {channel: web}");
    return;
  }
  for (const auto& entry : *node) {
    if (!entry.first.IsScalar()) {
      m.error(entry.first, "metadata", "expected a string key");
      continue;
    }
    const std::string& key = entry.first.Scalar();
    const std::string path = "metadata." + key;
    if (!entry.second.IsScalar()) {
      m.error(entry.second.IsNull() ? entry.first : entry.second, path,
              "expected a string value (metadata values are compared as strings)");
      continue;
    }
    if (!out.metadata.emplace(key, entry.second.Scalar()).second) {
      m.error(entry.first, path, "duplicate key");
    }
  }
}

void read_match(MappingReader& m, RouteMatch& out) {
  if (auto v = read_list(m, {"currency", is_currency,
                             "expected an ISO 4217 code of 3 upper-case letters, such as EUR",
                             "must not be empty (leave it out to match any currency)"})) {
    out.currencies = std::move(*v);
  }
  read_amount(m, out);
  if (auto v = read_list(m, {"payment_method_types", is_nonempty, "expected a payment method type",
                             "must not be empty (leave it out to match any type)"})) {
    out.payment_method_types = std::move(*v);
  }
  if (auto v =
          read_list(m, {"country", is_country,
                        "expected an ISO 3166-1 alpha-2 code of 2 upper-case letters, such as DE",
                        "must not be empty (leave it out to match any country)"})) {
    out.countries = std::move(*v);
  }
  read_metadata(m, out);
  if (auto v = read_list(m, {"tenant", is_nonempty, "expected a tenant name",
                             "must not be empty (leave it out to match any tenant)"})) {
    out.tenants = std::move(*v);
  }
}

void read_split(MappingReader& m, RoutingRule& rule, const Config& cfg) {
  const auto node = m.field("split");
  if (!node) return;
  if (node->IsNull() || (node->IsSequence() && node->size() == 0)) {
    m.error(*node, "split", "must name at least one connector");
    return;
  }
  m.sequence("split", [&](MappingReader& s, std::size_t) {
    WeightedConnector w;
    const auto connector = s.field("connector");
    if (!connector) s.error(s.node(), "connector", "missing (the connector to send to)");
    s.string("connector", w.connector, is_nonempty, "expected a connector id");
    if (!s.field("weight")) s.error(s.node(), "weight", "missing (a positive integer)");
    s.integer<std::uint32_t>("weight", w.weight, 1, kMaxWeight);
    if (w.connector.empty()) return;
    check_connector(s, *connector, "connector", w.connector, cfg);
    for (const auto& earlier : rule.split) {
      if (earlier.connector == w.connector) {
        s.error(*connector, "connector", "connector \"" + w.connector + "\" is listed twice");
      }
    }
    rule.split.push_back(std::move(w));
  });
}

// Rule names already read, with where, for the duplicate check.
struct SeenRule {
  std::string name;
  std::string path;
};

void read_rule(MappingReader& m, Config& cfg, std::vector<SeenRule>& seen) {
  RoutingRule rule;
  if (!m.field("name")) m.error(m.node(), "name", "missing (every rule needs a name)");
  m.string("name", rule.name, is_rule_name, "expected 1-64 characters of a-z, 0-9, _ and -");
  if (!rule.name.empty()) {
    const auto at = *m.field("name");
    if (std::find(kReservedRuleNames.begin(), kReservedRuleNames.end(), rule.name) !=
        kReservedRuleNames.end()) {
      m.error(at, "name", "\"" + rule.name + "\" is reserved; choose another name");
    }
    for (const auto& other : seen) {
      if (other.name == rule.name) {
        m.error(at, "name",
                "duplicate rule name \"" + rule.name + "\" (first at " + other.path + ")");
      }
    }
    seen.push_back({rule.name, m.path()});
  }
  m.section("match", [&](MappingReader& match) { read_match(match, rule.match); });

  const auto connectors = m.field("connectors");
  const auto split = m.field("split");
  if (connectors && split) {
    m.error(*split, "split", "give either connectors or split, not both");
  } else if (!connectors && !split) {
    m.error(m.node(), "connectors",
            "missing: give connectors (in order of preference) or split (weights)");
  }
  if (auto ids = read_connector_list(m, "connectors", cfg)) rule.connectors = std::move(*ids);
  read_split(m, rule, cfg);
  m.boolean("failover_on_decline", rule.failover_on_decline);
  cfg.routing.rules.push_back(std::move(rule));
}

}  // namespace

void read_routing(MappingReader& routing, Config& cfg) {
  std::vector<SeenRule> seen;
  if (const auto rules = routing.field("rules");
      rules && (rules->IsNull() || (rules->IsSequence() && rules->size() == 0))) {
    routing.error(*rules, "rules", "must not be empty (leave it out to route by default only)");
  }
  routing.sequence("rules", [&](MappingReader& m, std::size_t) { read_rule(m, cfg, seen); });
  if (auto ids = read_connector_list(routing, "default", cfg)) {
    cfg.routing.default_connectors = std::move(*ids);
  }
}

}  // namespace payd::config
