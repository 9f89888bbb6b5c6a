#include "security/api_key_issue.hpp"

#include "core/ids.hpp"
#include "payd/sdk/names.hpp"

namespace payd::security {

IssuedApiKey issue_api_key(std::string tenant_id, sdk::Mode mode, KeyKind kind, std::string name) {
  IssuedApiKey out{generate_api_key(mode, kind), {}};
  auto& row = out.row;
  row.id = core::new_id("key");
  row.tenant_id = std::move(tenant_id);
  row.mode = std::string(sdk::to_string(mode));
  row.kind = std::string(to_string(kind));
  row.lookup = out.key.lookup;
  row.secret_hash.assign(out.key.secret_hash.begin(), out.key.secret_hash.end());
  row.last4 = out.key.last4;
  row.name = std::move(name);
  return out;
}

}  // namespace payd::security
