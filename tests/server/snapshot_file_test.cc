// Signed snapshot files (common/snapshot): honest files load; crafted ones
// (wrong key, a flipped byte anywhere, truncation, huge declared sizes,
// records of another site, wrong magic/version, an older epoch) are refused
// with a French error and nothing is loaded.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "common/snapshot/reader.h"
#include "tests/server/snapshot_fixture.h"

namespace relais::server::testing {
namespace {

using common::StatusCode;

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// Records in a replica file (0 if it cannot be opened).
int64_t RecordCount(const std::string& db) {
  auto r = common::Replica::Open(db);
  if (!r.ok()) return 0;
  auto all = (*r)->store()->ListAll();
  return all.ok() ? static_cast<int64_t>(all->size()) : 0;
}

class SnapshotFileTest : public SnapshotFixture {
 protected:
  // Expects `req` to be refused with `code` and a message containing
  // `words`, and no replica file to have been created.
  void ExpectRefused(const snap::BootstrapRequest& req, StatusCode code,
                     const std::string& words) {
    auto r = snap::InitFromSnapshot(req);
    ASSERT_FALSE(r.ok()) << "accepted: " << req.snapshot_path;
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    EXPECT_NE(r.status().message().find(words), std::string::npos) << r.status().ToString();
    EXPECT_FALSE(Exists(req.db_path)) << "a replica file was created for a refused snapshot";
  }
};

TEST_F(SnapshotFileTest, HonestSnapshotLoadsEveryRecordOfItsSite) {
  for (bool compress : {true, false}) {
    const std::string name = compress ? "s1.snap" : "s1-raw.snap";
    const std::string file = Snapshot({"S1"}, name, compress);
    auto req = Request(file, compress ? "new.db" : "new-raw.db");
    auto r = snap::InitFromSnapshot(req);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    // 40 appointments + practitioner p1, all at S1 (hand count).
    EXPECT_EQ(r->records, kS1Appointments + 1u);
    auto last = store_->LastSeq();
    ASSERT_TRUE(last.ok());
    EXPECT_EQ(r->cursor, *last);
    EXPECT_EQ(RecordCount(req.db_path), kS1Appointments + 1);
    auto rep = common::Replica::Open(req.db_path);
    ASSERT_TRUE(rep.ok());
    auto cursor = (*rep)->store()->GetMetaInt("pull_cursor");
    ASSERT_TRUE(cursor.ok());
    EXPECT_EQ(*cursor, *last);
    auto pending = (*rep)->store()->CountChangesSince(0);
    ASSERT_TRUE(pending.ok());
    EXPECT_EQ(*pending, 0) << "hub states must not be sent back";
  }
}

TEST_F(SnapshotFileTest, WrongKeyIsRefused) {
  const std::string file = Snapshot({"S1"}, "s1.snap");
  auto req = Request(file, "new.db");
  req.hub_key[0] ^= 1;
  ExpectRefused(req, StatusCode::kUnauthenticated, "signature de l'instantané invalide");
  snap::SigningKey other;
  crypto_sign_keypair(other.pub.data(), other.secret.data());
  req.hub_key = other.pub;
  ExpectRefused(req, StatusCode::kUnauthenticated, "autre hub");
}

TEST_F(SnapshotFileTest, AFlippedByteAnywhereIsRefused) {
  const std::string file = Snapshot({"S1"}, "s1.snap");
  const std::string good = ReadAll(file);
  ASSERT_GT(good.size(), 200u);
  const size_t header_end = snap::kPreambleBytes + snap::GetU32(good.data() + 12);
  // magic, version, header length, header, body start/middle/end, signature.
  const std::vector<std::pair<size_t, StatusCode>> cases = {
      {0, StatusCode::kDataLoss},
      {8, StatusCode::kFailedPrecondition},
      {13, StatusCode::kUnauthenticated},
      {18, StatusCode::kUnauthenticated},
      {header_end - 9, StatusCode::kUnauthenticated},
      {header_end, StatusCode::kUnauthenticated},
      {(header_end + good.size()) / 2, StatusCode::kUnauthenticated},
      {good.size() - 65, StatusCode::kUnauthenticated},
      {good.size() - 64, StatusCode::kUnauthenticated},
      {good.size() - 1, StatusCode::kUnauthenticated},
  };
  for (const auto& [at, code] : cases) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x20);
    const std::string path = dir_.File("flip.snap");
    WriteAll(path, bad);
    SCOPED_TRACE("octet " + std::to_string(at));
    auto r = snap::InitFromSnapshot(Request(path, "new.db"));
    ASSERT_FALSE(r.ok());
    // A header length pushed out of bounds is refused before the signature.
    if (at == 13 && r.status().code() == StatusCode::kDataLoss) continue;
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    EXPECT_FALSE(Exists(dir_.File("new.db")));
  }
  // The honest file still loads afterwards.
  auto ok = snap::InitFromSnapshot(Request(file, "new.db"));
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

TEST_F(SnapshotFileTest, TruncatedFileIsRefused) {
  const std::string file = Snapshot({"S1"}, "s1.snap");
  const std::string good = ReadAll(file);
  for (size_t keep : {size_t{0}, size_t{5}, size_t{15}, size_t{40}, good.size() / 2,
                      good.size() - 64, good.size() - 1}) {
    SCOPED_TRACE("gardés " + std::to_string(keep));
    const std::string path = dir_.File("cut.snap");
    WriteAll(path, good.substr(0, keep));
    auto r = snap::InitFromSnapshot(Request(path, "new.db"));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().code() == StatusCode::kDataLoss ||
                r.status().code() == StatusCode::kUnauthenticated)
        << r.status().ToString();
    EXPECT_FALSE(Exists(dir_.File("new.db")));
  }
}

