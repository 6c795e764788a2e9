// Merge rules of plages and their exceptions (merge/policy.h, docs/domain.md
// §6c): deletion and the earliest end of a plage win, an exception stays;
// any concurrent pair needs attention; the winner does not depend on order.
#include <gtest/gtest.h>

#include <algorithm>

#include "common/merge/merge.h"
#include "common/merge/policy.h"
#include "common/model/schedule.h"

namespace relais::common {
namespace {

// Winner of two concurrent siblings of `field`, checked in both orders,
// and whether it needs attention.
std::pair<std::string, bool> Merge2(Collection c, const std::string& field,
                                    const std::string& older, const std::string& newer) {
  std::vector<Sibling> sibs = {Sibling{older, Dot{"a", 1}, 100},
                               Sibling{newer, Dot{"b", 1}, 200}};
  const std::string w = Winner(c, field, sibs).value;
  std::vector<Sibling> rev(sibs.rbegin(), sibs.rend());
  EXPECT_EQ(Winner(c, field, rev).value, w);
  return {w, NeedsAttention(c, field, sibs)};
}

TEST(PlagePolicyTest, DeletedPlageStaysDeleted) {
  // An older deletion beats a later edit-back ("0") and a later deletion
  // beats an older "0": "1" whatever the clocks.
  EXPECT_EQ(Merge2(Collection::kSchedule, kDeletedField, "1", "0"),
            (std::pair<std::string, bool>{"1", true}));
  EXPECT_EQ(Merge2(Collection::kSchedule, kDeletedField, "0", "1"),
            (std::pair<std::string, bool>{"1", true}));
}

TEST(PlagePolicyTest, EarliestEndWins) {
  EXPECT_EQ(Merge2(Collection::kSchedule, field::kValidTo, "2026-06-30", "2026-12-31").first,
            "2026-06-30");
  EXPECT_EQ(Merge2(Collection::kSchedule, field::kValidTo, "2026-12-31", "2026-06-30").first,
            "2026-06-30");
  // Open-ended ("") counts as the latest end.
  EXPECT_EQ(Merge2(Collection::kSchedule, field::kValidTo, "2026-06-30", "").first,
            "2026-06-30");
  EXPECT_EQ(Merge2(Collection::kSchedule, field::kValidTo, "", "2026-06-30").first,
            "2026-06-30");
  EXPECT_TRUE(Merge2(Collection::kSchedule, field::kValidTo, "", "2026-06-30").second);
}

TEST(PlagePolicyTest, ExceptionStaysAndOtherFieldsTakeLatest) {
  EXPECT_EQ(Merge2(Collection::kScheduleException, kDeletedField, "0", "1").first, "0");
  EXPECT_EQ(Merge2(Collection::kScheduleException, kDeletedField, "1", "0").first, "0");
  EXPECT_EQ(Merge2(Collection::kSchedule, field::kStartTime, "09:00", "10:00"),
            (std::pair<std::string, bool>{"10:00", true}));
  EXPECT_EQ(Merge2(Collection::kScheduleException, field::kLastDay, "2026-12-24",
                   "2026-12-20"),
            (std::pair<std::string, bool>{"2026-12-20", true}));
}

}  // namespace
}  // namespace relais::common
