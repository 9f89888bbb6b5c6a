#include "security/auth_settings.hpp"

namespace payd::security {

Result<std::shared_ptr<const AuthSettings>> AuthSettings::load(const config::AuthConfig& config) {
  auto out = std::make_shared<AuthSettings>();
  out->config = config;
  for (const auto& k : config.jwt.keys) {
    auto alg = parse_jwt_alg(k.alg);
    if (!alg) return fail("auth.jwt.keys: kid " + k.kid + ": " + alg.error());
    auto key = load_jwt_key(k.kid, *alg, k.file);
    if (!key) return fail("auth.jwt.keys: kid " + k.kid + ": " + key.error());
    if (k.sign && !key->can_sign()) {
      return fail("auth.jwt.keys: kid " + k.kid + " has sign: true but " + k.file +
                  " holds a public key only");
    }
    if (auto added = out->ring.add(std::move(key).value()); !added) {
      return fail("auth.jwt.keys: " + added.error());
    }
    if (k.sign) {
      if (auto s = out->ring.set_signer(k.kid); !s) return fail("auth.jwt.keys: " + s.error());
    }
  }
  auto kek = config.mfa.kek_file.empty() ? load_kek_credential(config.mfa.kek_credential)
                                         : load_kek(config.mfa.kek_file);
  if (!kek) return fail("auth.mfa: " + kek.error());
  out->kek.emplace(std::move(kek).value());
  return std::shared_ptr<const AuthSettings>(std::move(out));
}

}  // namespace payd::security
