#pragma once
// The numbered SQL migrations of daemon/sql/, compiled into the binary, and the
// migrator that applies them. Each migration runs in its own transaction together with
// its row in payd_schema_migrations; an advisory lock serialises daemons migrating the
// same database at once.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace pqxx {
class connection_base;
}

namespace payd::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Sorted by version; generated from daemon/sql/NNNN_name.sql.
std::span<const Migration> embedded_migrations();

struct SchemaStatus {
  int database_version = 0;  // highest applied; 0 for an empty database
  int known_version = 0;     // highest this binary carries
  std::vector<int> pending;  // known, not applied
  // Applied migrations whose SQL differs from the embedded one (edited after release).
  std::vector<int> changed;
};

class Migrator {
 public:
  explicit Migrator(std::span<const Migration> migrations = embedded_migrations());

  [[nodiscard]] Result<SchemaStatus, std::string> status(pqxx::connection_base& c) const;
  // Applies what is pending; returns the versions applied now. Refuses a database newer
  // than this binary.
  [[nodiscard]] Result<std::vector<int>, std::string> migrate(pqxx::connection_base& c) const;

  [[nodiscard]] int known_version() const noexcept;

 private:
  std::span<const Migration> migrations_;
};

// Why payd must not serve this database ("" when it may): a schema newer than the
// binary, or migrations not yet applied.
[[nodiscard]] std::string serving_refusal(const SchemaStatus& status);

}  // namespace payd::store
