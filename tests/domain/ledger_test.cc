// Allocation (largest remainder, domain-notes §1.5), keys, entry validation,
// monthly balances, settlement and the accountant's CSV.
#include "common/domain/ledger.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "tests/common/test_util.h"

namespace relais::common::domain {
namespace {

MemberAmounts Alloc(int64_t amount, const MemberAmounts& w) {
  auto r = Allocate(amount, w);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : MemberAmounts{};
}

TEST(AllocateTest, HundredEurosOverThreeEqual) {
  // 10000 = 3 x 3333 + 1; equal remainders, the tie goes to the smallest id.
  EXPECT_EQ(Alloc(10000, {{"c", 1}, {"a", 1}, {"b", 1}}),
            (MemberAmounts{{"c", 3333}, {"a", 3334}, {"b", 3333}}));
}

TEST(AllocateTest, LargestFractionalPartFirst) {
  // W = 7: 1000*3/7 = 428 rem 4 (a, b); 1000/7 = 142 rem 6 (c). r = 2:
  // c (6) then a (4, before b by id).
  EXPECT_EQ(Alloc(1000, {{"a", 3}, {"b", 3}, {"c", 1}}),
            (MemberAmounts{{"a", 429}, {"b", 428}, {"c", 143}}));
}

TEST(AllocateTest, SharesInBasisPoints) {
  // 100.01 € at 50/30/20 %: 5000 r5000, 3000 r3000, 2000 r2000 -> a +1.
  EXPECT_EQ(Alloc(10001, {{"a", 5000}, {"b", 3000}, {"c", 2000}}),
            (MemberAmounts{{"a", 5001}, {"b", 3000}, {"c", 2000}}));
}

TEST(AllocateTest, ZeroWeightGetsNothing) {
  EXPECT_EQ(Alloc(101, {{"a", 1}, {"b", 0}, {"c", 1}}),
            (MemberAmounts{{"a", 51}, {"b", 0}, {"c", 50}}));
}

TEST(AllocateTest, SignAppliedAfterwards) {
  EXPECT_EQ(Alloc(-10000, {{"a", 1}, {"b", 1}, {"c", 1}}),
            (MemberAmounts{{"a", -3334}, {"b", -3333}, {"c", -3333}}));
}

TEST(AllocateTest, HugeValuesDoNotOverflow) {
  const int64_t amount = 100000000000LL;  // 1 milliard d'euros
  auto parts = Alloc(amount, {{"a", 3000000000LL}, {"b", 6000000000LL}});
  // a: 33333333333 rem 1/3, b: 66666666666 rem 2/3 -> b gets the cent.
  EXPECT_EQ(parts, (MemberAmounts{{"a", 33333333333LL}, {"b", 66666666667LL}}));
}

TEST(AllocateTest, RefusesEmptyKeyAndBadWeights) {
  auto empty = Allocate(100, {{"a", 0}, {"b", 0}});
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.status().message(), "clé vide");
  EXPECT_FALSE(Allocate(100, {}).ok());
  EXPECT_FALSE(Allocate(100, {{"a", -1}, {"b", 2}}).ok());
  EXPECT_FALSE(Allocate(100, {{"a", 1}, {"a", 2}}).ok());
}

TEST(AllocatePropertyTest, ExactSumBoundedAndOrderIndependent) {
  for (uint64_t seed = 1; seed <= 2000; ++seed) {
    std::mt19937_64 rng(seed);
    const int n = 1 + static_cast<int>(rng() % 8);
    MemberAmounts w;
    for (int i = 0; i < n; ++i)
      w.emplace_back("m" + std::to_string(i), static_cast<int64_t>(rng() % 20));
    if (std::all_of(w.begin(), w.end(), [](auto& x) { return x.second == 0; }))
      w[0].second = 1;
    const int64_t amount = static_cast<int64_t>(rng() % 2000000) - 1000000;
    auto parts = Alloc(amount, w);
    int64_t sum = 0, total_w = 0;
    for (auto& x : w) total_w += x.second;
    for (size_t i = 0; i < parts.size(); ++i) {
      sum += parts[i].second;
      const int64_t lo = std::llabs(amount) * w[i].second / total_w;
      EXPECT_GE(std::llabs(parts[i].second), lo) << "seed " << seed;
      EXPECT_LE(std::llabs(parts[i].second), lo + 1) << "seed " << seed;
    }
    EXPECT_EQ(sum, amount) << "seed " << seed;
    MemberAmounts shuffled = w;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    auto again = Alloc(amount, shuffled);
    EXPECT_EQ((std::map<std::string, int64_t>(parts.begin(), parts.end())),
              (std::map<std::string, int64_t>(again.begin(), again.end())))
        << "seed " << seed;
    if (HasFailure()) break;
  }
}

// --- Fixture: three practitioners of one house, November 2026. ---

std::vector<Practitioner> Team() {
  std::vector<Practitioner> t(3);
  t[0].id = "a"; t[0].name = "Dr Arnaud"; t[0].share_bp = 5000;
  t[1].id = "b"; t[1].name = "Dr Berger"; t[1].share_bp = 3000;
  t[2].id = "c"; t[2].name = "Mme Colin"; t[2].share_bp = 2000;
  return t;
}

std::vector<Presence> Halves(const std::string& who, const std::string& month,
                             int n, const std::string& state) {
  std::vector<Presence> out;
  for (int i = 0; i < n; ++i) {
    Presence p;
    p.practitioner = who;
    p.date = month + "-" + (i / 2 + 1 < 10 ? "0" : "") + std::to_string(i / 2 + 1);
    p.half = i % 2 ? "pm" : "am";
    p.state = state;
    out.push_back(p);
  }
  return out;
}

std::vector<Presence> NovemberPresence() {
  auto p = Halves("a", "2026-11", 8, "present");
  for (auto& x : Halves("a", "2026-11", 2, "remplace")) {
    x.date = "2026-11-20";  // replaced: still counts for a
    p.push_back(x);
  }
  for (auto& x : Halves("b", "2026-11", 5, "present")) p.push_back(x);
  for (auto& x : Halves("b", "2026-11", 3, "en_visite")) p.push_back(x);
  for (auto& x : Halves("c", "2026-11", 5, "present")) p.push_back(x);
  for (auto& x : Halves("c", "2026-11", 4, "absent")) p.push_back(x);
  for (auto& x : Halves("c", "2026-10", 7, "present")) p.push_back(x);
  return p;
}

LedgerEntry Entry(const std::string& id, int64_t cents, const std::string& payer,
                  const std::string& key, const std::string& month = "2026-11",
                  const std::string& reverses = "") {
  LedgerEntry e;
  e.id = id;
  e.amount_cents = cents;
  e.payer = payer;
  e.key = key;
  e.month = month;
  e.reverses = reverses;
  e.category = "loyer";
  e.created_at = 1795000000 + static_cast<int64_t>(id.size()) * 100;
  return e;
}

TEST(KeyWeightsTest, EqualShareAndPresence) {
  auto team = Team();
  auto pres = NovemberPresence();
  EXPECT_EQ(*KeyWeights("equal", "2026-11", team, pres),
            (MemberAmounts{{"a", 1}, {"b", 1}, {"c", 1}}));
  EXPECT_EQ(*KeyWeights("share", "2026-11", team, pres),
            (MemberAmounts{{"a", 5000}, {"b", 3000}, {"c", 2000}}));
  // a: 8 present + 2 replaced; b: 5 (visits don't count); c: 5 (October and
  // absences don't count).
  EXPECT_EQ(*KeyWeights("presence", "2026-11", team, pres),
            (MemberAmounts{{"a", 10}, {"b", 5}, {"c", 5}}));
}

TEST(KeyWeightsTest, ClearErrors) {
  auto team = Team();
  team[2].share_bp = 1000;
  auto bad = KeyWeights("share", "2026-11", team, {});
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("90,00 %"), std::string::npos)
      << bad.status().message();
  auto none = KeyWeights("presence", "2026-12", Team(), NovemberPresence());
  EXPECT_NE(none.status().message().find("clé vide"), std::string::npos);
  EXPECT_FALSE(KeyWeights("surface", "2026-11", Team(), {}).ok());
  EXPECT_FALSE(KeyWeights("equal", "2026-11", {}, {}).ok());
  team = Team();
  team[1].deleted = true;  // left the house: not a member any more
  EXPECT_EQ(*KeyWeights("equal", "2026-11", team, {}),
            (MemberAmounts{{"a", 1}, {"c", 1}}));
}

