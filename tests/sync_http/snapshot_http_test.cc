// `relais init --from-snapshot F --hub H --http-hub A [--transport T]`
// (issue #17): the hub check before loading goes over HTTP/1.1 when gRPC
// does not pass, as `relais sync` does, and the first `relais sync` then
// catches up over the HTTP endpoint; hostile option values are refused
// before any file is created.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "common/snapshot/signing_key.h"
#include "server/hub_snapshot.h"
#include "tests/common/cli_run.h"
#include "tests/sync_http/http_fixture.h"

namespace relais::server::testing {
namespace {

using relais::sync::SyncOnce;
using relais::testing::RunRelaisCli;
namespace snap = common::snapshot;

// Nothing listens there: gRPC fails with UNAVAILABLE, as behind a proxy
// that blocks HTTP/2.
constexpr char kDeadGrpc[] = "127.0.0.1:1";

class SnapshotHttpTest : public HttpHub {
 protected:
  void SetUp() override {
    HttpHub::SetUp();
    if (HasFatalFailure()) return;
    writer_token_ = Enroll({"S1"}, "secretariat");
    writer_ = NewReplica("secretariat.db", "S1", 3);
    AddAppointments(*writer_, 5);
    auto r = SyncOnce(*writer_, TlsOptions(writer_token_));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    SnapshotRequest req;
    req.sites = {"S1"};
    req.out_path = dir_.File("s1.snap");
    req.key_path = dir_.File("hub-sign.key");
    auto written = WriteSnapshot(*store_, req, *common::SystemClock::Default());
    ASSERT_TRUE(written.ok()) << written.status().ToString();
    auto key = snap::LoadOrCreateSigningKey(req.key_path);
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    pub_ = snap::FormatPublicKey(key->pub);
    token_file_ = TokenFile("kiosk");
  }

  // A file (0600) holding a new token of S1: one per new replica (a token
  // is bound to the first replica that uses it).
  std::string TokenFile(const std::string& name) {
    const std::string path = dir_.File(name + ".jeton");
    std::ofstream(path) << Enroll({"S1"}, name) << "\n";
    EXPECT_EQ(::chmod(path.c_str(), 0600), 0);
    return path;
  }

  // relais init --from-snapshot with the hub check and `extra` options.
  relais::testing::CliResult Init(const std::string& db, std::vector<std::string> extra,
                                  const std::string& token_file = "") {
    std::vector<std::string> args = {"init",      "--db",     dir_.File(db), "--site",
                                     "S1",        "--from-snapshot", dir_.File("s1.snap"),
                                     "--hub-key", pub_,       "--ca",  dir_.File("trust.pem"),
                                     "--token-file",
                                     token_file.empty() ? token_file_ : token_file};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunRelaisCli(args);
  }

  std::string writer_token_;
  std::unique_ptr<common::Replica> writer_;
  std::string pub_, token_file_;
};

TEST_F(SnapshotHttpTest, ProbeFallsBackToHttpThenSyncCatchesUpOverHttp) {
  // Work after the snapshot: the catch-up must bring exactly this.
  AddAppointments(*writer_, 2);
  ASSERT_TRUE(SyncOnce(*writer_, TlsOptions(writer_token_)).ok());

  auto init = Init("kiosk.db", {"--hub", kDeadGrpc, "--http-hub", http_address_});
  ASSERT_EQ(init.code, 0) << init.err;
  EXPECT_NE(init.err.find("instantané chargé"), std::string::npos) << init.err;
  {
    auto st = common::ReplicaStore::Open(dir_.File("kiosk.db"), false);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    EXPECT_EQ(*(*st)->GetMeta(sync::kSyncTransportMeta), "http")
        << "the probe answered over HTTP: remembered for the first sync";
  }
  auto synced = RunRelaisCli({"sync", "--db", dir_.File("kiosk.db"), "--hub", kDeadGrpc,
                              "--http-hub", http_address_, "--ca", dir_.File("trust.pem"),
                              "--token-file", token_file_});
  ASSERT_EQ(synced.code, 0) << synced.err;
  EXPECT_NE(synced.out.find("transport: http"), std::string::npos) << synced.out;
  // Oracle: the writer's own dump (it wrote every record).
  auto mine = RunRelaisCli({"dump", "--db", dir_.File("secretariat.db")});
  auto theirs = RunRelaisCli({"dump", "--db", dir_.File("kiosk.db")});
  ASSERT_EQ(mine.code, 0) << mine.err;
  EXPECT_EQ(theirs.out, mine.out);
  auto appts = common::Replica::Open(dir_.File("kiosk.db"));
  ASSERT_TRUE(appts.ok());
  EXPECT_EQ((*appts)->AllAppointments()->size(), 7u);

  // --transport http: straight to the HTTP endpoint (another new replica).
  auto forced = Init("kiosk2.db", {"--hub", kDeadGrpc, "--http-hub", http_address_,
                                   "--transport", "http"},
                     TokenFile("kiosk2"));
  EXPECT_EQ(forced.code, 0) << forced.err;
  // --transport grpc never falls back: the dead gRPC address fails, nothing
  // is loaded.
  auto grpc_only = Init("kiosk3.db", {"--hub", kDeadGrpc, "--http-hub", http_address_,
                                      "--transport", "grpc"},
                        TokenFile("kiosk3"));
  EXPECT_EQ(grpc_only.code, 1) << grpc_only.err;
  EXPECT_NE(grpc_only.err.find("injoignable"), std::string::npos) << grpc_only.err;
  auto empty = common::Replica::Open(dir_.File("kiosk3.db"));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE((*empty)->store()->ListAll()->empty()) << "nothing loaded without the check";
}

TEST_F(SnapshotHttpTest, HostileTransportOptionsAreRefusedBeforeAnything) {
  const std::string junk(10000, 'x');
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--http-hub", http_address_}, "vont avec --hub"},
      {{"--transport", "http"}, "vont avec --hub"},
      {{"--hub", kDeadGrpc, "--transport", "pigeon"}, "auto, grpc ou http"},
      {{"--hub", kDeadGrpc, "--transport", ""}, "auto, grpc ou http"},
      {{"--hub", kDeadGrpc, "--transport", "http"}, "demande --http-hub"},
      {{"--hub", kDeadGrpc, "--http-hub", http_address_ + ",127.0.0.1:2"},
       "une adresse HTTP par hub"},
      {{"--hub", kDeadGrpc, "--http-hub", "hôte sans port"}, "--http-hub"},
      {{"--hub", kDeadGrpc, "--http-hub", "127.0.0.1:99999"}, "--http-hub"},
      {{"--hub", kDeadGrpc, "--http-hub", junk}, "--http-hub"},
  };
  for (const auto& [extra, want] : cases) {
    const std::string db = "hostile.db";
    auto r = Init(db, extra);
    EXPECT_EQ(r.code, 2) << extra.back() << ": " << r.err;
    EXPECT_NE(r.err.find(want), std::string::npos) << r.err;
    EXPECT_LT(r.err.size(), 600u) << "message bounded";
    EXPECT_FALSE(std::filesystem::exists(dir_.File(db))) << "nothing created: " << extra.back();
  }
  // The honest request still works afterwards.
  auto ok = Init("kiosk.db", {"--hub", kDeadGrpc, "--http-hub", http_address_});
  EXPECT_EQ(ok.code, 0) << ok.err;
}

}  // namespace
}  // namespace relais::server::testing