TEST_F(SnapshotFileTest, WrongMagicOrVersionIsRefused) {
  WriteAll(dir_.File("foreign.snap"), "SQLite format 3\0 and then some bytes, not a snapshot");
  ExpectRefused(Request(dir_.File("foreign.snap"), "new.db"), StatusCode::kDataLoss,
                "n'est pas un instantané Relais");
  // A correctly signed file of a future format version.
  snap::Header h;
  h.compression = snap::Compression::kNone;
  h.sites = {"S1"};
  h.epoch = "e";
  std::string bytes = snap::EncodePreambleAndHeader(h);
  bytes[8] = 2;
  WriteAll(dir_.File("v2.snap"), Sign(bytes));
  ExpectRefused(Request(dir_.File("v2.snap"), "new.db"), StatusCode::kFailedPrecondition,
                "format 2 non pris en charge");
}

TEST_F(SnapshotFileTest, HugeDeclaredSizesAreRefusedBeforeAllocation) {
  snap::Header h;
  h.compression = snap::Compression::kNone;
  h.sites = {"S1"};
  h.epoch = "e";
  // Header length of 4 GiB in the preamble.
  std::string pre = snap::EncodePreambleAndHeader(h);
  pre[12] = pre[13] = pre[14] = pre[15] = static_cast<char>(0xff);
  WriteAll(dir_.File("hlen.snap"), Sign(pre));
  ExpectRefused(Request(dir_.File("hlen.snap"), "new.db"), StatusCode::kDataLoss,
                "longueur d'en-tête");
  // 2^40 records declared (signed: the checks after the signature hold too).
  std::string many = snap::EncodePreambleAndHeader(h);
  const size_t count_at = many.size() - 16;  // record_count, then created_ms
  many.replace(count_at, 8, std::string("\0\0\0\0\0\1\0\0", 8));
  WriteAll(dir_.File("count.snap"), Sign(many));
  ExpectRefused(Request(dir_.File("count.snap"), "new.db"), StatusCode::kDataLoss,
                "trop d'enregistrements");
  // One record declared 4 GiB long.
  h.record_count = 1;
  std::string body;
  snap::PutU32(&body, 0xfffffff0u);
  ExpectRefused(Request(Craft("len.snap", h, body + "xx"), "new.db"), StatusCode::kDataLoss,
                "hors bornes");
  // Fewer records than declared.
  h.record_count = 3;
  ExpectRefused(Request(Craft("few.snap", h, ""), "new.db"), StatusCode::kDataLoss, "tronqué");
}

TEST_F(SnapshotFileTest, RecordsOfAnotherSiteAreRefused) {
  // A snapshot of S2 for a replica of S1.
  ExpectRefused(Request(Snapshot({"S2"}, "s2.snap"), "new.db"), StatusCode::kInvalidArgument,
                "couvre les sites S2");
  // S1 and S2 for a replica whose token covers only S1; accepted when the
  // replica declares S2 in its scope.
  const std::string both = Snapshot({"S1", "S2"}, "s12.snap");
  ExpectRefused(Request(both, "new.db"), StatusCode::kInvalidArgument, "attend S1");
  auto req = Request(both, "new.db");
  req.scope = {"S2"};
  auto ok = snap::InitFromSnapshot(req);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->records, kS1Appointments + 1u + 8u);
  // A file whose header says S1 but that carries an S2 record (signed).
  Scope s2_scope;
  s2_scope.sites = {"S2"};
  auto s2 = store_->Pull(s2_scope, 0, 1, 1 << 20);
  ASSERT_TRUE(s2.ok() && s2->records.size() == 1u);
  snap::Header h;
  h.compression = snap::Compression::kNone;
  h.sites = {"S1"};
  h.epoch = "e";
  h.record_count = 1;
  const std::string rec = common::EncodeRecord(s2->records[0]);
  std::string body;
  snap::PutU32(&body, static_cast<uint32_t>(rec.size()));
  ExpectRefused(Request(Craft("mixed.snap", h, body + rec), "other.db"),
                StatusCode::kInvalidArgument, "site 'S2' hors des sites");
}

