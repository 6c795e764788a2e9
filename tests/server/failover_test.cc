// Several hubs over one database, replica side (issue #21), against real
// hubs on 127.0.0.1: two HubServers, each with its OWN SqliteHubStore
// (own writer and reader connections) over the SAME hub.db file, which is
// what two relais-hub processes on one file do (WAL, BEGIN IMMEDIATE, busy
// timeout). A third store on the file enrols tokens and inspects. The CLI
// runs in process (common::cli::Run), as in repair_test.cc.
// Oracles: the records the test wrote (ids and patient names), the hubs'
// own counters (MetricsText: round trips served, records received), and the
// hub database read through the admin store; not the failover code.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "common/sync/failover.h"
#include "tests/server/hub_fixture.h"
#include "tests/common/cli_run.h"

namespace relais::server {

using relais::sync::SyncWithFailover;
using relais::sync::ReadLastHub;
using relais::sync::SyncProgress;
using relais::sync::SyncOptions;
namespace {

using testing::AddAppointments;

using relais::testing::CliResult;
CliResult RunCli(std::vector<std::string> args) {
  return relais::testing::RunRelaisCli(std::move(args));
}

// The value of the first sample line `name value` in a Prometheus text.
int64_t Metric(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(name + " ", 0) == 0) return std::stoll(line.substr(name.size() + 1));
  ADD_FAILURE() << name << " absent from:\n" << text;
  return -1;
}

class FailoverTest : public ::testing::Test {
 protected:
  struct Hub {
    std::unique_ptr<SqliteHubStore> store;
    std::unique_ptr<HubService> service;
    RunningServer running;
    int port = 0;
    std::ostringstream log;
  };

  void SetUp() override {
    auto admin = SqliteHubStore::Open(dir_.File("hub.db"), true);
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    admin_ = std::move(admin).value();
    for (int i = 0; i < 2; ++i) ASSERT_NO_FATAL_FAILURE(Start(i));
  }
  void TearDown() override {
    for (int i = 0; i < 2; ++i) Stop(i);
  }

  // Starts hub `i` on its port (an ephemeral one the first time).
  void Start(int i) {
    Hub& h = hubs_[i];
    auto store = SqliteHubStore::Open(dir_.File("hub.db"), false);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    h.store = std::move(store).value();
    h.service = std::make_unique<HubService>(*h.store, *common::SystemClock::Default(),
                                             HubServiceOptions{2000, 1000, 2 << 20, &h.log});
    auto running = StartHubServer(
        h.service.get(), ServerOptions{"127.0.0.1:" + std::to_string(h.port), "", "", 16 << 20});
    ASSERT_TRUE(running.ok()) << running.status().ToString();
    h.running = std::move(running).value();
    h.port = h.running.port;
  }
  void Stop(int i) {
    Hub& h = hubs_[i];
    if (h.running.server) h.running.server->Shutdown();
    h.running.server.reset();
    h.service.reset();
    h.store.reset();
  }
  std::string Addr(int i) const { return "127.0.0.1:" + std::to_string(hubs_[i].port); }
  std::string Both() const { return Addr(0) + "," + Addr(1); }
  int64_t Served(int i) {  // sync round trips served by hub i since its start
    return Metric(hubs_[i].service->MetricsText(),
                  "relais_hub_syncs_total{store=\"sqlite\"}");
  }
  int64_t Received(int i) {  // records received by hub i since its start
    return Metric(hubs_[i].service->MetricsText(),
                  "relais_hub_records_pushed_total{store=\"sqlite\"}");
  }

  // Enrols a token for `site` and writes it to a 0600 file; returns the path.
  std::string TokenFile(const std::string& site, const std::string& name) {
    auto token = GenerateToken();
    EXPECT_TRUE(token.ok());
    TokenInfo info;
    info.token_hash = HashToken(*token);
    info.sites = {site};
    info.name = name;
    Status s = admin_->AddToken(info);
    EXPECT_TRUE(s.ok()) << s.ToString();
    const std::string path = dir_.File(name + ".jeton");
    std::ofstream(path) << *token << "\n";
    ::chmod(path.c_str(), 0600);
    return path;
  }

  std::unique_ptr<common::Replica> NewReplica(const std::string& file, const std::string& site,
                                              uint64_t seed) {
    auto id = common::Replica::Init(dir_.File(file), site);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    auto r = common::Replica::Open(dir_.File(file));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return nullptr;
    (*r)->SeedForTest(seed);
    return std::move(r).value();
  }

