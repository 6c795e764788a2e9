// `relais-hub migrate --from hub.db --to postgresql://...`: an existing
// SQLite hub moves to PostgreSQL and no replica re-sends or re-pulls
// anything (same epoch, same sequences, same tokens and bindings).
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <sstream>

#include "common/replica/replica.h"
#include "common/replica/tickets.h"
#include "common/sync/sync_client.h"
#include "server/hub_server.h"
#include "server/pg_hub_store.h"
#include "server/sqlite_hub_store.h"
#include "server/token.h"
#include "tests/common/test_util.h"
#include "tests/pg/pg_cluster.h"

namespace relais::server {

using relais::sync::SyncOptions;
using relais::sync::SyncReport;
using relais::sync::SyncOnce;
namespace {

using common::testing::RunAndCapture;

using common::Collection;
using common::testing::TempDir;

// A hub in process over `store` on 127.0.0.1:<ephemeral>.
class InProcessHub {
 public:
  explicit InProcessHub(HubStore* store)
      : service_(*store, *common::SystemClock::Default(),
                 HubServiceOptions{2000, 1000, 2 << 20, &log_}) {
    auto running = StartHubServer(&service_, ServerOptions{"127.0.0.1:0", "", "", 16 << 20});
    EXPECT_OK(running);
    if (running.ok()) running_ = std::move(running).value();
  }
  ~InProcessHub() {
    if (running_.server) running_.server->Shutdown();
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(running_.port); }

