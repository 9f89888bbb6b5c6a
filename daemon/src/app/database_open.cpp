#include "app/database_open.hpp"

#include <ostream>
#include <pqxx/pqxx>

#include "config/config_loader.hpp"
#include "observability/log.hpp"
#include "store/prepared_statements.hpp"

namespace payd::app {

Result<std::unique_ptr<store::ConnectionPool>, std::string> open_database(
    const config::Config& config, unsigned size, prometheus::Registry* registry) {
  if (!config.database.url) {
    return fail(config.source_path + ": database.url is not set");
  }
  store::PoolOptions options;
  options.url = config.database.url->reveal();
  options.size = size;
  options.connect_timeout = config.database.connect_timeout;
  options.on_connect = &store::prepare_statements;
  auto pool = std::make_unique<store::ConnectionPool>(std::move(options), registry);
  pool->start();
  std::string why;
  if (!pool->wait_connected(config.database.connect_timeout, why)) {
    return fail("cannot connect to the database: " + why);
  }
  return pool;
}

Result<store::SchemaStatus, std::string> schema_status(store::ConnectionPool& pool) {
  Result<store::SchemaStatus, std::string> out = fail(std::string("not run"));
  auto r =
      pool.execute_blocking([&](pqxx::connection_base& c) { out = store::Migrator().status(c); });
  if (!r) return fail("cannot read the schema version: " + r.error().detail);
  return out;
}

Result<std::vector<int>, std::string> apply_migrations(store::ConnectionPool& pool) {
  Result<std::vector<int>, std::string> out = fail(std::string("not run"));
  auto r =
      pool.execute_blocking([&](pqxx::connection_base& c) { out = store::Migrator().migrate(c); });
  if (!r) return fail("cannot migrate: " + r.error().detail);
  return out;
}

Result<std::unique_ptr<store::ConnectionPool>, std::string> open_database_to_serve(
    const config::Config& config, unsigned size, prometheus::Registry* registry,
    bool migrate_pending) {
  auto pool = open_database(config, size, registry);
  if (!pool) return fail(pool.error());
  auto status = schema_status(**pool);
  if (!status) return fail(status.error());
  if (migrate_pending && !status->pending.empty() &&
      status->database_version <= status->known_version) {
    auto applied = apply_migrations(**pool);
    if (!applied) return fail(applied.error());
    obs::log_info("database migrated")
        .num("version", static_cast<std::int64_t>(status->known_version));
    status = schema_status(**pool);
    if (!status) return fail(status.error());
  }
  if (auto refusal = store::serving_refusal(*status); !refusal.empty()) return fail(refusal);
  return std::move(pool).value();
}

std::unique_ptr<store::ConnectionPool> open_serving_database(const std::string& config_path,
                                                             std::string_view who,
                                                             std::ostream& err) {
  auto cfg = config::load_config_file(config_path);
  if (!cfg) {
    for (const auto& e : cfg.error()) err << e.to_string() << '\n';
    return nullptr;
  }
  auto pool = open_database_to_serve(*cfg, 1, nullptr, false);
  if (!pool) {
    err << who << ": " << pool.error() << '\n';
    return nullptr;
  }
  return std::move(pool).value();
}

}  // namespace payd::app
