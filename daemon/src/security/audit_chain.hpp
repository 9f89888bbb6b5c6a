#pragma once
// The audit log's hash chain, without a database: the canonical encoding of a row, its
// SHA-256 link to the row before, and the verification of a whole chain (docs/audit.md).
//
// Every chain (one per tenant, plus the platform chain) starts from 32 zero bytes. Row n
// stores prev_hash = hash of row n-1 and
//
//   hash = SHA-256( canonical_encoding(row) )
//
// where canonical_encoding is the ASCII tag "payd-audit-v1" followed by these fields, in
// this order, each as an 8-byte big-endian length and then its bytes:
//
//   tenant_id, seq (decimal), id, occurred_at (unix microseconds, decimal), actor, action,
//   target, outcome, request_id, client_ip, user_agent, details (canonical JSON),
//   prev_hash (32 raw bytes)
//
// Canonical JSON: no whitespace, object keys sorted by their UTF-8 bytes, strings escaped as
// JSON requires (", \, control characters as \uXXXX or \n-style escapes, everything else
// raw), integers in decimal. Length prefixes make the encoding unambiguous: no two rows
// encode alike, whatever their fields contain.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace payd::security {

inline constexpr std::size_t kAuditHashSize = 32;

// One row of audit_log. Hashes are raw bytes (32), shown to people as hex.
struct AuditRow {
  std::string tenant_id;
  std::int64_t seq = 0;
  std::string id;
  std::int64_t occurred_at_us = 0;
  std::string actor;
  std::string action;
  std::string target;
  std::string outcome;
  std::string request_id;
  std::string client_ip;
  std::string user_agent;
  boost::json::object details;
  std::string prev_hash;
  std::string hash;
};

// A position in a chain: the last row's sequence number and hash (seq 0: empty chain).
struct ChainLink {
  std::int64_t seq = 0;
  std::string hash;  // raw, 32 bytes

  friend bool operator==(const ChainLink&, const ChainLink&) = default;
};

struct BrokenLink {
  std::int64_t seq = 0;
  std::string reason;
};

struct ChainVerdict {
  bool ok = true;
  std::int64_t checked = 0;                // rows whose hash was recomputed
  std::optional<BrokenLink> first_broken;  // the first link that does not hold
  ChainLink head;                          // the last row read
};

[[nodiscard]] std::string zero_hash();
[[nodiscard]] std::string canonical_json(const boost::json::value& v);
[[nodiscard]] std::string canonical_encoding(const AuditRow& row);
// SHA-256 of canonical_encoding(row): raw, 32 bytes.
[[nodiscard]] std::string audit_hash(const AuditRow& row);

[[nodiscard]] std::string to_hex(std::string_view bytes);
// Raw bytes, or std::nullopt unless `hex` is an even number of hex digits.
[[nodiscard]] std::optional<std::string> from_hex(std::string_view hex);

// Checks a chain row by row, in sequence order, without holding it in memory:
//
//   AuditChainVerifier v(checkpoint);
//   for (const auto& row : rows_in_seq_order) if (!v.add(row)) break;
//   auto verdict = v.finish(stored_head);
//
// The first broken link wins; later rows are not looked at.
class AuditChainVerifier {
 public:
  // `checkpoint`: an exported earlier head. A tail deleted together with a rolled-back head
  // shows as a chain shorter than it, or another hash at its seq.
  explicit AuditChainVerifier(std::optional<ChainLink> checkpoint = std::nullopt);

  // False once a link is broken (further rows change nothing).
  bool add(const AuditRow& row);
  // `stored_head`: what audit_chain_heads says; a deleted tail shows as a head beyond the
  // last row.
  [[nodiscard]] ChainVerdict finish(const std::optional<ChainLink>& stored_head) const;

 private:
  void broken(std::int64_t seq, std::string reason);

  std::optional<ChainLink> checkpoint_;
  ChainVerdict verdict_;
  std::string prev_;
  std::optional<std::string> hash_at_checkpoint_;  // the stored hash of that row, once read
};

}  // namespace payd::security
