#include "app/admin_command.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/program_options.hpp>
#include <optional>

#include "app/audit_command.hpp"
#include "app/database_open.hpp"
#include "app/exit_codes.hpp"
#include "app/user_command.hpp"
#include "config/config_loader.hpp"
#include "core/ids.hpp"
#include "payd/sdk/names.hpp"
#include "security/api_key_issue.hpp"
#include "security/rbac.hpp"
#include "store/api_key_store.hpp"
#include "store/tenant_store.hpp"

namespace payd::app {

namespace po = boost::program_options;

namespace {

constexpr std::size_t kMaxKeyNameLength = 200;

constexpr std::string_view kAdminUsage =
    "Usage: payd admin tenant create NAME [--config FILE] [--json]\n"
    "       payd admin key create --tenant NAME --mode test|live [--name TEXT]\n"
    "                             [--config FILE] [--json]\n"
    "       payd admin user create --tenant NAME --email ADDRESS --role ROLE [--json]\n"
    "       payd admin audit verify|checkpoint ... (run `payd admin audit --help`)\n"
    "\n"
    "One-shot administration against the database of the configuration file\n"
    "(default /etc/payd/payd.yaml). The schema must be current (`payd migrate`).\n"
    "\n"
    "  tenant create NAME   create a tenant; NAME is 1-64 characters of [A-Za-z0-9._-],\n"
    "                       starting with a letter or digit\n"
    "  key create           create a secret API key (sk_test_... or sk_live_...) for a\n"
    "                       tenant (by name or id); the key is printed once and cannot\n"
    "                       be shown again: only its hash is stored\n"
    "\n"
    "  --json               print only a JSON object on stdout, for scripts\n"
    "Run `payd admin tenant create --help` or `payd admin key create --help` for details.\n"
    "Exit status: 0 done, 1 failed (database, unknown or duplicate tenant), 2 usage error.\n";

po::options_description common_options() {
  po::options_description desc("Options");
  desc.add_options()  //
      ("config,c",
       po::value<std::string>()->value_name("FILE")->default_value("/etc/payd/payd.yaml"),
       "configuration file (database.url)")                        //
      ("json", "print only a JSON object on stdout, for scripts")  //
      ("help,h", "print this help and exit");
  return desc;
}

// Parses `args`; returns an exit code when done (help, usage error).
std::optional<int> parse(const std::vector<std::string>& args, const po::options_description& desc,
                         const po::positional_options_description& positional,
                         std::string_view usage, po::variables_map& vm, std::ostream& out,
                         std::ostream& err) {
  try {
    po::store(po::command_line_parser(args).options(desc).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    err << "payd admin: " << e.what() << "\n\n" << usage << '\n' << desc;
    return kUsage;
  }
  if (vm.count("help")) {
    out << usage << '\n' << desc;
    return kOk;
  }
  return std::nullopt;
}

// The configured database, connected, with a schema this payd may use.
void print_store_error(std::ostream& err, const store::StoreError& e) {
  err << "payd admin: database error (" << store::to_string(e.kind) << "): " << e.detail << '\n';
}

int tenant_create(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  constexpr std::string_view usage =
      "Usage: payd admin tenant create NAME [--config FILE] [--json]";
  auto desc = common_options();
  desc.add_options()("tenant-name", po::value<std::string>()->required(), "NAME");
  po::options_description visible = common_options();
  po::positional_options_description positional;
  positional.add("tenant-name", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).positional(positional).run(), vm);
    if (vm.count("help")) {
      out << usage << "\n\n" << visible;
      return kOk;
    }
    po::notify(vm);
  } catch (const po::required_option&) {
    err << "payd admin tenant create: the tenant NAME is missing\n\n" << usage << "\n\n" << visible;
    return kUsage;
  } catch (const po::error& e) {
    err << "payd admin tenant create: " << e.what() << "\n\n" << usage << "\n\n" << visible;
    return kUsage;
  }
  const auto name = vm["tenant-name"].as<std::string>();
  if (!store::is_valid_tenant_name(name)) {
    err << "payd admin tenant create: invalid tenant name: it must be 1-64 characters of "
           "[A-Za-z0-9._-] starting with a letter or digit\n";
    return kUsage;
  }
  const bool json = vm.count("json") != 0;

