#pragma once
// JSON <-> SDK struct conversions used by the conformance kit's fixtures, and a subset matcher.
// Readers throw FixtureError naming the JSON path of the bad field ("input.payment.amount:
// expected an integer") and refuse unknown keys, so a typo in a fixture never passes silently.
// Writers give the canonical JSON the kit compares against (absent optionals are omitted).

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "payd/sdk/provider.hpp"
#include "payd/sdk/types.hpp"

namespace payd::testkit {

class FixtureError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Readers. `path` prefixes error messages.
[[nodiscard]] sdk::OperationInput operation_input_from_json(const boost::json::value& v,
                                                            const std::string& path = "input");
[[nodiscard]] sdk::PaymentView payment_from_json(const boost::json::value& v,
                                                 const std::string& path);
[[nodiscard]] sdk::RefundView refund_from_json(const boost::json::value& v,
                                               const std::string& path);
// {"status", "headers", "body"} or {"transport_error": "timeout"}.
[[nodiscard]] sdk::HttpResponse http_response_from_json(const boost::json::value& v,
                                                        const std::string& path);
// An object {"Name": "value"} or an array of ["Name", "value"] pairs (order kept).
[[nodiscard]] sdk::Headers headers_from_json(const boost::json::value& v, const std::string& path);

// Writers (canonical form).
[[nodiscard]] boost::json::object to_json(const sdk::OperationInput& in);
[[nodiscard]] boost::json::object to_json(const sdk::HttpRequest& r);
[[nodiscard]] boost::json::object to_json(const sdk::Outcome& o);
[[nodiscard]] boost::json::object to_json(const sdk::ProviderEvent& e);
[[nodiscard]] boost::json::object to_json(const sdk::WebhookResult& r);

// Every way `actual` fails to contain `expected`: objects match when each expected key
// matches (an expected null means "absent or null"), arrays element-wise with equal length,
// scalars by equality. Empty when it matches.
[[nodiscard]] std::vector<std::string> subset_mismatches(const boost::json::value& expected,
                                                         const boost::json::value& actual,
                                                         const std::string& path);

}  // namespace payd::testkit
