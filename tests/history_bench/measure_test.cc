// The file measurement and the census relais-history-bench relies on
// (tools/history_bench/measure.h, live.h): counts and bytes checked
// against what the replica itself lists, and hostile files refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/codec/record_json.h"
#include "common/model/record.h"
#include "common/replica/replica.h"
#include "common/storage/sqlite.h"
#include "tests/common/test_util.h"
#include "tools/history_bench/live.h"
#include "tools/history_bench/measure.h"

namespace relais::histbench {
namespace {

using common::StatusCode;
using common::testing::TempDir;
namespace fs = std::filesystem;

// A closed replica file at dir/r.db with one practitioner, `n`
// appointments and the first of them deleted.
std::string MakeReplica(const TempDir& dir, int n) {
  const std::string path = dir.File("r.db");
  EXPECT_TRUE(common::Replica::Init(path, kSite).ok());
  auto r = common::Replica::Open(path);
  EXPECT_TRUE(r.ok());
  EXPECT_OK((*r)->AddPractitioner("p1", "Dr Martin", "medecin"));
  std::string first;
  for (int i = 0; i < n; ++i) {
    common::NewAppointment a;
    a.practitioner = "p1";
    a.patient_name = "DURAND Léa";
    a.patient_birth = "1961-04-02";
    a.start = 1795000000 + 900 * i;
    auto added = (*r)->AddAppointment(a);
    EXPECT_TRUE(added.ok());
    if (i == 0 && added.ok()) first = added->first;
  }
  EXPECT_TRUE(
      (*r)->Write(common::Collection::kAppointment, first, {{common::kDeletedField, "1"}}).ok());
  return path;
}

TEST(MeasureDb, CountsAndBytesMatchTheReplica) {
  TempDir dir;
  const std::string path = MakeReplica(dir, 30);
  int64_t expected_state = 0, expected_records = 0;
  {
    auto r = common::Replica::Open(path);
    ASSERT_OK(r);
    auto all = (*r)->store()->ListAll();
    ASSERT_OK(all);
    for (const common::Record& rec : *all) {
      expected_state += static_cast<int64_t>(common::EncodeRecordJson(rec).size());
      ++expected_records;
    }
  }
  auto m = MeasureDb(path, dir.File("scratch.db"));
  ASSERT_OK(m);
  EXPECT_EQ(m->records, 31);  // 30 appointments + the practitioner
  EXPECT_EQ(m->records, expected_records);
  EXPECT_EQ(m->tombstones, 1);
  EXPECT_EQ(m->state_bytes, expected_state);
  EXPECT_EQ(m->bytes, static_cast<int64_t>(fs::file_size(path)));
  EXPECT_GT(m->vacuum_bytes, 0);
  EXPECT_LE(m->vacuum_bytes, m->bytes);
  EXPECT_FALSE(fs::exists(dir.File("scratch.db"))) << "the VACUUM copy is removed";
}

TEST(MeasureDb, MissingFileAndTakenScratchRefused) {
  TempDir dir;
  EXPECT_EQ(MeasureDb(dir.File("absent.db"), dir.File("s.db")).status().code(),
            StatusCode::kNotFound);
  const std::string path = MakeReplica(dir, 2);
  { std::ofstream(dir.File("s.db")) << "à garder"; }
  auto m = MeasureDb(path, dir.File("s.db"));
  EXPECT_EQ(m.status().code(), StatusCode::kAlreadyExists);
  std::ifstream in(dir.File("s.db"));
  std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(kept, "à garder");
}

TEST(MeasureDb, FileThatIsNotADatabaseRefused) {
  TempDir dir;
  { std::ofstream(dir.File("junk.db")) << std::string(5000, 'x'); }
  auto m = MeasureDb(dir.File("junk.db"), dir.File("s.db"));
  EXPECT_FALSE(m.ok());
  EXPECT_EQ(fs::file_size(dir.File("junk.db")), 5000u);
}

TEST(MeasureDb, TamperedStateIsDataLoss) {
  TempDir dir;
  const std::string path = MakeReplica(dir, 3);
  {
    auto db = common::Db::Open(path, false);
    ASSERT_OK(db);
    ASSERT_OK((*db)->Exec("UPDATE records SET state = '{\"c\":' WHERE rowid = "
                          "(SELECT max(rowid) FROM records)"));
  }
  auto m = MeasureDb(path, dir.File("s.db"));
  EXPECT_EQ(m.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(m.status().message().find("état illisible"), std::string::npos)
      << m.status().ToString();
}

TEST(Census, LiveRecordsOpenedAndTombstonesCounted) {
  TempDir dir;
  const std::string path = MakeReplica(dir, 4);
  auto r = common::Replica::Open(path);
  ASSERT_OK(r);
  auto c = TakeCensus(**r);
  ASSERT_OK(c);
  EXPECT_EQ(c->all, 5);
  EXPECT_EQ(c->tombstones, 1);
  ASSERT_EQ(c->live.size(), 4u);
  for (const auto& [key, view] : c->live) {
    EXPECT_EQ(view.count(common::field::kPatientIdx), 0u) << "derived, not copied";
    if (key.first == static_cast<int>(common::Collection::kAppointment)) {
      EXPECT_EQ(view.at(common::field::kPatientName), "DURAND Léa") << "opened, not sealed";
    }
  }
}

TEST(Census, UnreadableSealedValueIsDataLoss) {
  TempDir dir;
  const std::string path = MakeReplica(dir, 2);
  // Without the organisation key the sealed names cannot be opened: the
  // copy would not be the same data, so the census refuses.
  for (const auto& e : fs::directory_iterator(dir.path()))
    if (e.path().extension() == ".cle") fs::remove(e.path());
  auto r = common::Replica::Open(path);
  ASSERT_OK(r);
  EXPECT_EQ(TakeCensus(**r).status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace relais::histbench
