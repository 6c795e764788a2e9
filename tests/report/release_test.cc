// Releases (issue #20): what is refused, freezing, and the two indicator
// leaks of the issue. The audit by linear programming is in
// release_audit_test.cc.
#include "common/report/release.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>

#include "common/report/release_codec.h"
#include "common/report/release_serve.h"
#include "tests/report/release_fixture.h"

namespace relais::common::report {
namespace {

using testing::AfterYear;
using testing::ReleaseFixture;

YearRelease Released(const FactSet& facts, int64_t now_s) {
  YearRelease empty;
  empty.year = 2026;
  auto r = ExtendRelease(empty, facts, now_s);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : empty;
}

Result<Report> Ask(const YearRelease& r, const std::string& from,
                   const std::string& to, Granularity g,
                   std::vector<std::string> sites = {"A", "B", "C"}) {
  return ServeRelease({{2026, r}},
                      {from, to, g, std::move(sites), AfterYear(), {}});
}

const Cell& CellOf(const Table& t, const Row& row, const std::string& col) {
  return row.cells.at(static_cast<size_t>(t.ColumnIndex(col)));
}

TEST(ReleaseServeTest,
     WeeksPartialQuartersAndUnreleasedMonthsAreRefusedInFrench) {
  std::printf("seed 5\n");
  const YearRelease r = Released(ReleaseFixture(5), AfterYear());
  auto weeks = Ask(r, "2026-01", "2026-02", Granularity::kWeek);
  ASSERT_FALSE(weeks.ok());
  EXPECT_EQ(weeks.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(weeks.status().message().find("semaines ne sont plus publiées"),
            std::string::npos);
  auto partial = Ask(r, "2026-02", "2026-04", Granularity::kQuarter);
  ASSERT_FALSE(partial.ok());
  EXPECT_NE(partial.status().message().find("from=2026-01&to=2026-06"),
            std::string::npos)
      << partial.status().message();
  // Only January and February are over on 2026-03-01.
  const YearRelease early =
      Released(ReleaseFixture(5), ParisLocalToUtc({2026, 3, 1}, 10, 0));
  EXPECT_EQ(early.months_released, 2);
  auto open = Ask(early, "2026-01", "2026-03", Granularity::kMonth);
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.status().message().find("2026-03 n'est pas encore publié"),
            std::string::npos);
  EXPECT_NE(open.status().message().find("dernier mois publié 2026-02"),
            std::string::npos);
  // An honest request over released months is answered.
  auto ok = Ask(early, "2026-01", "2026-02", Granularity::kMonth);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->suppressed);
  EXPECT_EQ(ok->tables.size(), 4u);  // A, B, C, synthesis
  // Years no release covers.
  auto old = ServeRelease(
      {}, {"1999-12", "2000-01", Granularity::kMonth, {"A"}, AfterYear(), {}});
  ASSERT_FALSE(old.ok());
  EXPECT_NE(old.status().message().find("années publiées"), std::string::npos);
  // Bad sites.
  EXPECT_FALSE(Ask(early, "2026-01", "2026-02", Granularity::kMonth, {}).ok());
  EXPECT_FALSE(
      Ask(early, "2026-01", "2026-02", Granularity::kMonth, {"*"}).ok());
  EXPECT_FALSE(
      Ask(early, "2026-01", "2026-02", Granularity::kMonth, {"A", "A"}).ok());
}

// Every served number is a released cell (or a sum of shown ones), so two
// requests never disagree, and a masked cell's value never leaves.
TEST(ReleaseServeTest, ServedCellsAreTheReleasedOnesAndMaskedValuesNeverLeave) {
  std::printf("seed 11\n");
  const YearRelease r = Released(ReleaseFixture(11), AfterYear());
  auto q = Ask(r, "2026-01", "2026-03", Granularity::kMonth);
  ASSERT_TRUE(q.ok());
  for (const Table& t : q->tables)
    for (const Row& row : t.rows) {
      const std::string unit =
          t.site.empty() ? (row.is_total ? kOrgUnit : row.key) : t.site;
      const std::string period = row.is_total     ? "2026-T1"
                                 : t.site.empty() ? "2026-T1"
                                                  : row.key;
      const ReleasedRow* rel = r.Find(unit, period);
      ASSERT_NE(rel, nullptr) << unit << " " << period;
      for (size_t c = 0; c < t.columns.size(); ++c) {
        const Cell& want = rel->cells.count(t.columns[c].key)
                               ? rel->cells.at(t.columns[c].key)
                               : Cell{};
        EXPECT_EQ(row.cells[c].mask, want.mask);
        if (want.mask != Mask::kNone)
          EXPECT_FALSE(row.cells[c].value.has_value());
        else
          EXPECT_EQ(row.cells[c].value, want.value)
              << unit << period << t.columns[c].key;
      }
    }
  // January..February is not a released cell: its total row adds shown
  // months only, and is masked where a month is.
  auto jf = Ask(r, "2026-01", "2026-02", Granularity::kMonth, {"C"});
  ASSERT_TRUE(jf.ok());
  const Table& c = jf->tables[0];
  for (size_t k = 0; k < c.columns.size(); ++k) {
    if (!c.columns[k].additive) continue;
    const bool masked = c.rows[0].cells[k].mask != Mask::kNone ||
                        c.rows[1].cells[k].mask != Mask::kNone;
    EXPECT_EQ(c.rows[2].cells[k].mask != Mask::kNone, masked)
        << c.columns[k].key;
  }
}

// Issue #20: at a site whose only practitioners are doctors, the published
// ACI coverage equalled the masked doctors' coverage.
TEST(ReleaseLeakTest,
     CoverageIsMaskedWithTheDoctorsCoverageAtADoctorsOnlySite) {
  std::printf("seed 3\n");
  const YearRelease r = Released(ReleaseFixture(3), AfterYear());
  int rows = 0;
  for (const auto& [key, row] : r.rows) {
    if (key.first != "C") continue;  // one doctor, nobody else
    const Cell& md = row.cells.at("couverture_amplitude_medecins");
    const Cell& all = row.cells.at("couverture_amplitude");
    if (!md.value || *md.value == 0) continue;
    ASSERT_EQ(md.value, all.value);                 // the fixture's premise
    EXPECT_NE(md.mask, Mask::kNone) << key.second;  // one doctor: masked
    EXPECT_NE(all.mask, Mask::kNone) << key.second;
    ++rows;
  }
  EXPECT_GT(rows, 10);
  // And as served.
  auto served = Ask(r, "2026-01", "2026-12", Granularity::kMonth, {"C"});
  ASSERT_TRUE(served.ok());
  const Table& t = served->tables[0];
  for (const Row& row : t.rows)
    EXPECT_FALSE(
        CellOf(t, row, "couverture_amplitude").value.has_value() &&
        !CellOf(t, row, "couverture_amplitude_medecins").value.has_value() &&
        CellOf(t, row, "couverture_amplitude_medecins").mask != Mask::kNone)
        << row.key;
}

// Issue #20: the never-masked open days, span and coverage pinned a masked
// presence_total (one practitioner: half-days = f(open days, span)).
TEST(ReleaseLeakTest, OpeningFiguresAreMaskedWhereThePresenceIs) {
  std::printf("seed 8\n");
  const YearRelease r = Released(ReleaseFixture(8), AfterYear());
  int masked = 0;
  for (Granularity g : {Granularity::kMonth, Granularity::kQuarter})
    for (const std::vector<std::string>& sites :
         std::vector<std::vector<std::string>>{{"A", "B", "C"}, {"C"}}) {
      auto rep = Ask(r, "2026-01", "2026-12", g, sites);
      ASSERT_TRUE(rep.ok());
      for (const Table& t : rep->tables)
        for (const Row& row : t.rows) {
          if (t.key.starts_with(kCommuneTablePrefix)) continue;
          if (CellOf(t, row, "presence_total").mask == Mask::kNone) continue;
          ++masked;
          for (const char* k :
               {"jours_ouverts", "amplitude", "couverture_amplitude",
                "couverture_amplitude_medecins"})
            EXPECT_FALSE(CellOf(t, row, k).value.has_value())
                << t.key << " " << row.key << " " << k;
        }
    }
  EXPECT_GT(masked, 20);
}

// A later release never reopens a frozen cell, even when the facts of the
// released months changed (late records) and their masks would differ now.
TEST(ReleaseFreezeTest,
     LaterReleasesKeepFrozenValuesAndParentsAddUpTheFrozenMonths) {
  std::printf("seed 21\n");
  FactSet facts = ReleaseFixture(21);
  const YearRelease feb = Released(facts, ParisLocalToUtc({2026, 3, 1}, 9, 0));
  ASSERT_EQ(feb.months_released, 2);
  // 30 late January consultations at C: January would now be publishable.
  for (int i = 0; i < 30; ++i) {
    AppointmentFact a;
    a.day = static_cast<int32_t>(DaysFromCivil({2026, 1, 10}));
    a.status = FactStatus::kDone;
    a.due_s = a.day * int64_t{86400} + 40000;
    facts["C"].appointments.push_back(a);
  }
  auto apr = ExtendRelease(feb, facts, ParisLocalToUtc({2026, 4, 2}, 9, 0));
  ASSERT_TRUE(apr.ok());
  ASSERT_EQ(apr->months_released, 3);
  for (const auto& [key, row] : feb.rows)
    for (const auto& [col, cell] : row.cells) {
      const Cell& now = apr->Find(key.first, key.second)->cells.at(col);
      EXPECT_EQ(now.mask, cell.mask);
      EXPECT_EQ(now.value, cell.value);
    }
  // Q1 = the frozen January and February + March, not the late facts.
  for (const char* unit : {"A", "B", "C", kOrgUnit})
    for (const char* col : {"rdv_total", "honores", "presence_total"}) {
      double sum = 0;
      for (const char* m : {"2026-01", "2026-02", "2026-03"})
        sum += apr->Find(unit, m)->cells.at(col).value.value_or(0);
      EXPECT_EQ(apr->Find(unit, "2026-T1")->cells.at(col).value.value_or(-1),
                sum)
          << unit << " " << col;
    }
  // Nothing new to release: unchanged.
  auto again = ExtendRelease(*apr, facts, ParisLocalToUtc({2026, 4, 20}, 9, 0));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->rows.size(), apr->rows.size());
  EXPECT_EQ(again->months_released, 3);
}

