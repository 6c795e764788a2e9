// Replica sealing (issue #15): writes store sealed values, reads open them,
// clear values migrate in place, a replica without the key stays usable.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto/seal.h"
#include "common/replica/replica.h"
#include "common/storage/replica_store.h"
#include "tests/common/test_util.h"

namespace relais::common {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

const char kName[] = "Zéphyrine Quatremains";
const char kBirth[] = "1937-04-12";

class SealedReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("a.db");
    ASSERT_OK(Replica::Init(path_, "S1"));
    rep_ = Open(path_);
    ASSERT_TRUE(rep_);
    ASSERT_OK(rep_->AddPractitioner("p1", "Dr Martin", "medecin"));
  }
  std::unique_ptr<Replica> Open(const std::string& path) {
    auto r = Replica::Open(path, &clock_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : nullptr;
  }
  std::string AddZephyrine(Replica& r) {
    NewAppointment a;
    a.practitioner = "p1";
    a.patient_name = kName;
    a.patient_birth = kBirth;
    a.note = "rappeler la fille";
    a.start = *ParseParisDateTime("2026-11-24T09:00");
    auto added = r.AddAppointment(a);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->first : "";
  }
  static std::string ReadAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  TempDir dir_;
  std::string path_;
  FakeClock clock_{1795000000000};
  std::unique_ptr<Replica> rep_;
};

