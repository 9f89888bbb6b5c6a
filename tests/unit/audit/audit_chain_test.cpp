// The audit chain against every kind of tampering the superuser can do to the table:
// verification must name the first broken link each time.
#include "security/audit_chain.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <utility>
#include <vector>

namespace payd::security {
namespace {

namespace json = boost::json;

AuditRow make_row(std::int64_t seq, std::string action, std::string target) {
  AuditRow r;
  r.tenant_id = "ten_acme";
  r.seq = seq;
  r.id = "aud_" + std::to_string(seq);
  r.occurred_at_us = 1'700'000'000'000'000 + seq;
  r.actor = "api_key:sk_test_…abcd";
  r.action = std::move(action);
  r.target = std::move(target);
  r.outcome = "success";
  r.request_id = "req_" + std::to_string(seq);
  r.client_ip = "203.0.113.0";
  r.user_agent = "curl/8.0";
  r.details["amount"] = 1000 + seq;
  r.details["currency"] = "USD";
  return r;
}

// A valid chain of n rows, hashed as the store appends them.
std::vector<AuditRow> chain(int n) {
  std::vector<AuditRow> rows;
  std::string prev = zero_hash();
  for (int i = 1; i <= n; ++i) {
    auto r = make_row(i, i % 2 ? "payment.created" : "refund.created",
                      "payment:pay_" + std::to_string(i));
    r.prev_hash = prev;
    r.hash = audit_hash(r);
    prev = r.hash;
    rows.push_back(std::move(r));
  }
  return rows;
}

ChainLink head_of(const std::vector<AuditRow>& rows) {
  if (rows.empty()) return {0, zero_hash()};
  return {rows.back().seq, rows.back().hash};
}

ChainVerdict verify(const std::vector<AuditRow>& rows, std::optional<ChainLink> head,
                    std::optional<ChainLink> checkpoint = std::nullopt) {
  AuditChainVerifier v(std::move(checkpoint));
  for (const auto& r : rows) {
    if (!v.add(r)) break;
  }
  return v.finish(head);
}

TEST(AuditChain, CanonicalEncodingIsLengthPrefixedInFixedOrder) {
  AuditRow r;
  r.tenant_id = "t";
  r.seq = 1;
  r.id = "a";
  r.occurred_at_us = 5;
  r.actor = "x";
  r.action = "p.c";
  r.outcome = "success";
  r.prev_hash = zero_hash();
  const auto enc = canonical_encoding(r);
  std::string expected = "payd-audit-v1";
  auto field = [&](std::string_view s) {
    for (int i = 7; i >= 0; --i)
      expected.push_back(static_cast<char>((s.size() >> (8 * i)) & 0xFF));
    expected.append(s);
  };
  for (std::string_view s : {"t", "1", "a", "5", "x", "p.c", "", "success", "", "", "", "{}"}) {
    field(s);
  }
  field(zero_hash());
  EXPECT_EQ(enc, expected);
}

TEST(AuditChain, FieldBoundariesCannotBeShifted) {
  auto a = make_row(1, "payment.created", "payment:ab");
  auto b = a;
  a.actor = "api_key:x";
  a.action = "y.z";
  b.actor = "api_key:xy";
  b.action = ".z";
  a.prev_hash = b.prev_hash = zero_hash();
  EXPECT_NE(canonical_encoding(a), canonical_encoding(b));
  EXPECT_NE(audit_hash(a), audit_hash(b));
}

TEST(AuditChain, CanonicalJsonSortsKeysAndHasNoWhitespace) {
  auto v = json::parse(R"({"b": 1, "a": {"d": [true, null, "x\"\n"], "c": -2}})");
  EXPECT_EQ(canonical_json(v), R"({"a":{"c":-2,"d":[true,null,"x\"\n"]},"b":1})");
  // The order members arrive in (jsonb re-orders them) does not change the hash.
  auto r1 = make_row(1, "a.b", "");
  auto r2 = r1;
  r2.details = json::object{{"currency", "USD"}, {"amount", 1001}};
  r1.details = json::object{{"amount", 1001}, {"currency", "USD"}};
  EXPECT_EQ(audit_hash(r1), audit_hash(r2));
}

