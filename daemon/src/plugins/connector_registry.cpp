#include "plugins/connector_registry.hpp"

#include "observability/log.hpp"

namespace payd::plugins {
namespace {

sdk::Mode to_sdk(config::ConnectorMode m) {
  return m == config::ConnectorMode::live ? sdk::Mode::live : sdk::Mode::test;
}

// "payd.yaml:14: connectors[0].config.secret_key" for a key the plugin named.
std::string locate(const config::ConnectorConfig& c, const std::string& file,
                   const std::string& key) {
  const std::string path = c.path + ".config" + (key.empty() ? "" : "." + key);
  int line = c.line;
  if (auto it = c.settings_lines.find(path); it != c.settings_lines.end()) line = it->second;
  return file + ":" + std::to_string(line) + ": " + path;
}

obs::Level to_obs(sdk::LogLevel l) {
  switch (l) {
    case sdk::LogLevel::debug: return obs::Level::debug;
    case sdk::LogLevel::info: return obs::Level::info;
    case sdk::LogLevel::warn: return obs::Level::warn;
    case sdk::LogLevel::error: return obs::Level::error;
  }
  return obs::Level::info;
}

}  // namespace

Connector::Connector(config::ConnectorConfig config, std::string plugin_version,
                     std::unique_ptr<sdk::Provider> provider, sdk::Info info, std::string problem)
    : config_(std::move(config)),
      plugin_version_(std::move(plugin_version)),
      provider_(std::move(provider)),
      info_(std::move(info)),
      problem_(std::move(problem)) {}

sdk::Mode Connector::mode() const noexcept { return to_sdk(config_.mode); }

std::string Connector::problem() const {
  std::lock_guard lock(mutex_);
  return problem_;
}

void Connector::mark_unhealthy(std::string why) {
  std::lock_guard lock(mutex_);
  problem_ = std::move(why);
  healthy_ = false;
}

void Connector::mark_healthy() {
  if (healthy_.exchange(true)) return;
  std::lock_guard lock(mutex_);
  problem_.clear();
}

std::unique_ptr<ConnectorRegistry> ConnectorRegistry::build(const config::Config& config,
                                                            const PluginCatalog& catalog,
                                                            const std::string& config_file,
                                                            RegistryReport& report) {
  auto registry = std::make_unique<ConnectorRegistry>();
  for (const auto& refusal : catalog.refusals()) report.warnings.push_back(refusal.to_string());

  for (const auto& c : config.connectors) {
    std::string problem;
    std::unique_ptr<sdk::Provider> provider;
    sdk::Info info;
    std::string version;
    const LoadedPlugin* plugin = catalog.find(c.plugin);
    const std::string where = config_file + ":" + std::to_string(c.line) + ": " + c.path;
    if (plugin == nullptr) {
      problem = where + ": plugin \"" + c.plugin + "\" is not loaded (looked in " +
                config.plugins.dir + ")";
    } else {
      version = plugin->version;
      sdk::ConnectorContext ctx;
      ctx.connector_id = c.id;
      ctx.mode = to_sdk(c.mode);
      ctx.log = [id = c.id, name = c.plugin](sdk::LogLevel level, std::string_view msg) {
        obs::LogLine(to_obs(level), msg).str("connector", id).str("plugin", name);
      };
      try {
        provider = plugin->create(c.settings, ctx);
        if (!provider) throw std::runtime_error("factory returned no provider");
        info = provider->info();
      } catch (const sdk::ConfigError& e) {
        provider.reset();
        problem = locate(c, config_file, e.key()) + ": " +
                  std::string(std::string_view(e.what()).substr(e.key().size() + 2));
      } catch (const std::exception& e) {
        provider.reset();
        problem = where + ": plugin \"" + c.plugin + "\" failed to create the connector: " +
                  e.what();
      } catch (...) {
        provider.reset();
        problem = where + ": plugin \"" + c.plugin + "\" threw a non-standard exception";
      }
    }
    if (!problem.empty()) {
      (c.required ? report.fatal : report.warnings).push_back(problem);
    }
    registry->connectors_.push_back(std::make_unique<Connector>(
        c, std::move(version), std::move(provider), std::move(info), problem));
  }
  return registry;
}

const Connector* ConnectorRegistry::find(std::string_view id) const {
  for (const auto& c : connectors_) {
    if (c->id() == id) return c.get();
  }
  return nullptr;
}

std::vector<const Connector*> ConnectorRegistry::all() const {
  std::vector<const Connector*> out;
  for (const auto& c : connectors_) out.push_back(c.get());
  return out;
}

std::vector<const Connector*> ConnectorRegistry::usable(sdk::Mode mode,
                                                        std::string_view tenant) const {
  std::vector<const Connector*> out;
  for (const auto& c : connectors_) {
    if (!c->available() || c->mode() != mode) continue;
    if (!c->config().tenant.empty() && c->config().tenant != tenant) continue;
    out.push_back(c.get());
  }
  return out;
}

bool ConnectorRegistry::required_ready() const {
  for (const auto& c : connectors_) {
    if (c->config().required && !c->healthy()) return false;
  }
  return true;
}

}  // namespace payd::plugins
