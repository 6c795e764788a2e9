// The audit of issue #20: enumerate every request the funder API allows
// over a year with many small cells, collect every number published, and
// for each primary-suppressed cell compute by linear programming (GLPK) the
// interval of values consistent with all of them, the additivity of the
// tables (months -> quarter -> year, sites -> organisation, parts -> whole)
// and non-negativity. The protection rule (docs/reporting.md
// §Publications): the interval must be at least kMinCell wide.
//
// The LP's equations are written here from the definitions of the
// indicators, not taken from the code under test.
#include <glpk.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/report/release.h"
#include "common/report/release_serve.h"
#include "common/report/facts.h"
#include "tests/report/release_fixture.h"
#include "tools/report_demo/seed.h"

namespace relais::common::report {
namespace {

using testing::AfterYear;
using testing::ReleaseFixture;

constexpr int kYear = 2026;
const std::vector<std::string> kSites = {"A", "B", "C"};

// Cells audited so far out of `total`, printed to stderr every 100 cells
// (the 50-site audit runs for minutes).
struct Progress {
  int done = 0, total = 0;
  void Step() {
    if (++done % 100 == 0 || done == total)
      std::fprintf(stderr, "audit: %d / %d cells\n", done, total);
  }
};

// Periods as month spans [m0, m1].
struct Span {
  int m0, m1;
  auto operator<=>(const Span&) const = default;
};
std::vector<std::pair<std::string, Span>> AllPeriods() {
  std::vector<std::pair<std::string, Span>> p;
  for (int m = 1; m <= 12; ++m) p.push_back({MonthKey(kYear, m), {m, m}});
  for (int q = 1; q <= 4; ++q)
    p.push_back({QuarterKey(kYear, q), {3 * q - 2, 3 * q}});
  p.push_back({YearKey(kYear), {1, 12}});
  return p;
}

// unit, span, column -> published value.
using Published = std::map<std::tuple<std::string, Span, std::string>, double>;

int MonthOf(const std::string& date) { return std::stoi(date.substr(5, 2)); }

// Every request the API accepts over 2026 (ranges x granularities x one
// site or all sites), every published number recorded.
Published Enumerate(const std::map<int, YearRelease>& rel,
                    const std::vector<std::string>& all_sites, int* requests) {
  Published out;
  std::vector<std::vector<std::string>> site_sets = {all_sites};
  for (const std::string& s : all_sites) site_sets.push_back({s});
  for (int a = 1; a <= 12; ++a)
    for (int b = a; b <= 12; ++b)
      for (Granularity g :
           {Granularity::kMonth, Granularity::kQuarter, Granularity::kAuto})
        for (const auto& sites : site_sets) {
          ReleaseQuery q{MonthKey(kYear, a),
                         MonthKey(kYear, b),
                         g,
                         sites,
                         AfterYear(),
                         {}};
          auto rep = ServeRelease(rel, q);
          if (!rep.ok()) continue;  // refused: publishes nothing
          ++*requests;
          for (const Table& t : rep->tables)
            for (const Row& row : t.rows) {
              std::string unit = t.site;
              if (unit.empty())
                unit = row.is_total ? (sites.size() == 1 ? sites[0] : kOrgUnit)
                                    : row.key;
              const Span span{MonthOf(row.first_day), MonthOf(row.last_day)};
              for (size_t c = 0; c < t.columns.size(); ++c) {
                const Cell& cell = row.cells[c];
                if (cell.mask != Mask::kNone || !cell.value) continue;
                auto [it, fresh] = out.emplace(
                    std::make_tuple(unit, span, t.columns[c].key), *cell.value);
                EXPECT_EQ(it->second, *cell.value)
                    << "two requests publish different values for " << unit
                    << " " << t.columns[c].key << " " << span.m0 << ".."
                    << span.m1;
              }
            }
        }
  return out;
}

// A linear program over the cells of some columns.
class Lp {
 public:
  Lp() : p_(glp_create_prob()) {}
  ~Lp() { glp_delete_prob(p_); }
  int Var(const std::string& unit, const std::string& period,
          const std::string& col) {
    auto [it, fresh] = vars_.emplace(std::make_tuple(unit, period, col), 0);
    if (fresh) {
      it->second = glp_add_cols(p_, 1);
      glp_set_col_bnds(p_, it->second, GLP_LO, 0, 0);  // non-negative
    }
    return it->second;
  }
  void Equal(const std::map<int, double>& coef, double rhs) {
    const int row = glp_add_rows(p_, 1);
    glp_set_row_bnds(p_, row, GLP_FX, rhs, rhs);
    std::vector<int> idx{0};
    std::vector<double> val{0};
    for (const auto& [v, c] : coef) idx.push_back(v), val.push_back(c);
    glp_set_mat_row(p_, row, static_cast<int>(idx.size()) - 1, idx.data(),
                    val.data());
  }
  // Min (dir GLP_MIN) or max of variable `v`; +inf if unbounded.
  double Optimum(int v, int dir) {
    for (int j = 1; j <= glp_get_num_cols(p_); ++j)
      glp_set_obj_coef(p_, j, j == v ? 1 : 0);
    glp_set_obj_dir(p_, dir);
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_OFF;
    EXPECT_EQ(glp_simplex(p_, &parm), 0);
    const int st = glp_get_status(p_);
    if (st == GLP_UNBND) return HUGE_VAL;
    EXPECT_EQ(st, GLP_OPT)
        << "infeasible LP: the published figures contradict additivity";
    return glp_get_obj_val(p_);
  }

