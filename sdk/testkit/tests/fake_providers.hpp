#pragma once
// Providers for the kit's own tests: a well-behaved two-step HTTP provider, and misbehaving
// ones that the checks must catch.

#include <boost/json/object.hpp>
#include <memory>

#include "payd/sdk/provider.hpp"

namespace payd::testkit::fake {

// authorize = POST /v1/charges (form body, idempotency key) then GET /v1/charges/<id>.
// Config: {"api_key": "..."} (required). No webhooks.
std::unique_ptr<sdk::Provider> make_two_step(const boost::json::object& config,
                                             const sdk::ConnectorContext& context);

enum class Flaw {
  invalid_outcome,    // processed authorize without a status
  throws,             // start() throws std::runtime_error
  never_ends,         // Pauses forever
  nondeterministic,   // request body carries a per-instance counter
  trusting_webhooks,  // accepts every webhook, event ids differ per delivery
  rejects_with_200,   // rejects every webhook but replies 200
};
std::unique_ptr<sdk::Provider> make_flawed(Flaw flaw);

}  // namespace payd::testkit::fake
