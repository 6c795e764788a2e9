#include "common/util/time.h"

#include <gtest/gtest.h>

namespace relais::common {
namespace {

TEST(TimeTest, CivilRoundTrip) {
  for (int64_t d = -1000; d < 30000; d += 37) {
    EXPECT_EQ(DaysFromCivil(CivilFromDays(d)), d);
  }
  EXPECT_EQ(DaysFromCivil({1970, 1, 1}), 0);
  EXPECT_EQ(Weekday({2026, 11, 24}), 1);  // a Tuesday
}

TEST(TimeTest, ParisWinterAndSummer) {
  // 2026-01-15 09:00 Paris = 08:00 UTC; 2026-07-15 09:00 Paris = 07:00 UTC.
  auto w = ParseParisDateTime("2026-01-15T09:00");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(FormatUtc(*w), "2026-01-15T08:00:00Z");
  auto s = ParseParisDateTime("2026-07-15T09:00");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(FormatUtc(*s), "2026-07-15T07:00:00Z");
  EXPECT_EQ(FormatParisDateTime(*s), "2026-07-15T09:00");
}

TEST(TimeTest, DstTransitions2026) {
  // Spring forward: 2026-03-29 01:00 UTC. 01:59 Paris is CET, 03:00 is CEST.
  EXPECT_EQ(FormatUtc(*ParseParisDateTime("2026-03-29T01:59")),
            "2026-03-29T00:59:00Z");
  EXPECT_EQ(FormatUtc(*ParseParisDateTime("2026-03-29T03:00")),
            "2026-03-29T01:00:00Z");
  // Fall back: 2026-10-25 01:00 UTC; 02:30 happens twice, the first is taken.
  EXPECT_EQ(FormatUtc(*ParseParisDateTime("2026-10-25T02:30")),
            "2026-10-25T00:30:00Z");
  EXPECT_EQ(FormatParisTime(ParisLocalToUtc({2026, 10, 25}, 2, 30) + 3600),
            "02:30");  // the second 02:30, in winter time
  EXPECT_EQ(FormatUtc(*ParseParisDateTime("2026-10-25T10:00")),
            "2026-10-25T09:00:00Z");
}

TEST(TimeTest, RejectsBadInput) {
  EXPECT_FALSE(ParseParisDateTime("nonsense").ok());
  EXPECT_FALSE(ParseParisDateTime("2026-02-30T10:00").ok());
  EXPECT_FALSE(ParseParisDateTime("2026-01-01T24:00").ok());
  EXPECT_FALSE(ParseDate("2026-13-01").ok());
  int y, m;
  EXPECT_FALSE(ParseMonth("2026-1", &y, &m).ok());
  EXPECT_TRUE(ParseMonth("2026-11", &y, &m).ok());
  EXPECT_EQ(m, 11);
}

}  // namespace
}  // namespace relais::common
