#include "config/auth_schema.hpp"

namespace payd::config {

bool mfa_action_enabled(const MfaActions& actions, std::string_view action) noexcept {
  if (action == kMfaCreatePayment) return actions.create_payment;
  if (action == kMfaRefund) return actions.refund;
  if (action == kMfaApiKeys) return actions.api_keys;
  if (action == kMfaWebhooks) return actions.webhooks;
  return true;
}

namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

bool is_jwt_alg(std::string_view s) {
  return s == "HS256" || s == "EdDSA";
}

bool is_absolute_file(std::string_view s) {
  return s.starts_with('/');
}

bool is_nonempty(std::string_view s) {
  return !s.empty();
}

bool is_credential_name(std::string_view s) {
  if (s.empty() || s.size() > 255) return false;
  for (char c : s) {
    if (c == '/' || c == '\0') return false;
  }
  return s != "." && s != "..";
}

void require(MappingReader& m, std::string_view key, std::string_view why) {
  if (!m.field(key)) m.error(m.node(), key, "missing (" + std::string(why) + ")");
}

void read_jwt(MappingReader& m, JwtConfig& out) {
  require(m, "issuer", "the iss payd writes and requires");
  m.string("issuer", out.issuer, is_nonempty, "expected a non-empty string");
  require(m, "audience", "the aud payd writes and requires");
  m.string("audience", out.audience, is_nonempty, "expected a non-empty string");
  m.duration("access_token_ttl", out.access_token_ttl, minutes{1}, hours{24});
  m.duration("leeway", out.leeway, seconds{0}, seconds{60});
  require(m, "keys", "at least one key, exactly one with sign: true");
  m.sequence("keys", [&out](MappingReader& k, std::size_t) {
    JwtKeyConfig key;
    require(k, "kid", "the key id tokens name");
    k.string("kid", key.kid, is_nonempty, "expected a non-empty string");
    require(k, "alg", "HS256 or EdDSA: pinned, a token cannot choose another");
    k.string("alg", key.alg, is_jwt_alg, "expected HS256 or EdDSA");
    require(k, "file", "the key material's file");
    k.string("file", key.file, is_absolute_file, "expected an absolute file path");
    k.boolean("sign", key.sign);
    for (const auto& other : out.keys) {
      if (!key.kid.empty() && other.kid == key.kid) {
        k.error(*k.field("kid"), "kid", "duplicate kid \"" + key.kid + "\"");
      }
    }
    out.keys.push_back(std::move(key));
  });
  if (auto keys = m.field("keys"); keys && keys->IsSequence()) {
    std::size_t signers = 0;
    for (const auto& k : out.keys) signers += k.sign ? 1 : 0;
    if (signers != 1) {
      m.error(*keys, "keys",
              "exactly one key must have sign: true (found " + std::to_string(signers) + ")");
    }
  }
}

void read_mfa(MappingReader& m, MfaConfig& out) {
  m.string("kek_file", out.kek_file, is_absolute_file, "expected an absolute file path");
  m.string("kek_credential", out.kek_credential, is_credential_name,
           "expected a systemd credential name");
  const bool file = m.field("kek_file").has_value();
  const bool credential = m.field("kek_credential").has_value();
  if (file == credential) {
    m.error(m.node(), "kek_file",
            "give exactly one of kek_file and kek_credential (the key that seals TOTP seeds)");
  }
  m.string("issuer", out.issuer, is_nonempty, "expected a non-empty string");
  m.duration("step_up_ttl", out.step_up_ttl, seconds{10}, hours{24});
  m.duration("challenge_ttl", out.challenge_ttl, seconds{10}, hours{1});
  m.integer("max_failures", out.max_failures, 1U, 1000U);
  m.duration("lockout", out.lockout, seconds{1}, hours{24});
  m.section("actions", [&out](MappingReader& a) {
    a.boolean(kMfaCreatePayment, out.actions.create_payment);
    a.boolean(kMfaRefund, out.actions.refund);
    a.boolean(kMfaApiKeys, out.actions.api_keys);
    a.boolean(kMfaWebhooks, out.actions.webhooks);
  });
  m.boolean("api_keys_exempt", out.api_keys_exempt);
}

void read_login(MappingReader& m, LoginConfig& out) {
  m.integer("max_failures", out.max_failures, 1U, 1000U);
  m.duration("lockout", out.lockout, seconds{1}, hours{24});
}

}  // namespace

void read_auth(MappingReader& m, std::optional<AuthConfig>& out) {
  auto& auth = out.emplace();
  require(m, "jwt", "issuer, audience and signing keys");
  m.section("jwt", [&auth](MappingReader& j) { read_jwt(j, auth.jwt); });
  require(m, "mfa", "at least the key-encryption key: kek_file or kek_credential");
  m.section("mfa", [&auth](MappingReader& f) { read_mfa(f, auth.mfa); });
  m.section("login", [&auth](MappingReader& l) { read_login(l, auth.login); });
}

}  // namespace payd::config
