#include "app/daemon.hpp"

#include <pthread.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/array.hpp>
#include <csignal>
#include <filesystem>
#include <thread>
#include <vector>

#include "api/access_gate.hpp"
#include "api/api_key_routes.hpp"
#include "api/audit_event_sink.hpp"
#include "api/audit_routes.hpp"
#include "api/auth_routes.hpp"
#include "api/checkout_routes.hpp"
#include "api/connectors_routes.hpp"
#include "api/idempotency.hpp"
#include "api/idempotency_purger.hpp"
#include "api/openapi_route.hpp"
#include "api/ops_routes.hpp"
#include "api/payment_link_routes.hpp"
#include "api/payments_routes.hpp"
#include "api/rate_limit_guard.hpp"
#include "app/config_reload.hpp"
#include "app/database_open.hpp"
#include "app/systemd_notifier.hpp"
#include "common/build_info.hpp"
#include "config/config_loader.hpp"
#include "core/audit_entry.hpp"
#include "core/checkout_service.hpp"
#include "core/payment_link_service.hpp"
#include "core/payment_service.hpp"
#include "core/reconciler.hpp"
#include "core/router.hpp"
#include "http/server.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"
#include "observability/readiness.hpp"
#include "plugins/connector_registry.hpp"
#include "plugins/executor_metrics.hpp"
#include "plugins/executor_pool.hpp"
#include "plugins/plugin_catalog.hpp"
#include "security/api_key_service.hpp"
#include "security/audit_trail.hpp"
#include "security/auth_settings.hpp"
#include "security/authenticator.hpp"
#include "security/key_usage.hpp"
#include "security/mfa_service.hpp"
#include "security/rate_limiter.hpp"
#include "security/user_service.hpp"
#include "store/connection_pool.hpp"

namespace payd::app {

namespace asio = boost::asio;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

obs::Level to_obs(config::LogLevel l) {
  switch (l) {
    case config::LogLevel::trace:
      return obs::Level::trace;
    case config::LogLevel::debug:
      return obs::Level::debug;
    case config::LogLevel::info:
      return obs::Level::info;
    case config::LogLevel::warn:
      return obs::Level::warn;
    case config::LogLevel::error:
      return obs::Level::error;
    case config::LogLevel::critical:
      return obs::Level::critical;
    case config::LogLevel::off:
      return obs::Level::off;
  }
  return obs::Level::info;
}

http::ServerOptions server_options(const config::Config& c) {
  http::ServerOptions o;
  o.address = c.listen.address;
  o.port = c.listen.port;
  o.max_header_bytes = c.server.max_header_bytes;
  o.max_body_bytes = c.server.max_body_bytes;
  o.max_json_depth = c.server.max_json_depth;
  o.header_timeout = c.server.header_timeout;
  o.body_timeout = c.server.body_timeout;
  o.idle_timeout = c.server.idle_timeout;
  o.write_timeout = c.server.write_timeout;
  o.shutdown_grace = c.server.shutdown_grace;
  o.max_connections = c.server.max_connections;
  o.max_in_flight = c.server.max_in_flight;
  return o;
}

// Null when rate limits are disabled: the guard then lets everything through.
std::shared_ptr<security::RateLimiter> make_rate_limiter(const config::RateLimitConfig& c) {
  if (!c.enabled) return nullptr;
  return std::make_shared<security::RateLimiter>(c);
}

unsigned thread_count(const config::Config& c) {
  if (c.server.threads != 0) return c.server.threads;
  return std::max(1U, std::thread::hardware_concurrency());
}

// Secrets of every config seen since start: objects built from an older config may
// still hold its values, so none of them may ever be printed.
std::vector<std::string> merge_secrets(std::vector<std::string> seen,
                                       const std::vector<std::string>& more) {
  for (const auto& s : more) {
    if (std::find(seen.begin(), seen.end(), s) == seen.end()) seen.push_back(s);
  }
  return seen;
}

class Daemon {
 public:
  Daemon(config::Config config, std::string path)
      : config_(std::move(config)),
        path_(std::move(path)),
        contexts_(make_contexts(thread_count(config_))),
        signals_(*contexts_.front(), SIGINT, SIGTERM, SIGHUP),
        secrets_(config_.secret_values()) {
    obs::set_log_secrets(secrets_);
    access_log_ = config_.log.access_log;
    rate_limits_ =
        std::make_unique<api::RateLimitGuard>(make_rate_limiter(config_.rate_limits), &metrics_);
    api::add_ops_routes(routes_, metrics_, readiness_,
                        config_.metrics.enabled ? config_.metrics.path : std::string());
    load_connectors();
    if (auto doc = api::add_openapi_route(routes_); !doc) startup_errors_.push_back(doc.error());
    readiness_.add_check("connectors", [this] { return connectors_->required_ready(); });
    open_payments();
    server_ = std::make_unique<http::Server>(
        context_pointers(), server_options(config_), routes_,
        http::ServerHooks{[this](const http::AccessRecord& r) { record(r); },
                          api::shed_counter(metrics_)});
  }

