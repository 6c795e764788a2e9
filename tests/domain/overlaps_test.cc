// Double bookings, check-in code clashes, and a day across each DST change.
#include "common/domain/overlaps.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "common/util/time.h"

namespace relais::common::domain {
namespace {

Appointment A(const std::string& id, const std::string& pract, int64_t start,
              int64_t minutes, const std::string& status = "booked") {
  Appointment a;
  a.id = id;
  a.site_id = "msp";
  a.practitioner = pract;
  a.start = start;
  a.duration_min = minutes;
  a.status = status;
  return a;
}

int64_t Paris(const std::string& when) { return *ParseParisDateTime(when); }

std::vector<std::pair<std::string, std::string>> Ids(const std::vector<Overlap>& v) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& o : v) out.emplace_back(o.first.id, o.second.id);
  return out;
}

TEST(OverlapsTest, SamePractitionerIntersectingIntervals) {
  std::vector<Appointment> v = {
      A("r1", "dr-a", Paris("2026-11-24T09:00"), 30),
      A("r2", "dr-a", Paris("2026-11-24T09:15"), 15),
      A("r3", "dr-a", Paris("2026-11-24T09:30"), 15),  // touches r1: no overlap
      A("r4", "dr-b", Paris("2026-11-24T09:00"), 30),  // other practitioner
      A("r5", "dr-a", Paris("2026-11-24T09:00"), 60, "cancelled"),
      A("r6", "dr-a", Paris("2026-11-24T09:35"), 10)};
  v.push_back(A("r7", "dr-a", Paris("2026-11-24T09:00"), 5));
  v.back().deleted = true;
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(Ids(FindOverlaps(v)),
            (std::vector<P>{{"r1", "r2"}, {"r3", "r6"}}));
}

TEST(OverlapsTest, LongAppointmentOverlapsSeveral) {
  std::vector<Appointment> v = {A("x", "p", 0, 120), A("y", "p", 600, 15),
                                A("z", "p", 3600, 15), A("w", "p", 7200, 15)};
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(Ids(FindOverlaps(v)), (std::vector<P>{{"x", "y"}, {"x", "z"}}));
}

TEST(OverlapsTest, NaiveCrossCheck) {
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    std::mt19937_64 rng(seed);
    std::vector<Appointment> v;
    for (int i = 0; i < 12; ++i)
      v.push_back(A("r" + std::to_string(i), rng() % 2 ? "a" : "b",
                    static_cast<int64_t>(rng() % 40) * 300,
                    5 + static_cast<int64_t>(rng() % 40),
                    rng() % 5 ? "booked" : "cancelled"));
    std::set<std::pair<std::string, std::string>> naive, fast;
    for (const auto& x : v)
      for (const auto& y : v)
        if (x.id < y.id && x.practitioner == y.practitioner &&
            x.status != "cancelled" && y.status != "cancelled" &&
            x.start < y.start + y.duration_min * 60 &&
            y.start < x.start + x.duration_min * 60)
          naive.insert({x.id, y.id});
    for (const auto& o : FindOverlaps(v))
      fast.insert({std::min(o.first.id, o.second.id), std::max(o.first.id, o.second.id)});
    ASSERT_EQ(naive, fast) << "seed " << seed;
  }
}

TEST(CheckinCodeTest, PrefixFromReplicaAndUniqueAmongTaken) {
  std::mt19937_64 rng(7);
  const std::string kAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::vector<std::string> taken;
  for (int i = 0; i < 200; ++i) {
    std::string c = NewCheckinCode("3f9a2c1b7d000001", taken, rng);
    ASSERT_EQ(c.size(), 6u);
    EXPECT_EQ(c[0], CodePrefix("3f9a2c1b7d000001"));
    for (char ch : c) EXPECT_NE(kAlphabet.find(ch), std::string::npos) << c;
    EXPECT_EQ(std::count(taken.begin(), taken.end(), c), 0);
    taken.push_back(c);
  }
  EXPECT_EQ(CodePrefix("3f9a2c1b7d000001"), CodePrefix("3f9a2c1b7d000001"));
  // Prefixes spread over the alphabet.
  std::set<char> prefixes;
  for (int i = 0; i < 400; ++i) prefixes.insert(CodePrefix("replica-" + std::to_string(i)));
  EXPECT_GE(prefixes.size(), 30u);
}

