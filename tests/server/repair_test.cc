// `relais status`, `relais sync` and `relais repair` on a replica whose
// records table has a damaged page, against a real hub on 127.0.0.1: status
// says « réplique endommagée », sync refuses, repair keeps the file aside,
// rebuilds the replica under the same id from the hub (its own past writes
// included), brings back the readable pending change, and the replicas
// converge. The page to damage is found by reading the file's bytes (a
// table-leaf page holding an old, acknowledged record and not the pending
// one), not through the code under test.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/server/hub_fixture.h"
#include "tests/common/cli_run.h"

namespace relais::server {

using relais::sync::SyncOnce;
namespace {

namespace fs = std::filesystem;
using testing::AddAppointments;

using relais::testing::CliResult;
CliResult RunCli(std::vector<std::string> args) {
  return relais::testing::RunRelaisCli(std::move(args));
}

std::string Slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// 1-based number of a table-leaf page (type byte 0x0D) containing `want`
// and not `avoid`; 0 if none. Page size 4096 (SQLite's default).
int64_t LeafPageWith(const std::string& file, const std::string& want,
                     const std::string& avoid) {
  const std::string bytes = Slurp(file);
  for (size_t p = 1; (p + 1) * 4096 <= bytes.size(); ++p) {  // page 1 is the schema
    const std::string page = bytes.substr(p * 4096, 4096);
    if (page[0] == 0x0D && page.find(want) != std::string::npos &&
        page.find(avoid) == std::string::npos)
      return static_cast<int64_t>(p + 1);
  }
  return 0;
}

class RepairTest : public testing::HubFixture {};

TEST_F(RepairTest, DamagedReplicaIsRefusedThenRebuiltFromTheHub) {
  const std::string ta = Enroll({"S1"}, "a"), tb = Enroll({"S1"}, "b");
  const std::string path = dir_.File("a.db");
  auto a = NewReplica("a.db", "S1", 1);
  auto b = NewReplica("b.db", "S1", 2);
  ASSERT_TRUE(a && b);
  const std::string replica_id = a->replica_id();
  const std::vector<std::string> ids = AddAppointments(*a, 120);
  ASSERT_EQ(ids.size(), 120u);
  ASSERT_TRUE(SyncOnce(*a, Options(ta)).ok());
  ASSERT_TRUE(SyncOnce(*b, Options(tb)).ok());
  // One more appointment, written after the last sync: pending at a only.
  common::NewAppointment n;
  n.practitioner = "p1";
  n.patient_name = "Zoé Pendante";
  n.patient_birth = "1960-01-01";
  n.start = 1795000000 + 900 * 200;
  auto pending = a->AddAppointment(n);
  ASSERT_TRUE(pending.ok());
  const std::string pending_id = pending->first;
  a.reset();  // closes: the WAL is checkpointed into the file

  const int64_t page = LeafPageWith(path, ids[0], pending_id);
  ASSERT_GT(page, 0) << "no records page to damage";
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp((page - 1) * 4096);
    const std::string junk(4096, '\xff');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  const std::string tok = dir_.File("a.jeton");
  std::ofstream(tok) << ta << "\n";
  ::chmod(tok.c_str(), 0600);

  CliResult st = RunCli({"status", "--db", path});
  EXPECT_EQ(st.code, 1);
  EXPECT_NE(st.out.find("réplique endommagée"), std::string::npos) << st.out;
  EXPECT_NE(st.err.find("relais repair --db " + path), std::string::npos) << st.err;
  const std::string before = Slurp(path);
  CliResult sy = RunCli({"sync", "--db", path, "--hub", address_, "--token-file", tok});
  EXPECT_EQ(sy.code, 1);
  EXPECT_NE(sy.err.find("réplique endommagée"), std::string::npos) << sy.err;
  EXPECT_EQ(sy.out.find("envoyés"), std::string::npos) << "sync must not run";

  CliResult rp = RunCli({"repair", "--db", path, "--hub", address_, "--token-file", tok});
  ASSERT_EQ(rp.code, 0) << rp.out << rp.err;
  EXPECT_NE(rp.out.find("changements locaux non envoyés récupérés : 1"), std::string::npos)
      << rp.out;
  // The damaged file is kept aside, byte for byte, private.
  int aside = 0;
  for (const auto& e : fs::directory_iterator(dir_.path())) {
    const std::string name = e.path().filename().string();
    if (name.rfind("a.db.endommagee-", 0) != 0 || name.find("-wal") != std::string::npos ||
        name.find("-shm") != std::string::npos)
      continue;
    ++aside;
    EXPECT_EQ(Slurp(e.path().string()), before) << name;
    struct stat s {};
    ASSERT_EQ(::stat(e.path().c_str(), &s), 0);
    EXPECT_EQ(s.st_mode & 0777, 0600u) << name;
  }
  EXPECT_EQ(aside, 1);

  // Same replica id; every appointment back (its own past writes come from
  // the hub), the pending one included; then both replicas converge.
  auto fixed = common::Replica::Open(path);
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  EXPECT_EQ((*fixed)->replica_id(), replica_id);
  EXPECT_TRUE((*fixed)->store()->db()->QuickCheck().ok());
  for (const std::string& id : ids) {
    auto r = (*fixed)->Get(common::Collection::kAppointment, id);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->has_value()) << id;
  }
  ASSERT_TRUE(SyncOnce(*b, Options(tb)).ok());
  auto at_b = b->Get(common::Collection::kAppointment, pending_id);
  ASSERT_TRUE(at_b.ok());
  EXPECT_TRUE(at_b->has_value()) << "the recovered change reached the other replica";
  ASSERT_TRUE(SyncOnce(**fixed, Options(ta)).ok());
  EXPECT_EQ(*(*fixed)->Dump(), *b->Dump());
  CliResult ok = RunCli({"status", "--db", path});
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_EQ(ok.out.find("endommagée"), std::string::npos);
}

// Repair needs a token and a readable identity; a missing file is refused
// and nothing is moved.
TEST_F(RepairTest, RefusesWithoutTokenOrFile) {
  const std::string tok = dir_.File("t");
  std::ofstream(tok) << Enroll({"S1"}) << "\n";
  ::chmod(tok.c_str(), 0600);
  auto a = NewReplica("a.db", "S1");
  a.reset();
  CliResult none = RunCli({"repair", "--db", dir_.File("a.db"), "--hub", address_});
  EXPECT_EQ(none.code, 2) << none.err;
  CliResult missing =
      RunCli({"repair", "--db", dir_.File("absent.db"), "--hub", address_, "--token-file", tok});
  EXPECT_EQ(missing.code, 1);
  EXPECT_TRUE(fs::exists(dir_.File("a.db")));
}

}  // namespace
}  // namespace relais::server