TEST(ValidateNewEntryTest, RefusesBadInput) {
  auto team = Team();
  auto pres = NovemberPresence();
  std::vector<LedgerEntry> all = {Entry("e1", 12000, "a", "equal"),
                                  Entry("r1", -500, "b", "equal", "2026-11", "e9")};
  all.push_back(Entry("e9", 500, "b", "equal"));
  auto code = [&](const LedgerEntry& e) {
    return ValidateNewEntry(e, all, team, pres).code();
  };
  EXPECT_EQ(code(Entry("n", 100, "a", "equal")), StatusCode::kOk);
  EXPECT_EQ(code(Entry("n", 0, "a", "equal")), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Entry("n", -5, "a", "equal")), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Entry("n", 100, "zz", "equal")), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Entry("n", 100, "a", "presence", "2026-12")),
            StatusCode::kInvalidArgument);
  team[0].share_bp = 4000;
  EXPECT_EQ(code(Entry("n", 100, "a", "share")), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Entry("n", -12000, "a", "equal", "2026-11", "e1")), StatusCode::kOk);
  EXPECT_EQ(code(Entry("n", -100, "a", "equal", "2026-11", "e1")),
            StatusCode::kInvalidArgument);  // not the opposite amount
  EXPECT_EQ(code(Entry("n", -12000, "b", "equal", "2026-11", "e1")),
            StatusCode::kInvalidArgument);  // other payer
  EXPECT_EQ(code(Entry("n", -500, "b", "equal", "2026-11", "e9")),
            StatusCode::kAlreadyExists);  // reversed once already
  EXPECT_EQ(code(Entry("n", 500, "b", "equal", "2026-11", "r1")),
            StatusCode::kInvalidArgument);  // reversal of a reversal
  EXPECT_EQ(code(Entry("n", -1, "a", "equal", "2026-11", "nope")),
            StatusCode::kInvalidArgument);
}