TEST(ReleaseTest, ReleasableMonthsFollowTheParisCalendar) {
  EXPECT_EQ(ReleasableMonths(2026, ParisLocalToUtc({2026, 1, 31}, 23, 59)), 0);
  EXPECT_EQ(ReleasableMonths(2026, ParisLocalToUtc({2026, 2, 1}, 0, 1)), 1);
  EXPECT_EQ(ReleasableMonths(2026, ParisLocalToUtc({2027, 1, 1}, 0, 1)), 12);
  EXPECT_EQ(ReleasableMonths(2027, ParisLocalToUtc({2026, 6, 1}, 0, 1)), 0);
  FactSet bad;
  bad["*"] = {};
  YearRelease empty;
  empty.year = 2026;
  EXPECT_EQ(ExtendRelease(empty, bad, AfterYear()).status().code(),
            StatusCode::kInvalidArgument);
}

// Issue #20: consultations by commune of residence. In the release, the
// communes of every (unit, period) add up to its consultations (appointments
// without a commune in "commune_nr"), as counted here from the facts; only
// quarters are served, by commune, small cells masked.
TEST(ReleaseCommuneTest, CommunesAddUpToConsultationsAndOnlyQuartersAreServed) {
  std::printf("seed 12\n");
  const FactSet facts = ReleaseFixture(12);
  const YearRelease r = Released(facts, AfterYear());
  EXPECT_EQ(r.unprotected, 0);
  // Oracle: done appointments of A in the 2nd quarter by commune.
  std::map<std::string, double> want;
  const int64_t q0 = DaysFromCivil({2026, 4, 1}), q1 = DaysFromCivil({2026, 6, 30});
  for (const AppointmentFact& a : facts.at("A").appointments)
    if (a.status == FactStatus::kDone && a.day >= q0 && a.day <= q1)
      want[a.commune.empty() ? "commune_nr"
                             : "commune_" + std::string(1, std::tolower(a.commune[0])) +
                                   [&] {
                                     std::string t = a.commune.substr(1);
                                     for (char& c : t) c = static_cast<char>(std::tolower(c));
                                     return t;
                                   }()] += 1;
  const ReleasedRow* q2 = r.Find("A", "2026-T2");
  ASSERT_NE(q2, nullptr);
  for (const auto& [col, n] : want) EXPECT_EQ(q2->cells.at(col).value, n) << col;
  for (const auto& [key, row] : r.rows) {
    double sum = 0;
    for (const Column& c : r.columns)
      if (c.group == kCommuneGroup && row.cells.count(c.key))
        sum += row.cells.at(c.key).value.value_or(0);
    EXPECT_EQ(sum, row.cells.at("honores").value.value_or(0))
        << key.first << " " << key.second;
  }
  // Served: a commune table per site and one for the organisation, rows =
  // whole quarters only; never a commune column in the other tables.
  auto rep = Ask(r, "2026-01", "2026-07", Granularity::kAuto);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  int tables = 0, masked = 0, shown = 0;
  for (const Table& t : rep->tables) {
    const bool communes = t.key.starts_with(kCommuneTablePrefix);
    for (const Column& c : t.columns)
      EXPECT_EQ(c.group == kCommuneGroup, communes) << t.key << " " << c.key;
    if (!communes) continue;
    ++tables;
    ASSERT_EQ(t.rows.size(), 2u) << t.key;  // T1, T2 (July alone: no quarter)
    EXPECT_EQ(t.rows[0].key, "2026-T1");
    EXPECT_EQ(t.rows[1].key, "2026-T2");
    for (const Row& row : t.rows)
      for (const Cell& c : row.cells) {
        if (c.mask != Mask::kNone) {
          ++masked;
          EXPECT_FALSE(c.value);
        } else if (c.value) {
          ++shown;
          EXPECT_TRUE(*c.value == 0 || *c.value >= kMinCell) << t.key;
        }
      }
  }
  EXPECT_EQ(tables, 4);  // A, B, C, organisation
  EXPECT_GT(masked, 5);
  EXPECT_GE(shown, 4);  // at least the main town at A and the organisation
  // The stored form keeps the commune and walk-in cells (hidden ones
  // included) and passes the codec's soundness checks.
  auto back = DecodeRelease(EncodeRelease(r));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(EncodeRelease(*back), EncodeRelease(r));
  EXPECT_EQ(back->Find("A", "2026-02")->cells.at("commune_29019").mask,
            Mask::kSecondary);
  // Months alone: no commune table.
  auto months = Ask(r, "2026-01", "2026-02", Granularity::kMonth);
  ASSERT_TRUE(months.ok());
  for (const Table& t : months->tables)
    EXPECT_FALSE(t.key.starts_with(kCommuneTablePrefix)) << t.key;
}

