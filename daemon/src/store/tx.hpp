#pragma once
// One database transaction as the rest of payd sees it: an opaque handle passed to the
// store's repository functions. Services compose several repository calls into one
// transaction without ever seeing SQL or libpqxx:
//
//   co_await pool.transact([&](store::Tx& tx) {
//     store::insert_payment(tx, payment);
//     store::insert_event(tx, event);
//   });
//
// The transaction commits when the function returns, unless it called rollback().

namespace pqxx {
class transaction_base;
}

namespace payd::store {

class Tx {
 public:
  explicit Tx(pqxx::transaction_base& sql) noexcept : sql_(sql) {}
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

  // For store/ sources only.
  [[nodiscard]] pqxx::transaction_base& sql() noexcept { return sql_; }

  // Undo everything done in this transaction (a business rule refused the change).
  void rollback() noexcept { rollback_ = true; }
  [[nodiscard]] bool rolled_back() const noexcept { return rollback_; }

 private:
  pqxx::transaction_base& sql_;
  bool rollback_ = false;
};

}  // namespace payd::store