  // What run() would serve (`payd routes`), or why it would not start.
  Result<std::vector<RouteEntry>, std::vector<std::string>> route_entries() const {
    if (!startup_errors_.empty()) return fail(startup_errors_);
    std::vector<RouteEntry> out;
    for (const auto* r : routes_.routes()) {
      out.push_back({std::string(http::to_string(r->method)), r->pattern, r->options.is_public,
                     r->options.permission});
    }
    return out;
  }

  int run() {
    if (!startup_errors_.empty()) {
      for (const auto& e : startup_errors_) obs::log_critical("cannot start").str("error", e);
      obs::flush_logs();
      return 1;
    }
    try {
      server_->start();
    } catch (const std::exception& e) {
      obs::log_critical("cannot listen")
          .str("address", config_.listen.address)
          .num("port", static_cast<std::int64_t>(config_.listen.port))
          .str("error", e.what());
      obs::flush_logs();
      return 1;
    }
    const unsigned threads = thread_count(config_);
    obs::log_info("listening")
        .str("address", config_.listen.address)
        .num("port", static_cast<std::int64_t>(server_->port()))
        .num("threads", static_cast<std::int64_t>(threads))
        .str("version", kVersion);
    notifier_.ready("serving on " + config_.listen.address + ":" + std::to_string(server_->port()));
    obs::flush_logs();

    if (purger_) purger_->start();
    if (key_usage_) key_usage_->start();
    if (reconciler_) reconciler_->start();
    asio::co_spawn(*contexts_.front(), handle_signals(), asio::detached);
    if (notifier_.watchdog_interval().count() > 0) {
      asio::co_spawn(*contexts_.front(), feed_watchdog(), asio::detached);
    }

    std::vector<std::jthread> pool;
    for (std::size_t i = 1; i < contexts_.size(); ++i) {
      pool.emplace_back([ctx = contexts_[i].get()] { ctx->run(); });
    }
    contexts_.front()->run();
    pool.clear();  // joins
    // Only this thread is left: a late SIGTERM/SIGINT/SIGHUP stays pending instead of
    // meeting the default action once the signal set is gone, so the exit code stays 0.
    sigset_t late;
    sigemptyset(&late);
    sigaddset(&late, SIGTERM);
    sigaddset(&late, SIGINT);
    sigaddset(&late, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &late, nullptr);
    if (purger_) purger_->stop();
    if (key_usage_) key_usage_->stop();
    if (reconciler_) reconciler_->stop();
    if (pool_) pool_->stop();  // fails queued store calls; their completions run below
    finish_pending_work();
    obs::log_info("stopped");
    obs::flush_logs();
    return 0;
  }

 private:
  // One single-threaded io_context per thread (concurrency hint 1: no locking inside
  // Asio, no strands in sessions). See docs/architecture-notes.md.
  static std::vector<std::unique_ptr<asio::io_context>> make_contexts(unsigned n) {
    std::vector<std::unique_ptr<asio::io_context>> out;
    for (unsigned i = 0; i < n; ++i) out.push_back(std::make_unique<asio::io_context>(1));
    return out;
  }

