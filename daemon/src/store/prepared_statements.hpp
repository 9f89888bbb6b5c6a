#pragma once
// Registers every repository's prepared statements on a new connection (libpqxx
// prepares each lazily, on its first use on that connection).

namespace pqxx {
class connection_base;
}

namespace payd::store {

void prepare_statements(pqxx::connection_base& c);

}  // namespace payd::store
