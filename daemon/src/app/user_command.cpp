#include "app/user_command.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/program_options.hpp>

#include "app/database_open.hpp"
#include "app/exit_codes.hpp"
#include "config/config_loader.hpp"
#include "security/rbac.hpp"
#include "security/user_service.hpp"
#include "store/connection_pool.hpp"
#include "store/migrations.hpp"
#include "store/tenant_store.hpp"

namespace payd::app {

namespace po = boost::program_options;
namespace json = boost::json;

namespace {

constexpr std::string_view kUsageText =
    "Usage: payd admin user create --tenant NAME --email ADDRESS --role ROLE\n"
    "                              [--config FILE] [--json]\n"
    "\n"
    "Creates a user who signs in at POST /api/v1/auth/login, a member of tenant NAME (name or\n"
    "id) with ROLE (owner, admin, developer, support, analyst, read_only). A new user gets a\n"
    "random initial password, printed once: only its scrypt hash is stored. An address that\n"
    "already has a user gets the membership only (no password is printed); a user may\n"
    "belong to several tenants.\n";

po::options_description options() {
  po::options_description desc("Options");
  desc.add_options()  //
      ("config,c",
       po::value<std::string>()->value_name("FILE")->default_value("/etc/payd/payd.yaml"),
       "configuration file (database.url)")                                                    //
      ("tenant", po::value<std::string>()->value_name("NAME"), "tenant name or id")            //
      ("email", po::value<std::string>()->value_name("ADDRESS"), "the user's e-mail address")  //
      ("role", po::value<std::string>()->value_name("ROLE"), "the role in that tenant")        //
      ("json", "print only JSON on stdout, for scripts")                                       //
      ("help,h", "print this help and exit");
  return desc;
}

int user_create(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const auto desc = options();
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    err << "payd admin user create: " << e.what() << "\n\n" << kUsageText << '\n' << desc;
    return kUsage;
  }
  if (vm.count("help")) {
    out << kUsageText << '\n' << desc;
    return kOk;
  }
  auto usage_error = [&](std::string_view message) {
    err << "payd admin user create: " << message << "\n\n" << kUsageText << '\n' << desc;
    return kUsage;
  };
  if (!vm.count("tenant")) return usage_error("--tenant NAME is required");
  if (!vm.count("email")) return usage_error("--email ADDRESS is required");
  if (!vm.count("role")) return usage_error("--role ROLE is required");
  const auto tenant = vm["tenant"].as<std::string>();
  if (!store::is_valid_tenant_name(tenant)) return usage_error("--tenant: not a valid tenant name");
  const auto email = security::normalize_email(vm["email"].as<std::string>());
  if (!email) return usage_error("--email: not an e-mail address (local@domain, no spaces)");
  const auto role = security::parse_role(vm["role"].as<std::string>());
  if (!role) {
    return usage_error(
        "--role must be one of owner, admin, developer, support, analyst, read_only");
  }
  const bool as_json = vm.count("json") != 0;

  auto pool = open_serving_database(vm["config"].as<std::string>(), "payd admin user", err);
  if (!pool) return kFailed;
  auto created = security::create_user(*pool, tenant, *email, *role);
  if (!created) {
    if (created.error().kind == security::CreateUserError::Kind::unknown_tenant) {
      err << "payd admin: unknown tenant " << tenant
          << " (create it with `payd admin tenant create " << tenant << "`)\n";
    } else {
      err << "payd admin: database error (" << store::to_string(created.error().store_error.kind)
          << "): " << created.error().store_error.detail << '\n';
    }
    return kFailed;
  }
  const auto& u = created.value();
  if (as_json) {
    out << json::serialize(json::object{
               {"id", u.user_id},
               {"email", u.email},
               {"tenant", u.tenant_name},
               {"tenant_id", u.tenant_id},
               {"role", u.role},
               {"created", u.user_created},
               {"membership_added", u.membership_added},
               {"initial_password",
                u.initial_password ? json::value(*u.initial_password) : json::value(nullptr)}})
        << '\n';
  } else if (u.user_created) {
    out << "created user " << u.user_id << " (" << u.email << "), " << u.role << " of "
        << u.tenant_name << "\n\n"
        << "  initial password: " << *u.initial_password << "\n\n"
        << "This password will not be shown again: hand it to the user over a safe channel.\n";
  } else if (u.membership_added) {
    out << "user " << u.user_id << " (" << u.email << ") is now " << u.role << " of "
        << u.tenant_name << " (existing user: password unchanged)\n";
  } else {
    out << "user " << u.user_id << " (" << u.email << ") is already a member of " << u.tenant_name
        << " (nothing changed)\n";
  }
  out.flush();
  return kOk;
}

}  // namespace

int run_admin_user(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    (args.empty() ? err : out) << kUsageText;
    return args.empty() ? kUsage : kOk;
  }
  if (args[0] != "create") {
    err << "payd admin user: unknown command '" << args[0] << "' (only `create`)\n\n" << kUsageText;
    return kUsage;
  }
  try {
    return user_create(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
  } catch (const std::exception& e) {
    err << "payd admin: " << e.what() << '\n';
    return kFailed;
  }
}

}  // namespace payd::app
