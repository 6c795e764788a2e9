// `relais-hub migrate --from hub.db --to postgresql://…` copies the agenda
// tokens (docs/security.md, interop.md; issue #20): each token's SHA-256 and
// its sealed organisation key move as they are, so a FHIR token, a FHIR
// token with patient details and an iCal subscription answer the same
// before (SQLite hub) and after (PostgreSQL hub); an unknown token is still
// refused. Oracle: the very HTTP answers of the SQLite hub, and the patient
// names typed into the replica.
#include <httplib.h>

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <sstream>
#include <thread>

#include "common/crypto/keyring.h"
#include "common/replica/replica.h"
#include "common/sync/sync_client.h"
#include "server/agenda/agenda_routes.h"
#include "server/agenda/agenda_tokens.h"
#include "server/agenda/pg_agenda_tokens.h"
#include "server/hub_server.h"
#include "server/pg_hub_store.h"
#include "server/sqlite_hub_store.h"
#include "server/token.h"
#include "tests/common/test_util.h"
#include "tests/pg/pg_cluster.h"

namespace relais::server {
namespace {

using common::testing::RunAndCapture;

using common::testing::TempDir;

constexpr int64_t kMonday9 = 1796630400;              // 2026-12-07 08:00Z
constexpr int64_t kNow = (kMonday9 - 86400) * 1000;  // the Sunday before
constexpr char kPeriod[] = "/fhir/Appointment?date=ge2026-12-07&date=lt2026-12-09";

// The agenda routes over `store` and `tokens` on 127.0.0.1, for one scope.
class AgendaServer {
 public:
  AgendaServer(HubStore& store, AgendaTokens& tokens, common::Clock& clock) {
    InstallAgendaRoutes(http_, store, tokens, clock, "", [](const AgendaDisclosure&) {});
    port_ = http_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    for (int i = 0; i < 500 && !http_.is_running(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ~AgendaServer() {
    http_.stop();
    if (thread_.joinable()) thread_.join();
  }
  // "status body" of GET path (with a bearer token if given); patient
  // pseudonyms, drawn afresh for each response (common/crypto/pseudonyms.h),
  // read "pat-*".
  std::string Get(const std::string& path, const std::string& token = "") {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(20, 0);
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    auto r = c.Get(path, h);
    if (!r) return "no answer";
    static const std::regex kPseudonym("pat-[0-9a-f]{32}");
    return std::to_string(r->status) + " " + std::regex_replace(r->body, kPseudonym, "pat-*");
  }
  int port() const { return port_; }

 private:
  httplib::Server http_;
  std::thread thread_;
  int port_ = 0;
};

TEST(PgAgendaMigrateTest, AgendaTokensStillAnswerTheSameAfterMigrate) {
  TempDir dir;
  const std::string hub_db = dir.File("hub.db");
  common::FakeClock clock{kNow};
  std::string fhir, details, ical, ical_names;
  std::vector<std::pair<std::string, std::string>> requests;  // path, token
  std::vector<std::string> before;
  {
    auto store = SqliteHubStore::Open(hub_db, true);
    ASSERT_OK(store);
    HubService service(**store, *common::SystemClock::Default(),
                       HubServiceOptions{2000, 1000, 2 << 20, nullptr});
    auto running = StartHubServer(&service, ServerOptions{"127.0.0.1:0", "", "", 16 << 20});
    ASSERT_OK(running);
    // A house S1 writes appointments with patient names (sealed under its
    // organisation key) and syncs them.
    ASSERT_OK(common::Replica::Init(dir.File("s1.db"), common::ReplicaScope{"", {"S1"}}));
    auto rep = common::Replica::Open(dir.File("s1.db"));
    ASSERT_OK(rep);
    ASSERT_OK((*rep)->AddPractitioner("p1", "Dr Lemoine", "medecin"));
    for (int i = 0; i < 2; ++i) {
      common::NewAppointment a;
      a.practitioner = "p1";
      a.patient_name = i == 0 ? "Zoé Marchand" : "Jules Perrin";
      a.patient_birth = "1948-05-01";
      a.start = kMonday9 + 3600 * i;
      a.duration_min = 20;
      ASSERT_OK((*rep)->AddAppointment(a));
    }
    auto token = GenerateToken();
    ASSERT_OK(token);
    TokenInfo info;
    info.token_hash = HashToken(*token);
    info.sites = {"S1"};
    info.name = "s1";
    ASSERT_OK((*store)->AddToken(info));
    relais::sync::SyncOptions o;
    o.hub = "127.0.0.1:" + std::to_string(running->port);
    o.token = *token;
    ASSERT_OK(relais::sync::SyncOnce(**rep, o));
    running->server->Shutdown();

    // Agenda tokens in the hub's file, as relais-hub agenda-enroll does.
    auto tokens = SqliteAgendaTokens::Open(hub_db, &clock);
    ASSERT_OK(tokens);
    auto key = common::crypto::LoadKeyFile(dir.File("relais-S1.cle"), "S1");
    ASSERT_OK(key);
    auto t1 = (*tokens)->Enroll({"fhir", "S1", "", "ars", false}, 0);
    auto t2 = (*tokens)->Enroll({"fhir", "S1", "", "ars-details", true}, 0, &*key);
    auto t3 = (*tokens)->Enroll({"ical", "S1", "p1@S1", "lemoine-tablette", false}, 0);
    auto t4 = (*tokens)->Enroll({"ical", "S1", "p1@S1", "lemoine-tel", true}, 0, &*key);
    ASSERT_OK(t1);
    ASSERT_OK(t2);
    ASSERT_OK(t3);
    ASSERT_OK(t4);
    fhir = *t1, details = *t2, ical = *t3, ical_names = *t4;
    requests = {{kPeriod, fhir},
                {kPeriod, details},
                {"/ical/" + ical + ".ics", ""},
                {"/ical/" + ical_names + ".ics", ""},
                {kPeriod, std::string(64, 'a')},  // unknown token
                {kPeriod, ""}};
    AgendaServer http(**store, **tokens, clock);
    for (const auto& [path, tok] : requests) before.push_back(http.Get(path, tok));
  }
  // Independent oracle on the SQLite answers: details show the names typed
  // above, the plain token does not; the unknown token is refused.
  ASSERT_EQ(before.size(), 6u);
  EXPECT_EQ(before[0].rfind("200 ", 0), 0u) << before[0];
  EXPECT_EQ(before[0].find("Marchand"), std::string::npos);
  EXPECT_NE(before[1].find("Marchand"), std::string::npos) << before[1];
  EXPECT_NE(before[3].find("Perrin"), std::string::npos) << before[3];
  EXPECT_EQ(before[2].find("Perrin"), std::string::npos);
  EXPECT_EQ(before[4].rfind("401 ", 0), 0u) << before[4];

  auto cluster = pgtest::SharedPgCluster();
  ASSERT_OK(cluster);
  auto url = (*cluster)->CreateDatabase();
  ASSERT_OK(url);
  std::string out;
  ASSERT_EQ(RunAndCapture({RELAIS_HUB_BINARY, "migrate", "--from", hub_db, "--to", *url}, &out), 0)
      << out;
  EXPECT_NE(out.find("4 jeton(s) agenda copié(s)"), std::string::npos) << out;

  auto pg = PgHubStore::Open(*url);
  ASSERT_OK(pg);
  auto pg_tokens = PgAgendaTokens::Open(*url, &clock);
  ASSERT_OK(pg_tokens);
  auto listed = (*pg_tokens)->List();
  ASSERT_OK(listed);
  EXPECT_EQ(listed->size(), 4u);
  AgendaServer http(**pg, **pg_tokens, clock);
  for (size_t i = 0; i < requests.size(); ++i)
    EXPECT_EQ(http.Get(requests[i].first, requests[i].second), before[i])
        << "request " << i << " answers otherwise after migrate";
  // A second migration into the same database is refused; nothing doubled.
  std::string again;
  EXPECT_NE(RunAndCapture({RELAIS_HUB_BINARY, "migrate", "--from", hub_db, "--to", *url}, &again), 0);
  EXPECT_EQ((*pg_tokens)->List()->size(), 4u);
}

}  // namespace
}  // namespace relais::server
