// The access log's hash chain (common/audit/chain.h) and its writer
// (common/replica/audit_log.h) on real replica files: intact chains verify;
// a missing, altered, reordered, foreign-edited or too-early-erased entry is
// reported. Tampering is done on the SQLite file itself (crafted file), not
// through the code under test.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include "common/audit/chain.h"
#include "common/replica/audit_log.h"
#include "common/replica/retention.h"
#include "tests/common/test_util.h"

namespace relais::common {
namespace {

using testing::TempDir;

constexpr int64_t kT0 = 1'767'225'600;  // 2026-01-01T00:00:00Z

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("a.db");
    ASSERT_OK(Replica::Init(path_, "S1"));
    auto r = Replica::Open(path_, &clock_);
    ASSERT_OK(r);
    a_ = std::move(r).value();
    ASSERT_OK(a_->AddPractitioner("p1", "Dr Un", "medecin"));
    NewAppointment ap;
    ap.practitioner = "p1";
    ap.patient_name = "Jeanne Dupont";
    ap.patient_birth = "1950-03-02";
    ap.start = kT0 + 9 * 3600;
    ap.duration_min = 15;
    auto added = a_->AddAppointment(ap);
    ASSERT_OK(added);
    appt_ = added->first;
    AuditLog log(a_.get());
    for (const char* what : {"cli.appt-list", "kiosk.planning", "kiosk.conflits", "cli.appt-list"}) {
      clock_.Advance(60'000);
      auto day = log.RevealDay("os:test", what, ParisDate(kT0 + 9 * 3600));
      ASSERT_OK(day);
      ASSERT_EQ(day->size(), 1u);
    }
  }

  std::vector<std::string> Problems() {
    auto rep = AuditLog(a_.get()).Verify(clock_.NowMillis() / 1000);
    EXPECT_TRUE(rep.ok());
    return rep.ok() ? rep->problems : std::vector<std::string>{"?"};
  }

  // Runs SQL on the replica file behind the Replica's back.
  void Craft(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK)
        << (err ? err : "");
    EXPECT_GT(sqlite3_changes(db), 0) << sql;
    sqlite3_free(err);
    sqlite3_close(db);
  }
  std::string Id(uint64_t seq) { return audit::EntryId(a_->replica_id(), seq); }

  FakeClock clock_{kT0 * 1000 + 8 * 3600 * 1000};
  TempDir dir_;
  std::string path_, appt_;
  std::unique_ptr<Replica> a_;
};

TEST_F(AuditTest, IntactChainVerifiesAndEntriesSayWhoWhatWhen) {
  EXPECT_TRUE(Problems().empty());
  auto entries = AuditLog(a_.get()).Entries();
  ASSERT_OK(entries);
  ASSERT_EQ(entries->size(), 4u);
  EXPECT_EQ((*entries)[0].seq, 1u);
  EXPECT_EQ((*entries)[0].prev, "");
  EXPECT_EQ((*entries)[0].who, "os:test");
  EXPECT_EQ((*entries)[0].records, appt_);
  EXPECT_EQ((*entries)[0].at, kT0 + 8 * 3600 + 60);
  EXPECT_EQ((*entries)[1].what, "kiosk.planning");
  for (size_t i = 1; i < 4; ++i)
    EXPECT_EQ((*entries)[i].prev, audit::EntryHash((*entries)[i - 1]));
}

TEST_F(AuditTest, MissingEntryIsReported) {
  Craft("DELETE FROM records WHERE id = '" + Id(2) + "'");
  auto p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find("manquante"), std::string::npos) << p[0];
}

TEST_F(AuditTest, LastEntryRemovedIsReportedByTheHead) {
  Craft("DELETE FROM records WHERE id = '" + Id(4) + "'");
  EXPECT_FALSE(Problems().empty());
}

TEST_F(AuditTest, AlteredEntryIsReported) {
  // Same write id, another value: only the chain can tell.
  Craft("UPDATE records SET state = replace(state, 'kiosk.planning', 'kiosk.accueil') WHERE id = '" +
        Id(2) + "'");
  auto p = Problems();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].find("entrée 3"), std::string::npos) << p[0];
}

TEST_F(AuditTest, AlteredLastEntryIsReportedByTheHead) {
  // `who` and `records` are sealed (a changed byte would not open); `what`
  // is in clear, so that is what a tamperer edits.
  Craft("UPDATE records SET state = replace(state, 'cli.appt-list', 'cli.dump-clair') WHERE id = '" +
        Id(4) + "'");
  EXPECT_EQ(Problems().size(), 1u);
}

