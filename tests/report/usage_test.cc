// Aggregation and secrecy on a hand-computed fixture (see the comments for
// the arithmetic). Site A, January + February 2026, plus site B, plus a site C
// that is not asked for.
#include <gtest/gtest.h>

#include "common/report/suppression.h"
#include "common/report/usage.h"
#include "tests/report/fixtures.h"

namespace relais::common::report {
namespace {

using testing::Appt;
using testing::Ledger;
using testing::Pract;
using testing::Pres;

std::string Day(const char* ym, int d) {
  return std::string(ym) + "-" + (d < 10 ? "0" : "") + std::to_string(d);
}

std::vector<Record> Fixture() {
  std::vector<Record> v;
  // January, site A: 30 done (12 snp, 2 home visits, 16 consultations) over
  // 10 distinct patients; the 28 non-visits checked in (15 kiosk, 13 staff)
  // with waits 1..28 min (median 14.5); 4 no-shows; 11 cancelled.
  int k = 0;
  for (int i = 0; i < 30; ++i) {
    const std::string kind = i < 12 ? "snp" : i < 14 ? "visite_domicile"
                                                     : "consultation";
    const bool visit = kind == "visite_domicile";
    const int wait = visit ? -1 : ++k;
    v.push_back(Appt("A", "ja" + std::to_string(i), Day("2026-01", 5 + i % 20),
                     9, 0, "done", kind, "P" + std::to_string(i % 10), wait,
                     k <= 15 ? "kiosk" : "staff"));
  }
  for (int i = 0; i < 4; ++i)
    v.push_back(Appt("A", "jn" + std::to_string(i), "2026-01-08", 10, 0,
                     "no_show", "consultation", "N" + std::to_string(i)));
  for (int i = 0; i < 11; ++i)
    v.push_back(Appt("A", "jc" + std::to_string(i), "2026-01-09", 10, 0,
                     "cancelled", "consultation", "C" + std::to_string(i)));
  // February, site A: 25 done (25 patients), 15 no-shows, 12 cancelled.
  for (int i = 0; i < 25; ++i)
    v.push_back(Appt("A", "fa" + std::to_string(i), Day("2026-02", 2 + i % 20),
                     14, 0, "done", "consultation", "Q" + std::to_string(i)));
  for (int i = 0; i < 15; ++i)
    v.push_back(Appt("A", "fn" + std::to_string(i), "2026-02-10", 8, 30,
                     "no_show", "consultation", "R" + std::to_string(i)));
  for (int i = 0; i < 12; ++i)
    v.push_back(Appt("A", "fc" + std::to_string(i), "2026-02-11", 8, 30,
                     "cancelled", "consultation", "R" + std::to_string(i)));
  // A deleted appointment counts for nothing.
  Record del = Appt("A", "gone", "2026-01-20", 9, 0, "done", "snp", "Z");
  ApplyLocalWrite(&del, "rep-test", MakeHlc(1'800'000'000'000, 0),
                  {{kDeletedField, "1"}});
  v.push_back(del);
  // Presence: 3 GPs am+pm on Jan 5 and 6 (12 half-days), one nurse on the
  // morning of Jan 7 -> 3 open days of 12 h, 12 h, 4.5 h (mean 9.5 h).
  for (const char* g : {"g1", "g2", "g3"}) {
    v.push_back(Pract("A", g, "medecin_generaliste"));
    for (const char* d : {"2026-01-05", "2026-01-06"})
      for (const char* h : {"am", "pm"}) v.push_back(Pres("A", g, d, h));
  }
  v.push_back(Pract("A", "i1", "ide"));
  v.push_back(Pres("A", "i1", "2026-01-07", "am"));
  v.push_back(Pres("A", "i1", "2026-01-08", "am", "absent"));
  // Costs: rent both months, energy 300 € reversed by 50 €.
  v.push_back(Ledger("A", "l1", "2026-01", "loyer", 120000));
  v.push_back(Ledger("A", "l2", "2026-02", "loyer", 120000));
  v.push_back(Ledger("A", "l3", "2026-01", "energie", 30000));
  v.push_back(Ledger("A", "l4", "2026-01", "energie", -5000));
  v.push_back(Ledger("A", "l5", "2025-12", "loyer", 999999));  // out of range
  // Site B: 11 consultations done in January. Site C is not asked for.
  for (int i = 0; i < 11; ++i)
    v.push_back(Appt("B", "b" + std::to_string(i), "2026-01-15", 9, 0, "done",
                     "consultation", "B" + std::to_string(i)));
  for (int i = 0; i < 50; ++i)
    v.push_back(Appt("C", "c" + std::to_string(i), "2026-01-15", 9, 0, "done",
                     "consultation", "C" + std::to_string(i)));
  return v;
}

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
  EXPECT_EQ(V(*r, "site:A", "2026-01", "patients_distincts"), 10);
  EXPECT_EQ(V(*r, "site:A", "2026-01", "presence_medecin_generaliste"), 12);
  EXPECT_EQ(V(*r, "site:A", "2026-01", "presence_ide"), 1);
  EXPECT_EQ(V(*r, "site:A", "2026-01", "jours_ouverts"), 3);
  EXPECT_EQ(V(*r, "site:A", "2026-01", "amplitude"), 9.5);
  EXPECT_EQ(V(*r, "site:A", "2026-01", "charges_energie"), 25000);
  EXPECT_EQ(V(*r, "site:A", "2026-02", "amplitude"), -1);  // not applicable
  EXPECT_EQ(V(*r, "site:A", "total", "rdv_total"), 97);
  EXPECT_EQ(V(*r, "site:A", "total", "taux_non_venue"), 25.7);  // 19 / 74
  EXPECT_EQ(V(*r, "site:A", "total", "patients_distincts"), 35);
  EXPECT_EQ(V(*r, "site:A", "total", "charges_total"), 265000);
  EXPECT_EQ(V(*r, "synthese", "total", "honores"), 66);  // C ignored
  EXPECT_EQ(V(*r, "synthese", "B", "rdv_total"), 11);
}

TEST(UsageReportTest, PrimaryAndSecondarySuppression) {
  auto r = BuildSuppressedUsageReport(Fixture(), Query());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
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
  EXPECT_EQ(BuildUsageReport({}, q).status().code(), StatusCode::kInvalidArgument);
  q = Query();
  q.from = "2026-03";
  EXPECT_FALSE(BuildUsageReport({}, q).ok());
  q = Query();
  q.from = "2020-01";
  EXPECT_FALSE(BuildUsageReport({}, q).ok());  // > 36 months
  q = Query();
  q.sites = {"A", "A"};
  EXPECT_FALSE(BuildUsageReport({}, q).ok());
  EXPECT_FALSE(ParseGranularity("day").ok());
}

}  // namespace
}  // namespace relais::common::report
