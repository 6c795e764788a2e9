// Walk-ins in the funder's figures (issue #16) and the patient's commune in
// the appointment facts (issue #20): projection of records into facts, the
// count and median wait per site and period, and their suppression. The
// expected values are computed by hand in the comments.
#include <gtest/gtest.h>

#include "common/model/ticket.h"
#include "common/report/facts.h"
#include "common/report/suppression.h"
#include "common/report/usage.h"
#include "tests/report/fixtures.h"

namespace relais::common::report {
namespace {

using testing::MakeRecord;

// A ticket issued at Paris `date` 09:00, called `wait` minutes later
// (wait < 0: never called).
Record Ticket(const std::string& site, const std::string& id,
              const std::string& date, const std::string& status, int wait) {
  const int64_t issued =
      ParisLocalToUtc(ParseDate(date).value(), 9, 0) * int64_t{1000};
  std::map<std::string, std::string> f = {
      {field::kTicketDay, date},
      {field::kTicketNumber, "A7"},
      {field::kIssuedAt, std::to_string(issued)},
      {field::kStatus, status},
      {field::kIssuer, "kiosk-1"}};
  if (wait >= 0) {
    f[field::kCalledAt] = std::to_string(issued + wait * int64_t{60000});
    f[field::kRoom] = "Salle 2";
  }
  return MakeRecord(Collection::kTicket, id, site, f);
}

const Cell& At(const Report& r, const std::string& table,
               const std::string& row, const std::string& col) {
  for (const Table& t : r.tables)
    if (t.key == table)
      for (const Row& rw : t.rows)
        if (rw.key == row) return rw.cells.at(t.ColumnIndex(col));
  ADD_FAILURE() << table << "/" << row << "/" << col;
  static Cell none;
  return none;
}

TEST(WalkInFactTest, TicketsProjectToTheirDayAndWaitOnly) {
  const int64_t jan5 = DaysFromCivil({2026, 1, 5});
  const RecordFact done =
      ProjectRecord(Ticket("A", "tk1", "2026-01-05", "done", 17), nullptr);
  ASSERT_EQ(done.kind, RecordFact::Kind::kTicket);
  EXPECT_EQ(done.ticket, (TicketFact{static_cast<int32_t>(jan5), 17}));
  // 90 s is one whole minute.
  Record odd = Ticket("A", "tk2", "2026-01-05", "converted", 0);
  const int64_t issued =
      ParisLocalToUtc({2026, 1, 5}, 9, 0) * int64_t{1000};
  ApplyLocalWrite(&odd, "rep-test", MakeHlc(1'800'000'000'000, 0),
                  {{field::kCalledAt, std::to_string(issued + 90'000)}});
  EXPECT_EQ(ProjectRecord(odd, nullptr).ticket.wait_min, 1);
  // Waiting and left tickets count, without a wait; so does one called
  // before it was issued (clock skew) or the next day (forgotten).
  for (const char* st : {"waiting", "left"}) {
    const RecordFact f =
        ProjectRecord(Ticket("A", "t", "2026-01-05", st, -1), nullptr);
    EXPECT_EQ(f.kind, RecordFact::Kind::kTicket) << st;
    EXPECT_EQ(f.ticket.wait_min, -1) << st;
  }
  Record skew = Ticket("A", "tk3", "2026-01-05", "called", 5);
  ApplyLocalWrite(&skew, "rep-test", MakeHlc(1'800'000'000'001, 0),
                  {{field::kCalledAt, std::to_string(issued - 60'000)}});
  EXPECT_EQ(ProjectRecord(skew, nullptr).ticket.wait_min, -1);
  EXPECT_EQ(ProjectRecord(Ticket("A", "t", "2026-01-05", "done", 25 * 60),
                          nullptr)
                .ticket.wait_min,
            -1);
  // A tampered day projects to nothing; so does a deleted ticket.
  Record bad = Ticket("A", "tk4", "2026-01-05", "done", 3);
  ApplyLocalWrite(&bad, "rep-test", MakeHlc(1'800'000'000'002, 0),
                  {{field::kTicketDay, "2026-13-45"}});
  EXPECT_EQ(ProjectRecord(bad, nullptr).kind, RecordFact::Kind::kNone);
  Record gone = Ticket("A", "tk5", "2026-01-05", "done", 3);
  ApplyLocalWrite(&gone, "rep-test", MakeHlc(1'800'000'000'003, 0),
                  {{kDeletedField, "1"}});
  EXPECT_EQ(ProjectRecord(gone, nullptr).kind, RecordFact::Kind::kNone);
}

TEST(WalkInFactTest, CommuneIsKeptOnlyAsAnInseeCode) {
  auto commune_of = [](const std::string& code) {
    Record r = testing::Appt("A", "a1", "2026-01-05", 9, 0, "done", "", "P1");
    ApplyLocalWrite(&r, "rep-test", MakeHlc(1'800'000'000'010, 0),
                    {{field::kPatientCommune, code}});
    return ProjectRecord(r, InMemoryPseudonym).appointment.commune;
  };
  EXPECT_EQ(commune_of("29019"), "29019");
  EXPECT_EQ(commune_of("2A004"), "2A004");  // Ajaccio
  EXPECT_EQ(commune_of(""), "");
  for (const char* bad : {"<b>x", "290190", "2904", "3A004", "29 19", "2a004"})
    EXPECT_EQ(commune_of(bad), "") << bad;
}

// Site A, January 2026: 13 tickets, 11 of them called with waits 1..11
// (median 6), 2 left; February: 4 tickets (small). Site B: 12 tickets in
// January, none called.
std::vector<Record> WalkIns() {
  std::vector<Record> v;
  for (int i = 1; i <= 11; ++i)
    v.push_back(Ticket("A", "a" + std::to_string(i),
                       i % 2 ? "2026-01-06" : "2026-01-20",
                       i % 3 ? "done" : "converted", i));
  v.push_back(Ticket("A", "l1", "2026-01-07", "left", -1));
  v.push_back(Ticket("A", "l2", "2026-01-07", "waiting", -1));
  for (int i = 1; i <= 4; ++i)
    v.push_back(Ticket("A", "f" + std::to_string(i), "2026-02-03", "done", 30));
  for (int i = 1; i <= 12; ++i)
    v.push_back(Ticket("B", "b" + std::to_string(i), "2026-01-09", "left", -1));
  return v;
}

UsageQuery Jan2Feb() {
  UsageQuery q;
  q.from = "2026-01";
  q.to = "2026-02";
  q.granularity = Granularity::kMonth;
  q.sites = {"A", "B"};
  q.now_s = ParisLocalToUtc({2026, 3, 1}, 0, 0);
  return q;
}

TEST(WalkInReportTest, CountsAndMedianWaitPerSiteAndPeriod) {
  auto r = BuildUsageReport(WalkIns(), Jan2Feb());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(At(*r, "site:A", "2026-01", "sans_rdv").value, 13);
  EXPECT_EQ(At(*r, "site:A", "2026-01", "attente_mediane_sans_rdv").value, 6);
  EXPECT_EQ(At(*r, "site:A", "2026-02", "sans_rdv").value, 4);
  EXPECT_EQ(At(*r, "site:A", "total", "sans_rdv").value, 17);
  // Waits 1..11 and 30 x 4: the 8th and 9th of 15 sorted -> 8.
  EXPECT_EQ(At(*r, "site:A", "total", "attente_mediane_sans_rdv").value, 8);
  EXPECT_EQ(At(*r, "site:B", "2026-01", "sans_rdv").value, 12);
  EXPECT_FALSE(At(*r, "site:B", "2026-01", "attente_mediane_sans_rdv").value);
  EXPECT_EQ(At(*r, "synthese", "total", "sans_rdv").value, 29);
}

TEST(WalkInReportTest, SmallWalkInCellsAndTheirMediansAreSuppressed) {
  auto r = BuildSuppressedUsageReport(WalkIns(), Jan2Feb());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // 4 tickets in February: the count is primary, its median goes with it.
  EXPECT_EQ(At(*r, "site:A", "2026-02", "sans_rdv").mask, Mask::kPrimary);
  EXPECT_FALSE(At(*r, "site:A", "2026-02", "sans_rdv").value);
  EXPECT_NE(At(*r, "site:A", "2026-02", "attente_mediane_sans_rdv").mask,
            Mask::kNone);
  EXPECT_FALSE(At(*r, "site:A", "2026-02", "attente_mediane_sans_rdv").value);
  // January (13) would give February away by difference from the total
  // (17): one of them is masked too.
  const bool jan = At(*r, "site:A", "2026-01", "sans_rdv").mask != Mask::kNone;
  const bool tot = At(*r, "site:A", "total", "sans_rdv").mask != Mask::kNone;
  EXPECT_TRUE(jan || tot);
  // Wherever a count is masked, its median is too.
  for (const Table& t : r->tables) {
    const int n = t.ColumnIndex("sans_rdv");
    const int m = t.ColumnIndex("attente_mediane_sans_rdv");
    ASSERT_GE(n, 0);
    ASSERT_GE(m, 0);
    for (const Row& row : t.rows) {
      if (row.cells[n].mask != Mask::kNone) {
        EXPECT_FALSE(row.cells[m].value) << t.key << " " << row.key;
      }
    }
  }
}

}  // namespace
}  // namespace relais::common::report
