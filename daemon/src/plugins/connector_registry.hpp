#pragma once
// One Connector per `connectors:` entry: a configured instance of a loaded plugin.
// Built once at start-up; a required connector that cannot be built stops start-up,
// an optional one is kept as unavailable (listed, unhealthy, never routed to).

#include <atomic>
#include <mutex>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "payd/sdk/provider.hpp"
#include "plugins/plugin_catalog.hpp"

namespace payd::plugins {

class Connector {
 public:
  Connector(config::ConnectorConfig config, std::string plugin_version,
            std::unique_ptr<sdk::Provider> provider, sdk::Info info, std::string problem);

  [[nodiscard]] const config::ConnectorConfig& config() const noexcept { return config_; }
  [[nodiscard]] const std::string& id() const noexcept { return config_.id; }
  [[nodiscard]] sdk::Mode mode() const noexcept;
  [[nodiscard]] const std::string& plugin_version() const noexcept { return plugin_version_; }
  [[nodiscard]] const sdk::Info& info() const noexcept { return info_; }
  // Null when the connector could not be built (then problem() says why).
  [[nodiscard]] sdk::Provider* provider() const noexcept { return provider_.get(); }
  [[nodiscard]] bool available() const noexcept { return provider_ != nullptr; }
  [[nodiscard]] bool healthy() const noexcept { return available() && healthy_.load(); }
  [[nodiscard]] std::string problem() const;
  // E.g. the provider rejected our credentials; cleared by a later success.
  void mark_unhealthy(std::string why);
  void mark_healthy();

 private:
  config::ConnectorConfig config_;
  std::string plugin_version_;
  std::unique_ptr<sdk::Provider> provider_;
  sdk::Info info_;
  std::atomic<bool> healthy_{true};
  mutable std::mutex mutex_;
  std::string problem_;
};

struct RegistryReport {
  std::vector<std::string> fatal;     // required connectors that failed: start-up must stop
  std::vector<std::string> warnings;  // optional connectors that failed, refused plugin files
};

class ConnectorRegistry {
 public:
  ConnectorRegistry() = default;
  // Connectors built by the caller (unit tests build them around fake providers).
  explicit ConnectorRegistry(std::vector<std::unique_ptr<Connector>> connectors)
      : connectors_(std::move(connectors)) {}

  // `config_file` names the YAML file in messages ("payd.yaml:14: connectors[0].config.key: ...").
  static std::unique_ptr<ConnectorRegistry> build(const config::Config& config,
                                                  const PluginCatalog& catalog,
                                                  const std::string& config_file,
                                                  RegistryReport& report);

  [[nodiscard]] const Connector* find(std::string_view id) const;
  [[nodiscard]] std::vector<const Connector*> all() const;
  // Connectors a request of `mode` for `tenant` may use: never the other mode.
  [[nodiscard]] std::vector<const Connector*> usable(sdk::Mode mode,
                                                     std::string_view tenant) const;
  // True when every required connector is available and healthy (for /readyz).
  [[nodiscard]] bool required_ready() const;

 private:
  std::vector<std::unique_ptr<Connector>> connectors_;
};

}  // namespace payd::plugins