TEST(AuditChain, KnownVector) {
  // Re-implementers: this row must hash to this value (see docs/audit.md).
  AuditRow r;
  r.tenant_id = "ten_example";
  r.seq = 1;
  r.id = "aud_000000000000000000000001";
  r.occurred_at_us = 1767225600000000;  // 2026-01-01T00:00:00Z
  r.actor = "api_key:sk_test_…abcd";
  r.action = "payment.created";
  r.target = "payment:pay_example";
  r.outcome = "success";
  r.request_id = "req_example";
  r.client_ip = "203.0.113.0";
  r.user_agent = "curl/8.0";
  r.details = json::object{{"amount", 1000}, {"currency", "USD"}};
  r.prev_hash = zero_hash();
  EXPECT_EQ(to_hex(audit_hash(r)),
            "286c3db1296dc95bbe54b87fd2672fc6321cfbf67475a2c2ca96c4dc6204902d");
}

TEST(AuditChain, HexRoundTrips) {
  EXPECT_EQ(to_hex(std::string("\x00\xff\x10", 3)), "00ff10");
  EXPECT_EQ(from_hex("00FF10"), std::string("\x00\xff\x10", 3));
  EXPECT_FALSE(from_hex("abc"));
  EXPECT_FALSE(from_hex("zz"));
}

TEST(AuditChain, AnIntactChainVerifies) {
  auto rows = chain(5);
  auto v = verify(rows, head_of(rows));
  EXPECT_TRUE(v.ok);
  EXPECT_EQ(v.checked, 5);
  EXPECT_EQ(v.head, head_of(rows));
  EXPECT_FALSE(v.first_broken);
}

TEST(AuditChain, AnEmptyChainVerifies) {
  auto v = verify({}, ChainLink{0, zero_hash()});
  EXPECT_TRUE(v.ok);
  EXPECT_EQ(v.checked, 0);
}

TEST(AuditChain, AnEditedFieldBreaksItsOwnRow) {
  for (int field = 0; field < 8; ++field) {
    auto rows = chain(5);
    auto& r = rows[2];
    switch (field) {
      case 0:
        r.actor = "api_key:sk_test_…zzzz";
        break;
      case 1:
        r.action = "payment.canceled";
        break;
      case 2:
        r.target = "payment:pay_other";
        break;
      case 3:
        r.outcome = "failure";
        break;
      case 4:
        r.details["amount"] = 1;
        break;
      case 5:
        r.occurred_at_us += 1;
        break;
      case 6:
        r.client_ip = "198.51.100.0";
        break;
      case 7:
        r.id = "aud_x";
        break;
    }
    auto v = verify(rows, head_of(chain(5)));
    ASSERT_FALSE(v.ok) << field;
    EXPECT_EQ(v.first_broken->seq, 3) << field;
    EXPECT_NE(v.first_broken->reason.find("altered"), std::string::npos);
  }
}

TEST(AuditChain, AnEditedRowWithARecomputedHashBreaksTheNextLink) {
  auto rows = chain(5);
  rows[1].target = "payment:pay_forged";
  rows[1].hash = audit_hash(rows[1]);
  auto v = verify(rows, head_of(chain(5)));
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken->seq, 3);
  EXPECT_NE(v.first_broken->reason.find("prev_hash"), std::string::npos);
}

TEST(AuditChain, ADeletedRowIsNamed) {
  auto rows = chain(5);
  const auto head = head_of(rows);
  rows.erase(rows.begin() + 1);
  auto v = verify(rows, head);
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken->seq, 2);
  EXPECT_NE(v.first_broken->reason.find("missing"), std::string::npos);
  EXPECT_EQ(v.checked, 1);
}

