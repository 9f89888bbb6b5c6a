// The one symbol payd looks for in example.so: the descriptor with the ABI tag, the plugin's
// name and version, and the factory payd calls once per configured connector.
#include "example_provider.hpp"
#include "payd/sdk/plugin.hpp"

PAYD_PLUGIN(example::kName, PAYD_EXAMPLE_VERSION, &example::make_provider);
