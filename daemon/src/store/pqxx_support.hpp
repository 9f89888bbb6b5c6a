#pragma once
// libpqxx 6.4 sends an empty std::optional parameter as NULL and reads NULL into an empty
// optional (pqxx/internal/type_utils.hxx); this header is the one place store sources
// get that from, so nobody writes a second specialisation (it would be ambiguous).

#include <optional>
#include <pqxx/pqxx>
