#pragma once
// Drops a test's throwaway database. DROP ... WITH (FORCE) terminates the other sessions in
// it, but an autovacuum worker that has just started there belongs to the bootstrap
// superuser, which the test role may not terminate (SQLSTATE 42501); it finishes within
// moments (tens of seconds on a loaded 2-core CI machine), so the drop is retried for up
// to 30 s before it counts as a failure.

#include <chrono>
#include <pqxx/pqxx>
#include <string>
#include <thread>

namespace payd::testing {

inline void drop_test_database(const std::string& admin_url, const std::string& name) {
  for (int attempt = 0;; ++attempt) {
    try {
      pqxx::connection admin(admin_url);
      pqxx::nontransaction tx(admin);
      tx.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      return;
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != "42501" || attempt >= 300) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace payd::testing