  // id -> patient name of every appointment the replica at `file` holds;
  // fails the test on a duplicated id.
  std::map<std::string, std::string> Appointments(const std::string& file) {
    std::map<std::string, std::string> out;
    auto r = common::Replica::Open(dir_.File(file));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return out;
    auto all = (*r)->AllAppointments();
    EXPECT_TRUE(all.ok()) << all.status().ToString();
    if (!all.ok()) return out;
    for (const common::Appointment& a : *all)
      EXPECT_TRUE(out.emplace(a.id, a.patient_name).second) << "duplicated " << a.id;
    return out;
  }

  // Records of `site` in the hub database, counted through the admin store.
  int64_t HubRecords(const std::string& site) {
    Scope scope;
    scope.sites = {site};
    auto pulled = admin_->Pull(scope, 0, 100000, 64 << 20);
    EXPECT_TRUE(pulled.ok()) << pulled.status().ToString();
    if (!pulled.ok()) return -1;
    std::set<std::string> ids;
    for (const common::Record& r : pulled->records)
      EXPECT_TRUE(ids.insert(std::to_string(static_cast<int>(r.collection)) + "/" + r.id).second);
    return static_cast<int64_t>(pulled->records.size());
  }

  common::testing::TempDir dir_;
  std::unique_ptr<SqliteHubStore> admin_;
  std::array<Hub, 2> hubs_;
};

// Expected id -> patient name of AddAppointments' records (it names them
// "Patient <i>"), written by hand from its contract.
void Expect(std::map<std::string, std::string>* want, const std::vector<std::string>& ids) {
  for (size_t i = 0; i < ids.size(); ++i)
    (*want)[ids[i]] = "Patient " + std::to_string(static_cast<int>(i));
}

TEST_F(FailoverTest, SyncGoesThroughTheHubThatAnswersAndStatusNamesIt) {
  const std::string tok = TokenFile("S1", "accueil-s1");
  const std::string path = dir_.File("a.db");
  std::map<std::string, std::string> want;
  {
    auto a = NewReplica("a.db", "S1", 1);
    ASSERT_TRUE(a);
    Expect(&want, AddAppointments(*a, 5));
  }
  CliResult st = RunCli({"status", "--db", path});
  EXPECT_NE(st.out.find("aucun hub encore joint"), std::string::npos) << st.out;

  // A down: the session goes through B.
  Stop(0);
  CliResult sy = RunCli({"sync", "--db", path, "--hub", Both(), "--token-file", tok});
  ASSERT_EQ(sy.code, 0) << sy.out << sy.err;
  EXPECT_NE(sy.out.find("hub: " + Addr(1)), std::string::npos) << sy.out;
  EXPECT_GE(Served(1), 1);
  EXPECT_EQ(Received(1), 6) << "5 appointments + the practitioner";
  st = RunCli({"status", "--db", path});
  EXPECT_NE(st.out.find("dernier hub joignable: " + Addr(1) + " (il y a "), std::string::npos)
      << st.out;

  // A back, B down: B (the last hub) is tried first, fails, A serves.
  ASSERT_NO_FATAL_FAILURE(Start(0));
  Stop(1);
  {
    auto a = common::Replica::Open(path);
    ASSERT_TRUE(a.ok());
    Expect(&want, AddAppointments(**a, 3));  // Patient 0..2 again, new ids
  }
  sy = RunCli({"sync", "--db", path, "--hub", Both(), "--token-file", tok});
  ASSERT_EQ(sy.code, 0) << sy.out << sy.err;
  EXPECT_NE(sy.out.find("hub: " + Addr(0)), std::string::npos) << sy.out;
  EXPECT_EQ(Received(0), 3) << "only the new appointments: nothing sent twice";
  st = RunCli({"status", "--db", path});
  EXPECT_NE(st.out.find("dernier hub joignable: " + Addr(0)), std::string::npos) << st.out;

  // A second replica of the site pulls through the list: exactly what was
  // written, once each.
  const std::string tok_b = TokenFile("S1", "secretariat-s1");
  {
    auto b = NewReplica("b.db", "S1", 2);
    ASSERT_TRUE(b);
  }
  sy = RunCli({"sync", "--db", dir_.File("b.db"), "--hub", Both(), "--token-file", tok_b});
  ASSERT_EQ(sy.code, 0) << sy.out << sy.err;
  EXPECT_EQ(Appointments("b.db"), want);
  EXPECT_EQ(Appointments("a.db"), want);
  EXPECT_EQ(HubRecords("S1"), 9) << "8 appointments + 1 practitioner, once each";
}

// Hub A goes away after the first batch of a session: the session carries
// on through B from the committed cursors. The hubs' own counters show
// every record received exactly once over the two hubs.
TEST_F(FailoverTest, HubLostMidSessionResumesOnTheNextFromTheCursors) {
  const std::string tok = TokenFile("S1", "accueil-s1");
  std::map<std::string, std::string> want;
  auto a = NewReplica("a.db", "S1", 1);
  ASSERT_TRUE(a);
  Expect(&want, AddAppointments(*a, 40));
  SyncOptions o;
  o.hubs = {Addr(0), Addr(1)};
  o.hub = o.hubs.front();
  std::ifstream(tok) >> o.token;
  o.deadline_ms = 10000;
  o.push_batch_records = 10;
  int batches = 0;
  int64_t received_by_a = -1;
  o.progress = [&](const SyncProgress&) {
    if (++batches == 1) {  // after A acknowledged the first batch
      received_by_a = Received(0);
      Stop(0);
    }
  };
  auto r = SyncWithFailover(*a, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->hub, Addr(1));
  EXPECT_EQ(r->tried, (std::vector<std::string>{Addr(0), Addr(1)}));
  EXPECT_EQ(received_by_a, 10);
  EXPECT_EQ(Received(1), 31) << "the 31 records A had not acknowledged, once";
  EXPECT_EQ(HubRecords("S1"), 41);
  auto last = ReadLastHub(*a->store());
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->hub, Addr(1));
  EXPECT_GT(last->at_ms, 0);
  // A back, both up: the next session starts with B, the hub that answered
  // last, and A is not called.
  ASSERT_NO_FATAL_FAILURE(Start(0));
  o.progress = nullptr;
  Expect(&want, AddAppointments(*a, 1));  // one more: "Patient 0", new id
  auto again = SyncWithFailover(*a, o);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->tried, std::vector<std::string>{Addr(1)});
  EXPECT_EQ(Served(0), 0);
  EXPECT_EQ(Received(1), 32);
  a.reset();
  const std::string tok_b = TokenFile("S1", "secretariat-s1");
  { ASSERT_TRUE(NewReplica("b.db", "S1", 2)); }
  CliResult sy = RunCli({"sync", "--db", dir_.File("b.db"), "--hub", Both(), "--token-file", tok_b});
  ASSERT_EQ(sy.code, 0) << sy.out << sy.err;
  EXPECT_EQ(Appointments("b.db"), want);
}

