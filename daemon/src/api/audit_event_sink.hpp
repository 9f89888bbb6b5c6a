#pragma once
// The AccessGate's security events (permission denied, failed authentication) written to the
// audit log, each in a transaction of its own, without making the request wait: the row
// is appended in a detached coroutine and a failure to write it is logged.

#include <boost/asio/any_io_executor.hpp>

#include "api/access_gate.hpp"

namespace payd::security {
class AuditTrail;
}

namespace payd::api {

class AuditEventSink final : public SecurityEventSink {
 public:
  // Both must outlive the sink.
  AuditEventSink(security::AuditTrail& trail, boost::asio::any_io_executor executor)
      : trail_(trail), executor_(std::move(executor)) {}

  void record(const http::RequestContext& ctx, SecurityEvent event) override;

 private:
  security::AuditTrail& trail_;
  boost::asio::any_io_executor executor_;
};

}  // namespace payd::api
