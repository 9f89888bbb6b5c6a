#pragma once
// The reconciliation schedule: work the reconciler claims with FOR UPDATE SKIP LOCKED,
// so several daemons can share it.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/statement.hpp"
#include "store/tx.hpp"

namespace payd::store {

enum class JobKind { sync_payment, sync_refund, expire_payment };

struct JobRecord {
  std::int64_t id = 0;
  std::string tenant_id;
  JobKind kind = JobKind::sync_payment;
  std::string object_id;
  int attempts = 0;
};

Statements job_statements();

// Schedules (or brings forward) the job for `object_id`; one job per kind and object.
void schedule_job(Tx& tx, std::string_view tenant_id, JobKind kind, std::string_view object_id,
                  std::chrono::seconds delay);
// Claims up to `limit` due jobs and leases them for `lease` (their run_at moves past it
// and `attempts` counts the claim), so the work happens outside the transaction and a
// daemon that dies mid-job only delays it.
[[nodiscard]] std::vector<JobRecord> claim_due_jobs(Tx& tx, unsigned limit,
                                                    std::chrono::seconds lease);
void delete_job(Tx& tx, std::int64_t id);
// Drops the job of `kind` for `object_id`, if any (the outcome it waited for arrived).
void cancel_job(Tx& tx, JobKind kind, std::string_view object_id);
void reschedule_job(Tx& tx, std::int64_t id, std::chrono::seconds delay, std::string_view error);
[[nodiscard]] std::int64_t count_jobs(Tx& tx);

[[nodiscard]] std::string_view to_string(JobKind kind) noexcept;

}  // namespace payd::store
