// Adversarial inputs of the sync by file (issue #17): crafted or damaged
// change and response files are refused with a French message, nothing
// changes at the hub nor at the replica, and the honest file still works
// afterwards.

#include <sodium.h>

#include <cstdlib>
#include <iostream>
#include <random>

#include "common/snapshot/format.h"
#include "proto/sync.pb.h"
#include "tests/sync_file/sync_file_fixture.h"

namespace relais::server::testing {
namespace {

using common::StatusCode;

// Offsets inside a file (change_file.h): after magic, version, token id,
// the replica id's length byte and the id.
size_t CountOffset(const std::string& file) {
  const size_t id_len = static_cast<uint8_t>(file[28]);
  return 29 + id_len + 8 + 8 + 16;
}

// Recomputes the MAC with `token`'s key: what a token holder could forge.
void Reseal(std::string* file, const std::string& token) {
  const sync::FileKeys k = sync::KeysFromToken(token);
  file->resize(file->size() - sync::kMacBytes);
  unsigned char mac[crypto_auth_BYTES];
  crypto_auth(mac, reinterpret_cast<const unsigned char*>(file->data()), file->size(),
              k.mac_key.data());
  file->append(reinterpret_cast<const char*>(mac), sizeof(mac));
}

class SyncFileTamperTest : public SyncFileFixture {
 protected:
  void SetUp() override {
    SyncFileFixture::SetUp();
    if (HasFatalFailure()) return;
    AddAppointments(*b_, 2);
    SyncB();
    AddAppointments(*a_, 3);
    ExportA("changes.bin");
    honest_ = ReadAll(dir_.File("changes.bin"));
    hub_before_ = HubState();
  }

  // `bytes` as a change file is refused and the hub is unchanged.
  common::Status RefusedByHub(const std::string& bytes, const std::string& what) {
    WriteAll(dir_.File("evil.bin"), bytes);
    auto r = HubImport("evil.bin");
    EXPECT_FALSE(r.ok()) << what;
    EXPECT_EQ(HubState(), hub_before_) << what;
    return r.ok() ? common::Status::OK() : r.status();
  }

  // The honest file still goes through, and A converges with B.
  void HonestStillWorks() {
    HubImportTo("changes.bin", "reponse.bin");
    auto applied = ImportIntoA("reponse.bin");
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
    SyncB();
    EXPECT_EQ(*a_->Dump(), *b_->Dump());
    EXPECT_EQ(*a_->PendingCount(), 0);
  }

  std::string honest_;
  std::string hub_before_;
};

TEST_P(SyncFileTamperTest, FlippedByteAnywhereIsRefused) {
  const uint32_t seed = std::random_device{}();
  std::cerr << "seed " << seed << "\n";
  std::mt19937 rng(seed);
  std::vector<size_t> positions = {0, 8, 12, 28, 29, honest_.size() / 2, honest_.size() - 1};
  for (int i = 0; i < 40; ++i) positions.push_back(rng() % honest_.size());
  for (size_t pos : positions) {
    std::string bad = honest_;
    bad[pos] = static_cast<char>(bad[pos] ^ (1 + rng() % 255));
    common::Status s = RefusedByHub(bad, "octet " + std::to_string(pos));
    EXPECT_TRUE(s.code() == StatusCode::kDataLoss || s.code() == StatusCode::kUnauthenticated ||
                s.code() == StatusCode::kFailedPrecondition)
        << pos << ": " << s.ToString();
  }
  // A flipped body byte is caught by the MAC, in French.
  std::string bad = honest_;
  bad[honest_.size() - sync::kMacBytes - 3] ^= 0x20;
  common::Status s = RefusedByHub(bad, "corps");
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("altéré"), std::string::npos) << s.message();
  HonestStillWorks();
}

TEST_P(SyncFileTamperTest, TruncatedOrExtendedFileIsRefused) {
  for (size_t len : {size_t{0}, size_t{7}, size_t{20}, size_t{40}, honest_.size() / 2,
                     honest_.size() - sync::kMacBytes, honest_.size() - 1}) {
    common::Status s = RefusedByHub(honest_.substr(0, len), "tronqué à " + std::to_string(len));
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << len << ": " << s.ToString();
  }
  EXPECT_EQ(RefusedByHub(honest_ + "x", "rallongé").code(), StatusCode::kDataLoss);
  common::Status s = RefusedByHub("RELSNAP1 pas un fichier de changements", "autre format");
  EXPECT_NE(s.message().find("n'est pas un fichier de changements"), std::string::npos);
  HonestStillWorks();
}

TEST_P(SyncFileTamperTest, UnknownOrOtherTokenIsRefused) {
  // A token this hub never issued.
  ASSERT_TRUE(sync::ExportChanges(*a_, "jeton-inconnu-0123456789", dir_.File("x.bin")).ok());
  common::Status s = RefusedByHub(ReadAll(dir_.File("x.bin")), "jeton inconnu");
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("inconnu"), std::string::npos) << s.message();
  // B's token (bound to B) used for A's replica id.
  ASSERT_TRUE(sync::ExportChanges(*a_, token_b_, dir_.File("y.bin")).ok());
  s = RefusedByHub(ReadAll(dir_.File("y.bin")), "jeton d'une autre réplique");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s.ToString();
  HonestStillWorks();
}

TEST_P(SyncFileTamperTest, RevokedTokenIsRefused) {
  ASSERT_OK(store_->Revoke("", "maison-a"));
  hub_before_ = HubState();
  common::Status s = RefusedByHub(honest_, "jeton révoqué");
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("révoqué"), std::string::npos) << s.message();
}

