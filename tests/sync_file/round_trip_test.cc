// The sync by file end to end (issue #17): house A works offline and
// carries its changes on a file, house B syncs over gRPC; both converge byte
// for byte, and importing a file twice is a no-op on both sides.

#include <sys/stat.h>

#include "tests/sync_file/sync_file_fixture.h"

namespace relais::server::testing {
namespace {

class SyncFileRoundTripTest : public SyncFileFixture {};

TEST_P(SyncFileRoundTripTest, OfflineHouseConvergesWithOnlineHouse) {
  AddAppointments(*b_, 4);
  SyncB();
  AddAppointments(*a_, 6);  // A: no link for weeks
  ASSERT_EQ(*a_->PendingCount(), 7);  // p1 + 6 appointments

  ExportA("changes.bin");
  struct stat st;
  ASSERT_EQ(::stat(dir_.File("changes.bin").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("changes.bin.tmp")));
  // The token never appears in the file.
  EXPECT_EQ(ReadAll(dir_.File("changes.bin")).find(token_a_), std::string::npos);

  auto imported = HubImport("changes.bin");
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ(imported->pushed, 7);
  EXPECT_EQ(imported->replica_id, a_->replica_id());
  EXPECT_EQ(imported->pulled, 5);  // B's p1 + 4 appointments
  ASSERT_OK(sync::WriteChangeFile(dir_.File("reponse.bin"), imported->response));

  auto applied = ImportIntoA("reponse.bin");
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_FALSE(applied->already_imported);
  EXPECT_EQ(applied->pushed, 7);
  EXPECT_EQ(applied->pulled, 5);
  EXPECT_EQ(*a_->PendingCount(), 0) << "pushed changes are acknowledged";

  SyncB();
  auto dump_a = a_->Dump();
  auto dump_b = b_->Dump();
  ASSERT_TRUE(dump_a.ok() && dump_b.ok());
  EXPECT_EQ(*dump_a, *dump_b);
  auto appts = b_->AllAppointments();
  ASSERT_TRUE(appts.ok());
  EXPECT_EQ(appts->size(), 10u) << "B holds its 4 appointments and A's 6";
  EXPECT_EQ(*b_->PendingCount(), 0);

  // A later gRPC sync of A has nothing to send nor to pull.
  auto again = sync::SyncOnce(*a_, Options(token_a_));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->pushed + again->pulled, 0);
}

TEST_P(SyncFileRoundTripTest, ReimportIsANoOpOnBothSides) {
  AddAppointments(*b_, 2);
  SyncB();
  AddAppointments(*a_, 3);
  ExportA("changes.bin");
  HubImportTo("changes.bin", "reponse.bin");
  const std::string hub_after_first = HubState();

  // The office imports the same file again: nothing changes at the hub.
  auto second = HubImport("changes.bin");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->changed, 0);
  EXPECT_EQ(HubState(), hub_after_first);

  auto first = ImportIntoA("reponse.bin");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const std::string dump = *a_->Dump();
  const uint64_t pull_cursor = *a_->store()->GetMetaInt("pull_cursor");
  auto re = ImportIntoA("reponse.bin");
  ASSERT_TRUE(re.ok()) << re.status().ToString();
  EXPECT_TRUE(re->already_imported);
  EXPECT_EQ(*a_->Dump(), dump);
  EXPECT_EQ(*a_->store()->GetMetaInt("pull_cursor"), pull_cursor);

  // The office's second response answers the same export: a no-op too.
  ASSERT_OK(sync::WriteChangeFile(dir_.File("reponse2.bin"), second->response));
  auto re2 = ImportIntoA("reponse2.bin");
  ASSERT_TRUE(re2.ok()) << re2.status().ToString();
  EXPECT_TRUE(re2->already_imported);
  EXPECT_EQ(*a_->Dump(), dump);
}

TEST_P(SyncFileRoundTripTest, StaleResponseIsRefused) {
  AddAppointments(*a_, 2);
  ExportA("changes1.bin");
  ExportA("changes2.bin");  // the same changes, another export
  HubImportTo("changes1.bin", "reponse1.bin");
  HubImportTo("changes2.bin", "reponse2.bin");
  auto first = ImportIntoA("reponse1.bin");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const std::string dump = *a_->Dump();
  // A's cursors moved since changes2.bin was written: its response is stale.
  auto stale = ImportIntoA("reponse2.bin");
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), common::StatusCode::kFailedPrecondition);
  EXPECT_NE(stale.status().message().find("périmée"), std::string::npos)
      << stale.status().message();
  EXPECT_EQ(*a_->Dump(), dump);
  // So is a response after a gRPC sync in between.
  AddAppointments(*a_, 1);
  ExportA("changes3.bin");
  HubImportTo("changes3.bin", "reponse3.bin");
  ASSERT_TRUE(sync::SyncOnce(*a_, Options(token_a_)).ok());
  auto after_grpc = ImportIntoA("reponse3.bin");
  ASSERT_FALSE(after_grpc.ok());
  EXPECT_EQ(after_grpc.status().code(), common::StatusCode::kFailedPrecondition);
}

