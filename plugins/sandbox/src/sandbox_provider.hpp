#pragma once
// A provider that needs no network: it decides every operation from the test card and
// the payment's own sandbox state, so demos, tests and benchmarks run anywhere.
// Its "provider side" lives in the plugin state payd stores on the payment.

#include "payd/sdk/provider.hpp"
#include "sandbox_settings.hpp"

namespace payd::sandbox {

class SandboxProvider final : public sdk::Provider {
 public:
  SandboxProvider(SandboxSettings settings, sdk::ConnectorContext context);

  [[nodiscard]] sdk::Info info() const override;
  sdk::Step start(sdk::Operation op, const sdk::OperationInput& input) override;
  sdk::Step resume(sdk::Operation op, const sdk::OperationInput& input,
                   const sdk::HttpResponse& response, const sdk::StepState& step) override;
  sdk::WebhookResult on_webhook(const sdk::InboundWebhook& webhook) override;

 private:
  [[nodiscard]] sdk::Outcome decide(sdk::Operation op, const sdk::OperationInput& input) const;

  SandboxSettings settings_;
  sdk::ConnectorContext context_;
};

// Pure decisions, one per operation (exposed for unit tests).
sdk::Outcome authorize(const sdk::OperationInput& in, const SandboxSettings& s);
sdk::Outcome capture(const sdk::OperationInput& in);
sdk::Outcome cancel(const sdk::OperationInput& in);
sdk::Outcome refund(const sdk::OperationInput& in);
sdk::Outcome sync(const sdk::OperationInput& in, const SandboxSettings& s);
sdk::Outcome sync_refund(const sdk::OperationInput& in);

}  // namespace payd::sandbox