TEST(AuditChain, TwoSwappedRowsBreakTheFirstOfThem) {
  auto rows = chain(5);
  const auto head = head_of(rows);
  // Contents swapped, sequence numbers left in place (what UPDATE ... SET can do).
  std::swap(rows[1].action, rows[2].action);
  std::swap(rows[1].target, rows[2].target);
  std::swap(rows[1].details, rows[2].details);
  auto v = verify(rows, head);
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken->seq, 2);
}

TEST(AuditChain, TwoSwappedWholeRowsBreakTheFirstOfThem) {
  auto rows = chain(5);
  const auto head = head_of(rows);
  std::swap(rows[1], rows[2]);
  std::swap(rows[1].seq, rows[2].seq);  // renumbered so that the order reads 1,2,3...
  auto v = verify(rows, head);
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken->seq, 2);
}

TEST(AuditChain, AnInsertedRowIsCaught) {
  auto rows = chain(5);
  const auto head = head_of(rows);
  // A forged row at seq 3, hashed correctly onto row 2, later rows renumbered.
  auto forged = make_row(3, "payment.created", "payment:pay_forged");
  forged.prev_hash = rows[1].hash;
  forged.hash = audit_hash(forged);
  for (auto it = rows.begin() + 2; it != rows.end(); ++it) ++it->seq;
  rows.insert(rows.begin() + 2, forged);
  auto v = verify(rows, head);
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken->seq, 4);  // the old row 3 no longer links to its predecessor
}

TEST(AuditChain, ARowBeyondTheHeadIsCaught) {
  auto rows = chain(5);
  const auto head = head_of(rows);
  auto forged = make_row(6, "payment.created", "payment:pay_forged");
  forged.prev_hash = rows.back().hash;
  forged.hash = audit_hash(forged);
  rows.push_back(forged);
  auto v = verify(rows, head);
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken->seq, 6);
}

TEST(AuditChain, ATruncatedTailIsCaughtByTheHead) {
  auto rows = chain(5);
  const auto head = head_of(rows);
  rows.resize(3);
  auto v = verify(rows, head);
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken->seq, 4);
}

TEST(AuditChain, ATruncatedTailWithARolledBackHeadIsCaughtByACheckpoint) {
  auto rows = chain(5);
  const ChainLink checkpoint{4, rows[3].hash};
  rows.resize(3);
  // Without the checkpoint the shortened chain looks whole.
  EXPECT_TRUE(verify(rows, head_of(rows)).ok);
  auto v = verify(rows, head_of(rows), checkpoint);
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken->seq, 4);
  EXPECT_NE(v.first_broken->reason.find("checkpoint"), std::string::npos);
}

TEST(AuditChain, ARewrittenChainIsCaughtByACheckpoint) {
  auto rows = chain(5);
  const ChainLink checkpoint{3, rows[2].hash};
  // Row 2 edited and everything after re-hashed: internally consistent again.
  rows[1].target = "payment:pay_forged";
  std::string prev = rows[0].hash;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    rows[i].prev_hash = prev;
    rows[i].hash = audit_hash(rows[i]);
    prev = rows[i].hash;
  }
  EXPECT_TRUE(verify(rows, head_of(rows)).ok);
  auto v = verify(rows, head_of(rows), checkpoint);
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken->seq, 3);
}

TEST(AuditChain, ACheckpointOfTheIntactChainPasses) {
  auto rows = chain(5);
  EXPECT_TRUE(verify(rows, head_of(rows), ChainLink{2, rows[1].hash}).ok);
  EXPECT_TRUE(verify(rows, head_of(rows), ChainLink{5, rows[4].hash}).ok);
}

TEST(AuditChain, AHeadWithAnotherHashIsCaught) {
  auto rows = chain(3);
  auto v = verify(rows, ChainLink{3, zero_hash()});
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken->seq, 3);
}

}  // namespace
}  // namespace payd::security
