// Full disks on a REAL filesystem: each test mounts its own small tmpfs
// (tests/faults/small_disk.h), puts a database and its WAL there, fills the
// rest and checks that the kernel's ENOSPC becomes a clear error, that
// nothing acknowledged is lost, that the file passes integrity_check and
// that the same operation succeeds once space is freed. Each test first
// proves the disk really was full (a probe write gets ENOSPC). Needs root:
// without it the tests FAIL with the reason. Loopback only, bounded.
#include <gtest/gtest.h>

#include "common/codec/record_json.h"
#include "tests/faults/small_disk.h"
#include "tests/server/hub_fixture.h"

namespace relais::server {

using relais::sync::SyncOptions;
using relais::sync::SyncOnce;
namespace {

using common::Collection;
using common::Replica;
using common::StatusCode;
using common::testing::TempDir;
using relais::testing::SmallDisk;

constexpr int64_t kDiskBytes = 8 << 20;

using Items = std::vector<std::pair<std::string, std::map<std::string, std::string>>>;

Items Appointments(const std::string& prefix, int n, size_t note_bytes) {
  Items items;
  for (int i = 0; i < n; ++i)
    items.push_back({prefix + std::to_string(i),
                     {{"practitioner", "p1@S1"}, {"start", "1795500000"},
                      {"note", std::string(note_bytes, static_cast<char>('a' + i % 26))}}});
  return items;
}

bool IntegrityOk(const std::string& path) {
  auto db = common::Db::OpenReader(path);
  if (!db.ok()) return false;
  auto n = (*db)->QueryInt(
      "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check='ok'");
  return n.ok() && *n == 1;
}

class FullDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto disk = SmallDisk::Mount(dir_.path(), kDiskBytes);
    ASSERT_TRUE(disk.ok()) << disk.status().ToString();
    disk_ = std::move(disk).value();
  }
  void TearDown() override { StopHub(); }

  // An in-process hub over `path` on 127.0.0.1 (ephemeral port).
  void StartHub(const std::string& path) {
    auto store = SqliteHubStore::Open(path, true);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    service_ = std::make_unique<HubService>(*store_, *common::SystemClock::Default(),
                                            HubServiceOptions{2000, 1000, 2 << 20, &log_});
    auto running = StartHubServer(service_.get(), ServerOptions{"127.0.0.1:0", "", "", 16 << 20});
    ASSERT_TRUE(running.ok()) << running.status().ToString();
    running_ = std::move(running).value();
  }
  void StopHub() {
    if (running_.server) running_.server->Shutdown();
    running_.server.reset();
    service_.reset();
    store_.reset();
  }
  std::string Enroll() {
    TokenInfo info;
    const std::string token = *GenerateToken();
    info.token_hash = HashToken(token);
    info.sites = {"S1"};
    EXPECT_TRUE(store_->AddToken(info).ok());
    return token;
  }
  std::unique_ptr<Replica> NewReplica(const std::string& path) {
    EXPECT_TRUE(Replica::Init(path, "S1").ok());
    auto r = Replica::Open(path);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : nullptr;
  }
  SyncOptions Options(const std::string& token) const {
    SyncOptions o;
    o.hub = "127.0.0.1:" + std::to_string(running_.port);
    o.token = token;
    o.deadline_ms = 10000;
    o.push_batch_records = 50;
    o.pull_batch_records = 50;
    return o;
  }
  // The disk is really full: a 64 KiB write gets ENOSPC.
  void ExpectDiskFull() {
    EXPECT_EQ(disk_->ProbeWrite(64 << 10), ENOSPC)
        << "le disque n'était pas plein: la panne n'a pas eu lieu (libre: "
        << disk_->FreeBytes() << " octets)";
  }
  static void ExpectClearDiskFull(const common::Status& s) {
    EXPECT_EQ(s.code(), StatusCode::kResourceExhausted) << s.ToString();
    EXPECT_NE(s.message().find("disque plein"), std::string::npos) << s.ToString();
  }

  TempDir dir_;
  std::unique_ptr<SmallDisk> disk_;  // unmounted after the hub closes its files
  std::ostringstream log_;
  std::unique_ptr<SqliteHubStore> store_;
  std::unique_ptr<HubService> service_;
  RunningServer running_;
};

