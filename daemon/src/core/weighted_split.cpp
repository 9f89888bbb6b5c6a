#include "core/weighted_split.hpp"

#include <algorithm>
#include <random>

namespace payd::core {

RandomSource thread_random_source() {
  return [] {
    thread_local std::mt19937_64 engine = [] {
      std::random_device device;
      std::seed_seq seed{device(), device(), device(), device()};
      return std::mt19937_64(seed);
    }();
    return engine();
  };
}

SplitOrder order_by_draw(std::span<const config::WeightedConnector> entries,
                         std::uint64_t random_value) {
  SplitOrder out;
  for (const auto& e : entries) out.total += e.weight;
  if (out.total == 0) {  // only zero weights (the config loader refuses them): listed order
    for (const auto& e : entries) out.order.push_back(e.connector);
    return out;
  }
  // The modulo's bias is below total / 2^64: with weights capped at 10^6 it is invisible.
  out.draw = random_value % out.total;

  std::size_t picked = 0;
  std::uint64_t upper = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    upper += entries[i].weight;
    if (out.draw < upper) {
      picked = i;
      break;
    }
  }
  std::vector<std::size_t> rest;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i != picked) rest.push_back(i);
  }
  std::stable_sort(rest.begin(), rest.end(), [&](std::size_t a, std::size_t b) {
    return entries[a].weight > entries[b].weight;
  });
  out.order.push_back(entries[picked].connector);
  for (const std::size_t i : rest) out.order.push_back(entries[i].connector);
  return out;
}

}  // namespace payd::core
