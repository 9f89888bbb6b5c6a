// Secrets: where they come from, that secret_values() exposes them for scrubbing, and that no
// error message ever carries one.

#include <gtest/gtest.h>

#include <sstream>

#include "config/config_loader.hpp"
#include "config/secret_resolver.hpp"
#include "test_support.hpp"

namespace payd::config {
namespace {

using testing::fake_env;
using testing::fake_sources;
using testing::messages;
using testing::ScratchDir;

class SecretTest : public ::testing::Test {
 protected:
  void SetUp() override { fake_env().clear(); }
};

std::string resolved(std::string_view reference, const SecretSources& sources) {
  auto secret = resolve_secret(reference, sources);
  if (!secret) {
    ADD_FAILURE() << "unexpected error: " << secret.error();
    return {};
  }
  return secret->reveal();
}

TEST_F(SecretTest, LiteralIsTakenAsIs) {
  EXPECT_EQ(resolved("host=db user=payd", fake_sources()), "host=db user=payd");
}

TEST_F(SecretTest, EnvironmentVariable) {
  fake_env()["PAYD_DATABASE_URL"] = "postgresql://env@db/payd\n";
  // Environment values are used exactly; only files are trimmed.
  EXPECT_EQ(resolved("${PAYD_DATABASE_URL}", fake_sources()), "postgresql://env@db/payd\n");
}

TEST_F(SecretTest, DefaultSourcesReadTheProcessEnvironment) {
  ASSERT_EQ(::setenv("PAYD_CONFIG_TEST_SECRET", "from-process-env", 1), 0);
  EXPECT_EQ(resolved("${PAYD_CONFIG_TEST_SECRET}", SecretSources{}), "from-process-env");
  ::unsetenv("PAYD_CONFIG_TEST_SECRET");
}

TEST_F(SecretTest, FileWithTrailingNewlinesTrimmed) {
  const ScratchDir dir;
  const auto file = dir.write("db-url", "postgresql://file@db/payd\r\n\n");
  EXPECT_EQ(resolved("file:" + file.string(), fake_sources()), "postgresql://file@db/payd");
}

TEST_F(SecretTest, FileKeepsInnerNewlines) {
  const ScratchDir dir;
  const auto file = dir.write("key.pem", "line1\nline2\n");
  EXPECT_EQ(resolved("file:" + file.string(), fake_sources()), "line1\nline2");
}

TEST_F(SecretTest, EmptyFileIsAnError) {
  const ScratchDir dir;
  const auto file = dir.write("empty", "\n");
  const auto secret = resolve_secret("file:" + file.string(), fake_sources());
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.error(), "secret file " + file.string() + " is empty");
}

TEST_F(SecretTest, CredentialFromInjectedDirectory) {
  const ScratchDir dir;
  dir.write("database-url", "postgresql://cred@db/payd\n");
  SecretSources sources = fake_sources();
  sources.credentials_directory = dir.path().string();
  EXPECT_EQ(resolved("credential:database-url", sources), "postgresql://cred@db/payd");
}

TEST_F(SecretTest, CredentialFromCredentialsDirectoryVariable) {
  const ScratchDir dir;
  dir.write("database-url", "postgresql://systemd@db/payd");
  fake_env()["CREDENTIALS_DIRECTORY"] = dir.path().string();
  EXPECT_EQ(resolved("credential:database-url", fake_sources()), "postgresql://systemd@db/payd");
}

TEST_F(SecretTest, MissingCredentialNamesCredentialAndPath) {
  const ScratchDir dir;
  SecretSources sources = fake_sources();
  sources.credentials_directory = dir.path().string();
  const auto secret = resolve_secret("credential:database-url", sources);
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.error(), "cannot read credential database-url (" +
                                (dir.path() / "database-url").string() +
                                "): No such file or directory");
}

TEST_F(SecretTest, LoadedIntoConfigAndListedBySecretValues) {
  const ScratchDir dir;
  dir.write("database-url", "postgresql://cred@db/payd\n");
  SecretSources sources = fake_sources();
  sources.credentials_directory = dir.path().string();
  const auto result =
      load_config_string("database:\n  url: credential:database-url\n", "payd.yaml", sources);
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(messages(result.error()));
  ASSERT_TRUE(result->database.url.has_value());
  EXPECT_EQ(result->database.url->reveal(), "postgresql://cred@db/payd");
  EXPECT_EQ(result->secret_values(), std::vector<std::string>{"postgresql://cred@db/payd"});
}

TEST_F(SecretTest, SecretNeverPrintsItself) {
  std::ostringstream out;
  out << Secret("hunter2");
  EXPECT_EQ(out.str(), "[REDACTED]");
}

// The canary: a value that must never appear in any error, however the document is broken.
constexpr std::string_view kCanary = "canary-s3cr3t-7f9a2c";

TEST_F(SecretTest, NoErrorMessageEverContainsASecret) {
  const ScratchDir dir;
  const std::string canary(kCanary);
  const auto canary_file = dir.write("canary", canary + "\n");
  dir.write("canary-credential", canary);
  fake_env()["PAYD_CANARY"] = canary;
  SecretSources sources = fake_sources();
  sources.credentials_directory = dir.path().string();

  // Every way of writing the secret, each next to a broken neighbour or itself broken. (Keys
  // are echoed in "unknown key" errors by design; secrets live in values.)
  const std::vector<std::string> urls = {
      "${PAYD_CANARY}",
      "file:" + canary_file.string(),
      "credential:canary-credential",
      canary,
      "\"" + canary + "\"",
      canary + "${PAYD_CANARY}",  // refused interpolation
      "[" + canary + "]",         // not a scalar
      "{" + canary + ": 1}",
      "\"" + canary + "\" trailing",  // a YAML syntax error
      "file:" + canary,
      "credential:" + canary + "/x",
  };
  const std::vector<std::string> neighbours = {
      "  pool_size: 0\n",
      "  url2: " + canary + "\n",
      "  connect_timeout: " + canary + "\n",
      "listen:\n  address: " + canary + "\n",
      "log:\n  level: " + canary + "\n",
      "- " + canary + "\n",
  };
  int documents_with_errors = 0;
  for (const auto& url : urls) {
    for (const auto& neighbour : neighbours) {
      const std::string yaml = "database:\n  url: " + url + "\n" + neighbour;
      const auto result = load_config_string(yaml, "payd.yaml", sources);
      if (result.ok()) continue;
      ++documents_with_errors;
      for (const auto& message : messages(result.error())) {
        EXPECT_EQ(message.find(kCanary), std::string::npos) << message << "\nfrom:\n" << yaml;
      }
    }
  }
  EXPECT_EQ(documents_with_errors, static_cast<int>(urls.size() * neighbours.size()));
}

TEST_F(SecretTest, ResolverErrorsNeverContainTheValue) {
  const ScratchDir dir;
  const std::string canary(kCanary);
  const std::vector<std::string> references = {
      "prefix-" + canary + "-${X}",     "file:relative/" + canary,      "credential:",
      "credential:" + canary + "/../x", "${" + canary + "-not-a-name}",
  };
  for (const auto& reference : references) {
    const auto secret = resolve_secret(reference, fake_sources());
    ASSERT_FALSE(secret.ok()) << reference;
    EXPECT_EQ(secret.error().find(kCanary), std::string::npos) << secret.error();
  }
}

}  // namespace
}  // namespace payd::config
