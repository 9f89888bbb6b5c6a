#pragma once
// Reads one whole YAML document into JSON, typing plain scalars the way YAML 1.2's core
// schema does (and so the way Redocly and other YAML 1.2 readers see the same file):
//
//   null, Null, NULL, ~ and nothing   null
//   true/True/TRUE, false/...         booleans
//   [-+]?[0-9]+                       integers (int64)
//   decimals and exponents            doubles
//   anything else                     strings, as is every quoted or block (| >) scalar
//
// Mappings keep their order (boost::json::object preserves insertion order). Refused, with
// the line: YAML that does not parse, several documents, duplicate or non-scalar keys,
// integers beyond int64, 0x/0o integers and .inf/.nan (JSON has no such numbers; quote them
// or write them in decimal), and explicit tags other than !!str. Used for docs/openapi.yaml,
// which payd serves as JSON; it reads no secrets (unlike config/yaml_to_json.hpp).

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace payd::api {

[[nodiscard]] Result<boost::json::value, std::string> yaml_document_to_json(std::string_view text);

}  // namespace payd::api
