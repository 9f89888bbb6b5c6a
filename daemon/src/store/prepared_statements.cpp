#include "store/prepared_statements.hpp"

#include <initializer_list>
#include <pqxx/connection>
#include <string>

#include "store/api_key_store.hpp"
#include "store/audit_store.hpp"
#include "store/checkout_store.hpp"
#include "store/idempotency_store.hpp"
#include "store/job_store.hpp"
#include "store/mfa_store.hpp"
#include "store/payment_link_store.hpp"
#include "store/payment_store.hpp"
#include "store/principal_store.hpp"
#include "store/tenant_store.hpp"
#include "store/user_store.hpp"

namespace payd::store {

void prepare_statements(pqxx::connection_base& c) {
  for (Statements list :
       {tenant_statements(), api_key_statements(), payment_statements(), job_statements(),
        idempotency_statements(), checkout_session_statements(), payment_link_statements(),
        audit_statements(), user_statements(), mfa_statements(), principal_statements()}) {
    for (const auto& s : list) c.prepare(std::string(s.name), std::string(s.sql));
  }
}

}  // namespace payd::store
