#pragma once
// A named SQL statement, prepared on every pooled connection. Each repository exposes
// the list of its own (see prepared_statements.cpp).

#include <span>
#include <string_view>

namespace payd::store {

struct Statement {
  std::string_view name;
  std::string_view sql;
};

using Statements = std::span<const Statement>;

}  // namespace payd::store
