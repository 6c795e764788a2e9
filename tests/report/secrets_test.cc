// Issue #15 part C on the funding office's side: no council token in any
// URL (login form and one-time codes exchanged for a session cookie), token
// expiry, /metrics only on the admin listener, and `relais report --out`
// writing through a private temporary file without following a symlink.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/storage/sqlite.h"
#include "common/util/time.h"
#include "server/report/admin_server.h"
#include "server/report/council_tokens.h"
#include "server/report/memory_backend.h"
#include "server/report/report_server.h"
#include "server/report/sessions.h"
#include "tests/report/fixtures.h"
#include "tools/relais/cli_util.h"

namespace relais::server {
namespace {

namespace fs = std::filesystem;

class SecretsHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("relais-secrets-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    auto tokens = SqliteCouncilTokens::Open((dir_ / "hub.db").string(), &clock_);
    ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
    tokens_ = std::move(*tokens);
    auto t = tokens_->Enroll("conseil", {"A", "B"}, clock_);
    ASSERT_TRUE(t.ok());
    token_ = *t;
    records_ = common::report::testing::Fixture();
    backend_ = std::make_unique<HubReportBackend>(
        tokens_.get(),
        [this](const std::vector<std::string>&, int64_t, int64_t)
            -> common::Result<common::report::FactSet> {
          return common::report::FactsFromRecords(records_);
        },
        [] { return std::string("relais_hub_syncs_total 7\n"); });
    server_ = std::make_unique<ReportServer>(*backend_, clock_);
    auto port = server_->Start("127.0.0.1", 0);
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
  }
  void TearDown() override {
    server_->Stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::unique_ptr<httplib::Client> Client() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
    c->set_connection_timeout(5);
    c->set_read_timeout(10);
    return c;
  }
  // GET with an optional Cookie header.
  httplib::Result Get(const std::string& path, const std::string& cookie = "") {
    httplib::Headers h;
    if (!cookie.empty()) h.emplace("Cookie", cookie);
    return Client()->Get(path.c_str(), h);
  }
  // "relais_session=…" from a Set-Cookie header.
  static std::string CookieFrom(const httplib::Response& r) {
    const std::string sc = r.get_header_value("Set-Cookie");
    return sc.substr(0, sc.find(';'));
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  fs::path dir_;
  common::FakeClock clock_{common::ParisLocalToUtc({2026, 3, 1}, 10, 0) * 1000};
  std::unique_ptr<SqliteCouncilTokens> tokens_;
  std::vector<common::Record> records_;
  std::unique_ptr<HubReportBackend> backend_;
  std::unique_ptr<ReportServer> server_;
  int port_ = 0;
  std::string token_;
};

const char kPage[] = "/?from=2026-01&to=2026-02";
const char kCell[] = "data-row=\"2026-01\" data-table=\"site:A\" data-col=\"honores\">30<";

TEST_F(SecretsHttpTest, ValidTokenInTheUrlIsRefused) {
  auto page = Get(std::string(kPage) + "&token=" + token_);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 401);
  EXPECT_NE(page->body.find("formulaire"), std::string::npos);
  EXPECT_NE(page->body.find("action=\"/login\""), std::string::npos) << "login form shown";
  EXPECT_EQ(page->body.find(kCell), std::string::npos);
  auto api = Get("/api/v1/usage?from=2026-01&to=2026-02&token=" + token_);
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 401);
  // POST /login with the token in the query string is refused too.
  auto q = Client()->Post(("/login?token=" + token_).c_str(), "token=" + token_,
                         "application/x-www-form-urlencoded");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->status, 401);
  EXPECT_TRUE(q->get_header_value("Set-Cookie").empty());
}

TEST_F(SecretsHttpTest, LoginFormGivesASessionCookieThatOpensThePage) {
  auto bad = Client()->Post("/login", "token=inconnu", "application/x-www-form-urlencoded");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 401);
  EXPECT_TRUE(bad->get_header_value("Set-Cookie").empty());

  auto ok = Client()->Post("/login", "token=" + token_, "application/x-www-form-urlencoded");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 303);
  EXPECT_EQ(ok->get_header_value("Location"), "/");
  const std::string set = ok->get_header_value("Set-Cookie");
  EXPECT_NE(set.find("HttpOnly"), std::string::npos) << set;
  EXPECT_NE(set.find("SameSite=Strict"), std::string::npos) << set;
  EXPECT_EQ(set.find(token_), std::string::npos) << "the cookie must not be the token";
  const std::string cookie = CookieFrom(*ok);

  auto page = Get(kPage, "autre=1; " + cookie);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find(kCell), std::string::npos);
  EXPECT_EQ(page->body.find(token_), std::string::npos) << "the page must not echo the token";
  auto csv = Get("/api/v1/usage?from=2026-01&to=2026-02&format=csv", cookie);
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  // A forged session id is nobody's.
  auto forged = Get(kPage, "relais_session=" + std::string(64, 'a'));
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 401);
  // Revoking the token ends its sessions at once.
  ASSERT_TRUE(tokens_->Revoke("conseil").ok());
  auto after = Get(kPage, cookie);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);
}

