#include "security/audit_chain.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <stdexcept>
#include <vector>

namespace payd::security {

namespace json = boost::json;

namespace {

constexpr std::string_view kTag = "payd-audit-v1";

void append_field(std::string& out, std::string_view bytes) {
  const auto n = static_cast<std::uint64_t>(bytes.size());
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((n >> shift) & 0xFF));
  }
  out.append(bytes);
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void append_canonical(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      out += "null";
      break;
    case json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      break;
    case json::kind::int64:
      out += std::to_string(v.get_int64());
      break;
    case json::kind::uint64:
      out += std::to_string(v.get_uint64());
      break;
    // Services put no floating point into details (PostgreSQL's jsonb would not give the
    // same digits back); should one appear, it is at least deterministic here.
    case json::kind::double_:
      out += json::serialize(v);
      break;
    case json::kind::string:
      append_json_string(out, v.get_string());
      break;
    case json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : v.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        append_canonical(out, item);
      }
      out.push_back(']');
      break;
    }
    case json::kind::object: {
      const auto& o = v.get_object();
      std::vector<const json::key_value_pair*> members;
      members.reserve(o.size());
      for (const auto& kv : o) members.push_back(&kv);
      std::sort(members.begin(), members.end(),
                [](const auto* a, const auto* b) { return a->key() < b->key(); });
      out.push_back('{');
      bool first = true;
      for (const auto* kv : members) {
        if (!first) out.push_back(',');
        first = false;
        append_json_string(out, kv->key());
        out.push_back(':');
        append_canonical(out, kv->value());
      }
      out.push_back('}');
      break;
    }
  }
}

std::string short_hex(std::string_view hash) {
  return to_hex(hash.substr(0, 8));
}

}  // namespace

std::string zero_hash() {
  return std::string(kAuditHashSize, '\0');
}

std::string canonical_json(const json::value& v) {
  std::string out;
  append_canonical(out, v);
  return out;
}

std::string canonical_encoding(const AuditRow& row) {
  std::string out(kTag);
  append_field(out, row.tenant_id);
  append_field(out, std::to_string(row.seq));
  append_field(out, row.id);
  append_field(out, std::to_string(row.occurred_at_us));
  append_field(out, row.actor);
  append_field(out, row.action);
  append_field(out, row.target);
  append_field(out, row.outcome);
  append_field(out, row.request_id);
  append_field(out, row.client_ip);
  append_field(out, row.user_agent);
  append_field(out, canonical_json(row.details));
  append_field(out, row.prev_hash);
  return out;
}

std::string audit_hash(const AuditRow& row) {
  const auto bytes = canonical_encoding(row);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return std::string(reinterpret_cast<const char*>(digest), len);
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

AuditChainVerifier::AuditChainVerifier(std::optional<ChainLink> checkpoint)
    : checkpoint_(std::move(checkpoint)), prev_(zero_hash()) {
  verdict_.head.hash = zero_hash();  // an empty chain's head
}

void AuditChainVerifier::broken(std::int64_t seq, std::string reason) {
  if (!verdict_.ok) return;
  verdict_.ok = false;
  verdict_.first_broken = BrokenLink{seq, std::move(reason)};
}

bool AuditChainVerifier::add(const AuditRow& row) {
  if (!verdict_.ok) return false;
  const std::int64_t expected = verdict_.head.seq + 1;
  if (row.seq != expected) {
    broken(expected, row.seq > expected
                         ? "row " + std::to_string(expected) + " is missing (the next row is " +
                               std::to_string(row.seq) + ")"
                         : "row " + std::to_string(row.seq) + " is out of order or duplicated");
    return false;
  }
  if (row.prev_hash != prev_) {
    broken(row.seq, "prev_hash does not match the hash of row " + std::to_string(row.seq - 1));
    return false;
  }
  ++verdict_.checked;
  if (audit_hash(row) != row.hash) {
    broken(row.seq, "hash does not match the row's contents (the row was altered)");
    return false;
  }
  prev_ = row.hash;
  verdict_.head = ChainLink{row.seq, row.hash};
  if (checkpoint_ && row.seq == checkpoint_->seq) hash_at_checkpoint_ = row.hash;
  return true;
}

ChainVerdict AuditChainVerifier::finish(const std::optional<ChainLink>& stored_head) const {
  AuditChainVerifier out = *this;
  if (out.verdict_.ok && stored_head && *stored_head != out.verdict_.head) {
    if (stored_head->seq > out.verdict_.head.seq) {
      out.broken(out.verdict_.head.seq + 1, "rows " + std::to_string(out.verdict_.head.seq + 1) +
                                                " to " + std::to_string(stored_head->seq) +
                                                " are missing: the chain head is at " +
                                                std::to_string(stored_head->seq));
    } else if (stored_head->seq < out.verdict_.head.seq) {
      out.broken(stored_head->seq + 1, "rows after the chain head (" +
                                           std::to_string(stored_head->seq) +
                                           ") were inserted behind the appender's back");
    } else {
      out.broken(stored_head->seq, "the chain head's hash (" + short_hex(stored_head->hash) +
                                       "…) differs from the last row's");
    }
  }
  if (out.verdict_.ok && checkpoint_) {
    if (out.verdict_.head.seq < checkpoint_->seq) {
      out.broken(out.verdict_.head.seq + 1,
                 "the chain ends at " + std::to_string(out.verdict_.head.seq) +
                     " but the checkpoint is at " + std::to_string(checkpoint_->seq) +
                     ": rows were deleted (truncated or rolled back)");
    } else if (hash_at_checkpoint_ != checkpoint_->hash) {
      out.broken(checkpoint_->seq, "row " + std::to_string(checkpoint_->seq) +
                                       " differs from the checkpoint (the chain was rewritten)");
    }
  }
  return out.verdict_;
}

}  // namespace payd::security
