#include "sandbox_provider.hpp"

namespace payd::sandbox {

SandboxProvider::SandboxProvider(SandboxSettings settings, sdk::ConnectorContext context)
    : settings_(std::move(settings)), context_(std::move(context)) {}

sdk::Info SandboxProvider::info() const {
  sdk::Info info;
  info.name = "sandbox";
  info.version = PAYD_SANDBOX_VERSION;
  auto& c = info.capabilities;
  c.operations = {sdk::Operation::authorize, sdk::Operation::capture, sdk::Operation::cancel,
                  sdk::Operation::refund,    sdk::Operation::sync,    sdk::Operation::sync_refund};
  c.manual_capture = true;
  c.partial_capture = true;
  c.partial_refunds = true;
  c.multiple_refunds = true;
  c.payment_method_types = {"card"};
  c.webhooks = !settings_.webhook_secret.empty();
  c.sync = true;
  return info;
}

sdk::Step SandboxProvider::start(sdk::Operation op, const sdk::OperationInput& input) {
  // Simulated latency is a Pause: the core waits on a timer, no thread is blocked.
  if (settings_.latency.count() > 0) {
    return sdk::Pause{settings_.latency, sdk::StepState{{"phase", "latency"}}};
  }
  return decide(op, input);
}

sdk::Step SandboxProvider::resume(sdk::Operation op, const sdk::OperationInput& input,
                                  const sdk::HttpResponse&, const sdk::StepState& step) {
  const auto* phase = step.if_contains("phase");
  if (phase != nullptr && phase->is_string() && phase->as_string() == "latency") {
    return decide(op, input);
  }
  sdk::Outcome o;
  o.kind = sdk::OutcomeKind::unknown;
  o.error = sdk::ErrorInfo{"plugin_error", "unexpected_step", "", "The sandbox was resumed in an unknown step."};
  return o;
}

sdk::Outcome SandboxProvider::decide(sdk::Operation op, const sdk::OperationInput& in) const {
  switch (op) {
    case sdk::Operation::authorize: return authorize(in, settings_);
    case sdk::Operation::capture: return capture(in);
    case sdk::Operation::cancel: return cancel(in);
    case sdk::Operation::refund: return refund(in);
    case sdk::Operation::sync: return sync(in, settings_);
    case sdk::Operation::sync_refund: return sync_refund(in);
  }
  sdk::Outcome o;
  o.kind = sdk::OutcomeKind::not_attempted;
  o.error = sdk::ErrorInfo{"unsupported_operation", "", "", "Unknown operation."};
  return o;
}

}  // namespace payd::sandbox