TEST_F(FailoverTest, EveryHubDownNamesEveryHubTried) {
  const std::string tok = TokenFile("S1", "accueil-s1");
  { ASSERT_TRUE(NewReplica("a.db", "S1", 1)); }
  Stop(0);
  Stop(1);
  CliResult sy = RunCli({"sync", "--db", dir_.File("a.db"), "--hub", Both(), "--token-file", tok});
  EXPECT_EQ(sy.code, 1);
  EXPECT_NE(sy.err.find("UNAVAILABLE: aucun hub joignable (2 essayés: " + Addr(0)),
            std::string::npos)
      << sy.err;
  EXPECT_NE(sy.err.find("; " + Addr(1) + ": hub injoignable"), std::string::npos) << sy.err;
  CliResult st = RunCli({"status", "--db", dir_.File("a.db")});
  EXPECT_NE(st.out.find("aucun hub encore joint"), std::string::npos) << st.out;
}

// A refusal is the database's answer: every hub would give it. One attempt,
// on the first hub; the second is never called.
TEST_F(FailoverTest, RefusedTokenIsNotRetriedOnAnotherHub) {
  const std::string tok = TokenFile("S1", "accueil-s1");
  const std::string tok_s2 = TokenFile("S2", "accueil-s2");
  { ASSERT_TRUE(NewReplica("a.db", "S1", 1)); }
  const std::string path = dir_.File("a.db");
  // Token of another site: PERMISSION_DENIED.
  CliResult sy = RunCli({"sync", "--db", path, "--hub", Both(), "--token-file", tok_s2});
  EXPECT_EQ(sy.code, 1);
  EXPECT_NE(sy.err.find("PERMISSION_DENIED"), std::string::npos) << sy.err;
  EXPECT_EQ(Served(0), 1);
  EXPECT_EQ(Served(1), 0);
  // Revoked token: UNAUTHENTICATED.
  ASSERT_TRUE(admin_->Revoke("", "accueil-s1").ok());
  sy = RunCli({"sync", "--db", path, "--hub", Both(), "--token-file", tok});
  EXPECT_EQ(sy.code, 1);
  EXPECT_NE(sy.err.find("UNAUTHENTICATED"), std::string::npos) << sy.err;
  EXPECT_EQ(Served(0), 2);
  EXPECT_EQ(Served(1), 0) << "a refused token must not be tried on another hub";
}