TEST_F(SnapshotFileTest, SnapshotOfAnOlderEpochIsRefused) {
  const std::string old_file = Snapshot({"S1"}, "old.snap");
  ASSERT_TRUE(store_->RenewEpoch().ok());  // the hub was restored from a backup
  auto epoch = store_->Epoch();
  ASSERT_TRUE(epoch.ok());
  const std::string new_file = Snapshot({"S1"}, "new.snap");
  // Known current epoch (e.g. asked of the hub): the old file is refused.
  auto req = Request(old_file, "a.db");
  req.expected_epoch = *epoch;
  ExpectRefused(req, StatusCode::kFailedPrecondition, "autre époque du hub");
  // A load of the new file interrupted, then the old file replayed on it.
  auto part = Request(new_file, "b.db");
  snap::BootstrapOptions stop;
  stop.batch_records = 10;
  stop.stop_after_batches = 1;
  auto r = snap::InitFromSnapshot(part, stop);
  ASSERT_EQ(r.status().code(), StatusCode::kAborted) << r.status().ToString();
  ASSERT_EQ(RecordCount(part.db_path), 10);
  auto replay = snap::InitFromSnapshot(Request(old_file, "b.db"));
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(replay.status().message().find("autre époque"), std::string::npos);
  EXPECT_EQ(RecordCount(part.db_path), 10) << "nothing of the old file may be loaded";
}

TEST_F(SnapshotFileTest, HubRefusesBadSiteArguments) {
  SnapshotRequest req;
  req.out_path = dir_.File("x.snap");
  req.key_path = key_path_;
  for (const std::vector<std::string>& sites :
       {std::vector<std::string>{}, std::vector<std::string>{"S 1"},
        std::vector<std::string>{"S1", std::string(65, 'a')},
        std::vector<std::string>{"S1\nFAUX"}}) {
    req.sites = sites;
    auto r = WriteSnapshot(*store_, req, *common::SystemClock::Default());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
  }
  std::vector<std::string> many;
  for (int i = 0; i < 65; ++i) many.push_back("S" + std::to_string(i));
  req.sites = many;
  EXPECT_EQ(WriteSnapshot(*store_, req, *common::SystemClock::Default()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_FALSE(Exists(req.out_path));
  // Duplicates are folded; a site without records gives an empty, valid file.
  req.sites = {"S9", "S1", "S9"};
  auto ok = WriteSnapshot(*store_, req, *common::SystemClock::Default());
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->records, kS1Appointments + 1u);
  auto v = snap::VerifyFile(req.out_path, Key().pub);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->header.sites, (std::vector<std::string>{"S1", "S9"}));
}

TEST_F(SnapshotFileTest, SigningKeyFileIsPrivateAndCheckedOnLoad) {
  Snapshot({"S1"}, "s1.snap");
  struct stat st {};
  ASSERT_EQ(::stat(key_path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // The public key round-trips through its text form.
  const snap::PublicKey pub = Key().pub;
  auto parsed = snap::ParsePublicKey("  " + snap::FormatPublicKey(pub) + "\n");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, pub);
  EXPECT_FALSE(snap::ParsePublicKey("relais-ed25519:AAAA").ok());
  EXPECT_FALSE(snap::ParsePublicKey(std::string(5000, 'A')).ok());
  // A key readable by others is not used.
  ASSERT_EQ(::chmod(key_path_.c_str(), 0644), 0);
  auto k = snap::LoadOrCreateSigningKey(key_path_);
  EXPECT_EQ(k.status().code(), StatusCode::kPermissionDenied);
  ASSERT_EQ(::chmod(key_path_.c_str(), 0600), 0);
  // A damaged key (its public half changed) is refused.
  std::string bytes = ReadAll(key_path_);
  bytes[40] ^= 1;
  WriteAll(key_path_, bytes);
  EXPECT_EQ(snap::LoadOrCreateSigningKey(key_path_).status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace relais::server::testing