std::vector<LedgerEntry> NovemberLedger() {
  return {Entry("e1", 120000, "a", "equal"),   // 1 200 € rent
          Entry("e2", 30000, "b", "share"),    // 300 € energy
          Entry("e3", 10000, "c", "presence"), // 100 € secretary
          Entry("e4", 9999, "a", "equal"),     // mistake...
          Entry("e5", -9999, "a", "equal", "2026-11", "e4"),  // ...reversed
          Entry("e6", 77700, "b", "equal", "2026-10")};       // other month
}

TEST(MonthlyBalancesTest, WorkedExample) {
  auto bal = MonthlyBalances(NovemberLedger(), Team(), NovemberPresence(), "2026-11");
  ASSERT_OK(bal);
  ASSERT_EQ(bal->size(), 3u);
  // owed: rent 400 each; energy 150/90/60; secretary 10:5:5 -> 50/25/25.
  EXPECT_EQ((*bal)[0].paid, 120000);
  EXPECT_EQ((*bal)[0].owed, 60000);
  EXPECT_EQ((*bal)[0].balance(), 60000);
  EXPECT_EQ((*bal)[1].owed, 51500);
  EXPECT_EQ((*bal)[1].balance(), -21500);
  EXPECT_EQ((*bal)[2].owed, 48500);
  EXPECT_EQ((*bal)[2].balance(), -38500);
  EXPECT_EQ((*bal)[0].name, "Dr Arnaud");
  EXPECT_EQ(Settle(*bal), (std::vector<Transfer>{{"c", "a", 38500}, {"b", "a", 21500}}));
}

TEST(MonthlyBalancesTest, ReversalInLaterMonthNetsPerMember) {
  // Presence-keyed entry of October reversed in November: the reversal uses
  // October's weights, so each member's two allocations cancel exactly.
  auto pres = NovemberPresence();
  for (auto& x : Halves("a", "2026-10", 3, "present")) pres.push_back(x);
  std::vector<LedgerEntry> l = {Entry("o1", 1001, "a", "presence", "2026-10"),
                                Entry("o1r", -1001, "a", "presence", "2026-11", "o1")};
  auto oct = MonthlyBalances(l, Team(), pres, "2026-10");
  auto nov = MonthlyBalances(l, Team(), pres, "2026-11");
  ASSERT_OK(oct);
  ASSERT_OK(nov);
  EXPECT_EQ((*oct)[0].owed, 300);  // a: 3 of 10 half-days
  EXPECT_EQ((*oct)[2].owed, 701);  // c: 7 of 10, +1 cent (larger remainder)
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*oct)[i].owed + (*nov)[i].owed, 0) << i;
    EXPECT_EQ((*oct)[i].paid + (*nov)[i].paid, 0) << i;
  }
}

