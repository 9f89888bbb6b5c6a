#pragma once
// The `auth:` configuration with its key material loaded: the JWT key ring and the MFA
// key-encryption key. Built at start-up and again on SIGHUP (key rotation: add the new key,
// make it the signer, later remove the old one); requests read the current snapshot through
// AuthSettingsHolder without a lock.

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "config/auth_config.hpp"
#include "security/jwt_keys.hpp"
#include "security/secret_box.hpp"

namespace payd::security {

struct AuthSettings {
  config::AuthConfig config;
  JwtKeyRing ring;
  std::optional<Kek> kek;  // always set once loaded

  // Reads every key file; the error names the file and the problem, never key material.
  [[nodiscard]] static Result<std::shared_ptr<const AuthSettings>> load(
      const config::AuthConfig& config);
};

class AuthSettingsHolder {
 public:
  explicit AuthSettingsHolder(std::shared_ptr<const AuthSettings> settings)
      : current_(std::move(settings)) {}
  [[nodiscard]] std::shared_ptr<const AuthSettings> get() const { return current_.load(); }
  void replace(std::shared_ptr<const AuthSettings> next) { current_.store(std::move(next)); }

 private:
  std::atomic<std::shared_ptr<const AuthSettings>> current_;
};

}  // namespace payd::security
