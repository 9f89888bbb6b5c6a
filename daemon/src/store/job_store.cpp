#include "store/job_store.hpp"

#include "store/pqxx_support.hpp"

namespace payd::store {

namespace {

constexpr Statement kStatements[] = {
    {"job_schedule",
     "INSERT INTO scheduled_jobs (tenant_id, kind, object_id, run_at) "
     "VALUES ($1, $2, $3, clock_timestamp() + $4::bigint * interval '1 second') "
     "ON CONFLICT (kind, object_id) DO UPDATE SET run_at = LEAST(scheduled_jobs.run_at, "
     "EXCLUDED.run_at)"},
    // Claiming leases the job: run_at moves past the lease, so no other daemon takes it
    // while this one works on it outside any transaction, and a daemon that dies
    // mid-job leaves it to be taken again when the lease ends.
    {"job_claim",
     "UPDATE scheduled_jobs SET attempts = attempts + 1, "
     "run_at = clock_timestamp() + $2::bigint * interval '1 second' "
     "WHERE id IN (SELECT id FROM scheduled_jobs WHERE run_at <= clock_timestamp() "
     "ORDER BY run_at LIMIT $1 FOR UPDATE SKIP LOCKED) "
     "RETURNING id, tenant_id, kind, object_id, attempts"},
    {"job_delete", "DELETE FROM scheduled_jobs WHERE id = $1"},
    {"job_cancel", "DELETE FROM scheduled_jobs WHERE kind = $1 AND object_id = $2"},
    {"job_reschedule",
     "UPDATE scheduled_jobs SET last_error = $3, "
     "run_at = clock_timestamp() + $2::bigint * interval '1 second' WHERE id = $1"},
    {"job_pending", "SELECT count(*) FROM scheduled_jobs"},
};

JobKind parse_kind(std::string_view s) {
  if (s == "sync_refund") return JobKind::sync_refund;
  if (s == "expire_payment") return JobKind::expire_payment;
  return JobKind::sync_payment;
}

}  // namespace

std::string_view to_string(JobKind kind) noexcept {
  switch (kind) {
    case JobKind::sync_payment:
      return "sync_payment";
    case JobKind::sync_refund:
      return "sync_refund";
    case JobKind::expire_payment:
      return "expire_payment";
  }
  return "sync_payment";
}

Statements job_statements() {
  return kStatements;
}

void schedule_job(Tx& tx, std::string_view tenant_id, JobKind kind, std::string_view object_id,
                  std::chrono::seconds delay) {
  tx.sql().exec_prepared("job_schedule", std::string(tenant_id), std::string(to_string(kind)),
                         std::string(object_id), static_cast<long long>(delay.count()));
}

std::vector<JobRecord> claim_due_jobs(Tx& tx, unsigned limit, std::chrono::seconds lease) {
  auto r = tx.sql().exec_prepared("job_claim", static_cast<long long>(limit),
                                  static_cast<long long>(lease.count()));
  std::vector<JobRecord> out;
  for (const auto& row : r) {
    out.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(), parse_kind(row[2].c_str()),
                   row[3].as<std::string>(), row[4].as<int>()});
  }
  return out;
}

void delete_job(Tx& tx, std::int64_t id) {
  tx.sql().exec_prepared("job_delete", id);
}

void cancel_job(Tx& tx, JobKind kind, std::string_view object_id) {
  tx.sql().exec_prepared("job_cancel", std::string(to_string(kind)), std::string(object_id));
}

std::int64_t count_jobs(Tx& tx) {
  return tx.sql().exec_prepared1("job_pending")[0].as<std::int64_t>();
}

void reschedule_job(Tx& tx, std::int64_t id, std::chrono::seconds delay, std::string_view error) {
  tx.sql().exec_prepared("job_reschedule", id, static_cast<long long>(delay.count()),
                         std::string(error));
}

}  // namespace payd::store
