#pragma once
// Opens the configured database for the daemon and the one-shot commands (migrate,
// admin): builds the pool, connects within database.connect_timeout and checks that
// the schema is the one this binary knows.

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "config/config.hpp"
#include "store/connection_pool.hpp"
#include "store/migrations.hpp"

namespace prometheus {
class Registry;
}

namespace payd::app {

// Connects (size connections, `registry` may be null). Errors are one line for stderr.
[[nodiscard]] Result<std::unique_ptr<store::ConnectionPool>, std::string> open_database(
    const config::Config& config, unsigned size, prometheus::Registry* registry = nullptr);

[[nodiscard]] Result<store::SchemaStatus, std::string> schema_status(store::ConnectionPool& pool);
[[nodiscard]] Result<std::vector<int>, std::string> apply_migrations(store::ConnectionPool& pool);

// Opens the pool and checks the schema is one this binary can serve: with
// `migrate_pending`, pending migrations are applied first (database.migrate_on_start; never
// when the database is newer than this binary). The daemon and the admin commands both
// come here, so they refuse the same databases.
[[nodiscard]] Result<std::unique_ptr<store::ConnectionPool>, std::string> open_database_to_serve(
    const config::Config& config, unsigned size, prometheus::Registry* registry,
    bool migrate_pending);

// For the admin commands: loads `config_path`, opens one connection and refuses a schema
// this binary cannot serve. Null after writing why to `err` (each line prefixed `who: `,
// e.g. "payd admin user").
[[nodiscard]] std::unique_ptr<store::ConnectionPool> open_serving_database(
    const std::string& config_path, std::string_view who, std::ostream& err);

}  // namespace payd::app