 private:
  glp_prob* p_;
  std::map<std::tuple<std::string, std::string, std::string>, int> vars_;
};

// Builds the LP of `cols` and returns the intervals of the primary cells.
struct Finding {
  std::string what;
  double value, lo, hi;
};
std::vector<Finding> Audit(
    const YearRelease& rel, const std::vector<std::string>& sites,
    const Published& pub, const std::vector<std::string>& cols,
    const std::map<std::string, std::vector<std::string>>& parts,
    Progress* progress) {
  Lp lp;
  std::vector<std::string> units = sites;
  units.push_back(kOrgUnit);
  const auto periods = AllPeriods();
  for (const std::string& c : cols)
    for (const std::string& u : units) {
      for (int q = 1; q <= 4; ++q) {
        std::map<int, double> k{{lp.Var(u, QuarterKey(kYear, q), c), -1}};
        for (int m = 3 * q - 2; m <= 3 * q; ++m)
          k[lp.Var(u, MonthKey(kYear, m), c)] = 1;
        lp.Equal(k, 0);
      }
      std::map<int, double> k{{lp.Var(u, YearKey(kYear), c), -1}};
      for (int q = 1; q <= 4; ++q) k[lp.Var(u, QuarterKey(kYear, q), c)] = 1;
      lp.Equal(k, 0);
    }
  for (const std::string& c : cols)
    for (const auto& [p, span] : periods) {
      std::map<int, double> k{{lp.Var(kOrgUnit, p, c), -1}};
      for (const std::string& s : sites) k[lp.Var(s, p, c)] = 1;
      lp.Equal(k, 0);
    }
  for (const auto& [whole, ps] : parts)
    for (const std::string& u : units)
      for (const auto& [p, span] : periods) {
        std::map<int, double> k{{lp.Var(u, p, whole), -1}};
        for (const std::string& part : ps) k[lp.Var(u, p, part)] = 1;
        lp.Equal(k, 0);
      }
  const std::set<std::string> audited(cols.begin(), cols.end());
  for (const auto& [key, v] : pub) {
    const auto& [unit, span, col] = key;
    if (!audited.count(col)) continue;
    std::map<int, double> k;
    for (int m = span.m0; m <= span.m1; ++m)
      k[lp.Var(unit, MonthKey(kYear, m), col)] = 1;
    lp.Equal(k, v);
  }
  std::vector<Finding> out;
  for (const auto& [key, row] : rel.rows)
    for (const std::string& c : cols) {
      auto it = row.cells.find(c);
      if (it == row.cells.end() || it->second.mask != Mask::kPrimary) continue;
      const int v = lp.Var(key.first, key.second, c);
      out.push_back({key.first + " " + key.second + " " + c, *it->second.value,
                     lp.Optimum(v, GLP_MIN), lp.Optimum(v, GLP_MAX)});
      progress->Step();
    }
  return out;
}

// Every primary cell of `rel` whose interval, given everything the API
// serves from `rel`, is narrower than kMinCell. `audited` counts the primary
// cells looked at, `small` those with a true value 1..10.
// `min_width` (if not null) receives the narrowest interval found.
std::vector<Finding> Exposed(const YearRelease& rel,
                             const std::vector<std::string>& sites,
                             int* audited, int* small,
                             double* min_width = nullptr) {
  const std::map<int, YearRelease> rels{{kYear, rel}};
  int requests = 0;
  const Published pub = Enumerate(rels, sites, &requests);
  std::printf("%d requests, %zu numbers published\n", requests, pub.size());
  EXPECT_GT(requests, 400);
  std::vector<std::string> presence;
  for (const Column& c : rel.columns)
    if (c.key.rfind("presence_", 0) == 0 && c.key != "presence_total")
      presence.push_back(c.key);
  std::vector<std::string> presence_all = presence;
  presence_all.push_back("presence_total");
  struct Group {
    std::vector<std::string> cols;
    std::map<std::string, std::vector<std::string>> parts;
  };
  // Consultations by commune (quarters only are served; months and years
  // are free variables of the LP) are parts of honores.
  std::vector<std::string> communes;
  for (const Column& c : rel.columns)
    if (c.group == kCommuneGroup) communes.push_back(c.key);
  EXPECT_GE(communes.size(), 5u);  // the fixture's communes and "nr"
  std::vector<std::string> activity = {"rdv_total", "honores", "non_venus",
                                       "annules", "en_cours"};
  activity.insert(activity.end(), communes.begin(), communes.end());
  const std::vector<Group> groups = {
      {activity,
       {{"rdv_total", {"honores", "non_venus", "annules", "en_cours"}},
        {"honores", communes}}},
      {presence_all, {{"presence_total", presence}}},
      {{"snp"}, {}},
      {{"visites_domicile"}, {}},
      {{"teleconsultations"}, {}},
      {{"nouveaux_patients"}, {}},
      {{"sans_rdv"}, {}}};
  Progress progress;
  for (const Group& g : groups)
    for (const auto& [key, row] : rel.rows)
      for (const std::string& c : g.cols) {
        auto it = row.cells.find(c);
        progress.total +=
            it != row.cells.end() && it->second.mask == Mask::kPrimary;
      }
  std::vector<Finding> out;
  double narrowest = HUGE_VAL;
  for (const Group& g : groups)
    for (const Finding& f : Audit(rel, sites, pub, g.cols, g.parts, &progress)) {
      ++*audited;
      if (f.value < kMinCell) ++*small;
      narrowest = std::min(narrowest, f.hi - f.lo);
      if (f.hi - f.lo < kMinCell - 1e-6) out.push_back(f);
    }
  if (min_width) *min_width = narrowest;
  std::printf(
      "%d primary cells audited (%d with a true value 1-10), %zu exposed\n",
      *audited, *small, out.size());
  return out;
}

TEST(ReleaseAuditTest, NoSuppressedCellNarrowedBelowTheThresholdByAnyRequests) {
  for (uint32_t seed : {20261u, 7u, 424242u, 1003u, 1017u}) {
    std::printf("seed %u\n", seed);
    YearRelease empty;
    empty.year = kYear;
    auto rel = ExtendRelease(empty, ReleaseFixture(seed), AfterYear());
    ASSERT_TRUE(rel.ok()) << rel.status().ToString();
    EXPECT_EQ(rel->unprotected, 0);
    int audited = 0, small = 0;
    for (const Finding& f : Exposed(*rel, kSites, &audited, &small))
      ADD_FAILURE() << "seed " << seed << ": " << f.what << " = " << f.value
                    << " is pinned to [" << f.lo << ", " << f.hi << "]";
    EXPECT_GT(small, 40);  // the fixture really has many small cells
  }
}

// Released month by month through the year (each month frozen when it
// ends), with records arriving late for months already released: the
// frozen cells never change and the year still passes the audit.
TEST(ReleaseAuditTest, MonthByMonthReleasesWithLateRecordsPassTheAudit) {
  for (uint32_t seed : {99u, 104u, 110u}) {
    std::printf("seed %u\n", seed);
    const FactSet full = ReleaseFixture(seed);
    YearRelease rel;
    rel.year = kYear;
    for (int m = 1; m <= 12; ++m) {
      // The hub holds the facts of months <= m, except a fifth of month m's
      // appointments, which arrive late (after month m is released).
      FactSet now;
      const int64_t start = DaysFromCivil({kYear, m, 1});
      const int64_t end = DaysFromCivil({kYear, m, DaysInMonth(kYear, m)});
      for (const auto& [site, f] : full) {
        SiteFacts& s = now[site];
        s = f;
        size_t i = 0;
        std::erase_if(s.appointments, [&](const AppointmentFact& a) {
          return a.day > end || (a.day >= start && ++i % 5 == 0);
        });
      }
      const YearRelease before = rel;
      const int64_t t =
          ParisLocalToUtc({m == 12 ? kYear + 1 : kYear, m % 12 + 1, 2}, 8, 0);
      auto next = ExtendRelease(rel, now, t);
      ASSERT_TRUE(next.ok()) << next.status().ToString();
      ASSERT_EQ(next->months_released, m);
      EXPECT_EQ(next->unprotected, 0) << "month " << m;
      for (const auto& [key, row] : before.rows) {
        const ReleasedRow* after = next->Find(key.first, key.second);
        ASSERT_NE(after, nullptr);
        for (const auto& [col, cell] : row.cells) {
          EXPECT_EQ(after->cells.at(col).mask, cell.mask)
              << key.first << key.second << col;
          EXPECT_EQ(after->cells.at(col).value, cell.value)
              << key.first << key.second << col;
        }
      }
      rel = *std::move(next);
    }
    int audited = 0, small = 0;
    for (const Finding& f : Exposed(rel, kSites, &audited, &small))
      ADD_FAILURE() << f.what << " = " << f.value << " is pinned to [" << f.lo
                    << ", " << f.hi << "]";
    EXPECT_GT(small, 40);
  }
}

// The audit has teeth: with the primary masks alone (every complementary
// mask opened), it finds cells recovered exactly, as the funder did.
TEST(ReleaseAuditTest, AuditCatchesAReleaseWithoutSecondarySuppression) {
  YearRelease empty;
  empty.year = kYear;
  auto rel = ExtendRelease(empty, ReleaseFixture(20261), AfterYear());
  ASSERT_TRUE(rel.ok());
  int opened = 0;
  for (auto& [key, row] : rel->rows)
    for (auto& [col, cell] : row.cells)
      if (cell.mask == Mask::kSecondary) cell.mask = Mask::kNone, ++opened;
  ASSERT_GT(opened, 0);
  int audited = 0, small = 0, exact = 0;
  const std::vector<Finding> found = Exposed(*rel, kSites, &audited, &small);
  for (const Finding& f : found) exact += f.hi - f.lo < 1e-6;
  EXPECT_GT(found.size(), 20u);
  EXPECT_GT(exact, 10);
}

// Issue #20, "done when the audit passes on the 50-site benchmark data": the
// same audit over the year report-bench generates (tools/report_demo/seed.h
// BenchSeedOptions). RELAIS_AUDIT_BENCH_SITES=N audits N sites (minutes for
// 50); unset, the same path runs over 3 bench sites.
TEST(ReleaseAuditTest, BenchDataPassesTheAudit) {
  int n = 3;
  const char* env = std::getenv("RELAIS_AUDIT_BENCH_SITES");
  if (env) {
    n = std::atoi(env);
    ASSERT_GE(n, 1) << "RELAIS_AUDIT_BENCH_SITES invalide : " << env;
    ASSERT_LE(n, 500) << "RELAIS_AUDIT_BENCH_SITES trop grand : " << env;
  }
  std::fprintf(stderr, "audit of the report-bench data: %d sites%s\n", n,
               env ? " (RELAIS_AUDIT_BENCH_SITES)" : " (default)");
  const auto t0 = std::chrono::steady_clock::now();
  const tools::SeedOptions o = tools::BenchSeedOptions(n);
  std::vector<std::string> sites;
  for (const auto& s : o.sites) sites.push_back(s.id);
  const FactSet facts =
      FactsFromRecords(tools::SyntheticRecords(o), sites);
  ASSERT_EQ(facts.size(), static_cast<size_t>(n));
  YearRelease empty;
  empty.year = kYear;
  auto rel = ExtendRelease(empty, facts, AfterYear());
  ASSERT_TRUE(rel.ok()) << rel.status().ToString();
  EXPECT_EQ(rel->unprotected, 0);
  int audited = 0, small = 0;
  double min_width = HUGE_VAL;
  for (const Finding& f : Exposed(*rel, sites, &audited, &small, &min_width))
    ADD_FAILURE() << f.what << " = " << f.value << " is pinned to [" << f.lo
                  << ", " << f.hi << "]";
  EXPECT_GT(audited, 0);  // the bench data has primary cells to protect
  const double s = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr,
               "audit of the report-bench data RAN: %d sites, %d primary "
               "cells audited (%d with a true value 1-10), narrowest "
               "interval %.3f, %.1f s\n",
               n, audited, small, min_width, s);
}

}  // namespace
}  // namespace relais::common::report