TEST_F(SecretsHttpTest, OneTimeCodeWorksOnceAndKeepsOnlyPageParameters) {
  auto code = server_->IssueLoginCode(token_);
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(code->find(token_), std::string::npos);
  auto first = Get("/login?code=" + *code + "&from=2026-01&to=2026-02&next=//evil.example");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 303);
  EXPECT_EQ(first->get_header_value("Location"), "/?from=2026-01&to=2026-02");
  auto page = Get(first->get_header_value("Location"), CookieFrom(*first));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find(kCell), std::string::npos);
  auto again = Get("/login?code=" + *code);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 401) << "a code is single use";
  // Page parameters that could inject a header or leave the site are dropped.
  auto other = server_->IssueLoginCode(token_);
  ASSERT_TRUE(other.ok());
  auto odd = Get("/login?code=" + *other + "&from=%0D%0ASet-Cookie:x&site=%2F%2Fevil");
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->status, 303);
  EXPECT_EQ(odd->get_header_value("Location"), "/");
  // An expired code (10 minutes) is refused.
  auto late = server_->IssueLoginCode(token_);
  ASSERT_TRUE(late.ok());
  clock_.Advance(CouncilSessions::kCodeMs + 1);
  auto expired = Get("/login?code=" + *late);
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->status, 401);
}

TEST_F(SecretsHttpTest, ExpiredCouncilTokenIsRefusedWithItsLastDay) {
  auto expiry = ParseCouncilExpiry("2026-03-10", clock_.NowMillis());
  ASSERT_TRUE(expiry.ok()) << expiry.status().ToString();
  // Oracle: midnight Paris after 10 March 2026 is 2026-03-10T23:00Z (UTC+1).
  EXPECT_EQ(*expiry, common::ParisLocalToUtc({2026, 3, 11}, 0, 0) * 1000);
  auto t = tokens_->Enroll("mairie", {"A"}, clock_, *expiry);
  ASSERT_TRUE(t.ok());
  httplib::Headers h;
  h.emplace("Authorization", "Bearer " + *t);
  auto before = Client()->Get("/api/v1/usage?from=2026-01&to=2026-02", h);
  ASSERT_TRUE(before);
  EXPECT_EQ(before->status, 200);
  clock_.Advance(*expiry - clock_.NowMillis());
  auto after = Client()->Get("/api/v1/usage?from=2026-01&to=2026-02", h);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);
  EXPECT_NE(after->body.find("expiré"), std::string::npos) << after->body;
  EXPECT_NE(after->body.find("2026-03-10"), std::string::npos) << after->body;
  auto list = tokens_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].name, "mairie");
  EXPECT_EQ((*list)[1].expires_ms, *expiry);
  EXPECT_EQ((*list)[0].expires_ms, 0);  // "conseil": never
}

TEST(CouncilExpiryTest, ParsesDatesAndDaysAndRefusesTheRest) {
  const int64_t now = common::ParisLocalToUtc({2026, 3, 1}, 10, 0) * 1000;
  auto days = ParseCouncilExpiry("30", now);
  ASSERT_TRUE(days.ok());
  EXPECT_EQ(*days, common::ParisLocalToUtc({2026, 4, 1}, 0, 0) * 1000);  // through 31 March
  for (const std::string bad : {"0", "3651", "-1", "2026-02-28", "2026-13-01", "abc", "",
                                "99999999999999999999", "2036-03-02"})
    EXPECT_EQ(ParseCouncilExpiry(bad, now).status().code(),
              common::StatusCode::kInvalidArgument)
        << bad;
}

// A council_tokens table from before expiry gains the column; its tokens
// keep working and never expire.
TEST(CouncilExpiryTest, OldTableIsMigrated) {
  const fs::path dir = fs::temp_directory_path() / ("relais-council-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / "hub.db").string();
  {
    auto db = common::Db::Open(path, true);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("CREATE TABLE council_tokens(token_hash TEXT PRIMARY KEY,"
                            " sites TEXT NOT NULL, name TEXT NOT NULL UNIQUE,"
                            " created INTEGER NOT NULL);"
                            "INSERT INTO council_tokens VALUES('" +
                            CouncilTokenHash("ancien") + "', 'S1', 'vieux', 5)")
                    .ok());
  }
  common::FakeClock clock(1000);
  auto t = SqliteCouncilTokens::Open(path, &clock);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  auto sites = (*t)->Sites("ancien");
  ASSERT_TRUE(sites.ok()) << sites.status().ToString();
  EXPECT_EQ(*sites, std::vector<std::string>{"S1"});
  auto list = (*t)->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].expires_ms, 0);
  fs::remove_all(dir);
}