  std::vector<asio::io_context*> context_pointers() const {
    std::vector<asio::io_context*> out;
    for (const auto& c : contexts_) out.push_back(c.get());
    return out;
  }

  // Every thread has stopped; end what is still queued (cut connections, cancelled waits)
  // on this one thread, so no coroutine frame outlives a context it refers to.
  void finish_pending_work() {
    signals_.cancel();
    watchdog_timer_.cancel();
    server_->abort_all();
    for (int round = 0; round < 1000; ++round) {
      std::size_t handled = 0;
      for (auto& c : contexts_) {
        c->restart();
        handled += c->poll();
      }
      if (handled == 0 && server_->open_connections() == 0) break;
      if (handled == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  void stop_all() {
    for (auto& c : contexts_) c->stop();
  }

  // Plugins load once per process and are never unloaded (see PluginCatalog).
  void load_connectors() {
    std::error_code ec;
    std::filesystem::path dir = config_.plugins.dir;
    if (dir.is_relative()) dir = std::filesystem::path(path_).parent_path() / dir;
    config_.plugins.dir = dir.lexically_normal().string();  // messages show the real path
    if (!config_.connectors.empty() || std::filesystem::exists(dir, ec)) {
      catalog_.load_directory(dir.lexically_normal());
    }
    for (const auto* p : catalog_.plugins()) {
      obs::log_info("plugin loaded")
          .str("plugin", p->name)
          .str("version", p->version)
          .str("file", p->file.string());
    }
    plugins::RegistryReport report;
    connectors_ = plugins::ConnectorRegistry::build(config_, catalog_, path_, report);
    for (const auto& w : report.warnings)
      obs::log_warn("plugin or connector refused").str("reason", w);
    for (const auto* c : connectors_->all()) {
      if (!c->available()) continue;
      obs::log_info("connector ready")
          .str("connector", c->id())
          .str("plugin", c->config().plugin)
          .str("mode", config::to_string(c->config().mode));
    }
    startup_errors_ = std::move(report.fatal);
  }

  // The payments API needs the database: without database.url payd serves only the
  // operational endpoints and the connector list (useful for plugin development).
  void open_payments() {
    if (!config_.database.url) {
      obs::log_warn("no database.url: the payments API is not served");
      api::add_connectors_routes(routes_, *connectors_, nullptr);
      return;
    }
    auto pool = open_database_to_serve(config_, config_.database.pool_size, &metrics_.registry(),
                                       config_.database.migrate_on_start);
    if (!pool) {
      startup_errors_.push_back(pool.error());
      return;
    }
    pool_ = std::move(pool).value();
    readiness_.add_check("database", [this] { return pool_->healthy(); });

    executor_metrics_ = std::make_unique<plugins::ExecutorMetrics>(metrics_.registry());
    executors_ = std::make_unique<plugins::ExecutorPool>(
        context_pointers(), *connectors_, config_.connector_secrets, executor_metrics_.get());
    router_ = std::make_unique<core::Router>(
        *connectors_,
        [this](std::string_view id) {
          const auto* rt = executors_->runtime(id);
          return rt != nullptr && rt->breaker &&
                 rt->breaker->state() == plugins::CircuitBreaker::State::open;
        },
        config_.routing, core::thread_random_source());
    core::PaymentsOptions options;
    options.action_ttl =
        std::chrono::duration_cast<std::chrono::seconds>(config_.payments.action_ttl);
    options.in_flight_timeout =
        std::chrono::duration_cast<std::chrono::seconds>(config_.payments.in_flight_timeout);
    payments_ = std::make_unique<core::PaymentService>(*pool_, *connectors_, *executors_, *router_,
                                                       options);
    core::ReconcilerOptions reconcile;
    reconcile.interval = config_.payments.reconcile_interval;
    reconcile.lease = options.in_flight_timeout;
    reconciler_ = std::make_unique<core::Reconciler>(
        *pool_, *payments_, contexts_.front()->get_executor(), reconcile, &metrics_.registry());
    authenticator_ = std::make_unique<security::Authenticator>(*pool_);
    gate_ = std::make_unique<api::AccessGate>(*authenticator_);
    gate_->set_rate_limits(rate_limits_.get());
    open_auth();
    key_usage_ =
        std::make_unique<security::KeyUsageRecorder>(*pool_, contexts_.front()->get_executor());
    gate_->set_key_usage(key_usage_.get());
    api::add_connectors_routes(routes_, *connectors_, gate_.get());
    api::IdempotencyOptions idem;
    idem.retention =
        std::chrono::duration_cast<std::chrono::seconds>(config_.payments.idempotency_retention);
    idempotency_ = std::make_unique<api::IdempotencyService>(*pool_, idem, &metrics_.registry());
    purger_ = std::make_unique<api::IdempotencyPurger>(*pool_, contexts_.front()->get_executor(),
                                                       idem.retention);
    const auto idempotent = api::idempotent_posts(*idempotency_);
    api::add_payments_routes(routes_, *gate_, *payments_, idempotent);
    checkout_ = std::make_unique<core::CheckoutService>(*pool_, *payments_,
                                                        core::CheckoutOptions{options.action_ttl});
    payment_links_ = std::make_unique<core::PaymentLinkService>(*pool_, *checkout_);
    api::add_checkout_routes(routes_, *gate_, *checkout_, idempotent);
    api::add_payment_link_routes(routes_, *gate_, *payment_links_, idempotent, rate_limits_.get());
    api_keys_ = std::make_unique<security::ApiKeyService>(*pool_);
    api::add_api_key_routes(routes_, *gate_, *api_keys_, idempotent);
    audit_trail_ = std::make_unique<security::AuditTrail>(*pool_);
    api::add_audit_routes(routes_, *gate_, *audit_trail_);
    audit_events_ =
        std::make_unique<api::AuditEventSink>(*audit_trail_, contexts_.front()->get_executor());
    gate_->set_security_events(audit_events_.get());
    api::add_auth_routes(
        routes_, *gate_,
        {logins_.get(), mfa_.get(), auth_settings_.get(), audit_trail_.get(), rate_limits_.get()});
  }

  // Users, JWTs and MFA (the `auth:` section); without it the auth routes answer 404.
  void open_auth() {
    if (!config_.auth) return;
    auto loaded = security::AuthSettings::load(*config_.auth);
    if (!loaded) {
      startup_errors_.push_back(loaded.error());
      return;
    }
    auth_settings_ = std::make_unique<security::AuthSettingsHolder>(std::move(loaded).value());
    authenticator_->enable_tokens(auth_settings_.get(),
                                  std::make_shared<security::StorePrincipalDirectory>(*pool_));
    logins_ = std::make_unique<security::LoginService>(*pool_, *auth_settings_);
    mfa_ = std::make_unique<security::MfaService>(*pool_, *auth_settings_);
    gate_->set_mfa(mfa_.get());
  }

  void record(const http::AccessRecord& r) {
    metrics_.observe_http(r.route, http::to_string(r.method), r.status, r.seconds);
    if (access_log_.load(std::memory_order_relaxed)) {
      obs::log_info("access")
          .str("request_id", r.request_id)
          .str("method", http::to_string(r.method))
          .str("route", r.route)
          .num("status", static_cast<std::int64_t>(r.status))
          .num("duration_ms", r.seconds * 1000.0)
          .num("bytes", static_cast<std::int64_t>(r.bytes_out));
    }
  }

  asio::awaitable<void> handle_signals() {
    for (;;) {
      auto [ec, signo] = co_await signals_.async_wait(use_tuple);
      if (ec) co_return;
      if (signo == SIGHUP) {
        reload();
        continue;
      }
      if (stopping_) {
        obs::log_warn("second stop signal: exiting without waiting for requests");
        stop_all();
        co_return;
      }
      stopping_ = true;
      obs::log_info("stopping")
          .str("signal", signo == SIGTERM ? "SIGTERM" : "SIGINT")
          .num("in_flight_connections", static_cast<std::int64_t>(server_->open_connections()));
      notifier_.stopping();
      readiness_.set_draining();
      server_->drain([this] {
        watchdog_timer_.cancel();
        signals_.cancel();
        asio::co_spawn(*contexts_.front(), record_key_use_then_stop(), asio::detached);
      });
    }
  }

  // The last uses of API keys are written before the pool goes (a bounded wait: the pool
  // fails fast when the database is gone).
  asio::awaitable<void> record_key_use_then_stop() {
    if (key_usage_) {
      key_usage_->stop();
      auto r = co_await key_usage_->flush();
      if (!r) obs::log_warn("could not record the last API key uses at shutdown");
    }
    stop_all();
  }

  asio::awaitable<void> feed_watchdog() {
    const auto interval = notifier_.watchdog_interval();
    for (;;) {
      notifier_.watchdog();
      watchdog_timer_.expires_after(interval);
      auto [ec] = co_await watchdog_timer_.async_wait(use_tuple);
      if (ec) co_return;
    }
  }

  void reload() {
    notifier_.reloading();
    auto next = config::load_config_file(path_);
    if (next) {
      // Compare like with like: the running config holds the resolved plugins.dir.
      std::filesystem::path dir = next->plugins.dir;
      if (dir.is_relative()) dir = std::filesystem::path(path_).parent_path() / dir;
      next->plugins.dir = dir.lexically_normal().string();
    }
    if (!next) {
      std::vector<std::string> errors;
      for (const auto& e : next.error()) errors.push_back(e.to_string());
      obs::log_error("config reload rejected").str("file", path_).strings("errors", errors);
      notifier_.ready("reload rejected; running with the previous configuration");
      audit_config_reload(core::AuditOutcome::failure, {});
      return;
    }
    secrets_ = merge_secrets(std::move(secrets_), next->secret_values());
    obs::set_log_secrets(secrets_);
    obs::set_log_level(to_obs(next->log.level));
    access_log_ = next->log.access_log;
    const auto needs_restart = restart_required_changes(config_, *next);
    if (!needs_restart.empty()) {
      obs::log_warn("config change needs restart").strings("keys", needs_restart);
    }
    // Keep the running values of what could not be applied, so the next reload
    // compares against what is really in effect.
    config_.log = next->log;
    apply_rate_limits(*next);
    apply_auth(*next);
    obs::log_info("config reloaded")
        .str("file", path_)
        .str("log_level", config::to_string(next->log.level));
    audit_config_reload(core::AuditOutcome::success, needs_restart);
    notifier_.ready("serving; configuration reloaded");
  }

  // A SIGHUP is a security event (it may change limits and JWT keys): written to the
  // platform audit chain, in the background (the reload itself does not wait for it).
  void audit_config_reload(core::AuditOutcome outcome, const std::vector<std::string>& restart) {
    if (!audit_trail_) return;
    core::AuditEntry e;
    e.actor = "system";
    e.action = "config.reloaded";
    e.target = "config:" + path_;
    e.outcome = outcome;
    boost::json::array keys;
    for (const auto& k : restart) keys.emplace_back(k);
    e.details["needs_restart"] = std::move(keys);
    asio::co_spawn(*contexts_.front(), record_audit(std::move(e)), asio::detached);
  }

  asio::awaitable<void> record_audit(core::AuditEntry e) {
    auto r = co_await audit_trail_->record(std::move(e));
    if (!r) obs::log_warn("could not write the audit row of a config reload");
  }

  // Rate limits and the in-flight cap change live; a limiter that stays enabled keeps its
  // buckets (they adopt the new limits when next used).
  void apply_rate_limits(const config::Config& next) {
    if (next.rate_limits != config_.rate_limits) {
      const auto current = rate_limits_->current();
      if (current && next.rate_limits.enabled) {
        current->reconfigure(next.rate_limits);
      } else {
        rate_limits_->replace(make_rate_limiter(next.rate_limits));
      }
      config_.rate_limits = next.rate_limits;
      obs::log_info("rate limits reloaded").flag("enabled", next.rate_limits.enabled);
    }
    if (next.server.max_in_flight != config_.server.max_in_flight) {
      server_->set_max_in_flight(next.server.max_in_flight);
      config_.server.max_in_flight = next.server.max_in_flight;
    }
  }

  // JWT keys (rotation) and the rest of `auth:` change live; adding or removing the section
  // needs a restart. Key files are read again even when the paths did not change.
  void apply_auth(const config::Config& next) {
    if (next.auth.has_value() != config_.auth.has_value() || !auth_settings_) {
      if (next.auth.has_value() != config_.auth.has_value()) {
        obs::log_warn("config change needs restart").strings("keys", {"auth"});
      }
      return;
    }
    auto loaded = security::AuthSettings::load(*next.auth);
    if (!loaded) {
      obs::log_error("auth settings reload rejected").str("error", loaded.error());
      return;
    }
    const auto keys = static_cast<std::int64_t>(loaded.value()->ring.size());
    auth_settings_->replace(std::move(loaded).value());
    config_.auth = next.auth;
    obs::log_info("auth settings reloaded").num("jwt_keys", keys);
  }

  config::Config config_;
  std::string path_;
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  asio::signal_set signals_;
  asio::steady_timer watchdog_timer_{*contexts_.front()};
  std::vector<std::string> secrets_;
  std::atomic<bool> access_log_{true};
  bool stopping_ = false;
  obs::Metrics metrics_;
  obs::Readiness readiness_;
  // Before routes_: route handlers hold a reference to it.
  std::unique_ptr<api::RateLimitGuard> rate_limits_;
  http::RouteTable routes_;
  plugins::PluginCatalog catalog_;
  std::unique_ptr<plugins::ConnectorRegistry> connectors_;
  std::vector<std::string> startup_errors_;
  std::unique_ptr<store::ConnectionPool> pool_;
  std::unique_ptr<plugins::ExecutorMetrics> executor_metrics_;
  std::unique_ptr<plugins::ExecutorPool> executors_;
  std::unique_ptr<core::Router> router_;
  std::unique_ptr<core::PaymentService> payments_;
  std::unique_ptr<core::CheckoutService> checkout_;
  std::unique_ptr<core::PaymentLinkService> payment_links_;
  std::unique_ptr<security::AuthSettingsHolder> auth_settings_;  // before its users
  std::unique_ptr<security::Authenticator> authenticator_;
  std::unique_ptr<api::AccessGate> gate_;
  std::unique_ptr<security::LoginService> logins_;
  std::unique_ptr<security::MfaService> mfa_;
  std::unique_ptr<security::KeyUsageRecorder> key_usage_;
  std::unique_ptr<security::ApiKeyService> api_keys_;
  std::unique_ptr<security::AuditTrail> audit_trail_;
  std::unique_ptr<api::AuditEventSink> audit_events_;
  std::unique_ptr<api::IdempotencyService> idempotency_;
  std::unique_ptr<api::IdempotencyPurger> purger_;
  std::unique_ptr<core::Reconciler> reconciler_;
  SystemdNotifier notifier_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace

Result<std::vector<RouteEntry>, std::vector<std::string>> served_routes(config::Config config,
                                                                        std::string config_path) {
  const Daemon daemon(std::move(config), std::move(config_path));
  return daemon.route_entries();
}

int run_daemon(config::Config config, std::string config_path) {
  obs::init_logging(to_obs(config.log.level));
  obs::set_log_text_format(config.log.format == config::LogFormat::text);
  Daemon daemon(std::move(config), std::move(config_path));
  return daemon.run();
}

}  // namespace payd::app