TEST(CheckinCodeTest, ClashesSameSiteSameParisDay) {
  std::vector<Appointment> v = {A("r1", "a", Paris("2026-11-24T09:00"), 15),
                                A("r2", "b", Paris("2026-11-24T17:00"), 15),
                                A("r3", "a", Paris("2026-11-25T09:00"), 15),
                                A("r4", "a", Paris("2026-11-24T10:00"), 15, "cancelled")};
  for (auto& a : v) a.code = "KX7P2M";
  v.push_back(A("r5", "a", Paris("2026-11-24T11:00"), 15));
  v.back().code = "QQQQQQ";
  auto clashes = FindCodeClashes(v);
  ASSERT_EQ(clashes.size(), 1u);
  EXPECT_EQ(clashes[0].date, "2026-11-24");
  EXPECT_EQ(clashes[0].code, "KX7P2M");
  EXPECT_EQ(clashes[0].appointment_ids, (std::vector<std::string>{"r1", "r2"}));
}

// Last Sunday of March 2026 is the 29th: 02:00 -> 03:00, no 02:30 exists.
TEST(DstTest, SpringForwardGap) {
  const int64_t t = Paris("2026-03-29T02:30");
  EXPECT_EQ(FormatUtc(t), "2026-03-29T01:30:00Z");  // shifted like the clocks
  EXPECT_EQ(FormatParisDateTime(t), "2026-03-29T03:30");
  // 01:30 CET and 03:30 CEST are one hour apart in real time, not two.
  const int64_t before = Paris("2026-03-29T01:30");
  EXPECT_EQ(t - before, 3600);
  // A 90-minute appointment at 01:30 therefore overlaps one at 03:30.
  auto o = FindOverlaps({A("early", "p", before, 90), A("late", "p", t, 15)});
  EXPECT_EQ(o.size(), 1u);
}

// Last Sunday of October 2026 is the 25th: 03:00 -> 02:00, 02:30 happens twice.
TEST(DstTest, AutumnRepeatedHour) {
  const int64_t first = Paris("2026-10-25T02:30");  // the earlier, CEST
  EXPECT_EQ(FormatUtc(first), "2026-10-25T00:30:00Z");
  const int64_t second = first + 3600;  // the repeated 02:30, CET
  EXPECT_EQ(FormatParisDateTime(first), "2026-10-25T02:30");
  EXPECT_EQ(FormatParisDateTime(second), "2026-10-25T02:30");
  // Same wall time, different instants: no double booking between them...
  EXPECT_TRUE(FindOverlaps({A("a", "p", first, 30), A("b", "p", second, 30)}).empty());
  // ...but a 60-minute slot from 02:45 (first) reaches the second 02:30.
  EXPECT_EQ(FindOverlaps({A("a", "p", first + 900, 60), A("b", "p", second, 30)}).size(),
            1u);
  // The Paris day has 25 hours: 23:30 that evening is still the 25th, and a
  // code reused at 00:30 the next day is no clash.
  std::vector<Appointment> v = {A("x", "p", Paris("2026-10-25T23:30"), 15),
                                A("y", "p", Paris("2026-10-26T00:30"), 15)};
  v[0].code = v[1].code = "AB2345";
  EXPECT_EQ(FormatDate(ParisDate(v[0].start)), "2026-10-25");
  EXPECT_TRUE(FindCodeClashes(v).empty());
  EXPECT_EQ(v[1].start - v[0].start, 3600);
}

}  // namespace
}  // namespace relais::common::domain

namespace relais::common::domain {
namespace {

// OverlappingIds flags exactly the ids that appear in FindOverlaps' pairs.
TEST(OverlappingIdsTest, MatchesThePairsOnRandomDays) {
  std::mt19937_64 rng(99);
  for (int c = 0; c < 300; ++c) {
    std::vector<Appointment> day;
    const int n = 1 + static_cast<int>(rng() % 30);
    for (int i = 0; i < n; ++i) {
      Appointment a;
      a.id = "a" + std::to_string(i);
      a.practitioner = "p" + std::to_string(rng() % 3);
      a.start = 1795500000 + static_cast<int64_t>(rng() % 40) * 300;
      a.duration_min = 5 + static_cast<int64_t>(rng() % 40);
      a.status = rng() % 8 == 0 ? "cancelled" : "booked";
      day.push_back(a);
    }
    std::set<std::string> expected;
    for (const Overlap& o : FindOverlaps(day)) {
      expected.insert(o.first.id);
      expected.insert(o.second.id);
    }
    ASSERT_EQ(OverlappingIds(day), expected) << "case " << c;
  }
}

}  // namespace
}  // namespace relais::common::domain
