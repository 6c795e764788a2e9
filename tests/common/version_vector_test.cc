#include <gtest/gtest.h>

#include "common/model/record.h"

namespace relais::common {
namespace {

VersionVector VV(std::initializer_list<std::pair<const char*, uint64_t>> l) {
  VersionVector v;
  for (auto& [r, n] : l) v.Set(r, n);
  return v;
}

TEST(VersionVectorTest, CompareCases) {
  EXPECT_EQ(VV({{"a", 1}}).Compare(VV({{"a", 1}})), Order::kEqual);
  EXPECT_EQ(VV({}).Compare(VV({})), Order::kEqual);
  EXPECT_EQ(VV({{"a", 2}}).Compare(VV({{"a", 1}})), Order::kDominates);
  EXPECT_EQ(VV({{"a", 1}, {"b", 1}}).Compare(VV({{"a", 1}})), Order::kDominates);
  EXPECT_EQ(VV({{"a", 1}}).Compare(VV({{"a", 1}, {"b", 1}})), Order::kDominated);
  EXPECT_EQ(VV({{"a", 2}}).Compare(VV({{"a", 1}, {"b", 1}})), Order::kConcurrent);
  EXPECT_EQ(VV({{"a", 1}}).Compare(VV({{"b", 1}})), Order::kConcurrent);
}

TEST(VersionVectorTest, ConcurrentEditsConflict) {
  VersionVector base = VV({{"a", 1}});
  VersionVector x = base, y = base;
  x.Increment("a");
  y.Increment("b");
  EXPECT_EQ(x.Compare(y), Order::kConcurrent);
  VersionVector m = x;
  m.MergeFrom(y);
  EXPECT_EQ(m.Compare(x), Order::kDominates);
  EXPECT_EQ(m.Compare(y), Order::kDominates);
  EXPECT_TRUE(m.Includes({"b", 1}));
  EXPECT_FALSE(m.Includes({"b", 2}));
}

TEST(VersionVectorTest, ZeroCountersAreNotStored) {
  VersionVector v;
  v.Set("a", 0);
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v, VersionVector());
}

}  // namespace
}  // namespace relais::common
