// Turning a fixtures folder into GoogleTest tests with testing::RegisterTest.
#include "payd/testkit/conformance.hpp"

#include <gtest/gtest.h>

#include <deque>

namespace payd::testkit {
namespace {

class KitTest : public testing::Test {
 public:
  KitTest(std::string where, std::function<std::vector<std::string>()> check)
      : where_(std::move(where)), check_(std::move(check)) {}
  // Failures point at the fixture file.
  void TestBody() override {
    for (const auto& problem : check_()) ADD_FAILURE_AT(where_.c_str(), 1) << problem;
  }

 private:
  std::string where_;
  std::function<std::vector<std::string>()> check_;
};

// gtest keeps pointers to the names; keep them alive for the program.
const char* keep(std::string s) {
  static std::deque<std::string> names;
  return names.emplace_back(std::move(s)).c_str();
}

void add(const std::string& suite, const std::string& test, const std::filesystem::path& file,
         std::function<std::vector<std::string>()> check) {
  testing::RegisterTest(keep(suite), keep(test), nullptr, keep(file.filename().string()),
                        keep(file.string()), 1,
                        [where = file.string(), check = std::move(check)]() -> testing::Test* {
                          return new KitTest(where, check);
                        });
}

}  // namespace

int register_conformance_suite(const std::string& name, ProviderMaker maker,
                               const std::filesystem::path& fixtures_dir) {
  const auto suite = name + "Conformance";
  std::shared_ptr<const Fixtures> fixtures;
  try {
    fixtures = std::make_shared<const Fixtures>(load_fixtures(fixtures_dir));
  } catch (const std::exception& e) {
    std::string reason = e.what();
    add(suite, "fixtures_load", fixtures_dir,
        [reason] { return std::vector<std::string>{"the fixtures do not load: " + reason}; });
    return 1;
  }
  auto m = std::make_shared<const ProviderMaker>(std::move(maker));
  int count = 0;
  add(suite, "capabilities_covered", fixtures_dir / "kit.json", [fixtures, m] {
    std::vector<std::string> problems;
    auto provider = make_provider(*m, fixtures->kit, fixtures->kit.config, problems);
    if (!provider) return problems;
    try {
      return check_coverage(provider->info(), *fixtures);
    } catch (const std::exception& e) {
      return std::vector<std::string>{std::string("info() threw: ") + e.what()};
    }
  });
  ++count;
  for (std::size_t i = 0; i < fixtures->operations.size(); ++i) {
    const auto& f = fixtures->operations[i];
    add(suite, "op_" + f.name, fixtures_dir / f.file, [fixtures, m, i] {
      return check_operation_fixture(*m, fixtures->kit, fixtures->operations[i]);
    });
    ++count;
  }
  for (std::size_t i = 0; i < fixtures->webhooks.size(); ++i) {
    const auto& f = fixtures->webhooks[i];
    add(suite, "webhook_" + f.name, fixtures_dir / f.file, [fixtures, m, i] {
      return check_webhook_fixture(*m, fixtures->kit, fixtures->webhooks[i]);
    });
    ++count;
    if (f.expect_verified) {
      add(suite, "webhook_attacks_" + f.name, fixtures_dir / f.file, [fixtures, m, i] {
        return check_webhook_attacks(*m, fixtures->kit, fixtures->webhooks[i]);
      });
      ++count;
    }
  }
  return count;
}

}  // namespace payd::testkit