TEST_F(SecretsHttpTest, MetricsOnlyOnTheAdminListenerWithItsToken) {
  auto pub = Get("/metrics");
  ASSERT_TRUE(pub);
  EXPECT_EQ(pub->status, 404) << "no /metrics on the public port";
  AdminServer admin([this] { return server_->MetricsText(); }, "secret-admin");
  auto port = admin.Start("127.0.0.1", 0);
  ASSERT_TRUE(port.ok()) << port.status().ToString();
  httplib::Client c("127.0.0.1", *port);
  c.set_connection_timeout(5);
  auto none = c.Get("/metrics");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(none->body.find("relais_"), std::string::npos);
  httplib::Headers bad, good;
  bad.emplace("Authorization", "Bearer secret-admiN");
  good.emplace("Authorization", "Bearer secret-admin");
  auto wrong = c.Get("/metrics", bad);
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto ok = c.Get("/metrics", good);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_NE(ok->body.find("relais_hub_syncs_total 7"), std::string::npos);
  EXPECT_NE(ok->body.find("relais_report_build_seconds_count"), std::string::npos);
  auto health = c.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto ready = c.Get("/readyz");  // no readiness check set: ready, no token needed
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  admin.Stop();
}

TEST_F(SecretsHttpTest, ReadyzSaysWhetherTheDatabaseAnswers) {
  bool db_up = false;
  AdminServer admin([] { return std::string(); }, "secret-admin");
  admin.SetReadiness([&db_up]() -> common::Status {
    return db_up ? common::Status::OK() : common::Status::Unavailable("base du hub illisible");
  });
  auto port = admin.Start("127.0.0.1", 0);
  ASSERT_TRUE(port.ok()) << port.status().ToString();
  httplib::Client c("127.0.0.1", *port);
  c.set_connection_timeout(5);
  auto down = c.Get("/readyz");
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 503);
  EXPECT_NE(down->body.find("pas prêt"), std::string::npos) << down->body;
  EXPECT_NE(down->body.find("base du hub illisible"), std::string::npos) << down->body;
  auto alive = c.Get("/healthz");  // alive all the same
  ASSERT_TRUE(alive);
  EXPECT_EQ(alive->status, 200);
  db_up = true;
  auto up = c.Get("/readyz");
  ASSERT_TRUE(up);
  EXPECT_EQ(up->status, 200);
  admin.Stop();
}

int RunCli(std::vector<std::string> args) {
  args.insert(args.begin(), "relais");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return common::cli::Run(static_cast<int>(argv.size()), argv.data());
}

std::string Slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// --out pointing at a symlink to a file elsewhere: the link is replaced by
// the report, the file it pointed to is unchanged; the report is 0600 and
// no temporary file is left behind.
TEST_F(SecretsHttpTest, ReportOutReplacesASymlinkAndNeverFollowsIt) {
  const fs::path out_dir = dir_ / "rapports";
  const fs::path victim = dir_ / "ailleurs.txt";
  fs::create_directories(out_dir);
  std::ofstream(victim) << "ne pas toucher\n";
  fs::create_symlink(victim, out_dir / "rapport.csv");
  const std::string tok = (dir_ / "jeton").string();
  std::ofstream(tok) << token_ << "\n";
  fs::permissions(tok, fs::perms::owner_read);
  EXPECT_EQ(RunCli({"report", "--url", Url(), "--token-file", tok, "--from", "2026-01",
                    "--to", "2026-02", "--out", (out_dir / "rapport.csv").string()}),
            0);
  EXPECT_EQ(Slurp(victim), "ne pas toucher\n");
  EXPECT_FALSE(fs::is_symlink(out_dir / "rapport.csv"));
  EXPECT_EQ(Slurp(out_dir / "rapport.csv").rfind("tableau;site;periode;", 0), 0u);
  struct stat st {};
  ASSERT_EQ(::stat((out_dir / "rapport.csv").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  int entries = 0;
  for (const auto& e : fs::directory_iterator(out_dir)) ++entries, (void)e;
  EXPECT_EQ(entries, 1) << "a temporary file was left behind";
  // A token given on the command line still works (compatibility).
  EXPECT_EQ(RunCli({"report", "--url", Url(), "--token", token_, "--from", "2026-01", "--to",
                    "2026-02", "--out", (out_dir / "b.csv").string()}),
            0);
  // No token at all, or both sources: a usage error, nothing written.
  EXPECT_EQ(RunCli({"report", "--url", Url(), "--from", "2026-01", "--to", "2026-02", "--out",
                    (out_dir / "c.csv").string()}),
            2);
  EXPECT_EQ(RunCli({"report", "--url", Url(), "--token", token_, "--token-file", tok, "--from",
                    "2026-01", "--to", "2026-02", "--out", (out_dir / "c.csv").string()}),
            2);
  EXPECT_FALSE(fs::exists(out_dir / "c.csv"));
}

}  // namespace
}  // namespace relais::server