// A hostile --hub is refused before any connection: the live hubs serve
// nothing and the replica records no attempt.
TEST_F(FailoverTest, HostileHubListsAreRefusedBeforeAnyConnection) {
  const std::string tok = TokenFile("S1", "accueil-s1");
  { ASSERT_TRUE(NewReplica("a.db", "S1", 1)); }
  const std::string path = dir_.File("a.db");
  std::string nine = Both();
  for (int i = 1; i <= 7; ++i) nine += ",127.0.0.1:" + std::to_string(60000 + i);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {Addr(0) + ",," + Addr(1), "hub n°2 «  »: élément vide"},
      {nine, "hub n°9 « 127.0.0.1:60007 »: trop de hubs"},
      {Addr(0) + ",127.0.0.1:0", "hub n°2 « 127.0.0.1:0 »: port hors de 1..65535"},
      {Addr(0) + ",127.0.0.1:65536", "port hors de 1..65535"},
      {Addr(1) + "," + Addr(1), "hub n°2 « " + Addr(1) + " »: en double"},
      {Addr(0) + "," + std::string(10 * 1024, 'x'), "caractères, au plus 2048"},
  };
  for (const auto& [spec, must_name] : cases) {
    for (const char* verb : {"sync", "repair"}) {
      CliResult r = RunCli({verb, "--db", path, "--hub", spec, "--token-file", tok});
      EXPECT_EQ(r.code, 2) << verb << " " << spec.substr(0, 80) << "\n" << r.err;
      EXPECT_NE(r.err.find(must_name), std::string::npos) << r.err;
      EXPECT_LT(r.err.size(), 300u);
    }
  }
  EXPECT_EQ(Served(0), 0);
  EXPECT_EQ(Served(1), 0);
  auto a = common::Replica::Open(path);
  ASSERT_TRUE(a.ok()) << "repair must not have moved the file aside";
  auto tried = (*a)->store()->GetMetaInt("last_attempt_ms");
  ASSERT_TRUE(tried.ok());
  EXPECT_EQ(*tried, 0u) << "no sync attempt recorded";
}

// The two hubs really share one database under concurrent writes: two
// replicas of a site, each pushing through its own hub at the same time,
// both end with every record, once.
TEST_F(FailoverTest, TwoHubsOverOneSqliteFileServeConcurrentReplicas) {
  const std::array<std::string, 2> toks = {TokenFile("S1", "r0"), TokenFile("S1", "r1")};
  std::map<std::string, std::string> want;
  std::array<std::unique_ptr<common::Replica>, 2> reps;
  for (int i = 0; i < 2; ++i) {
    reps[i] = NewReplica("r" + std::to_string(i) + ".db", "S1", 10 + i);
    ASSERT_TRUE(reps[i]);
  }
  // Each replica writes 60 appointments, synced to its own hub in 6
  // sessions while the other does the same.
  std::array<Status, 2> errors;
  std::array<std::vector<std::string>, 2> ids;
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i)
    threads.emplace_back([&, i] {
      SyncOptions o;
      o.hub = Addr(i);
      std::ifstream(toks[i]) >> o.token;
      o.deadline_ms = 10000;
      o.push_batch_records = 4;
      for (int round = 0; round < 6 && errors[i].ok(); ++round) {
        for (const std::string& id : AddAppointments(*reps[i], 10)) ids[i].push_back(id);
        auto r = SyncWithFailover(*reps[i], o);
        if (!r.ok()) errors[i] = r.status();
      }
    });
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(errors[i].ok()) << errors[i].ToString();
    ASSERT_EQ(ids[i].size(), 60u);
  }
  for (int i = 0; i < 2; ++i) {  // a last pull each
    SyncOptions o;
    o.hub = Addr(1 - i);
    std::ifstream(toks[i]) >> o.token;
    ASSERT_TRUE(SyncWithFailover(*reps[i], o).ok());
  }
  // Practitioner p1 was created by both (the same id): one record at the hub.
  EXPECT_EQ(HubRecords("S1"), 121);
  for (int i = 0; i < 2; ++i) reps[i].reset();
  const auto r0 = Appointments("r0.db"), r1 = Appointments("r1.db");
  EXPECT_EQ(r0.size(), 120u);
  EXPECT_EQ(r0, r1);
  for (int i = 0; i < 2; ++i)
    for (const std::string& id : ids[i]) EXPECT_EQ(r0.count(id), 1u) << id;
}

}  // namespace
}  // namespace relais::server