TEST_P(SyncFileRoundTripTest, ManyBatchesAndPullPagesRoundTrip) {
  // More than one push batch (1000 records) and more than one pull page.
  AddAppointments(*b_, 1200);
  SyncB();
  AddAppointments(*a_, 1500);
  ExportA("changes.bin");
  auto imported = HubImport("changes.bin");
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_GE(imported->requests, 2);
  EXPECT_EQ(imported->pushed, 1501);
  ASSERT_OK(sync::WriteChangeFile(dir_.File("reponse.bin"), imported->response));
  auto applied = ImportIntoA("reponse.bin");
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(applied->pulled, 1201);
  EXPECT_FALSE(imported->more_to_pull);
  EXPECT_FALSE(applied->more_to_pull);
  SyncB();
  EXPECT_EQ(*a_->Dump(), *b_->Dump());
  EXPECT_EQ(*a_->PendingCount(), 0);
}

TEST_P(SyncFileRoundTripTest, ChangesMadeAfterExportStayPending) {
  AddAppointments(*a_, 2);
  ExportA("changes.bin");
  AddAppointments(*a_, 1);  // written after the export: not in the file
  HubImportTo("changes.bin", "reponse.bin");
  auto applied = ImportIntoA("reponse.bin");
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(*a_->PendingCount(), 1);
  auto s = sync::SyncOnce(*a_, Options(token_a_));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->pushed, 1);
  SyncB();
  EXPECT_EQ(*a_->Dump(), *b_->Dump());
}

TEST_P(SyncFileRoundTripTest, ResponseDoesNotCorrectTheReplicasClock) {
  // The office imports days after the export: the hub's clock reading in the
  // response says nothing about the house's clock.
  AddAppointments(*a_, 1);
  ExportA("changes.bin");
  const std::string offset_before = *a_->store()->GetMeta("clock_offset_ms");
  common::FakeClock office(common::SystemClock::Default()->NowMillis() + 3 * 86400 * 1000LL);
  auto imported = ImportChanges(*store_, office, HubServiceOptions{},
                                ReadAll(dir_.File("changes.bin")));
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  ASSERT_OK(sync::WriteChangeFile(dir_.File("reponse.bin"), imported->response));
  auto applied = ImportIntoA("reponse.bin");
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(*a_->store()->GetMeta("clock_offset_ms"), offset_before);
  EXPECT_EQ(*a_->PendingCount(), 0);
}

TEST_P(SyncFileRoundTripTest, NewHubEpochMeansSendEverythingAgain) {
  // A synced once over gRPC, then lost its link; the hub was restored (new
  // epoch) meanwhile. As over gRPC: A re-sends all it holds and pulls again.
  AddAppointments(*a_, 2);
  ASSERT_TRUE(sync::SyncOnce(*a_, Options(token_a_)).ok());
  ASSERT_OK(store_->RenewEpoch());
  AddAppointments(*b_, 1);
  SyncB();
  AddAppointments(*a_, 1);
  ExportA("changes1.bin");
  HubImportTo("changes1.bin", "reponse1.bin");
  auto first = ImportIntoA("reponse1.bin");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->resync);
  EXPECT_EQ(*a_->PendingCount(), 4) << "p1 and 3 appointments to send again";
  EXPECT_EQ(*a_->store()->GetMetaInt("pull_cursor"), 0u);
  auto again = ImportIntoA("reponse1.bin");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_imported);

  ExportA("changes2.bin");
  HubImportTo("changes2.bin", "reponse2.bin");
  auto second = ImportIntoA("reponse2.bin");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_FALSE(second->resync);
  EXPECT_EQ(*a_->PendingCount(), 0);
  SyncB();
  EXPECT_EQ(*a_->Dump(), *b_->Dump());
}

INSTANTIATE_TEST_SUITE_P(Stores, SyncFileRoundTripTest, relais::pgtest::AllStores(),
                         relais::pgtest::StoreName);

}  // namespace
}  // namespace relais::server::testing
