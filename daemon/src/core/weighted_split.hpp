#pragma once
// A routing rule's weighted split: one connector is drawn at random in proportion to its
// weight and goes first; the others follow in descending weight as failover candidates.
// The random source is a parameter so that tests can fix the draw.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "config/routing_config.hpp"

namespace payd::core {

// Uniform 64-bit values. Called concurrently by every I/O thread.
using RandomSource = std::function<std::uint64_t()>;

// A Mersenne Twister per thread, seeded from std::random_device: unpredictable enough to
// spread traffic (nothing secret depends on it) and free of locks.
[[nodiscard]] RandomSource thread_random_source();

struct SplitOrder {
  std::vector<std::string> order;  // the drawn connector, then the rest by descending weight
  std::uint64_t total = 0;         // sum of the weights
  std::uint64_t draw = 0;          // random value mod total: entry i owns its weight's span
};

// Ties in weight keep the listed order. Weights should be positive (the config loader
// ensures it); if all are zero the listed order is returned with draw 0.
[[nodiscard]] SplitOrder order_by_draw(std::span<const config::WeightedConnector> entries,
                                       std::uint64_t random_value);

}  // namespace payd::core
