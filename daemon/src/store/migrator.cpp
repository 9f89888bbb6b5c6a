#include <openssl/evp.h>

#include <algorithm>
#include <pqxx/pqxx>

#include "store/migrations.hpp"

namespace payd::store {

namespace {

// Any constant shared by every payd: the lock is per database.
constexpr long long kMigrationLock = 0x7061796400000001LL;  // "payd" 1

constexpr std::string_view kCreateTable = R"sql(
CREATE TABLE IF NOT EXISTS payd_schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
))sql";

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

struct Applied {
  int version;
  std::string checksum;
};

std::vector<Applied> applied_migrations(pqxx::transaction_base& tx) {
  std::vector<Applied> out;
  const auto exists = tx.exec("SELECT to_regclass('payd_schema_migrations') IS NOT NULL");
  if (!exists[0][0].as<bool>()) return out;
  for (const auto& row : tx.exec("SELECT version, checksum FROM payd_schema_migrations ORDER BY version")) {
    out.push_back({row[0].as<int>(), row[1].as<std::string>()});
  }
  return out;
}

SchemaStatus compute_status(std::span<const Migration> known, const std::vector<Applied>& applied) {
  SchemaStatus s;
  s.known_version = known.empty() ? 0 : known.back().version;
  for (const auto& a : applied) s.database_version = std::max(s.database_version, a.version);
  for (const auto& m : known) {
    auto it = std::find_if(applied.begin(), applied.end(),
                           [&](const Applied& a) { return a.version == m.version; });
    if (it == applied.end()) {
      s.pending.push_back(m.version);
    } else if (it->checksum != sha256_hex(m.sql)) {
      s.changed.push_back(m.version);
    }
  }
  return s;
}

}  // namespace

Migrator::Migrator(std::span<const Migration> migrations) : migrations_(migrations) {}

int Migrator::known_version() const noexcept {
  return migrations_.empty() ? 0 : migrations_.back().version;
}

Result<SchemaStatus, std::string> Migrator::status(pqxx::connection_base& c) const {
  try {
    pqxx::read_transaction tx(c);
    return compute_status(migrations_, applied_migrations(tx));
  } catch (const std::exception& e) {
    return fail(std::string("cannot read the schema version: ") + e.what());
  }
}

Result<std::vector<int>, std::string> Migrator::migrate(pqxx::connection_base& c) const {
  std::vector<int> done;
  try {
    {
      pqxx::nontransaction lock(c);
      lock.exec("SELECT pg_advisory_lock(" + std::to_string(kMigrationLock) + ")");
    }
    struct Unlock {
      pqxx::connection_base& c;
      ~Unlock() {
        try {
          pqxx::nontransaction tx(c);
          tx.exec("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLock) + ")");
        } catch (...) {  // the session ends with the connection; the lock with it
        }
      }
    } unlock{c};

    {
      pqxx::work tx(c);
      tx.exec(std::string(kCreateTable));
      tx.commit();
    }
    SchemaStatus s;
    {
      pqxx::read_transaction tx(c);
      s = compute_status(migrations_, applied_migrations(tx));
    }
    if (s.database_version > s.known_version) {
      return fail("the database schema is at version " + std::to_string(s.database_version) +
                  ", newer than this payd knows (" + std::to_string(s.known_version) +
                  "): upgrade payd");
    }
    for (const auto& m : migrations_) {
      if (std::find(s.pending.begin(), s.pending.end(), m.version) == s.pending.end()) continue;
      try {
        pqxx::work tx(c);
        tx.exec(std::string(m.sql));
        tx.exec_params("INSERT INTO payd_schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                       m.version, std::string(m.name), sha256_hex(m.sql));
        tx.commit();
      } catch (const std::exception& e) {
        std::string what = e.what();
        if (auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
        return fail("migration " + std::to_string(m.version) + " (" + std::string(m.name) +
                    ") failed and was rolled back: " + what);
      }
      done.push_back(m.version);
    }
    return done;
  } catch (const std::exception& e) {
    std::string what = e.what();
    if (auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
    return fail("cannot migrate: " + what);
  }
}

std::string serving_refusal(const SchemaStatus& s) {
  if (s.database_version > s.known_version) {
    return "the database schema is at version " + std::to_string(s.database_version) +
           ", newer than this payd knows (" + std::to_string(s.known_version) +
           "): upgrade payd before serving this database";
  }
  if (!s.pending.empty()) {
    return "the database schema is at version " + std::to_string(s.database_version) +
           " but this payd needs " + std::to_string(s.known_version) +
           ": run `payd migrate` (or set database.migrate_on_start: true)";
  }
  return {};
}

}  // namespace payd::store