 private:
  std::ostringstream log_;
  HubService service_;
  RunningServer running_;
};

common::Result<SyncReport> Sync(common::Replica& r, const std::string& hub,
                                const std::string& token) {
  SyncOptions o;
  o.hub = hub;
  o.token = token;
  o.deadline_ms = 10000;
  o.fresh_channel = true;
  return SyncOnce(r, o);
}

std::unique_ptr<common::Replica> NewReplica(TempDir& dir, const std::string& file,
                                            const std::string& site) {
  EXPECT_OK(common::Replica::Init(dir.File(file), site));
  auto r = common::Replica::Open(dir.File(file));
  EXPECT_OK(r);
  return r.ok() ? std::move(r).value() : nullptr;
}

TEST(PgMigrateTest, ReplicasResendNothingAfterMigration) {
  TempDir dir;
  const std::string hub_db = dir.File("hub.db");
  std::string tok_a, tok_b;
  auto a = NewReplica(dir, "a.db", "S1");
  auto b = NewReplica(dir, "b.db", "S1");
  auto c = NewReplica(dir, "c.db", "S2");
  ASSERT_TRUE(a && b && c);
  std::string tok_c;
  std::vector<std::string> ids;
  {
    auto sqlite = SqliteHubStore::Open(hub_db, true);
    ASSERT_OK(sqlite);
    for (auto* t : {&tok_a, &tok_b, &tok_c}) {
      auto g = GenerateToken();
      ASSERT_OK(g);
      *t = *g;
    }
    ASSERT_OK((*sqlite)->AddToken(TokenInfo{HashToken(tok_a), "a", {"S1"}, "", false, 1}));
    ASSERT_OK((*sqlite)->AddToken(TokenInfo{HashToken(tok_b), "b", {"S1"}, "", false, 2}));
    ASSERT_OK((*sqlite)->AddToken(TokenInfo{HashToken(tok_c), "c", {"S2"}, "", false, 3}));
    ASSERT_OK((*sqlite)->AddToken(TokenInfo{HashToken("old"), "old", {"S1"}, "", true, 4}));
    InProcessHub hub(sqlite->get());
    ASSERT_OK(a->AddPractitioner("p1", "Dr Martin", "medecin"));
    for (int i = 0; i < 30; ++i) {
      common::NewAppointment appt;
      appt.practitioner = "p1";
      appt.patient_name = "Patient " + std::to_string(i);
      appt.patient_birth = "1950-03-02";
      appt.start = 1795000000 + 900 * i;
      auto added = a->AddAppointment(appt);
      ASSERT_OK(added);
      ids.push_back(added->first);
    }
    ASSERT_OK(c->AddPractitioner("p9", "Dr Autun", "medecin"));
    ASSERT_OK(Sync(*a, hub.address(), tok_a));
    ASSERT_OK(Sync(*c, hub.address(), tok_c));
    auto pulled = Sync(*b, hub.address(), tok_b);
    ASSERT_OK(pulled);
    EXPECT_EQ(pulled->pulled, 31);
    // B edits one appointment; A pulls it: origins and sequences differ.
    ASSERT_OK(b->SetStatus(ids[0], "checked_in"));
    ASSERT_OK(Sync(*b, hub.address(), tok_b));
    ASSERT_OK(Sync(*a, hub.address(), tok_a));
  }
  auto before = SqliteHubStore::Open(hub_db, false);
  ASSERT_OK(before);

  auto cluster = pgtest::SharedPgCluster();
  ASSERT_OK(cluster);
  auto url = (*cluster)->CreateDatabase();
  ASSERT_OK(url);
  std::string out;
  ASSERT_EQ(RunAndCapture({RELAIS_HUB_BINARY, "migrate", "--from", hub_db, "--to", *url}, &out), 0) << out;
  EXPECT_NE(out.find("migration terminée"), std::string::npos) << out;
  // A second migration into the same (now used) database is refused.
  std::string again;
  EXPECT_NE(RunAndCapture({RELAIS_HUB_BINARY, "migrate", "--from", hub_db, "--to", *url}, &again), 0);
  EXPECT_NE(again.find("contient déjà"), std::string::npos) << again;

  auto pg = PgHubStore::Open(*url);
  ASSERT_OK(pg);
  // Same epoch, tokens (hash, scope, binding, revocation), records.
  EXPECT_EQ(*(*pg)->Epoch(), *(*before)->Epoch());
  auto t1 = (*before)->ListTokens();
  auto t2 = (*pg)->ListTokens();
  ASSERT_OK(t1);
  ASSERT_OK(t2);
  ASSERT_EQ(t1->size(), t2->size());
  for (size_t i = 0; i < t1->size(); ++i) {
    EXPECT_EQ((*t1)[i].token_hash, (*t2)[i].token_hash);
    EXPECT_EQ((*t1)[i].sites, (*t2)[i].sites);
    EXPECT_EQ((*t1)[i].replica_id, (*t2)[i].replica_id);
    EXPECT_EQ((*t1)[i].revoked, (*t2)[i].revoked);
  }
  // Same walk-in ticket letters (first syncs above: a, c, then b).
  auto l1 = (*before)->ListTicketLetters();
  auto l2 = (*pg)->ListTicketLetters();
  ASSERT_OK(l1);
  ASSERT_OK(l2);
  ASSERT_EQ(l2->size(), 3u);
  ASSERT_EQ(l1->size(), l2->size());
  const std::vector<std::string> want = {"S1 A " + a->replica_id(), "S1 B " + b->replica_id(),
                                         "S2 A " + c->replica_id()};
  for (size_t i = 0; i < l2->size(); ++i) {
    const auto& x = (*l1)[i];
    const auto& y = (*l2)[i];
    EXPECT_EQ(y.site_id + " " + y.letter + " " + y.replica_id, want[i]);
    EXPECT_EQ(x.site_id + " " + x.letter + " " + x.replica_id, want[i]);
  }
  std::vector<std::pair<std::string, std::string>> keys = {{"S1", "p1@S1"}, {"S2", "p9@S2"}};
  for (const std::string& id : ids) keys.push_back({"S1", id});
  for (const auto& [site, id] : keys) {
    const Collection coll = id.rfind("p", 0) == 0 ? Collection::kPractitioner
                                                  : Collection::kAppointment;
    auto x = (*before)->Get(site, coll, id);
    auto y = (*pg)->Get(site, coll, id);
    ASSERT_OK(x);
    ASSERT_OK(y);
    ASSERT_TRUE(x->has_value() && y->has_value()) << id;
    EXPECT_EQ((*x)->record, (*y)->record) << id;
    EXPECT_EQ((*x)->hub_seq, (*y)->hub_seq) << id;
    EXPECT_EQ((*x)->origin, (*y)->origin) << id;
  }
  auto old_last = (*before)->LastSeq();
  ASSERT_OK(old_last);

  // The replicas come back to the PostgreSQL hub: nothing moves.
  InProcessHub hub(pg->get());
  for (auto [r, t] : {std::pair{a.get(), tok_a}, {b.get(), tok_b}, {c.get(), tok_c}}) {
    auto rep = Sync(*r, hub.address(), t);
    ASSERT_OK(rep);
    EXPECT_EQ(rep->pushed, 0);
    EXPECT_EQ(rep->pulled, 0);
    EXPECT_EQ(rep->resyncs, 0) << "the replica saw a new epoch or a lost history";
  }
  // Each replica keeps its letter through the migration.
  EXPECT_EQ(*common::TicketPrefix(*a), "A");
  EXPECT_EQ(*common::TicketPrefix(*b), "B");
  EXPECT_EQ(*common::TicketPrefix(*c), "A");
  // New writes get positions above every migrated sequence and flow.
  ASSERT_OK(a->SetStatus(ids[1], "cancelled"));
  auto pushed = Sync(*a, hub.address(), tok_a);
  ASSERT_OK(pushed);
  EXPECT_EQ(pushed->pushed, 1);
  auto got = (*pg)->Get("S1", Collection::kAppointment, ids[1]);
  ASSERT_OK(got);
  EXPECT_GT((*got)->hub_seq, *old_last);
  auto pulled = Sync(*b, hub.address(), tok_b);
  ASSERT_OK(pulled);
  EXPECT_EQ(pulled->pulled, 1);
  auto c_pulled = Sync(*c, hub.address(), tok_c);
  ASSERT_OK(c_pulled);
  EXPECT_EQ(c_pulled->pulled, 0) << "S2 does not see S1";
}

TEST(PgMigrateTest, BadArgumentsAreRefusedBeforeAnyWrite) {
  TempDir dir;
  std::string out;
  EXPECT_EQ(RunAndCapture({RELAIS_HUB_BINARY, "migrate", "--from", dir.File("absent.db"), "--to",
                 "mysql://x"}, &out), 2) << out;
  out.clear();
  EXPECT_NE(RunAndCapture({RELAIS_HUB_BINARY, "migrate", "--from", dir.File("absent.db"), "--to",
                 "postgresql://relais@127.0.0.1:1/x"}, &out), 0) << out;
  out.clear();
  EXPECT_EQ(RunAndCapture({RELAIS_HUB_BINARY, "migrate", "--from", dir.File("absent.db"), "--to",
                 "postgresql://" + std::string(5000, 'a')}, &out), 2) << out;
  EXPECT_NE(out.find("trop longue"), std::string::npos) << out;
}

}  // namespace
}  // namespace relais::server
