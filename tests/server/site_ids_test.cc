// Practitioner ids are local to a site: two houses that both call their
// doctor "p1" must both sync (ids are qualified "p1@SITE" by the replica).
#include "tests/server/hub_fixture.h"

namespace relais::server {

using relais::sync::SyncOnce;
namespace {

class SiteIdsTest : public testing::HubFixture {};

TEST_F(SiteIdsTest, SameLocalPractitionerIdAtTwoSitesSyncs) {
  auto a = NewReplica("a.db", "S1");
  auto b = NewReplica("b.db", "S2");
  const std::string ta = Enroll({"S1"}), tb = Enroll({"S2"});
  for (auto* r : {a.get(), b.get()}) {
    ASSERT_TRUE(r->AddPractitioner("p1", "Dr Un", "medecin").ok());
    ASSERT_TRUE(r->SetPresence("p1", "2026-11-24", "am", "present", "", "1").ok());
    ASSERT_TRUE(r->AddLedgerEntry({1000, "loyer", "p1", "equal", "", "2026-11", ""}).ok());
  }
  auto ra = SyncOnce(*a, Options(ta));
  ASSERT_TRUE(ra.ok()) << ra.status().ToString();
  auto rb = SyncOnce(*b, Options(tb));
  ASSERT_TRUE(rb.ok()) << rb.status().ToString();
  EXPECT_EQ(*a->PendingCount(), 0);
  EXPECT_EQ(*b->PendingCount(), 0);
  EXPECT_EQ(a->PractitionerRef("p1"), "p1@S1");
  EXPECT_EQ(b->PractitionerRef("p1"), "p1@S2");
  EXPECT_EQ(b->PractitionerRef("p1@S1"), "p1@S1");  // explicit cross-site ref
  auto hub_a = store_->Get("S1", common::Collection::kPractitioner, "p1@S1");
  auto hub_b = store_->Get("S2", common::Collection::kPractitioner, "p1@S2");
  ASSERT_TRUE(hub_a.ok() && hub_a->has_value());
  ASSERT_TRUE(hub_b.ok() && hub_b->has_value());
  EXPECT_EQ((*hub_a)->record.site_id, "S1");
  EXPECT_EQ((*hub_b)->record.site_id, "S2");
}

}  // namespace
}  // namespace relais::server
