#include "api/payment_fields.hpp"

#include "api/request_fields.hpp"

namespace payd::api {

std::optional<std::vector<std::string>> read_method_types(FieldReader& r) {
  auto types = r.optional_string_list("payment_method_types", kMaxMethodTypes, kMaxMethodTypeChars);
  if (types && types->empty()) {
    r.reject({400, http::ErrorType::invalid_request, "PARAMETER_INVALID",
              "payment_method_types must name at least one type.", r.path("payment_method_types")});
  }
  return types;
}

}  // namespace payd::api