// The hub's database and WAL on a tmpfs that fills during a push of ~600 KB:
// the replica gets RESOURCE_EXHAUSTED « disque plein », every batch the hub
// acknowledged is there byte for byte, and the push completes once the
// filler is deleted.
TEST_F(FullDiskTest, FullDiskAtTheHubIsAClearErrorAndRetrySucceeds) {
  const std::string hub_db = disk_->File("hub.db");
  StartHub(hub_db);
  auto a = NewReplica(dir_.File("a.db"));
  ASSERT_NE(a, nullptr);
  const std::string ta = Enroll();
  ASSERT_TRUE(a->AddPractitioner("p1", "Dr Un", "medecin").ok());
  ASSERT_TRUE(SyncOnce(*a, Options(ta)).ok());
  ASSERT_TRUE(a->WriteBatch(Collection::kAppointment, Appointments("rdv-big-", 400, 1500)).ok());
  ASSERT_TRUE(disk_->FillLeaving(256 << 10).ok());
  ASSERT_LE(disk_->FreeBytes(), 256 << 10);

  auto r = SyncOnce(*a, Options(ta));
  ASSERT_FALSE(r.ok()) << "la poussée a tenu dans 256 Kio: le disque n'a pas été rempli";
  ExpectClearDiskFull(r.status());
  ExpectDiskFull();
  // Nothing acknowledged that was not stored; what was acknowledged is kept.
  const uint64_t acked = *a->store()->GetMetaInt("push_cursor");
  EXPECT_GT(*a->PendingCount(), 0);
  auto changes = a->store()->ChangesSince(0, 100000, 1 << 30);
  ASSERT_TRUE(changes.ok());
  int checked = 0;
  for (const auto& c : *changes) {
    if (c.seq > acked) break;
    auto at_hub = store_->Get(c.record.site_id, c.record.collection, c.record.id);
    ASSERT_TRUE(at_hub.ok()) << at_hub.status().ToString();
    ASSERT_TRUE(at_hub->has_value()) << "acquitté puis perdu: " << c.record.id;
    EXPECT_EQ(common::EncodeRecordJson((*at_hub)->record), common::EncodeRecordJson(c.record));
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(acked));
  EXPECT_TRUE(IntegrityOk(hub_db));

  ASSERT_TRUE(disk_->Free().ok());  // space freed
  auto retry = SyncOnce(*a, Options(ta));
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_EQ(*a->PendingCount(), 0);
  EXPECT_TRUE(IntegrityOk(hub_db));
  auto hub = common::Db::OpenReader(hub_db);
  ASSERT_TRUE(hub.ok());
  EXPECT_EQ(*(*hub)->QueryInt("SELECT count(*) FROM records"), 401);
}

// A replica on a tmpfs that fills while it pulls 300 records in batches of
// 50: the batches that fitted are committed with their cursor, the one that
// did not leaves no trace, the replica's own pending write survives, and
// the next sync converges once space is freed.
TEST_F(FullDiskTest, FullDiskAtTheReplicaDuringPullLosesNothing) {
  StartHub(dir_.File("hub.db"));
  auto a = NewReplica(dir_.File("a.db"));
  ASSERT_NE(a, nullptr);
  const std::string ta = Enroll(), tb = Enroll();
  ASSERT_TRUE(a->AddPractitioner("p1", "Dr Un", "medecin").ok());
  ASSERT_TRUE(a->WriteBatch(Collection::kAppointment, Appointments("rdv-", 300, 1000)).ok());
  ASSERT_TRUE(SyncOnce(*a, Options(ta)).ok());
  auto b = NewReplica(disk_->File("b.db"));
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(b->AddPractitioner("p2", "Dr Deux", "infirmier").ok());
  ASSERT_TRUE(disk_->FillLeaving(160 << 10).ok());

  auto r = SyncOnce(*b, Options(tb));
  ASSERT_FALSE(r.ok()) << "le tirage a tenu dans 160 Kio: le disque n'a pas été rempli";
  ExpectClearDiskFull(r.status());
  ExpectDiskFull();
  const size_t kept = b->store()->ListAll()->size();
  EXPECT_GT(kept, 2u);    // the batches that fitted were committed...
  EXPECT_LT(kept, 303u);  // ...and the one that did not left no trace
  EXPECT_GT(*b->store()->GetMetaInt("pull_cursor"), 0u);
  auto p2 = b->Get(Collection::kPractitioner, "p2@S1");
  ASSERT_TRUE(p2.ok() && p2->has_value()) << "écriture locale perdue";
  EXPECT_TRUE(IntegrityOk(disk_->File("b.db")));

  ASSERT_TRUE(disk_->Free().ok());
  auto retry = SyncOnce(*b, Options(tb));
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  ASSERT_TRUE(SyncOnce(*a, Options(ta)).ok());
  EXPECT_EQ(*a->Dump(), *b->Dump());
  EXPECT_EQ(*b->PendingCount(), 0);
  EXPECT_TRUE(IntegrityOk(disk_->File("b.db")));
}