TEST_F(SealedReplicaTest, StoredSealedReadOpenedAndKeyFileIs0600BesideTheDb) {
  const std::string id = AddZephyrine(*rep_);
  auto rec = rep_->Get(Collection::kAppointment, id);
  ASSERT_OK(rec);
  const FieldView stored = View(**rec);
  for (const char* f : {field::kPatientName, field::kPatientBirth, field::kNote}) {
    EXPECT_TRUE(crypto::LooksSealed(stored.at(f))) << f << "=" << stored.at(f);
  }
  EXPECT_FALSE(stored.at(field::kPatientIdx).empty());
  const std::string dump = *rep_->Dump();
  EXPECT_EQ(dump.find("Quatremains"), std::string::npos);
  EXPECT_EQ(dump.find(kBirth), std::string::npos);
  EXPECT_NE(rep_->DumpClear()->find("Quatremains"), std::string::npos);
  auto all = rep_->AllAppointments();
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].patient_name, kName);
  EXPECT_EQ((*all)[0].patient_birth, kBirth);
  EXPECT_EQ((*all)[0].note, "rappeler la fille");
  // The SQLite file itself (checkpointed) holds no clear name.
  rep_.reset();
  EXPECT_EQ(ReadAll(path_).find("Quatremains"), std::string::npos);
  struct stat st;
  ASSERT_EQ(::stat(dir_.File("relais-S1.cle").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // The key is not inside the replica file.
  auto ring = crypto::LoadKeyFile(dir_.File("relais-S1.cle"), "S1");
  ASSERT_OK(ring);
  EXPECT_EQ(ReadAll(path_).find(crypto::B64(ring->current().master.data(), 32)),
            std::string::npos);
}

TEST_F(SealedReplicaTest, RewritingTheSameClearValueChangesNothing) {
  const std::string id = AddZephyrine(*rep_);
  const int64_t before = *rep_->PendingCount();
  const Record r0 = **rep_->Get(Collection::kAppointment, id);
  ASSERT_OK(rep_->Write(Collection::kAppointment, id, {{field::kPatientName, kName}}));
  const Record r1 = **rep_->Get(Collection::kAppointment, id);
  EXPECT_EQ(r0.vv, r1.vv);
  EXPECT_EQ(*rep_->PendingCount(), before);
  // A status change carries no patient field and does not touch them.
  ASSERT_OK(rep_->SetStatus(id, "no_show"));
  const Record r2 = **rep_->Get(Collection::kAppointment, id);
  EXPECT_EQ(View(r2).at(field::kPatientName), View(r0).at(field::kPatientName));
}

TEST_F(SealedReplicaTest, ClearInputThatLooksSealedOrIsTooLongIsRefused) {
  NewAppointment a;
  a.practitioner = "p1";
  a.patient_name = std::string(kSealedPrefix) + "00000000:AAAA";
  a.patient_birth = kBirth;
  a.start = *ParseParisDateTime("2026-11-24T09:00");
  EXPECT_EQ(rep_->AddAppointment(a).status().code(), StatusCode::kInvalidArgument);
  a.patient_name = "X";
  a.note = std::string(kMaxSealedClearLen + 1, 'n');
  EXPECT_EQ(rep_->AddAppointment(a).status().code(), StatusCode::kInvalidArgument);
  a.note = std::string(kMaxSealedClearLen, 'n');
  EXPECT_OK(rep_->AddAppointment(a));
  // The index is computed, never typed.
  const std::string id = AddZephyrine(*rep_);
  EXPECT_EQ(rep_->Write(Collection::kAppointment, id, {{field::kPatientIdx, ""}})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST_F(SealedReplicaTest, AnotherOrganisationsKeyShowsUnreadableNeverTheSealedText) {
  const std::string id = AddZephyrine(*rep_);
  rep_.reset();
  // The replica file handed to another directory, whose key is another one.
  fs::create_directory(dir_.File("ailleurs"));
  const std::string other = dir_.File("ailleurs/a.db");
  fs::copy_file(path_, other);
  ASSERT_OK(crypto::SaveKeyFile(dir_.File("ailleurs/relais-S1.cle"),
                                *crypto::Keyring::Generate("S1"), false));
  auto thief = Open(other);
  ASSERT_TRUE(thief);
  auto all = thief->AllAppointments();
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].patient_name, kUnreadable);
  EXPECT_EQ((*all)[0].patient_birth, kUnreadable);
  EXPECT_EQ(thief->DumpClear()->find("Quatremains"), std::string::npos);
  EXPECT_TRUE(thief->BlindIndexes("zep", kBirth).size() == 1 &&
              thief->BlindIndexes("zep", kBirth)[0] != (*all)[0].patient_idx);
  (void)id;
}

TEST_F(SealedReplicaTest, WithoutKeyButSealedValuesNoKeyIsCreatedAndSyncFieldsStillWrite) {
  const std::string id = AddZephyrine(*rep_);
  rep_.reset();
  fs::remove(dir_.File("relais-S1.cle"));
  auto r = Open(path_);
  ASSERT_TRUE(r);
  EXPECT_FALSE(fs::exists(dir_.File("relais-S1.cle")));
  const Replica::KeyState k = r->key_state();
  EXPECT_FALSE(k.has_key);
  EXPECT_NE(k.problem.find("relais key import"), std::string::npos) << k.problem;
  EXPECT_EQ((*r->AllAppointments())[0].patient_name, kUnreadable);
  EXPECT_OK(r->SetStatus(id, "checked_in"));
  EXPECT_EQ(r->Write(Collection::kAppointment, id, {{field::kNote, "x"}}).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(SealedReplicaTest, ClearValuesOfAnOlderReplicaAreSealedInPlaceOnOpen) {
  // An older replica: its records hold clear patient values.
  rep_.reset();
  fs::remove(dir_.File("relais-S1.cle"));
  {
    auto store = ReplicaStore::Open(path_, false);
    ASSERT_OK(store);
    Record r;
    r.collection = Collection::kAppointment;
    r.id = "rdv-ancien";
    r.site_id = "S1";
    ApplyLocalWrite(&r, "0123456789abcdef", 1,
                    {{field::kPractitioner, "p1@S1"},
                     {field::kStart, "1795510800"},
                     {field::kPatientName, kName},
                     {field::kPatientBirth, kBirth}});
    Transaction tx((*store)->db());
    ASSERT_OK((*store)->PutLocal(r));
    ASSERT_OK(tx.Commit());
  }
  auto r = Open(path_);
  ASSERT_TRUE(r);
  EXPECT_TRUE(fs::exists(dir_.File("relais-S1.cle")));  // upgraded: key created
  auto rec = r->Get(Collection::kAppointment, "rdv-ancien");
  ASSERT_OK(rec);
  const FieldView stored = View(**rec);
  EXPECT_TRUE(crypto::LooksSealed(stored.at(field::kPatientName)));
  EXPECT_TRUE(crypto::LooksSealed(stored.at(field::kPatientBirth)));
  EXPECT_EQ(stored.at(field::kPatientIdx), r->BlindIndexes("ZEP", kBirth)[0]);
  EXPECT_EQ((*r->AllAppointments())[0].patient_name, kName);
  // An ordinary local write by this replica: it will be pushed.
  EXPECT_EQ((**rec).fields.at(field::kPatientName)[0].dot.replica, r->replica_id());
  EXPECT_EQ(*r->SealClearValues(), 0);  // nothing left
}

TEST_F(SealedReplicaTest, RotationExportImportAndASecondReplicaInAnotherDirectory) {
  const std::string id = AddZephyrine(*rep_);
  const std::string old_kid = rep_->key_state().current_key_id;
  ASSERT_OK(rep_->RotateKey());
  EXPECT_NE(rep_->key_state().current_key_id, old_kid);
  ASSERT_OK(rep_->Write(Collection::kAppointment, id, {{field::kNote, "après rotation"}}));
  const FieldView stored = View(**rep_->Get(Collection::kAppointment, id));
  EXPECT_EQ(crypto::SealedKeyId(stored.at(field::kNote)), rep_->key_state().current_key_id);
  EXPECT_EQ(crypto::SealedKeyId(stored.at(field::kPatientName)), old_kid);
  EXPECT_EQ((*rep_->AllAppointments())[0].patient_name, kName);

  // Another directory joins with the exported key.
  const std::string text = *crypto::ExportKeyFile(*rep_->keyring(), "phrase de passe longue");
  auto ring = crypto::ImportKeyFile(text, "phrase de passe longue");
  ASSERT_OK(ring);
  fs::create_directory(dir_.File("b"));
  ASSERT_OK(Replica::Init(dir_.File("b/b.db"), "S1", &*ring));
  auto b = Open(dir_.File("b/b.db"));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->key_state().current_key_id, rep_->key_state().current_key_id);
  // A key of another site, or one that would orphan existing values, is refused.
  auto s2 = *crypto::Keyring::Generate("S2");
  EXPECT_EQ(Replica::Init(dir_.File("b/c.db"), "S1", &s2).status().code(),
            StatusCode::kInvalidArgument);
  auto stranger = *crypto::Keyring::Generate("S1");
  EXPECT_EQ(b->ImportKey(stranger).code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(fs::exists(dir_.File("b/c.db")));
}

}  // namespace
}  // namespace relais::common
