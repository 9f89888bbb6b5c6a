// Table of bad payd.yaml documents and the exact messages an operator sees for each.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config_loader.hpp"
#include "test_support.hpp"

namespace payd::config {
namespace {

using testing::fake_env;
using testing::fake_sources;
using testing::messages;

struct BadDocument {
  const char* name;  // gtest parameter name: letters, digits and _ only
  std::string yaml;
  std::vector<std::string> expected;
};

void PrintTo(const BadDocument& row, std::ostream* os) {
  *os << row.name;
}

const std::vector<BadDocument>& bad_documents() {
  static const std::vector<BadDocument> rows = {
      // Unknown keys, at every level, with and without a suggestion.
      {"unknown_top_level_key_suggests_section",
       "lisen:\n  port: 8080\n",
       {R"(payd.yaml:1: lisen: unknown key (did you mean "listen"?))"}},
      {"unknown_top_level_key_without_suggestion",
       "gateways: {}\n",
       {"payd.yaml:1: gateways: unknown key"}},
      {"unknown_listen_key_transposed",
       "listen:\n  prot: 80\n",
       {R"(payd.yaml:2: listen.prot: unknown key (did you mean "port"?))"}},
      {"unknown_server_key_line_7",
       "# payd\n\nlisten:\n  port: 8080\n\nserver:\n  max_body_byte: 1MiB\n",
       {R"(payd.yaml:7: server.max_body_byte: unknown key (did you mean "max_body_bytes"?))"}},
      {"unknown_log_key",
       "log:\n  levl: info\n",
       {R"(payd.yaml:2: log.levl: unknown key (did you mean "level"?))"}},
      {"unknown_metrics_key",
       "metrics:\n  enable: true\n",
       {R"(payd.yaml:2: metrics.enable: unknown key (did you mean "enabled"?))"}},
      {"unknown_database_key",
       "database:\n  ulr: x\n",
       {R"(payd.yaml:2: database.ulr: unknown key (did you mean "url"?))"}},
      {"unknown_key_with_control_character_is_made_printable",
       "\"bad\\tkey\": 1\n",
       {"payd.yaml:1: bad?key: unknown key"}},
      {"duplicate_key",
       "listen:\n  port: 1\n  port: 2\n",
       {"payd.yaml:3: listen.port: duplicate key"}},

      // Integers: type and range.
      {"port_not_a_number",
       "listen:\n  port: http\n",
       {"payd.yaml:2: listen.port: expected an integer 1-65535"}},
      {"port_zero",
       "listen:\n  port: 0\n",
       {"payd.yaml:2: listen.port: expected an integer 1-65535"}},
      {"port_too_big",
       "listen:\n  port: 70000\n",
       {"payd.yaml:2: listen.port: expected an integer 1-65535"}},
      {"port_null",
       "listen:\n  port:\n",
       {"payd.yaml:2: listen.port: expected an integer 1-65535"}},
      {"port_sequence",
       "listen:\n  port: [1]\n",
       {"payd.yaml:2: listen.port: expected an integer 1-65535"}},
      {"port_hex",
       "listen:\n  port: 0x50\n",
       {"payd.yaml:2: listen.port: expected an integer 1-65535"}},
      {"threads_too_many",
       "server:\n  threads: 257\n",
       {"payd.yaml:2: server.threads: expected an integer 0-256"}},
      {"threads_negative",
       "server:\n  threads: -1\n",
       {"payd.yaml:2: server.threads: expected an integer 0-256"}},
      {"json_depth_zero",
       "server:\n  max_json_depth: 0\n",
       {"payd.yaml:2: server.max_json_depth: expected an integer 1-512"}},
      {"max_connections_zero",
       "server:\n  max_connections: 0\n",
       {"payd.yaml:2: server.max_connections: expected an integer 1-1000000"}},
      {"pool_size_too_big",
       "database:\n  pool_size: 1000\n",
       {"payd.yaml:2: database.pool_size: expected an integer 1-256"}},

      // Enums and booleans.
      {"bad_log_level",
       "log:\n  level: verbose\n",
       {"payd.yaml:2: log.level: expected one of trace, debug, info, warn, error, critical, off"}},
      {"log_level_is_case_sensitive",
       "log:\n  level: INFO\n",
       {"payd.yaml:2: log.level: expected one of trace, debug, info, warn, error, critical, off"}},
      {"bad_log_format",
       "log:\n  format: xml\n",
       {"payd.yaml:2: log.format: expected one of json, text"}},
      {"yaml11_yes_is_not_a_bool",
       "log:\n  access_log: yes\n",
       {"payd.yaml:2: log.access_log: expected true or false"}},
      {"number_is_not_a_bool",
       "metrics:\n  enabled: 1\n",
       {"payd.yaml:2: metrics.enabled: expected true or false"}},

      // Durations.
      {"bare_integer_duration",
       "server:\n  header_timeout: 10\n",
       {"payd.yaml:2: server.header_timeout: expected a duration such as 500ms, 10s, 2m"}},
      {"fractional_duration",
       "server:\n  idle_timeout: 1.5s\n",
       {"payd.yaml:2: server.idle_timeout: expected a duration such as 500ms, 10s, 2m"}},
      {"negative_duration",
       "database:\n  connect_timeout: -5s\n",
       {"payd.yaml:2: database.connect_timeout: expected a duration such as 500ms, 10s, 2m"}},
      {"unknown_duration_unit",
       "server:\n  write_timeout: 1d\n",
       {"payd.yaml:2: server.write_timeout: expected a duration such as 500ms, 10s, 2m"}},
      {"zero_timeout",
       "server:\n  body_timeout: 0s\n",
       {"payd.yaml:2: server.body_timeout: expected a duration 1ms-1h"}},
      {"timeout_too_long",
       "server:\n  write_timeout: 2h\n",
       {"payd.yaml:2: server.write_timeout: expected a duration 1ms-1h"}},
      {"shutdown_grace_too_long",
       "server:\n  shutdown_grace: 11m\n",
       {"payd.yaml:2: server.shutdown_grace: expected a duration 0s-10m"}},

      // Sizes.
      {"body_size_too_big",
       "server:\n  max_body_bytes: 65MiB\n",
       {"payd.yaml:2: server.max_body_bytes: expected a size 1KiB-64MiB such as 65536, 64KiB or "
        "1MiB"}},
      {"header_size_too_small",
       "server:\n  max_header_bytes: 512\n",
       {"payd.yaml:2: server.max_header_bytes: expected a size 1KiB-1MiB such as 65536, 64KiB or "
        "1MiB"}},
      {"size_unknown_unit",
       "server:\n  max_body_bytes: 1GiB\n",
       {"payd.yaml:2: server.max_body_bytes: expected a size 1KiB-64MiB such as 65536, 64KiB or "
        "1MiB"}},
      {"size_fraction",
       "server:\n  max_body_bytes: 1.5MiB\n",
       {"payd.yaml:2: server.max_body_bytes: expected a size 1KiB-64MiB such as 65536, 64KiB or "
        "1MiB"}},

      // Strings with a shape.
      {"address_host_name",
       "listen:\n  address: localhost\n",
       {"payd.yaml:2: listen.address: expected an IP address such as 127.0.0.1 or ::1"}},
      {"address_bracketed_ipv6",
       "listen:\n  address: \"[::1]\"\n",
       {"payd.yaml:2: listen.address: expected an IP address such as 127.0.0.1 or ::1"}},
      {"metrics_path_relative",
       "metrics:\n  path: metrics\n",
       {"payd.yaml:2: metrics.path: expected a path starting with /"}},

      // Sections and the document itself must be mappings.
      {"section_is_scalar", "listen: 8080\n", {"payd.yaml:1: listen: expected a mapping"}},
      {"section_is_sequence", "\nserver: [1, 2]\n", {"payd.yaml:2: server: expected a mapping"}},
      {"top_level_sequence", "- listen\n- server\n", {"payd.yaml:1: expected a mapping"}},
      {"top_level_scalar", "hello\n", {"payd.yaml:1: expected a mapping"}},
      {"two_documents",
       "listen: {}\n---\nserver: {}\n",
       {"payd.yaml:3: expected a single YAML document"}},

      // YAML syntax errors: one error, at the line yaml-cpp reports.
      {"syntax_unclosed_flow_sequence",
       "listen:\n  port: 8080\nserver: [1, 2\n",
       {"payd.yaml:4: invalid YAML: end of sequence flow not found"}},
      {"syntax_bad_indentation",
       "listen:\n  port: 8080\n address: 127.0.0.1\n",
       {"payd.yaml:3: invalid YAML: end of map not found"}},
      {"syntax_unclosed_flow_mapping",
       "listen: {port: 8080\n",
       {"payd.yaml:2: invalid YAML: end of map flow not found"}},
      {"syntax_tab_indentation",
       "listen:\n\tport: 1\n",
       {"payd.yaml:2: invalid YAML: illegal map value"}},
      {"syntax_undefined_alias",
       "listen:\n  port: &p 8080\n  address: *a\n",
       {"payd.yaml:3: invalid YAML: the referenced anchor is not defined"}},

      // Secrets.
      {"missing_env_secret",
       "database:\n  url: ${PAYD_DATABASE_URL}\n",
       {"payd.yaml:2: database.url: environment variable PAYD_DATABASE_URL is not set"}},
      {"empty_env_secret",
       "database:\n  url: ${PAYD_EMPTY}\n",
       {"payd.yaml:2: database.url: environment variable PAYD_EMPTY is empty"}},
      {"bad_env_name",
       "database:\n  url: ${9LIVES}\n",
       {"payd.yaml:2: database.url: ${...} needs a variable name made of letters, digits and _"}},
      {"env_interpolation_refused",
       "database:\n  url: postgres://payd:${PW}@db/payd\n",
       {"payd.yaml:2: database.url: ${NAME} must be the whole value; interpolation is not "
        "supported"}},
      {"missing_file_secret",
       "database:\n  url: file:/nonexistent/payd/database-url\n",
       {"payd.yaml:2: database.url: cannot read secret file /nonexistent/payd/database-url: No "
        "such file or directory"}},
      {"relative_file_secret",
       "database:\n  url: file:secrets/db\n",
       {"payd.yaml:2: database.url: file:PATH needs an absolute path"}},
      {"credential_without_credentials_directory",
       "database:\n  url: credential:database-url\n",
       {"payd.yaml:2: database.url: credential:database-url needs $CREDENTIALS_DIRECTORY (set by "
        "systemd LoadCredential=)"}},
      {"credential_name_with_slash",
       "database:\n  url: credential:../database-url\n",
       {"payd.yaml:2: database.url: credential:NAME needs a plain file name"}},
      {"empty_secret",
       "database:\n  url: \"\"\n",
       {"payd.yaml:2: database.url: must not be empty"}},
      {"secret_is_mapping",
       "database:\n  url:\n    env: X\n",
       {"payd.yaml:3: database.url: expected a secret: a literal, ${ENV_NAME}, file:/abs/path or "
        "credential:NAME"}},

      // Every error is reported, in file order even when sections are read in schema order.
      {"multiple_errors_in_file_order",
       "database:\n"
       "  pool_size: 0\n"
       "log:\n"
       "  level: loud\n"
       "listen:\n"
       "  port: 99999\n"
       "  bogus: 1\n"
       "  address: example.com\n"
       "extra: true\n",
       {"payd.yaml:2: database.pool_size: expected an integer 1-256",
        "payd.yaml:4: log.level: expected one of trace, debug, info, warn, error, critical, off",
        "payd.yaml:6: listen.port: expected an integer 1-65535",
        "payd.yaml:7: listen.bogus: unknown key",
        "payd.yaml:8: listen.address: expected an IP address such as 127.0.0.1 or ::1",
        "payd.yaml:9: extra: unknown key"}},
      // Connectors: the plugin platform's list (issue 3).
      {"connectors_not_a_list",
       "connectors: {id: a}\n",
       {"payd.yaml:1: connectors: expected a list"}},
      {"connector_missing_id_plugin_mode",
       "connectors:\n  - required: true\n",
       {"payd.yaml:2: connectors[0].id: missing (every connector needs an id)",
        "payd.yaml:2: connectors[0].plugin: missing (the plugin to load)",
        "payd.yaml:2: connectors[0].mode: missing: test or live must be explicit"}},
      {"connector_bad_id_and_mode",
       "connectors:\n  - id: Bad Id\n    plugin: sandbox\n    mode: prod\n",
       {"payd.yaml:2: connectors[0].id: expected 1-64 characters of a-z, 0-9, _ and -",
        "payd.yaml:4: connectors[0].mode: expected one of test, live"}},
      {"connector_duplicate_id",
       "connectors:\n  - {id: a, plugin: sandbox, mode: test}\n"
       "  - {id: a, plugin: sandbox, mode: test}\n",
       {R"(payd.yaml:3: connectors[1].id: duplicate connector id "a" (first at connectors[0]))"}},
      {"connector_unknown_key_and_bad_http",
       "connectors:\n  - id: a\n    plugin: sandbox\n    mode: test\n    htpp: {}\n"
       "    breaker: {failure_threshold: 0}\n",
       {R"(payd.yaml:5: connectors[0].htpp: unknown key (did you mean "http"?))",
        "payd.yaml:6: connectors[0].breaker.failure_threshold: expected an integer 1-1000"}},
      {"connector_config_secret_missing",
       "connectors:\n  - id: a\n    plugin: sandbox\n    mode: test\n    config:\n"
       "      api_key: ${PAYD_MISSING_KEY}\n",
       {"payd.yaml:6: connectors[0].config.api_key: environment variable PAYD_MISSING_KEY is not set"}},
  };
  return rows;
}

class BadDocumentTest : public ::testing::TestWithParam<BadDocument> {
 protected:
  void SetUp() override {
    fake_env().clear();
    fake_env()["PAYD_EMPTY"] = "";
  }
};

TEST_P(BadDocumentTest, ReportsExactMessages) {
  const BadDocument& row = GetParam();
  const auto result = load_config_string(row.yaml, "payd.yaml", fake_sources());
  ASSERT_FALSE(result.ok()) << "document loaded without errors:\n" << row.yaml;
  EXPECT_EQ(messages(result.error()), row.expected);
}

INSTANTIATE_TEST_SUITE_P(Config, BadDocumentTest, ::testing::ValuesIn(bad_documents()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(BadDocumentTable, HasAtLeast25Rows) {
  EXPECT_GE(bad_documents().size(), 25U);
}

}  // namespace
}  // namespace payd::config