  auto pool = open_serving_database(vm["config"].as<std::string>(), "payd admin", err);
  if (!pool) return kFailed;

  std::optional<Result<store::TenantRecord, std::string>> created;
  const auto id = core::new_id("ten");
  auto r = pool->transact_blocking(
      [&](store::Tx& tx) { created.emplace(store::create_tenant(tx, id, name)); });
  if (!r) {
    print_store_error(err, r.error());
    return kFailed;
  }
  if (!created->ok()) {
    err << "payd admin: " << created->error() << '\n';
    return kFailed;
  }
  const auto& tenant = created->value();
  if (json) {
    out << boost::json::serialize(boost::json::object{{"id", tenant.id}, {"name", tenant.name}})
        << '\n';
  } else {
    out << "created tenant " << tenant.name << "\n"
        << "  id:   " << tenant.id << "\n"
        << "  name: " << tenant.name << "\n";
  }
  return kOk;
}

bool valid_key_name(std::string_view name) {
  if (name.size() > kMaxKeyNameLength) return false;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

int key_create(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  constexpr std::string_view usage =
      "Usage: payd admin key create --tenant NAME --mode test|live [--name TEXT]\n"
      "                             [--role ROLE | --scopes P,P,...] [--config FILE] [--json]\n\n"
      "Creates a secret API key (sk_test_... or sk_live_...) with a role (default admin), or\n"
      "with --scopes a restricted key (rk_test_... or rk_live_...) holding exactly those\n"
      "permissions, and prints it once: only its SHA-256 is stored, so it cannot be shown\n"
      "again. Roles: owner, admin, developer, support, analyst, read_only (docs/security.md).";
  auto desc = common_options();
  desc.add_options()                                                                         //
      ("tenant", po::value<std::string>()->value_name("NAME"), "the tenant's name (or id)")  //
      ("mode", po::value<std::string>()->value_name("test|live"),
       "test keys reach only test connectors and test data; live keys only live ones")  //
      ("name", po::value<std::string>()->value_name("TEXT")->default_value(""),
       "a label for humans, e.g. \"Production server\"")                               //
      ("role", po::value<std::string>()->value_name("ROLE"), "the secret key's role")  //
      ("scopes", po::value<std::string>()->value_name("P,P,..."),
       "a restricted key's permissions, e.g. payments:read,refunds:create");
  po::variables_map vm;
  if (auto done = parse(args, desc, {}, usage, vm, out, err)) return *done;
  auto usage_error = [&](std::string_view message) {
    err << "payd admin key create: " << message << "\n\n" << usage << "\n\n" << desc;
    return kUsage;
  };
  if (!vm.count("tenant")) return usage_error("--tenant NAME is required");
  if (!vm.count("mode")) return usage_error("--mode test|live is required");
  const auto mode = sdk::parse_mode(vm["mode"].as<std::string>());
  if (!mode) return usage_error("--mode must be test or live");
  const auto tenant_name = vm["tenant"].as<std::string>();
  if (!store::is_valid_tenant_name(tenant_name)) {
    return usage_error("--tenant: not a valid tenant name");
  }
  const auto key_name = vm["name"].as<std::string>();
  if (!valid_key_name(key_name)) {
    return usage_error("--name: at most 200 characters, no control characters");
  }
  if (vm.count("role") && vm.count("scopes")) {
    return usage_error("give --role (a secret key) or --scopes (a restricted key), not both");
  }
  std::optional<security::Role> role;
  if (vm.count("role")) {
    role = security::parse_role(vm["role"].as<std::string>());
    if (!role) {
      return usage_error(
          "--role must be one of owner, admin, developer, support, analyst, read_only");
    }
  }
  std::vector<std::string> scopes;
  if (vm.count("scopes")) {
    std::string_view rest = vm["scopes"].as<std::string>();
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto item = rest.substr(0, comma);
      if (!security::parse_permission(item)) {
        return usage_error("--scopes: '" + std::string(item) + "' is not a permission");
      }
      scopes.emplace_back(item);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    if (scopes.empty()) return usage_error("--scopes needs at least one permission");
  }
  const bool json = vm.count("json") != 0;

  auto pool = open_serving_database(vm["config"].as<std::string>(), "payd admin", err);
  if (!pool) return kFailed;

  // Generated before the transaction (which may run more than once), completed in it.
  const auto kind = scopes.empty() ? security::KeyKind::secret : security::KeyKind::restricted;
  auto issued = security::issue_api_key({}, *mode, kind, key_name);
  auto& row = issued.row;
  row.scopes = scopes;
  if (kind == security::KeyKind::secret) {
    row.role = std::string(security::to_string(role.value_or(security::kDefaultKeyRole)));
  }
  const auto& key = issued.key;

  std::optional<store::TenantRecord> tenant;
  auto r = pool->transact_blocking([&](store::Tx& tx) {
    tenant = store::find_tenant_by_name(tx, tenant_name);
    if (!tenant) tenant = store::find_tenant_by_id(tx, tenant_name);
    if (!tenant) return;
    row.tenant_id = tenant->id;
    store::insert_api_key(tx, row);
  });
  if (!r) {
    print_store_error(err, r.error());
    return kFailed;
  }
  if (!tenant) {
    err << "payd admin: unknown tenant " << tenant_name
        << " (create it with `payd admin tenant create " << tenant_name << "`)\n";
    return kFailed;
  }

  if (json) {
    out << boost::json::serialize(boost::json::object{
               {"id", row.id},
               {"key", key.key},
               {"tenant", tenant->name},
               {"mode", row.mode},
               {"kind", row.kind},
               {"role", row.role ? boost::json::value(*row.role) : boost::json::value(nullptr)},
               {"lookup", key.lookup}})
        << '\n';
  } else {
    out << "created " << row.mode << " API key " << row.id << " for tenant " << tenant->name
        << "\n\n"
        << "  " << key.key << "\n\n"
        << "This key will not be shown again: store it now (only its hash is kept).\n";
  }
  out.flush();
  return kOk;
}

}  // namespace

int run_admin(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty()) {
    err << kAdminUsage;
    return kUsage;
  }
  const auto& noun = args[0];
  if (noun == "--help" || noun == "-h" || noun == "help") {
    out << kAdminUsage;
    return kOk;
  }
  if (noun == "audit") {
    return run_admin_audit(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
  }
  if (noun == "user") {
    return run_admin_user(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
  }
  if (noun != "tenant" && noun != "key") {
    err << "payd admin: unknown command '" << noun << "'\n\n" << kAdminUsage;
    return kUsage;
  }
  if (args.size() < 2 || args[1] == "--help" || args[1] == "-h") {
    const bool help = args.size() >= 2;
    (help ? out : err) << kAdminUsage;
    return help ? kOk : kUsage;
  }
  if (args[1] != "create") {
    err << "payd admin " << noun << ": unknown command '" << args[1] << "' (only `create`; "
        << "listing and revoking keys come with the management API)\n\n"
        << kAdminUsage;
    return kUsage;
  }
  const std::vector<std::string> rest(args.begin() + 2, args.end());
  try {
    return noun == "tenant" ? tenant_create(rest, out, err) : key_create(rest, out, err);
  } catch (const std::exception& e) {
    err << "payd admin: " << e.what() << '\n';
    return kFailed;
  }
}

}  // namespace payd::app
