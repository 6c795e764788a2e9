// A new replica from a signed snapshot (relais init --from-snapshot), then
// relais sync against a real hub on loopback: it pulls only what changed
// after the snapshot and ends byte for byte equal (relais dump) to a
// replica that pulled everything; an interrupted load resumes, and sync
// refuses a half-loaded replica meanwhile.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/server/snapshot_fixture.h"

namespace relais::server::testing {

using relais::sync::SyncOnce;
namespace {

using common::StatusCode;
using relais::testing::RunRelaisCli;

class SnapshotSyncTest : public SnapshotFixture {
 protected:
  // `relais dump --db F`, which must succeed.
  std::string Dump(const std::string& db) {
    auto r = RunRelaisCli({"dump", "--db", dir_.File(db)});
    EXPECT_EQ(r.code, 0) << r.err;
    return r.out;
  }

  // A replica of S1 that pulled everything from the hub, for comparison.
  std::string FullPullDump() {
    auto full = NewReplica("full.db", "S1", 99);
    EXPECT_TRUE(full);
    if (!full) return "";
    auto r = SyncOnce(*full, Options(Enroll({"S1"}, "full")));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    full_pulled_ = r.ok() ? r->pulled : -1;
    return Dump("full.db");
  }

  // S1 keeps working after the snapshot: 3 new appointments and a check-in.
  void WritesAfterSnapshot() {
    AddAppointments(*writer_s1_, 3);
    auto appts = writer_s1_->store()->List(common::Collection::kAppointment);
    ASSERT_TRUE(appts.ok() && !appts->empty());
    ASSERT_TRUE(writer_s1_->Write(common::Collection::kAppointment, appts->front().id,
                                  {{"status", "checked_in"}})
                    .ok());
    auto r = SyncOnce(*writer_s1_, Options(s1_token_));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  int full_pulled_ = 0;
};

// The same over each hub store (SQLite, PostgreSQL): the snapshot pages
// through HubStore::Pull, whose cursor is a sequence or a horizon.
class SnapshotStoresTest : public SnapshotSyncTest,
                           public ::testing::WithParamInterface<pgtest::StoreKind> {
 protected:
  pgtest::StoreKind Kind() const override { return GetParam(); }
};

TEST_P(SnapshotStoresTest, SnapshotThenCatchUpEqualsAFullPull) {
  const std::string file = Snapshot({"S1"}, "s1.snap");
  WritesAfterSnapshot();
  const std::string pub = snap::FormatPublicKey(Key().pub);
  auto init = RunRelaisCli({"init", "--db", dir_.File("kiosk.db"), "--site", "S1",
                            "--from-snapshot", file, "--hub-key", pub});
  ASSERT_EQ(init.code, 0) << init.err;
  EXPECT_EQ(init.out.size(), 17u) << "stdout is the replica id alone: " << init.out;
  EXPECT_NE(init.err.find("41 enregistrements"), std::string::npos) << init.err;

  auto kiosk = common::Replica::Open(dir_.File("kiosk.db"));
  ASSERT_TRUE(kiosk.ok()) << kiosk.status().ToString();
  const std::string kiosk_token = Enroll({"S1"}, "kiosk");
  auto caught_up = SyncOnce(**kiosk, Options(kiosk_token));
  ASSERT_TRUE(caught_up.ok()) << caught_up.status().ToString();
  // Catch-up from the snapshot's sequence: the 3 new appointments and the
  // checked-in one, not the 41 records of the snapshot again.
  EXPECT_EQ(caught_up->pulled, 4);
  EXPECT_EQ(caught_up->pushed, 0);
  EXPECT_EQ(caught_up->resyncs, 0);

  const std::string full = FullPullDump();
  EXPECT_EQ(full_pulled_, kS1Appointments + 1 + 3);
  EXPECT_EQ(Dump("kiosk.db"), full);
  EXPECT_EQ(Dump("w-S1.db"), full);
  EXPECT_EQ(full.find("\"s\":\"S2\""), std::string::npos) << "S2 leaked into S1's replica";

  // A write at the new kiosk reaches the others through the hub.
  ASSERT_TRUE((*kiosk)->AddPractitioner("p9", "Dr Durand", "infirmier").ok());
  auto pushed = SyncOnce(**kiosk, Options(kiosk_token));
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  EXPECT_EQ(pushed->pushed, 1);
  auto back = SyncOnce(*writer_s1_, Options(s1_token_));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->pulled, 1);
  EXPECT_EQ(Dump("w-S1.db"), Dump("kiosk.db"));
}

INSTANTIATE_TEST_SUITE_P(Stores, SnapshotStoresTest, pgtest::AllStores(), pgtest::StoreName);

TEST_F(SnapshotSyncTest, KilledLoadResumesAndSyncWaitsForIt) {
  const std::string file = Snapshot({"S1"}, "s1.snap");
  auto req = Request(file, "kiosk.db");
  snap::BootstrapOptions stop;
  stop.batch_records = 10;
  stop.stop_after_batches = 2;  // as if killed after the second commit
  auto first = snap::InitFromSnapshot(req, stop);
  ASSERT_EQ(first.status().code(), StatusCode::kAborted) << first.status().ToString();

  // The half-loaded replica does not pass for a complete one.
  const std::string token = Enroll({"S1"}, "kiosk");
  {
    auto kiosk = common::Replica::Open(dir_.File("kiosk.db"));
    ASSERT_TRUE(kiosk.ok());
    auto s = SyncOnce(**kiosk, Options(token));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(s.status().message().find("relancez la même commande"), std::string::npos)
        << s.status().ToString();
    auto cursor = (*kiosk)->store()->GetMetaInt("pull_cursor");
    ASSERT_TRUE(cursor.ok());
    EXPECT_EQ(*cursor, 0u);
  }
  WritesAfterSnapshot();

  // The same command again finishes the load, from record 21.
  const std::string pub = snap::FormatPublicKey(Key().pub);
  const std::vector<std::string> cmd = {"init", "--db", dir_.File("kiosk.db"), "--site", "S1",
                                        "--from-snapshot", file, "--hub-key", pub};
  auto again = RunRelaisCli(cmd);
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.err.find("reprise après 20"), std::string::npos) << again.err;
  auto third = RunRelaisCli(cmd);
  ASSERT_EQ(third.code, 0) << third.err;
  EXPECT_NE(third.err.find("déjà initialisée"), std::string::npos) << third.err;
  EXPECT_EQ(third.out, again.out) << "same replica id";