// The number of commune columns is bounded: past kMaxCommuneColumns, new
// communes share "commune_autres" (the stored form holds 256 columns).
TEST(ReleaseCommuneTest, CommuneColumnsAreBounded) {
  std::printf("seed 14\n");
  FactSet facts = ReleaseFixture(14);
  int i = 0;
  for (AppointmentFact& a : facts.at("A").appointments) {
    char code[6];
    std::snprintf(code, sizeof code, "%05d", 1001 + i++ % 130);
    a.commune = code;
  }
  const YearRelease r = Released(facts, AfterYear());
  size_t communes = 0;
  for (const Column& c : r.columns) communes += c.group == kCommuneGroup;
  // + commune_nr (B and C record none) and commune_autres.
  EXPECT_LE(communes, kMaxCommuneColumns + 2);
  EXPECT_GT(r.Find("A", "2026")->cells.at("commune_autres").value.value_or(0), 0);
  auto back = DecodeRelease(EncodeRelease(r));
  EXPECT_TRUE(back.ok()) << back.status().ToString();
}

// Issue #16: walk-ins are released per site and period; their median wait
// is shown only where their count is.
TEST(ReleaseWalkInTest, WalkInMedianOnlyWhereTheCountIsShown) {
  std::printf("seed 13\n");
  const YearRelease r = Released(ReleaseFixture(13), AfterYear());
  EXPECT_EQ(r.unprotected, 0);
  int masked = 0, shown = 0;
  for (const auto& [key, row] : r.rows) {
    const Cell& n = row.cells.at("sans_rdv");
    const Cell& med = row.cells.at("attente_mediane_sans_rdv");
    if (n.mask != Mask::kNone) {
      ++masked;
      EXPECT_TRUE(med.mask != Mask::kNone || !med.value)
          << key.first << " " << key.second;
    } else {
      ++shown;
      EXPECT_TRUE(*n.value == 0 || *n.value >= kMinCell);
    }
  }
  EXPECT_GT(masked, 10);  // C's and B's small months
  EXPECT_GT(shown, 10);
  // Served: the year of C (tiny) never shows a count of 1..10 nor the
  // median of a masked count.
  auto rep = Ask(r, "2026-01", "2026-12", Granularity::kMonth, {"C"});
  ASSERT_TRUE(rep.ok());
  for (const Table& t : rep->tables) {
    if (t.key != "site:C") continue;
    for (const Row& row : t.rows) {
      const Cell& n = CellOf(t, row, "sans_rdv");
      if (n.mask != Mask::kNone) {
        EXPECT_FALSE(CellOf(t, row, "attente_mediane_sans_rdv").value) << row.key;
      }
    }
  }
}

}  // namespace
}  // namespace relais::common::report