// The kiosk keeps writing on a filling disk: every write that returned OK
// is still there after a reopen, the first refused one says « disque
// plein », and writing works again once space is freed.
TEST_F(FullDiskTest, LocalWritesOnAFullDiskKeepEveryAcknowledgedWrite) {
  const std::string path = disk_->File("k.db");
  auto rep = NewReplica(path);
  ASSERT_NE(rep, nullptr);
  ASSERT_TRUE(rep->AddPractitioner("p1", "Dr Martin", "medecin").ok());
  ASSERT_TRUE(disk_->FillLeaving(96 << 10).ok());
  std::vector<std::string> acknowledged;
  common::Status last;
  for (int i = 0; i < 400 && last.ok(); ++i) {
    common::NewAppointment appt;
    appt.practitioner = "p1";
    appt.patient_name = "Patient " + std::to_string(i) + std::string(800, 'x');
    appt.start = 1790000000 + i * 900;
    auto added = rep->AddAppointment(appt);
    last = added.ok() ? common::Status::OK() : added.status();
    if (added.ok()) acknowledged.push_back(added->first);
  }
  ASSERT_FALSE(last.ok()) << "400 rendez-vous ont tenu dans 96 Kio: disque non rempli";
  ExpectClearDiskFull(last);
  ExpectDiskFull();
  EXPECT_GT(acknowledged.size(), 0u);
  rep.reset();
  EXPECT_TRUE(IntegrityOk(path));
  ASSERT_TRUE(disk_->Free().ok());
  rep = std::move(Replica::Open(path)).value();
  for (const std::string& id : acknowledged) {
    auto got = rep->Get(Collection::kAppointment, id);
    ASSERT_TRUE(got.ok() && got->has_value()) << "écriture acquittée perdue: " << id;
  }
  EXPECT_EQ(rep->AllAppointments()->size(), acknowledged.size());
  common::NewAppointment appt;
  appt.practitioner = "p1";
  appt.patient_name = "Après";
  appt.start = 1791000000;
  EXPECT_TRUE(rep->AddAppointment(appt).ok());
}

// ENOSPC does not always surface as SQLITE_FULL: opening a WAL database on
// a disk with no free page fails when SQLite sizes its -shm index, with
// SQLITE_IOERR_SHMSIZE. That must read « disque plein » too, not INTERNAL.
TEST_F(FullDiskTest, EnospcSeenAsAnIoErrorIsStillDiskFull) {
  const std::string path = disk_->File("o.db");
  ASSERT_NE(NewReplica(path), nullptr);  // closed: the -shm file is gone
  ASSERT_TRUE(disk_->FillLeaving(0).ok());
  ASSERT_EQ(disk_->FreeBytes(), 0);
  ExpectDiskFull();
  auto db = common::Db::Open(path, false);
  ASSERT_FALSE(db.ok()) << "ouverture réussie sur un disque plein: rien n'a été testé";
  ExpectClearDiskFull(db.status());
  EXPECT_NE(db.status().message().find("ENOSPC"), std::string::npos) << db.status().ToString();
  ASSERT_TRUE(disk_->Free().ok());
  EXPECT_TRUE(IntegrityOk(path));
  auto rep = Replica::Open(path);
  EXPECT_TRUE(rep.ok()) << rep.status().ToString();
}

}  // namespace
}  // namespace relais::server