TEST_F(AuditTest, ReorderedEntriesAreReported) {
  Craft("UPDATE records SET state = CASE id WHEN '" + Id(2) +
        "' THEN (SELECT state FROM records WHERE id = '" + Id(3) +
        "') ELSE (SELECT state FROM records WHERE id = '" + Id(2) + "') END WHERE id IN ('" +
        Id(2) + "','" + Id(3) + "')");
  EXPECT_GE(Problems().size(), 2u);
}

TEST_F(AuditTest, EntryRewrittenByAnotherReplicaIsReported) {
  // A second replica of the site (a malicious staff device) edits the entry
  // through the ordinary write path after receiving it.
  ASSERT_OK(Replica::Init(dir_.File("b.db"), "S1"));
  auto b = Replica::Open(dir_.File("b.db"), &clock_);
  ASSERT_OK(b);
  auto all = a_->store()->ListAll();
  ASSERT_OK(all);
  ASSERT_OK((*b)->store()->ApplyRemote(*all, {}));
  auto edited = (*b)->Write(Collection::kAudit, Id(2), {{field::kAuditRecords, ""}});
  ASSERT_OK(edited);
  ASSERT_OK(a_->store()->ApplyRemote({*edited}, {}));
  auto p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find("autre réplique"), std::string::npos) << p[0];
}

TEST_F(AuditTest, PurgeErasesOnlyAfterTwelveMonthsAndTheChainStillVerifies) {
  ASSERT_OK(PurgeAuditLog(a_.get(), clock_.NowMillis() / 1000));  // nothing due
  EXPECT_EQ(AuditLog(a_.get()).Entries()->at(0).erased, false);
  // 366 days later, one new entry; then the purge erases the four old ones.
  clock_.Advance(366LL * 86400 * 1000);
  ASSERT_OK(AuditLog(a_.get()).RevealDay("os:x", "cli.appt-list", ParisDate(kT0)));
  auto n = PurgeAuditLog(a_.get(), clock_.NowMillis() / 1000);
  ASSERT_OK(n);
  EXPECT_EQ(*n, 4);
  auto entries = AuditLog(a_.get()).Entries();
  ASSERT_OK(entries);
  ASSERT_EQ(entries->size(), 5u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE((*entries)[i].erased);
    EXPECT_EQ((*entries)[i].who, "");
    EXPECT_EQ((*entries)[i].records, "");
  }
  EXPECT_TRUE(Problems().empty()) << Problems().front();
  // The stored state no longer holds the erased values.
  auto dump = a_->Dump();
  ASSERT_OK(dump);
  EXPECT_EQ(dump->find("os:test"), std::string::npos);
}

TEST_F(AuditTest, EntryErasedBeforeTwelveMonthsIsReported) {
  ASSERT_OK(a_->Write(Collection::kAudit, Id(1),
                      {{field::kAuditWho, ""}, {field::kAuditRecords, ""}, {kDeletedField, "1"}}));
  auto p = Problems();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].find("12 mois"), std::string::npos) << p[0];
}

TEST(AuditChainTest, IdsAreStrictAndLongListsAreSplit) {
  std::string rep;
  uint64_t seq = 0;
  EXPECT_TRUE(audit::ParseEntryId("aud-abc-000000000007", &rep, &seq));
  EXPECT_EQ(rep, "abc");
  EXPECT_EQ(seq, 7u);
  for (const char* bad : {"aud-abc-7", "aud-abc-00000000000x", "aud--000000000001",
                          "aud-a b-000000000001", "aud-abc-000000000000", "rdv-abc-000000000001",
                          "aud-abc-0000000000001"})
    EXPECT_FALSE(audit::ParseEntryId(bad, &rep, &seq)) << bad;
  std::vector<std::string> ids(300, "rdv-0123456789abcdef");
  auto chunks = audit::ChunkIds(ids);
  size_t total = 0;
  for (const auto& c : chunks) {
    EXPECT_LE(c.size(), audit::kMaxRecordsBytes);
    total += (c.size() + 1) / 21;
  }
  EXPECT_EQ(total, 300u);
  EXPECT_GT(chunks.size(), 1u);
  // Hash: fixed encoding, every field counts.
  audit::Entry e{"r1", 1, 10, "p1@S1", "kiosk.planning", "rdv-1", "", false};
  const std::string h = audit::EntryHash(e);
  EXPECT_EQ(h.size(), 64u);
  audit::Entry f = e;
  f.records = "rdv-2";
  EXPECT_NE(audit::EntryHash(f), h);
  f = e;
  f.who = "p1@S";
  f.what = "1kiosk.planning";  // same concatenation, other split
  EXPECT_NE(audit::EntryHash(f), h);
}

}  // namespace
}  // namespace relais::common