TEST(MonthlyBalancesTest, UnusableKeyNamesTheEntry) {
  auto bal = MonthlyBalances({Entry("e7", 100, "a", "presence", "2026-12")}, Team(),
                             NovemberPresence(), "2026-12");
  EXPECT_EQ(bal.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bal.status().message().find("e7"), std::string::npos);
}

TEST(SettleTest, GreedyLargestDebtorToLargestCreditor) {
  std::vector<Balance> b = {{"a", "", 100, 0}, {"b", "", 50, 0},
                            {"c", "", 0, 70},  {"d", "", 0, 80}};
  EXPECT_EQ(Settle(b), (std::vector<Transfer>{
                           {"d", "a", 80}, {"c", "b", 50}, {"c", "a", 20}}));
  std::vector<Balance> pairs = {{"a", "", 50, 0}, {"b", "", 0, 50},
                                {"c", "", 30, 0}, {"d", "", 0, 30}};
  EXPECT_EQ(Settle(pairs), (std::vector<Transfer>{{"b", "a", 50}, {"d", "c", 30}}));
  EXPECT_TRUE(Settle({{"a", "", 10, 10}}).empty());
}

TEST(SettlePropertyTest, ZeroesEveryBalanceInAtMostNMinusOne) {
  for (uint64_t seed = 1; seed <= 1000; ++seed) {
    std::mt19937_64 rng(seed);
    const int n = 2 + static_cast<int>(rng() % 7);
    std::vector<Balance> b(n);
    int64_t sum = 0;
    for (int i = 0; i < n; ++i) {
      b[i].practitioner = "p" + std::to_string(i);
      b[i].paid = (i + 1 < n) ? static_cast<int64_t>(rng() % 100000) : 0;
      b[i].owed = (i + 1 < n) ? static_cast<int64_t>(rng() % 100000) : 0;
      sum += b[i].balance();
    }
    b[n - 1].owed = sum;  // balances sum to zero
    auto plan = Settle(b);
    EXPECT_LE(plan.size(), static_cast<size_t>(n - 1)) << "seed " << seed;
    std::map<std::string, int64_t> net;
    for (auto& x : b) net[x.practitioner] = x.balance();
    for (auto& t : plan) {
      EXPECT_GT(t.cents, 0) << "seed " << seed;
      net[t.from] += t.cents;
      net[t.to] -= t.cents;
    }
    for (auto& [id, v] : net) EXPECT_EQ(v, 0) << "seed " << seed << " " << id;
    if (HasFailure()) break;
  }
}

TEST(LedgerCsvTest, FrenchExcelFormat) {
  auto l = NovemberLedger();
  l[0].label = "Loyer; novembre";
  l[1].label = "=HYPERLINK(\"x\")";
  auto csv = LedgerCsv("2026-11", {l[0], l[1]}, Team(), {});
  ASSERT_OK(csv);
  const std::string expected =
      "\xEF\xBB\xBF"
      "Mois;Écriture;Date;Catégorie;Libellé;Payeur;Clé;Contre-passe;Montant;"
      "Part a;Part b;Part c\r\n"
      "2026-11;e1;2026-11-18;loyer;\"Loyer; novembre\";a;equal;;1200,00;400,00;"
      "400,00;400,00\r\n"
      "2026-11;e2;2026-11-18;loyer;\"'=HYPERLINK(\"\"x\"\")\";b;share;;300,00;"
      "150,00;90,00;60,00\r\n"
      "\r\n"
      "Praticien;Nom;Payé;Dû;Solde\r\n"
      "a;Dr Arnaud;1200,00;550,00;650,00\r\n"
      "b;Dr Berger;300,00;490,00;-190,00\r\n"
      "c;Mme Colin;0,00;460,00;-460,00\r\n";
  EXPECT_EQ(*csv, expected);
  EXPECT_EQ(CsvAmount(-5), "-0,05");
  EXPECT_EQ(CsvAmount(123456), "1234,56");
  EXPECT_FALSE(LedgerCsv("2026-13", l, Team(), {}).ok());
}

}  // namespace
}  // namespace relais::common::domain