TEST_P(SyncFileTamperTest, OversizeLengthsAreRefusedEvenWithAValidMac) {
  const size_t count_at = CountOffset(honest_);
  struct Edit {
    size_t offset;
    uint64_t value;
    int width;
  };
  // count, raw length, body length: past the bounds, then within them but
  // false. Each resealed with A's own token: the bounds hold for a token
  // holder too.
  for (const Edit& e : std::vector<Edit>{{count_at, 0, 4},
                                         {count_at, 0xFFFFFFFFu, 4},
                                         {count_at, 2, 4},
                                         {count_at + 4, uint64_t{1} << 40, 8},
                                         {count_at + 4, 1, 8},
                                         {count_at + 4, 5 << 20, 8},
                                         {count_at + 12, uint64_t{1} << 62, 8},
                                         {count_at + 12, 3, 8}}) {
    std::string bad = honest_;
    std::string v;
    if (e.width == 4)
      common::snapshot::PutU32(&v, static_cast<uint32_t>(e.value));
    else
      common::snapshot::PutU64(&v, e.value);
    bad.replace(e.offset, v.size(), v);
    Reseal(&bad, token_a_);
    common::Status s = RefusedByHub(bad, "longueur à " + std::to_string(e.offset));
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << e.offset << ": " << s.ToString();
  }
  HonestStillWorks();
}

TEST_P(SyncFileTamperTest, OtherReplicasIdIsRefused) {
  // A's file claiming B's replica id (same length: random hex ids).
  ASSERT_EQ(a_->replica_id().size(), b_->replica_id().size());
  std::string bad = honest_;
  bad.replace(29, b_->replica_id().size(), b_->replica_id());
  common::Status s = RefusedByHub(bad, "id de B, MAC d'origine");
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  // Resealed by A's token holder: the requests still name A.
  Reseal(&bad, token_a_);
  s = RefusedByHub(bad, "id de B, MAC refait");
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  // A whole file written for B's replica with A's token: the hub's identity
  // rule refuses it, as over gRPC.
  relais::sync::v1::SyncRequest req;
  ASSERT_TRUE(sync::BuildRequest(*b_, sync::SyncOptions{}, 0, 0, &req).ok());
  sync::ChangeFileHeader h;
  h.replica_id = b_->replica_id();
  auto forged = sync::EncodeChangeFile(h, {req.SerializeAsString()}, sync::KeysFromToken(token_a_));
  ASSERT_TRUE(forged.ok());
  s = RefusedByHub(*forged, "requête de B signée par A");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s.ToString();
  HonestStillWorks();
}

TEST_P(SyncFileTamperTest, TamperedOrMisdirectedResponseIsRefusedByTheReplica) {
  HubImportTo("changes.bin", "reponse.bin");
  const std::string response = ReadAll(dir_.File("reponse.bin"));
  const std::string dump_a = *a_->Dump();
  const std::string dump_b = *b_->Dump();
  auto unchanged = [&](const std::string& what) {
    EXPECT_EQ(*a_->Dump(), dump_a) << what;
    EXPECT_EQ(*a_->PendingCount(), 4) << what;
  };
  // Flipped byte, truncated.
  std::string bad = response;
  bad[response.size() / 2] ^= 0x01;
  WriteAll(dir_.File("bad.bin"), bad);
  auto r = ImportIntoA("bad.bin");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  unchanged("octet inversé");
  WriteAll(dir_.File("bad.bin"), response.substr(0, response.size() - 5));
  EXPECT_FALSE(ImportIntoA("bad.bin").ok());
  unchanged("tronqué");
  // A's change file given as a response.
  auto wrong_kind = ImportIntoA("changes.bin");
  ASSERT_FALSE(wrong_kind.ok());
  EXPECT_NE(wrong_kind.status().message().find("n'est pas une réponse"), std::string::npos);
  unchanged("mauvais type");
  // The response imported into B, with B's token, or with A's token.
  auto into_b = sync::ImportResponse(*b_, token_b_, dir_.File("reponse.bin"));
  ASSERT_FALSE(into_b.ok());
  EXPECT_EQ(into_b.status().code(), StatusCode::kPermissionDenied);
  auto into_b2 = sync::ImportResponse(*b_, token_a_, dir_.File("reponse.bin"));
  ASSERT_FALSE(into_b2.ok());
  EXPECT_EQ(into_b2.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(*b_->Dump(), dump_b);
  // The wrong token at A.
  auto wrong_token = sync::ImportResponse(*a_, token_b_, dir_.File("reponse.bin"));
  ASSERT_FALSE(wrong_token.ok());
  unchanged("mauvais jeton");
  // The honest response still applies.
  auto ok = ImportIntoA("reponse.bin");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  SyncB();
  EXPECT_EQ(*a_->Dump(), *b_->Dump());
}

TEST_P(SyncFileTamperTest, OversizeFileIsRefusedBeforeReading) {
  const std::string path = dir_.File("huge.bin");
  {
    std::ofstream out(path, std::ios::binary);
    out << honest_;
  }
  std::filesystem::resize_file(path, sync::kMaxChangeFileBytes + 1);  // sparse
  auto r = sync::ReadChangeFile(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("trop grand"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Stores, SyncFileTamperTest, relais::pgtest::AllStores(),
                         relais::pgtest::StoreName);

}  // namespace
}  // namespace relais::server::testing
