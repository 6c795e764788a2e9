// The secrecy rules on tiny hand-made tables. The primary rules (zero
// shown, rates, professional business rule) are those of the publications
// too (release_test.cc, release_audit_test.cc); the per-response secondary
// rule tested here is no longer what funders are served since issue #20
// (docs/reporting.md §Publications) but is kept for the aggregate-store
// comparisons (tests/server/fact_store_test.cc) and the bench.
#include <gtest/gtest.h>

#include "common/report/suppression.h"

namespace relais::common::report {
namespace {

// One table, one additive count column, rows `values` then their total.
Report OneColumn(const std::vector<double>& values) {
  Report r;
  Table t;
  t.key = "site:X";
  t.site = "X";
  t.columns = {{"n", "n", "activite", Unit::kCount, Rule::kCount, "", true, ""}};
  double sum = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    t.rows.push_back({"r" + std::to_string(i), "", "", "", false,
                      {Cell{values[i], Mask::kNone, {}}}});
    sum += values[i];
  }
  t.rows.push_back({"total", "Total", "", "", true, {Cell{sum, Mask::kNone, {}}}});
  r.tables.push_back(t);
  return r;
}

std::string Masks(const Report& r) {
  std::string s;
  for (const Row& row : r.tables[0].rows)
    s += row.cells[0].mask == Mask::kPrimary     ? 'P'
         : row.cells[0].mask == Mask::kSecondary ? 'S'
                                                 : '.';
  return s;
}

TEST(SuppressionTest, DocExampleMasksNextSmallest) {
  // 42 = 4 + 15 + 0 + 23: 4 masked, then 15 (not the zero).
  Report r = OneColumn({4, 15, 0, 23});
  ApplySuppression(&r);
  EXPECT_EQ(Masks(r), "PS...");
  EXPECT_EQ(DisplayCell(r.tables[0].columns[0], r.tables[0].rows[0].cells[0]),
            "< 11");
  EXPECT_EQ(DisplayCell(r.tables[0].columns[0], r.tables[0].rows[1].cells[0]),
            "s");
  EXPECT_FALSE(r.tables[0].rows[1].cells[0].value.has_value());
}

TEST(SuppressionTest, TwoSmallCellsNeedNothingMore) {
  Report r = OneColumn({4, 3, 30});
  ApplySuppression(&r);
  EXPECT_EQ(Masks(r), "PP..");
}

TEST(SuppressionTest, OnlyZerosLeftMasksTheTotal) {
  // 20 = 0 + 20 is fine; 7 = 7 + 0: total is itself < 11 (primary).
  Report r = OneColumn({0, 7, 0});
  ApplySuppression(&r);
  EXPECT_EQ(Masks(r), ".P.P");
  Report z = OneColumn({12, 0});  // nothing small: nothing masked
  ApplySuppression(&z);
  EXPECT_EQ(Masks(z), "...");
}

TEST(SuppressionTest, ZeroIsShown) {
  Report r = OneColumn({0, 0});
  ApplySuppression(&r);
  EXPECT_EQ(Masks(r), "...");
  EXPECT_EQ(DisplayCell(r.tables[0].columns[0], r.tables[0].rows[0].cells[0]),
            "0");
}

TEST(SuppressionTest, RateRules) {
  Column rate{"t", "t", "activite", Unit::kPercent, Rule::kRate, "", false, ""};
  auto cell = [](int64_t num, int64_t den) {
    Cell c{den ? 100.0 * num / den : 0, Mask::kNone, {}};
    c.basis.numerator = num;
    c.basis.denominator = den;
    return c;
  };
  EXPECT_TRUE(PrimaryMasked(rate, cell(5, 100)));    // numerator 1..10
  EXPECT_TRUE(PrimaryMasked(rate, cell(0, 8)));      // denominator < 11
  EXPECT_TRUE(PrimaryMasked(rate, cell(95, 100)));   // complement 1..10
  EXPECT_FALSE(PrimaryMasked(rate, cell(0, 50)));
  EXPECT_FALSE(PrimaryMasked(rate, cell(20, 100)));
  EXPECT_FALSE(PrimaryMasked(rate, cell(100, 100)));
}

TEST(SuppressionTest, ProfessionalBusinessRule) {
  Column col{"p", "p", "presence", Unit::kHalfDays, Rule::kProfessional, "",
             true, ""};
  Cell c{30, Mask::kNone, {}};
  c.basis.contributors = 2;
  c.basis.top_share = 0.5;
  EXPECT_TRUE(PrimaryMasked(col, c));  // < 3 contributors
  c.basis.contributors = 3;
  EXPECT_FALSE(PrimaryMasked(col, c));
  c.basis.top_share = 0.9;
  EXPECT_TRUE(PrimaryMasked(col, c));  // one contributor > 85 %
}

}  // namespace
}  // namespace relais::common::report
