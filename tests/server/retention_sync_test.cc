// Retention (issue #15) through a real in-process hub: the purge is an
// ordinary synced write, so after purge + sync neither the other replica nor
// the hub's database holds the old identities, the funder's facts are
// unchanged, and the access log syncs and verifies at the other replica.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include "common/replica/audit_log.h"
#include "common/replica/retention.h"
#include "common/report/facts.h"
#include "tests/server/hub_fixture.h"

namespace relais::server::testing {

using relais::sync::SyncOnce;
namespace {

using common::Collection;

// Every text value of every live row of every table of an SQLite file
// (the oracle: read with the SQLite API, not with the code under test).
std::string AllText(const std::string& path) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return "";
  std::vector<std::string> tables;
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type='table'", -1, &st, nullptr);
  while (sqlite3_step(st) == SQLITE_ROW)
    tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  for (const std::string& t : tables) {
    sqlite3_prepare_v2(db, ("SELECT * FROM \"" + t + "\"").c_str(), -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW)
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const void* b = sqlite3_column_blob(st, i);
        out.append(static_cast<const char*>(b ? b : ""), b ? sqlite3_column_bytes(st, i) : 0);
        out += '\n';
      }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return out;
}

std::vector<common::report::AppointmentFact> Facts(common::Replica& r) {
  auto all = r.store()->ListAll();
  EXPECT_TRUE(all.ok());
  auto facts = common::report::FactsFromRecords(all.ok() ? *all : std::vector<common::Record>{});
  return facts["S1"].appointments;
}

using RetentionSyncTest = HubFixture;

TEST_F(RetentionSyncTest, PurgeErasesIdentitiesEverywhereAndKeepsTheCounts) {
  auto a = NewReplica("a.db", "S1", 1), b = NewReplica("b.db", "S1", 2);
  const std::string ta = Enroll({"S1"}), tb = Enroll({"S1"});
  ASSERT_OK(a->AddPractitioner("p1", "Dr Un", "medecin"));
  auto appt = [&](const std::string& when, const std::string& name, const std::string& ref,
                  const std::string& birth) {
    common::NewAppointment n;
    n.practitioner = "p1";
    n.patient_name = name;
    n.patient_birth = birth;
    n.patient_ref = ref;
    n.note = "note de " + name;
    n.start = *common::ParseParisDateTime(when);
    n.duration_min = 15;
    n.status = "done";
    auto r = a->AddAppointment(n);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->first : "";
  };
  const std::string old1 = appt("2023-01-10T09:00", "Jeanne Ancienne", "pat-1", "1950-03-02");
  const std::string old2 = appt("2023-06-10T09:00", "Jules Ancien", "pat-2", "1951-04-03");
  const std::string recent = appt("2025-06-10T09:00", "Paul Récent", "pat-1", "1960-01-01");
  ASSERT_OK(common::AuditLog(a.get()).RevealDay("os:test", "cli.appt-list",
                                                common::CivilDate{2025, 6, 10}));
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  ASSERT_OK(SyncOnce(*b, Options(tb)));
  const auto before = Facts(*b);
  ASSERT_EQ(before.size(), 3u);
  // The identifying values as stored (clear today, sealed once sealing
  // lands: the same bytes at the replicas and the hub).
  std::vector<std::string> old_values;
  for (const std::string& id : {old1, old2}) {
    auto stored = b->store()->Get(Collection::kAppointment, id);
    ASSERT_OK(stored);
    for (const std::string& f : common::ErasableAppointmentFields())
      for (const common::Sibling& sib : (*stored)->fields.at(f)) old_values.push_back(sib.value);
  }
  ASSERT_EQ(old_values.size(), 6u);
  for (const std::string& old : old_values)
    ASSERT_NE(AllText(dir_.File("hub.db")).find(old), std::string::npos) << old;

  auto n = common::EraseAppointmentsBefore(a.get(), *common::ParseParisDateTime("2024-01-01T00:00"));
  ASSERT_OK(n);
  EXPECT_EQ(n->appointments_seen, 2);
  EXPECT_EQ(n->appointments_erased, 2);
  auto again = common::EraseAppointmentsBefore(a.get(), *common::ParseParisDateTime("2024-01-01T00:00"));
  ASSERT_OK(again);
  EXPECT_EQ(again->appointments_erased, 0);  // idempotent
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  ASSERT_OK(SyncOnce(*b, Options(tb)));

  for (const std::string& path : {dir_.File("hub.db"), dir_.File("b.db"), dir_.File("a.db")}) {
    const std::string text = AllText(path);
    ASSERT_NE(text.find(recent), std::string::npos) << path;  // the scan sees records
    for (const std::string& gone : old_values)
      EXPECT_EQ(text.find(gone), std::string::npos) << gone << " still in " << path;
  }
  auto rec = b->Get(Collection::kAppointment, old1);
  ASSERT_OK(rec);
  const common::FieldView v = b->OpenView(**rec);  // stored sealed, read opened
  EXPECT_EQ(v.at(common::field::kPatientName), common::kErasedName);
  EXPECT_EQ(v.at(common::field::kPatientBirth), "");
  EXPECT_EQ(v.at(common::field::kNote), "");
  EXPECT_EQ(v.at(common::field::kPatientRef), "pat-1");
  auto keep = b->Get(Collection::kAppointment, recent);
  ASSERT_OK(keep);
  EXPECT_EQ(b->OpenView(**keep).at(common::field::kPatientName), "Paul Récent");
  // The funder's facts (counts, distinct patients by pseudonym) are unchanged.
  EXPECT_EQ(Facts(*b), before);
  // The access log crossed the hub and a's chain verifies at b.
  auto rep = common::AuditLog(b.get()).Verify(common::SystemClock::Default()->NowMillis() / 1000);
  ASSERT_OK(rep);
  EXPECT_EQ(rep->entries, 1);
  EXPECT_TRUE(rep->problems.empty()) << rep->problems.front();
}

TEST_F(RetentionSyncTest, PolicyCutoffIsTwentyFourMonthsByDefaultAndPerSite) {
  auto a = NewReplica("a.db", "S1", 1);
  auto m = common::RetentionMonths(a.get());
  ASSERT_OK(m);
  EXPECT_EQ(*m, 24);
  EXPECT_EQ(common::SetRetentionMonths(a.get(), 0).code(), common::StatusCode::kInvalidArgument);
  EXPECT_EQ(common::SetRetentionMonths(a.get(), 1201).code(),
            common::StatusCode::kInvalidArgument);
  ASSERT_OK(common::SetRetentionMonths(a.get(), 18));
  EXPECT_EQ(*common::RetentionMonths(a.get()), 18);
  // 2026-03-31 10:00 Paris, 24 months back: 2024-03-31 00:00 Paris;
  // 1 month back from the 31st: the 29th of February 2026 does not exist.
  const int64_t now = *common::ParseParisDateTime("2026-03-31T10:00");
  EXPECT_EQ(common::PolicyCutoff(now, 24), *common::ParseParisDateTime("2024-03-31T00:00"));
  EXPECT_EQ(common::PolicyCutoff(now, 1), *common::ParseParisDateTime("2026-02-28T00:00"));
  EXPECT_EQ(common::PolicyCutoff(now, 12 * 3 + 3), *common::ParseParisDateTime("2022-12-31T00:00"));
}

}  // namespace
}  // namespace relais::server::testing
