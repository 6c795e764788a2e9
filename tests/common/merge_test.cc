#include "common/merge/merge.h"

#include <gtest/gtest.h>

namespace relais::common {
namespace {

Record NewAppt() {
  Record r;
  r.collection = Collection::kAppointment;
  r.id = "rdv-1";
  r.site_id = "S1";
  return r;
}

TEST(MergeTest, LocalWriteIncrementsAndSkipsNoOps) {
  Record r = NewAppt();
  EXPECT_TRUE(ApplyLocalWrite(&r, "a", 10, {{"room", "1"}, {"note", "x"}}));
  EXPECT_EQ(r.vv.Get("a"), 1u);
  EXPECT_FALSE(ApplyLocalWrite(&r, "a", 11, {{"room", "1"}}));
  EXPECT_EQ(r.vv.Get("a"), 1u);
  EXPECT_TRUE(ApplyLocalWrite(&r, "a", 12, {{"room", "2"}}));
  EXPECT_EQ(r.vv.Get("a"), 2u);
  EXPECT_EQ(r.fields["room"][0].dot, (Dot{"a", 2}));
  EXPECT_EQ(r.fields["note"][0].dot, (Dot{"a", 1}));
}

TEST(MergeTest, DominatingVersionWins) {
  Record a = NewAppt();
  ApplyLocalWrite(&a, "a", 10, {{"room", "1"}});
  Record b = a;
  ApplyLocalWrite(&b, "b", 20, {{"room", "2"}});
  EXPECT_EQ(Compare(b, a), Order::kDominates);
  EXPECT_EQ(Merge(a, b), b);
  EXPECT_EQ(Merge(b, a), b);
}

TEST(MergeTest, ConcurrentDifferentFieldsBothSurvive) {
  Record base = NewAppt();
  ApplyLocalWrite(&base, "a", 10, {{"room", "1"}, {"note", ""}});
  Record x = base, y = base;
  ApplyLocalWrite(&x, "a", 20, {{"room", "2"}});
  ApplyLocalWrite(&y, "b", 15, {{"note", "fauteuil roulant"}});
  EXPECT_EQ(Compare(x, y), Order::kConcurrent);
  Record m = Merge(x, y);
  FieldView v = View(m);
  EXPECT_EQ(v["room"], "2");
  EXPECT_EQ(v["note"], "fauteuil roulant");
  EXPECT_TRUE(ConflictFields(m).empty());
  EXPECT_EQ(m, Merge(y, x));
}

TEST(MergeTest, ConcurrentSameFieldKeepsLoserVisibleUntilResolved) {
  Record base = NewAppt();
  ApplyLocalWrite(&base, "a", 10, {{"note", "init"}});
  Record x = base, y = base;
  ApplyLocalWrite(&x, "a", 20, {{"note", "de x"}});
  ApplyLocalWrite(&y, "b", 30, {{"note", "de y"}});
  Record m = Merge(x, y);
  ASSERT_EQ(m.fields["note"].size(), 2u);
  EXPECT_EQ(View(m)["note"], "de y");  // later HLC wins the display
  EXPECT_EQ(ConflictFields(m), std::vector<std::string>{"note"});
  // A replica that has not seen the resolution still holds both values;
  // merging with the resolved state must not resurrect the conflict.
  Record resolved = m;
  ASSERT_TRUE(ApplyLocalWrite(&resolved, "c", 40, {{"note", "de x et de y"}}));
  EXPECT_EQ(Compare(resolved, m), Order::kDominates);
  EXPECT_TRUE(ConflictFields(resolved).empty());
  EXPECT_EQ(Merge(m, resolved), resolved);
  EXPECT_EQ(Merge(x, resolved), resolved);
  EXPECT_EQ(Merge(resolved, y), resolved);
}

TEST(MergeTest, RewritingSameValueResolvesConflict) {
  Record base = NewAppt();
  ApplyLocalWrite(&base, "a", 10, {{"room", "1"}});
  Record x = base, y = base;
  ApplyLocalWrite(&x, "a", 20, {{"room", "2"}});
  ApplyLocalWrite(&y, "b", 30, {{"room", "3"}});
  Record m = Merge(x, y);
  ASSERT_TRUE(ApplyLocalWrite(&m, "a", 50, {{"room", "3"}}));
  EXPECT_EQ(m.fields["room"].size(), 1u);
}

TEST(MergeTest, IdenticalConcurrentValuesNeedNoAttention) {
  Record base = NewAppt();
  ApplyLocalWrite(&base, "a", 10, {{"room", "1"}});
  Record x = base, y = base;
  ApplyLocalWrite(&x, "a", 20, {{"room", "2"}});
  ApplyLocalWrite(&y, "b", 30, {{"room", "2"}});
  Record m = Merge(x, y);
  EXPECT_EQ(m.fields["room"].size(), 2u);
  EXPECT_TRUE(ConflictFields(m).empty());
}

TEST(MergeTest, TombstoneIsAField) {
  Record base = NewAppt();
  ApplyLocalWrite(&base, "a", 10, {{"room", "1"}});
  EXPECT_FALSE(IsDeleted(base));
  Record x = base;
  ApplyLocalWrite(&x, "a", 20, {{kDeletedField, "1"}});
  EXPECT_TRUE(IsDeleted(x));
  EXPECT_TRUE(IsDeleted(Merge(base, x)));
}

TEST(HlcClockTest, MonotonicAndBoundedDrift) {
  HlcClock c(60'000);
  Hlc a = c.Now(1000);
  Hlc b = c.Now(1000);
  EXPECT_GT(b, a);
  Hlc back = c.Now(500);  // wall clock went backwards
  EXPECT_GT(back, b);
  // A remote stamp one day ahead is clamped to wall + max drift.
  c.Observe(MakeHlc(1000 + 86'400'000, 0), 1000);
  EXPECT_LE(HlcMillis(c.last()), 1000 + 60'000);
  EXPECT_GE(HlcMillis(c.Now(2000)), 61'000 - 1);
}

}  // namespace
}  // namespace relais::common
