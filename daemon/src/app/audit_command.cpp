#include "app/audit_command.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>

#include "app/database_open.hpp"
#include "app/exit_codes.hpp"
#include "config/config_loader.hpp"
#include "core/audit_entry.hpp"
#include "core/timestamps.hpp"
#include "security/audit_trail.hpp"
#include "store/audit_store.hpp"
#include "store/tenant_store.hpp"

namespace payd::app {

namespace po = boost::program_options;
namespace json = boost::json;

namespace {

constexpr std::string_view kUsageText =
    "Usage: payd admin audit verify [--tenant NAME] [--checkpoint FILE] [--config FILE] [--json]\n"
    "       payd admin audit checkpoint --tenant NAME [--config FILE] [--json]\n"
    "\n"
    "  verify      recompute every chain (or one tenant's; _platform is the chain of events\n"
    "              without a tenant) and report the first broken link; exit 1 on a break\n"
    "  checkpoint  print a tenant's chain head (seq, hash): keep it outside the database\n"
    "              and pass it to `verify --checkpoint FILE` later to detect a deleted tail\n";

po::options_description options() {
  po::options_description desc("Options");
  desc.add_options()  //
      ("config,c",
       po::value<std::string>()->value_name("FILE")->default_value("/etc/payd/payd.yaml"),
       "configuration file (database.url)")                                              //
      ("tenant", po::value<std::string>()->value_name("NAME"), "tenant name or id")      //
      ("checkpoint", po::value<std::string>()->value_name("FILE"), "checkpoint (JSON)")  //
      ("json", "print only JSON on stdout, for scripts")                                 //
      ("help,h", "print this help and exit");
  return desc;
}

// The chain's tenant id for NAME (a tenant's name or id, or _platform).
std::optional<std::string> resolve_tenant(store::ConnectionPool& pool, const std::string& name,
                                          std::ostream& err) {
  if (name == core::kPlatformAuditTenant) return name;
  std::optional<store::TenantRecord> tenant;
  auto r = pool.transact_blocking([&](store::Tx& tx) {
    tenant = store::find_tenant_by_name(tx, name);
    if (!tenant) tenant = store::find_tenant_by_id(tx, name);
  });
  if (!r) {
    err << "payd admin audit: database error: " << r.error().detail << '\n';
    return std::nullopt;
  }
  if (!tenant) {
    err << "payd admin audit: unknown tenant " << name << '\n';
    return std::nullopt;
  }
  return tenant->id;
}

json::object link_json(const security::ChainLink& l) {
  return json::object{{"seq", l.seq}, {"hash", security::to_hex(l.hash)}};
}

struct CheckpointFile {
  std::string tenant_id;
  security::ChainLink head;
};

std::optional<CheckpointFile> read_checkpoint(const std::string& path, std::ostream& err) {
  std::ifstream in(path);
  if (!in) {
    err << "payd admin audit: cannot read " << path << '\n';
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  auto v = json::parse(text.str(), ec);
  const auto* o = ec ? nullptr : v.if_object();
  const auto* tenant = o ? o->if_contains("tenant_id") : nullptr;
  const auto* seq = o ? o->if_contains("seq") : nullptr;
  const auto* hash = o ? o->if_contains("hash") : nullptr;
  if (!tenant || !tenant->is_string() || !seq || !seq->is_int64() || !hash || !hash->is_string()) {
    err << "payd admin audit: " << path
        << " is not a checkpoint (the JSON of `payd admin audit checkpoint --json`)\n";
    return std::nullopt;
  }
  auto raw = security::from_hex(hash->get_string());
  if (!raw || raw->size() != security::kAuditHashSize) {
    err << "payd admin audit: " << path << ": hash must be 64 hex digits\n";
    return std::nullopt;
  }
  return CheckpointFile{std::string(tenant->get_string()), {seq->get_int64(), std::move(*raw)}};
}

int verify(const po::variables_map& vm, std::ostream& out, std::ostream& err) {
  std::optional<CheckpointFile> checkpoint;
  if (vm.count("checkpoint")) {
    checkpoint = read_checkpoint(vm["checkpoint"].as<std::string>(), err);
    if (!checkpoint) return kFailed;
  }
  auto pool = open_serving_database(vm["config"].as<std::string>(), "payd admin audit", err);
  if (!pool) return kFailed;
  std::vector<std::string> tenants;
  if (vm.count("tenant")) {
    auto id = resolve_tenant(*pool, vm["tenant"].as<std::string>(), err);
    if (!id) return kFailed;
    tenants.push_back(*id);
  } else if (checkpoint) {
    tenants.push_back(checkpoint->tenant_id);
  } else {
    auto r =
        pool->transact_blocking([&](store::Tx& tx) { tenants = store::audit_chain_tenants(tx); });
    if (!r) {
      err << "payd admin audit: database error: " << r.error().detail << '\n';
      return kFailed;
    }
  }
  if (checkpoint && (tenants.size() != 1 || tenants.front() != checkpoint->tenant_id)) {
    err << "payd admin audit: the checkpoint is of tenant " << checkpoint->tenant_id
        << ", not of the one asked for\n";
    return kUsage;
  }

  const bool as_json = vm.count("json") != 0;
  bool all_ok = true;
  json::array chains;
  for (const auto& tenant : tenants) {
    std::optional<security::ChainLink> cp;
    if (checkpoint) cp = checkpoint->head;
    security::ChainVerdict verdict;
    auto r = pool->transact_blocking([&](store::Tx& tx) {
      store::begin_snapshot(tx);
      verdict = security::verify_audit_chain(tx, tenant, cp);
    });
    if (!r) {
      err << "payd admin audit: database error: " << r.error().detail << '\n';
      return kFailed;
    }
    all_ok = all_ok && verdict.ok;
    if (as_json) {
      json::object o{{"tenant_id", tenant},
                     {"ok", verdict.ok},
                     {"checked", verdict.checked},
                     {"head", link_json(verdict.head)}};
      o["first_broken"] = verdict.first_broken
                              ? json::value(json::object{{"seq", verdict.first_broken->seq},
                                                         {"reason", verdict.first_broken->reason}})
                              : json::value(nullptr);
      chains.push_back(std::move(o));
    } else if (verdict.ok) {
      out << tenant << ": ok, " << verdict.checked << " rows, head " << verdict.head.seq << ' '
          << security::to_hex(verdict.head.hash) << '\n';
    } else {
      out << tenant << ": BROKEN at seq " << verdict.first_broken->seq << ": "
          << verdict.first_broken->reason << " (" << verdict.checked << " rows checked)\n";
    }
  }
  if (as_json) {
    out << json::serialize(json::object{{"ok", all_ok}, {"chains", std::move(chains)}}) << '\n';
  }
  return all_ok ? kOk : kFailed;
}

int checkpoint(const po::variables_map& vm, std::ostream& out, std::ostream& err) {
  if (!vm.count("tenant")) {
    err << "payd admin audit checkpoint: --tenant NAME is required\n\n" << kUsageText;
    return kUsage;
  }
  auto pool = open_serving_database(vm["config"].as<std::string>(), "payd admin audit", err);
  if (!pool) return kFailed;
  auto id = resolve_tenant(*pool, vm["tenant"].as<std::string>(), err);
  if (!id) return kFailed;
  std::optional<security::ChainLink> head;
  auto r = pool->transact_blocking([&](store::Tx& tx) { head = store::audit_chain_head(tx, *id); });
  if (!r) {
    err << "payd admin audit: database error: " << r.error().detail << '\n';
    return kFailed;
  }
  if (!head) {
    err << "payd admin audit: tenant " << *id << " has no audit chain\n";
    return kFailed;
  }
  const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const auto hash = security::to_hex(head->hash);
  if (vm.count("json")) {
    out << json::serialize(json::object{{"tenant_id", *id},
                                        {"seq", head->seq},
                                        {"hash", hash},
                                        {"at", core::format_utc_seconds(now_us)}})
        << '\n';
  } else {
    out << "tenant " << *id << " seq " << head->seq << " hash " << hash << " at "
        << core::format_utc_seconds(now_us) << '\n';
  }
  return kOk;
}

}  // namespace

int run_admin_audit(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    (args.empty() ? err : out) << kUsageText;
    return args.empty() ? kUsage : kOk;
  }
  const auto& verb = args[0];
  if (verb != "verify" && verb != "checkpoint") {
    err << "payd admin audit: unknown command '" << verb << "'\n\n" << kUsageText;
    return kUsage;
  }
  const auto desc = options();
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(std::vector<std::string>(args.begin() + 1, args.end()))
                  .options(desc)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    err << "payd admin audit: " << e.what() << "\n\n" << kUsageText << '\n' << desc;
    return kUsage;
  }
  if (vm.count("help")) {
    out << kUsageText << '\n' << desc;
    return kOk;
  }
  try {
    return verb == "verify" ? verify(vm, out, err) : checkpoint(vm, out, err);
  } catch (const std::exception& e) {
    err << "payd admin audit: " << e.what() << '\n';
    return kFailed;
  }
}

}  // namespace payd::app
