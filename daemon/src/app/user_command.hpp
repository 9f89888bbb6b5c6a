#pragma once
// `payd admin user create --tenant T --email E --role R [--json]` (docs/users.md): creates the
// user with a one-time random initial password, printed once (only its scrypt hash is
// stored), or, when the address already has a user, adds a membership in T and prints no
// password. Exit 0 done, 1 failed (database, unknown tenant), 2 usage error.

#include <ostream>
#include <string>
#include <vector>

namespace payd::app {

// `args`: what follows `payd admin user`.
int run_admin_user(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace payd::app