  auto kiosk = common::Replica::Open(dir_.File("kiosk.db"));
  ASSERT_TRUE(kiosk.ok());
  auto s = SyncOnce(**kiosk, Options(token));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->pulled, 4);
  EXPECT_EQ(Dump("kiosk.db"), FullPullDump());
}

TEST_F(SnapshotSyncTest, HubCheckRefusesASnapshotOfAnOlderEpoch) {
  const std::string old_file = Snapshot({"S1"}, "old.snap");
  ASSERT_TRUE(store_->RenewEpoch().ok());  // the hub was restored from a backup
  const std::string new_file = Snapshot({"S1"}, "new.snap");
  const std::string token_file = dir_.File("kiosk.jeton");
  WriteAll(token_file, Enroll({"S1"}, "kiosk") + "\n");
  ASSERT_EQ(::chmod(token_file.c_str(), 0600), 0);
  const std::string pub = snap::FormatPublicKey(Key().pub);
  auto init = [&](const std::string& file) {
    return RunRelaisCli({"init", "--db", dir_.File("kiosk.db"), "--site", "S1",
                         "--from-snapshot", file, "--hub-key", pub, "--hub", address_,
                         "--token-file", token_file});
  };
  auto old = init(old_file);
  EXPECT_EQ(old.code, 1);
  EXPECT_NE(old.err.find("autre époque du hub"), std::string::npos) << old.err;
  {
    auto kiosk = common::Replica::Open(dir_.File("kiosk.db"));
    ASSERT_TRUE(kiosk.ok());
    auto all = (*kiosk)->store()->ListAll();
    ASSERT_TRUE(all.ok());
    EXPECT_TRUE(all->empty()) << "nothing of the old snapshot may be loaded";
  }
  // The current snapshot then loads into the same (still empty) file.
  auto fresh = init(new_file);
  ASSERT_EQ(fresh.code, 0) << fresh.err;
  auto kiosk = common::Replica::Open(dir_.File("kiosk.db"));
  ASSERT_TRUE(kiosk.ok());
  auto s = SyncOnce(**kiosk, Options(ReadAll(token_file).substr(0, 64)));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->pulled, 0);
  EXPECT_EQ(s->resyncs, 0);
}

TEST_F(SnapshotSyncTest, CommandLineRefusesMissingOrBadKeyAndUsedReplicas) {
  const std::string file = Snapshot({"S1"}, "s1.snap");
  auto none = RunRelaisCli({"init", "--db", dir_.File("k.db"), "--site", "S1",
                            "--from-snapshot", file});
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("--hub-key"), std::string::npos) << none.err;
  auto bad = RunRelaisCli({"init", "--db", dir_.File("k.db"), "--site", "S1",
                           "--from-snapshot", file, "--hub-key", "ssh-ed25519 AAAA"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("clé publique du hub invalide"), std::string::npos) << bad.err;
  // A replica already in service is not overwritten by a snapshot.
  const std::string pub = snap::FormatPublicKey(Key().pub);
  auto used = RunRelaisCli({"init", "--db", dir_.File("w-S1.db"), "--site", "S1",
                            "--from-snapshot", file, "--hub-key", pub});
  EXPECT_EQ(used.code, 1);
  EXPECT_NE(used.err.find("contient déjà des données"), std::string::npos) << used.err;
  // The key from a file works like the key on the command line.
  WriteAll(dir_.File("hub.pub"), pub + "\n");
  auto from_file = RunRelaisCli({"init", "--db", dir_.File("k.db"), "--site", "S1",
                                 "--from-snapshot", file, "--hub-key-file",
                                 dir_.File("hub.pub")});
  EXPECT_EQ(from_file.code, 0) << from_file.err;
}

}  // namespace
}  // namespace relais::server::testing
