// Aggregation and secrecy on a hand-computed fixture (see the comments for
// the arithmetic). Site A, January + February 2026, plus site B, plus a site C
// that is not asked for.
#include <gtest/gtest.h>

#include "common/report/suppression.h"
#include "common/report/usage.h"
#include "tests/report/fixtures.h"

namespace relais::common::report {
namespace {

using testing::Fixture;

UsageQuery Query(Granularity g = Granularity::kMonth) {
  UsageQuery q;
  q.from = "2026-01";
  q.to = "2026-02";
  q.granularity = g;
  q.sites = {"A", "B"};
  q.now_s = ParisLocalToUtc({2026, 3, 1}, 0, 0);
  return q;
}

const Cell& C(const Report& r, const std::string& table, const std::string& row,
              const std::string& col) {
  for (const Table& t : r.tables)
    if (t.key == table)
      for (const Row& rw : t.rows)
        if (rw.key == row) return rw.cells.at(t.ColumnIndex(col));
  ADD_FAILURE() << table << "/" << row << "/" << col;
  static Cell none;
  return none;
}

double V(const Report& r, const std::string& t, const std::string& row,
         const std::string& col) {
  return C(r, t, row, col).value.value_or(-1);
}

TEST(UsageReportTest, RawCountsMatchHandComputation) {
  auto r = BuildUsageReport(Fixture(), Query());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->tables.size(), 3u);  // A, B, synthese
  EXPECT_EQ(V(*r, "site:A", "2026-01", "rdv_total"), 45);
  EXPECT_EQ(V(*r, "site:A", "2026-01", "honores"), 30);
  EXPECT_EQ(V(*r, "site:A", "2026-01", "non_venus"), 4);
  EXPECT_EQ(V(*r, "site:A", "2026-01", "annules"), 11);
  EXPECT_EQ(V(*r, "site:A", "2026-01", "snp"), 12);
  EXPECT_EQ(V(*r, "site:A", "2026-01", "visites_domicile"), 2);
  EXPECT_EQ(V(*r, "site:A", "2026-01", "part_borne"), 53.6);  // 15 / 28
  EXPECT_EQ(V(*r, "site:A", "2026-01", "attente_mediane"), 14.5);
  // Nearest rank: ceil(0.9 x 28) = 26th of the waits 1..28.
  EXPECT_EQ(V(*r, "site:A", "2026-01", "attente_p90"), 26);
  // Every cancellation was written long before its slot.
  EXPECT_EQ(V(*r, "site:A", "2026-01", "taux_annulation_tardive"), 0);
  EXPECT_EQ(V(*r, "site:A", "2026-01", "patients_distincts"), 10);
  // P1..P9 (P0 came in December), then the 25 Q patients.
  EXPECT_EQ(V(*r, "site:A", "2026-01", "nouveaux_patients"), 9);
  EXPECT_EQ(V(*r, "site:A", "2026-02", "nouveaux_patients"), 25);
  EXPECT_EQ(V(*r, "site:A", "total", "nouveaux_patients"), 34);
  EXPECT_EQ(V(*r, "synthese", "total", "nouveaux_patients"), 45);  // + B's 11
  EXPECT_EQ(V(*r, "site:A", "2026-01", "presence_medecin_generaliste"), 12);
  EXPECT_EQ(V(*r, "site:A", "2026-01", "presence_ide"), 1);
  EXPECT_EQ(V(*r, "site:A", "2026-01", "jours_ouverts"), 3);
  EXPECT_EQ(V(*r, "site:A", "2026-01", "amplitude"), 9.5);
  // January 2026: 22 weekdays x 24 + 5 Saturdays x 8 = 568 required
  // buckets; covered 22 + 22 (GPs, am+pm, Mon 5 and Tue 6) + 9 (nurse am).
  EXPECT_EQ(V(*r, "site:A", "2026-01", "couverture_amplitude"), 9.3);  // 53
  EXPECT_EQ(V(*r, "site:A", "2026-01", "couverture_amplitude_medecins"),
            7.7);  // 44 / 568
  EXPECT_EQ(V(*r, "site:A", "2026-01", "charges_energie"), 25000);
  EXPECT_EQ(V(*r, "site:A", "2026-02", "amplitude"), -1);  // not applicable
  EXPECT_EQ(V(*r, "site:A", "total", "rdv_total"), 97);
  EXPECT_EQ(V(*r, "site:A", "total", "taux_non_venue"), 25.7);  // 19 / 74
  EXPECT_EQ(V(*r, "site:A", "total", "patients_distincts"), 35);
  EXPECT_EQ(V(*r, "site:A", "total", "charges_total"), 265000);
  EXPECT_EQ(V(*r, "synthese", "total", "honores"), 66);  // C ignored
  EXPECT_EQ(V(*r, "synthese", "B", "rdv_total"), 11);
  // Freshness: the latest write held per site (A's is the deletion, stamped
  // 2027-01-15: after the query's "now", so clamped to now).
  EXPECT_EQ(r->tables[0].last_write_ms, Query().now_s * 1000);
  EXPECT_EQ(r->tables[1].last_write_ms, 1'700'000'000'000);
  // Organisation level only: 265,000 cents / 66 consultations.
  EXPECT_EQ(V(*r, "synthese", "total", "cout_par_consultation"), 4015);
  EXPECT_EQ(V(*r, "synthese", "A", "cout_par_consultation"), -1);
}

// A cancellation is late when it was written (its HLC wall time) less than
// 48 h before the start; the rate is over every slot that fell due.
TEST(UsageReportTest, LateCancellationUsesWhenTheCancellationWasWritten) {
  std::vector<Record> v;
  const int64_t start = ParisLocalToUtc({2026, 1, 10}, 10, 0);
  for (int i = 0; i < 20; ++i) {
    Record r = testing::Appt("A", "x" + std::to_string(i), "2026-01-10", 10, 0,
                             i < 15 ? "booked" : "done", "consultation",
                             "P" + std::to_string(i));
    if (i < 12)  // cancelled 24 h before: late
      ApplyLocalWrite(&r, "rep-test", MakeHlc((start - 24 * 3600) * 1000, 0),
                      {{"status", "cancelled"}});
    else if (i < 15)  // 72 h before: not late
      ApplyLocalWrite(&r, "rep-test", MakeHlc((start - 72 * 3600) * 1000, 0),
                      {{"status", "cancelled"}});
    v.push_back(r);
  }
  // A slot that has not fallen due yet counts in neither part.
  Record later = testing::Appt("A", "later", "2026-02-27", 23, 50, "booked",
                               "consultation", "L");
  ApplyLocalWrite(&later, "rep-test", MakeHlc(start * 1000, 0),
                  {{"status", "cancelled"}});
  v.push_back(later);
  UsageQuery q = Query();
  q.sites = {"A"};
  q.now_s = ParisLocalToUtc({2026, 2, 27}, 12, 0);
  auto r = BuildUsageReport(v, q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(V(*r, "site:A", "2026-01", "annules"), 15);
  EXPECT_EQ(V(*r, "site:A", "2026-01", "taux_annulation_tardive"), 60);  // 12/20
  EXPECT_EQ(V(*r, "site:A", "2026-02", "annules"), 1);
  EXPECT_EQ(C(*r, "site:A", "2026-02", "taux_annulation_tardive").basis.denominator, 0);
  // 12 late of 20: the complement (8) is 1..10, so the rate is masked.
  ApplySuppression(&*r);
  EXPECT_FALSE(C(*r, "site:A", "2026-01", "taux_annulation_tardive").value.has_value());
}

// Saturday counts 08:00-12:00 only; Sunday is not required and not counted.
TEST(UsageReportTest, OpeningSpanCoverageOnAWeekend) {
  std::vector<Record> v = {
      testing::Pract("A", "g1", "medecin_generaliste"),
      testing::Pres("A", "g1", "2026-01-10", "am"),
      testing::Pres("A", "g1", "2026-01-10", "pm"),
      testing::Pres("A", "g1", "2026-01-11", "am")};
  UsageQuery q = Query(Granularity::kWeek);
  q.sites = {"A"};
  auto r = BuildUsageReport(v, q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // ISO week 2 (Mon 5 - Sun 11 January): 5 x 24 + 8 = 128 required.
  EXPECT_EQ(V(*r, "site:A", "2026-S02", "couverture_amplitude"), 6.3);  // 8
  EXPECT_EQ(V(*r, "site:A", "2026-S02", "couverture_amplitude_medecins"), 6.3);
  EXPECT_EQ(V(*r, "site:A", "2026-S03", "couverture_amplitude"), 0);
  EXPECT_EQ(V(*r, "site:A", "2026-S02", "jours_ouverts"), 2);
  // One doctor: the doctors-only figure would reveal her presence (INSEE
  // rule: >= 3 contributors); the structure-level figure stays.
  ApplySuppression(&*r);
  EXPECT_FALSE(
      C(*r, "site:A", "2026-S02", "couverture_amplitude_medecins").value);
  EXPECT_EQ(V(*r, "site:A", "2026-S02", "couverture_amplitude"), 6.3);
}

TEST(UsageReportTest, QuartersIncludeCostsAndArePartialWhenClipped) {
  auto r = BuildUsageReport(Fixture(), Query(Granularity::kQuarter));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->granularity, "quarter");
  const Table& a = r->tables[0];
  ASSERT_EQ(a.rows.size(), 2u);  // 2026-T1 (January-February), total
  EXPECT_EQ(a.rows[0].key, "2026-T1");
  EXPECT_EQ(a.rows[0].label, "1er trimestre 2026 (partiel)");
  EXPECT_EQ(a.rows[0].last_day, "2026-02-28");
  EXPECT_EQ(V(*r, "site:A", "2026-T1", "rdv_total"), 97);
  EXPECT_EQ(V(*r, "site:A", "2026-T1", "charges_total"), 265000);
  EXPECT_EQ(V(*r, "site:A", "2026-T1", "nouveaux_patients"), 34);
}

// Automatic roll-up (§4.3): a site with a month of 1..10 appointments is
// shown by quarter; the others stay monthly.
TEST(UsageReportTest, AutoRollsUpSmallSitesToQuarters) {
  std::vector<Record> v = Fixture();
  for (int i = 0; i < 5; ++i)
    v.push_back(testing::Appt("D", "d" + std::to_string(i), "2026-01-20", 9,
                              0, "done", "consultation",
                              "D" + std::to_string(i)));
  UsageQuery q = Query(Granularity::kAuto);
  q.sites = {"A", "B", "D"};
  auto r = BuildUsageReport(v, q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->granularity, "auto");
  ASSERT_EQ(r->tables.size(), 4u);
  EXPECT_EQ(r->tables[0].rows.size(), 3u);  // A: January, February, total
  EXPECT_EQ(r->tables[1].rows.size(), 3u);  // B: 11 and 0 are publishable
  const Table& d = r->tables[2];
  ASSERT_EQ(d.rows.size(), 2u);
  EXPECT_EQ(d.rows[0].key, "2026-T1");
  EXPECT_NE(d.title.find("trimestre"), std::string::npos);
  EXPECT_EQ(V(*r, "site:D", "2026-T1", "rdv_total"), 5);
  EXPECT_EQ(V(*r, "synthese", "D", "rdv_total"), 5);
  // Still masked once suppressed: 5 is a small count in any grain.
  ApplySuppression(&*r);
  EXPECT_FALSE(C(*r, "site:D", "2026-T1", "rdv_total").value.has_value());
  // A one-month range: a quarter would group nothing, months stay.
  q.to = "2026-01";
  auto one = BuildUsageReport(v, q);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->tables[2].rows[0].key, "2026-01");
  EXPECT_EQ(one->tables[2].title.find("trimestre"), std::string::npos);
}

// The per-response suppression (ApplySuppression), no longer served to
// funders since issue #20: they get publications (release_test.cc).
TEST(UsageReportTest, PrimaryAndSecondarySuppression) {
  auto r = BuildSuppressedUsageReport(Fixture(), Query());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Three GPs with 4 half-days each: the doctors' coverage is shown.
  EXPECT_EQ(V(*r, "site:A", "2026-01", "couverture_amplitude_medecins"), 7.7);
  auto mask = [&](const char* t, const char* row, const char* col) {
    return C(*r, t, row, col).mask;
  };
  // Primary: 4 no-shows, 2 visits, 10 patients, 1 nurse half-day.
  EXPECT_EQ(mask("site:A", "2026-01", "non_venus"), Mask::kPrimary);
  EXPECT_EQ(mask("site:A", "2026-01", "visites_domicile"), Mask::kPrimary);
  EXPECT_EQ(mask("site:A", "2026-01", "patients_distincts"), Mask::kPrimary);
  EXPECT_EQ(mask("site:A", "2026-01", "presence_ide"), Mask::kPrimary);
  EXPECT_EQ(mask("site:A", "2026-01", "taux_non_venue"), Mask::kPrimary);
  // Secondary: row 45 = 30 + [4] + 11 + 0 -> the 11 cancelled; column
  // 19 = [4] + 15 -> Feb no-shows; row 52 = 25 + [15] + 12 -> Feb cancelled.
  EXPECT_EQ(mask("site:A", "2026-01", "annules"), Mask::kSecondary);
  EXPECT_EQ(mask("site:A", "2026-02", "non_venus"), Mask::kSecondary);
  EXPECT_EQ(mask("site:A", "2026-02", "annules"), Mask::kSecondary);
  EXPECT_EQ(mask("site:A", "2026-02", "taux_non_venue"), Mask::kSecondary);
  EXPECT_EQ(mask("site:A", "2026-01", "presence_medecin_generaliste"),
            Mask::kSecondary);  // 13 = 12 + [1]
  // Shown, and no masked value survives.
  EXPECT_EQ(mask("site:A", "2026-01", "honores"), Mask::kNone);
  EXPECT_EQ(V(*r, "site:A", "2026-01", "honores"), 30);
  EXPECT_EQ(V(*r, "site:A", "total", "non_venus"), 19);
  EXPECT_FALSE(C(*r, "site:A", "2026-01", "non_venus").value.has_value());
  EXPECT_FALSE(C(*r, "site:A", "2026-02", "annules").value.has_value());
  // The synthesis repeats site A's total row: same masks.
  EXPECT_EQ(mask("synthese", "A", "visites_domicile"), Mask::kPrimary);
  // No constraint is left with a single masked cell.
  for (const Constraint& k : Constraints(*r)) {
    int n = r->tables[k.total.table].rows[k.total.row].cells[k.total.col].mask !=
            Mask::kNone;
    for (const CellRef& m : k.members)
      n += r->tables[m.table].rows[m.row].cells[m.col].mask != Mask::kNone;
    EXPECT_NE(n, 1);
  }
  const std::string csv = RenderCsv(*r), json = RenderJson(*r);
  for (const char* secret : {"DUPONT", "1950-02-03", "ABC234", "prat-secret",
                             "P1", "g1", "i1"}) {
    EXPECT_EQ(csv.find(secret), std::string::npos) << secret;
    EXPECT_EQ(json.find(secret), std::string::npos) << secret;
  }
}

// Weeks are still an aggregation of the pure report (fact-store tests), but
// the HTTP API refuses them since issue #20 (http_test.cc).
TEST(UsageReportTest, WeeksPartitionTheRange) {
  auto r = BuildSuppressedUsageReport(Fixture(), Query(Granularity::kWeek));
  ASSERT_TRUE(r.ok());
  const Table& a = r->tables[0];
  ASSERT_GE(a.rows.size(), 9u);
  EXPECT_EQ(a.rows.front().key, "2026-S01");
  EXPECT_EQ(a.rows.front().first_day, "2026-01-01");  // clipped to the range
  EXPECT_EQ(a.rows.front().last_day, "2026-01-04");
  EXPECT_EQ(a.rows.back().key, "total");
  int64_t done = 0;
  const int col = a.ColumnIndex("honores");
  for (const Row& row : a.rows)
    if (!row.is_total) done += static_cast<int64_t>(row.cells[col].value.value_or(0));
  EXPECT_LE(done, 55);  // some weeks may be masked, never more than the total
  EXPECT_EQ(a.rows.back().cells[col].value.value_or(-1), 55);
  // Costs are monthly: a week shows "—", the total row the sum.
  const int cost = a.ColumnIndex("charges_total");
  EXPECT_FALSE(a.rows.front().cells[cost].value.has_value());
  EXPECT_EQ(a.rows.back().cells[cost].value.value_or(-1), 265000);
}

TEST(UsageReportTest, RejectsBadQueries) {
  UsageQuery q = Query();
  q.from = "2026-13";
  EXPECT_EQ(BuildUsageReport(FactSet{}, q).status().code(), StatusCode::kInvalidArgument);
  q = Query();
  q.from = "2026-03";
  EXPECT_FALSE(BuildUsageReport(FactSet{}, q).ok());
  q = Query();
  q.from = "2020-01";
  EXPECT_FALSE(BuildUsageReport(FactSet{}, q).ok());  // > 36 months
  q = Query();
  q.sites = {"A", "A"};
  EXPECT_FALSE(BuildUsageReport(FactSet{}, q).ok());
  EXPECT_FALSE(ParseGranularity("day").ok());
}

}  // namespace
}  // namespace relais::common::report
