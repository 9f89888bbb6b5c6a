#include "security/mfa_service.hpp"

#include "core/ids.hpp"
#include "observability/log.hpp"
#include "security/access_tokens.hpp"
#include "security/base32.hpp"
#include "security/secret_box.hpp"
#include "security/totp.hpp"
#include "store/audit_store.hpp"
#include "store/connection_pool.hpp"
#include "store/mfa_store.hpp"
#include "store/user_store.hpp"

namespace payd::security {

namespace asio = boost::asio;

namespace {

constexpr std::size_t kRecoveryCodes = 10;

std::string aad_for(std::string_view user_id) {
  return "mfa_totp:" + std::string(user_id);
}

std::int64_t seconds_of(std::chrono::milliseconds d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

MfaError error(MfaError::Kind kind) {
  MfaError e;
  e.kind = kind;
  return e;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_totp_shaped(std::string_view code) {
  if (code.size() != static_cast<std::size_t>(kTotpDigits)) return false;
  for (char c : code) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string step_up_scope(std::string_view action) {
  return action == config::kMfaDisable ? std::string(config::kMfaDisable) : std::string("*");
}

asio::awaitable<Result<StepUpDecision, store::StoreError>> MfaService::check(Principal who,
                                                                             std::string action) {
  StepUpDecision out;
  if (action.empty()) co_return out;
  const auto settings = settings_.get();
  const auto& mfa = settings->config.mfa;
  if (!who.is_user()) {
    if (!mfa.api_keys_exempt) out.kind = StepUpDecision::Kind::keys_not_exempt;
    co_return out;
  }
  if (action != config::kMfaDisable && !config::mfa_action_enabled(mfa.actions, action)) {
    co_return out;
  }
  const auto scope = step_up_scope(action);
  store::StepUpState state;
  auto r = co_await pool_.read_once(
      [&](store::Tx& tx) { state = store::step_up_state(tx, who.user_id, scope); });
  if (!r) co_return fail(r.error());
  if (!state.factor_confirmed) {
    out.kind = StepUpDecision::Kind::enroll_required;
    co_return out;
  }
  if (state.step_up_valid) co_return out;

  out.kind = StepUpDecision::Kind::challenge;
  out.challenge_id = core::new_id("mfac");
  auto w = co_await pool_.transact([&](store::Tx& tx) {
    out.expires_at = store::insert_mfa_challenge(tx, out.challenge_id, who.user_id, who.tenant_id,
                                                 action, seconds_of(mfa.challenge_ttl));
  });
  if (!w) co_return fail(w.error());
  co_return out;
}

asio::awaitable<Result<MfaEnrollment, MfaError>> MfaService::enroll(Principal who,
                                                                    RequestFacts facts) {
  if (!who.is_user()) co_return fail(error(MfaError::Kind::not_a_user));
  const auto settings = settings_.get();
  const auto& kek = *settings->kek;
  // Generated before the transaction, which may run more than once.
  const std::string secret = generate_totp_secret();
  const std::string sealed = seal(kek, secret, aad_for(who.user_id));
  const auto codes = generate_recovery_codes(kRecoveryCodes);
  std::vector<std::string> hashes;
  for (const auto& c : codes) hashes.push_back(*hash_recovery_code(c));

  std::optional<std::string> email;
  bool written = false;
  auto r = co_await pool_.transact([&](store::Tx& tx) {
    email = store::find_user_email(tx, who.user_id);
    if (!email) return;
    written = store::put_unconfirmed_mfa_factor(tx, who.user_id, sealed, kek.id_hex());
    if (!written) return;
    store::replace_recovery_codes(tx, who.user_id, hashes);
    (void)store::append_audit(
        tx, audit_entry(facts, who.tenant_id, who.actor, "auth.mfa.enrollment_started",
                        "user:" + who.user_id, core::AuditOutcome::success));
  });
  if (!r) {
    MfaError e = error(MfaError::Kind::store);
    e.store_error = r.error();
    co_return fail(std::move(e));
  }
  if (!email) co_return fail(error(MfaError::Kind::not_a_user));
  if (!written) co_return fail(error(MfaError::Kind::already_enrolled));
  MfaEnrollment out;
  out.secret_base32 = base32_encode(secret);
  out.otpauth_uri = otpauth_uri(settings->config.mfa.issuer, *email, secret);
  out.recovery_codes = codes;
  co_return out;
}

asio::awaitable<Result<MfaVerification, MfaError>> MfaService::verify(
    Principal who, std::optional<std::string> challenge_id, std::string code, RequestFacts facts) {
  if (!who.is_user()) co_return fail(error(MfaError::Kind::not_a_user));
  const auto settings = settings_.get();
  const auto& kek = *settings->kek;
  const auto typed = std::string(trim(code));
  const auto now = unix_now();
  const auto ttl = seconds_of(settings->config.mfa.step_up_ttl);
  const std::string target = "user:" + who.user_id;

  MfaVerification out;
  std::optional<MfaError::Kind> refused;
  auto r = co_await pool_.transact([&](store::Tx& tx) {
    out = {};
    refused.reset();
    auto audit_failure = [&](std::string_view reason) {
      auto e = audit_entry(facts, who.tenant_id, who.actor, "auth.mfa.failed", target,
                           core::AuditOutcome::failure);
      e.details["reason"] = reason;
      if (challenge_id) e.details["challenge_id"] = *challenge_id;
      (void)store::append_audit(tx, e);
    };
    const auto factor = store::find_mfa_factor(tx, who.user_id);
    if (!factor) {
      refused = MfaError::Kind::not_enrolled;
      return;
    }
    // Guessing is limited per user, not only per IP: a run of wrong codes locks the factor
    // for everyone, on every daemon (the count is in its row). A reused right code is not a
    // guess and does not count.
    if (factor->locked) {
      refused = MfaError::Kind::locked;
      audit_failure("locked");
      return;
    }
    const auto wrong_code = [&]() {
      refused = MfaError::Kind::invalid_code;
      audit_failure("invalid_code");
      const auto& mfa = settings->config.mfa;
      if (store::record_wrong_mfa_code(
              tx, who.user_id, mfa.max_failures,
              std::chrono::duration_cast<std::chrono::seconds>(mfa.lockout))) {
        refused = MfaError::Kind::locked;
        audit_failure("locked");
      }
    };
    // The seed in clear lives only in this scope.
    auto totp_step = [&]() -> std::optional<std::int64_t> {
      if (!is_totp_shaped(typed)) return std::nullopt;
      auto secret = open(kek, factor->secret_sealed, aad_for(who.user_id));
      if (!secret) {
        refused = MfaError::Kind::internal;
        obs::log_error("a sealed TOTP seed does not open")
            .str("user", who.user_id)
            .str("reason", to_string(secret.error()))
            .str("sealed_under", factor->kek_id)
            .str("kek", kek.id_hex());
        return std::nullopt;
      }
      return totp_verify(*secret, typed, now);
    };

    if (!challenge_id) {
      if (factor->confirmed) {
        refused = MfaError::Kind::already_enrolled;
        return;
      }
      const auto step = totp_step();
      if (refused) return;
      if (!step) {
        wrong_code();
        return;
      }
      if (!store::use_totp_step(tx, who.user_id, *step, true)) {
        refused = MfaError::Kind::invalid_code;
        audit_failure("invalid_code");
        return;
      }
      store::clear_wrong_mfa_codes(tx, who.user_id);
      out.enrolled = true;
      (void)store::append_audit(
          tx, audit_entry(facts, who.tenant_id, who.actor, "auth.mfa.enrolled", target,
                          core::AuditOutcome::success));
      return;
    }

    const auto challenge = store::lock_mfa_challenge(tx, *challenge_id);
    // Another user's challenge is as unknown as a made-up id.
    if (!challenge || challenge->user_id != who.user_id || challenge->expired ||
        challenge->satisfied) {
      refused = MfaError::Kind::challenge_not_found;
      audit_failure("challenge_not_found");
      return;
    }
    if (!factor->confirmed) {
      refused = MfaError::Kind::not_enrolled;
      return;
    }
    bool accepted = false;
    bool guessed = true;  // no right code: neither a matching step nor a known recovery code
    if (is_totp_shaped(typed)) {
      const auto step = totp_step();
      if (refused) return;
      guessed = !step;
      accepted = step && store::use_totp_step(tx, who.user_id, *step, false);
    } else if (auto hash = hash_recovery_code(typed)) {
      accepted = store::use_recovery_code(tx, who.user_id, *hash);
      guessed = !accepted;  // a used recovery code and a made-up one look the same here
      out.recovery_code_used = accepted;
    }
    if (!accepted) {
      if (guessed) {
        wrong_code();
      } else {
        refused = MfaError::Kind::invalid_code;
        audit_failure("invalid_code");
      }
      return;
    }
    store::clear_wrong_mfa_codes(tx, who.user_id);
    if (!store::satisfy_mfa_challenge(tx, *challenge_id)) {
      // Expired between the lock and now: undo the code's use too.
      refused = MfaError::Kind::challenge_not_found;
      tx.rollback();
      return;
    }
    out.challenge = *challenge_id;
    out.action = challenge->action;
    out.step_up_expires_at =
        store::grant_step_up(tx, who.user_id, step_up_scope(challenge->action), ttl);
    auto e = audit_entry(facts, who.tenant_id, who.actor, "auth.mfa.verified", target,
                         core::AuditOutcome::success);
    e.details["action"] = challenge->action;
    e.details["method"] = out.recovery_code_used ? "recovery_code" : "totp";
    (void)store::append_audit(tx, e);
  });
  if (!r) {
    MfaError e = error(MfaError::Kind::store);
    e.store_error = r.error();
    co_return fail(std::move(e));
  }
  if (refused) co_return fail(error(*refused));
  co_return out;
}

asio::awaitable<Result<void, MfaError>> MfaService::disable(Principal who, RequestFacts facts) {
  if (!who.is_user()) co_return fail(error(MfaError::Kind::not_a_user));
  auto r = co_await pool_.transact([&](store::Tx& tx) {
    store::delete_mfa(tx, who.user_id);
    store::purge_mfa_challenges(tx);
    (void)store::append_audit(tx, audit_entry(facts, who.tenant_id, who.actor, "auth.mfa.disabled",
                                              "user:" + who.user_id, core::AuditOutcome::success));
  });
  if (!r) {
    MfaError e = error(MfaError::Kind::store);
    e.store_error = r.error();
    co_return fail(std::move(e));
  }
  co_return Result<void, MfaError>{};
}

}  // namespace payd::security
