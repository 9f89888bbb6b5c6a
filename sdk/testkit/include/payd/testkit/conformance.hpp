#pragma once
// The conformance suite for a provider plugin, as GoogleTest tests:
//
//   #include <payd/testkit/conformance.hpp>
//   std::unique_ptr<payd::sdk::Provider> make(const boost::json::object& config,
//                                             const payd::sdk::ConnectorContext& context);
//   PAYD_CONFORMANCE_SUITE(Sandbox, &make, "path/to/fixtures");
//
// registers, in test suite "SandboxConformance": one test per operation fixture
// ("op_<name>"), per webhook fixture ("webhook_<name>" and, when it verifies,
// "webhook_attacks_<name>"), and "capabilities_covered". A fixtures folder that does not load
// registers one failing test, "fixtures_load", with the reason. Link GTest::gtest_main (or
// your own main); see sdk/testkit/README.md.

#include <filesystem>
#include <string>

#include "payd/testkit/kit.hpp"

namespace payd::testkit {

// Registers the suite (call before RUN_ALL_TESTS); returns the number of tests registered.
int register_conformance_suite(const std::string& name, ProviderMaker maker,
                               const std::filesystem::path& fixtures_dir);

}  // namespace payd::testkit

#define PAYD_CONFORMANCE_SUITE(NAME, FACTORY, FIXTURES_DIR)         \
  [[maybe_unused]] static const int payd_conformance_suite_##NAME = \
      ::payd::testkit::register_conformance_suite(#NAME, FACTORY, FIXTURES_DIR)
