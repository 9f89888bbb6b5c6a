#pragma once
// Creating an API key for a tenant: the key to show once, and the row to store
// (store::insert_api_key), which holds only the key's hash. Used by `payd admin key create`
// and, in #5, by the key management API.

#include <string>

#include "payd/sdk/types.hpp"
#include "security/api_key.hpp"
#include "store/api_key_store.hpp"

namespace payd::security {

struct IssuedApiKey {
  GeneratedApiKey key;   // key.key is the secret: show it once
  store::NewApiKey row;  // id "key_...", never the key itself
};

// Throws std::runtime_error if the CSPRNG fails.
[[nodiscard]] IssuedApiKey issue_api_key(std::string tenant_id, sdk::Mode mode,
                                         KeyKind kind = KeyKind::secret, std::string name = {});

}  // namespace payd::security
