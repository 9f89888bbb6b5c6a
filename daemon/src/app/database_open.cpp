#include "app/database_open.hpp"

#include <pqxx/pqxx>

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
  auto r = pool.execute_blocking([&](pqxx::connection_base& c) { out = store::Migrator().status(c); });
  if (!r) return fail("cannot read the schema version: " + r.error().detail);
  return out;
}

Result<std::vector<int>, std::string> apply_migrations(store::ConnectionPool& pool) {
  Result<std::vector<int>, std::string> out = fail(std::string("not run"));
  auto r = pool.execute_blocking([&](pqxx::connection_base& c) { out = store::Migrator().migrate(c); });
  if (!r) return fail("cannot migrate: " + r.error().detail);
  return out;
}

}  // namespace payd::app
