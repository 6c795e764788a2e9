// The funder HTTP endpoint on 127.0.0.1 (ephemeral port): access rules,
// JSON numbers, CSV header, no identifying string in any response, and
// `relais report` (run in-process) against it.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "server/report/council_tokens.h"
#include "server/report/memory_backend.h"
#include "server/report/report_server.h"
#include "tests/report/fixtures.h"
#include "tools/relais/cli_util.h"

namespace relais::server {
namespace {

using common::report::testing::Fixture;

const char kKioskToken[] = "kiosk-token-of-a-replica";

class ReportHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("relais-report-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    auto tokens = SqliteCouncilTokens::Open((dir_ / "hub.db").string(), &clock_);
    ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
    tokens_ = std::move(*tokens);
    // A replica token lives in the hub's own table, never in council_tokens.
    auto db = common::Db::Open((dir_ / "hub.db").string(), false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("CREATE TABLE tokens(token_hash TEXT, sites TEXT);"
                            "INSERT INTO tokens VALUES('" +
                            CouncilTokenHash(kKioskToken) + "', 'A,B')")
                    .ok());
    auto ab = tokens_->Enroll("conseil-departemental", {"B", "A"}, clock_);
    auto b = tokens_->Enroll("mairie-b", {"B"}, clock_);
    ASSERT_TRUE(ab.ok() && b.ok());
    token_ab_ = *ab;
    token_b_ = *b;
    records_ = Fixture();
    backend_ = std::make_unique<HubReportBackend>(
        tokens_.get(),
        [this](const std::vector<std::string>&, int64_t, int64_t)
            -> common::Result<common::report::FactSet> {
          if (fail_) return common::Status::Unavailable("panne");
          return common::report::FactsFromRecords(records_);
        },
        [] { return std::string("relais_hub_syncs_total 7\n"); });
    server_ = std::make_unique<ReportServer>(*backend_, clock_);
    auto port = server_->Start("127.0.0.1", 0);
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
  }
  void TearDown() override {
    if (server_) server_->Stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  httplib::Result Get(const std::string& path, const std::string& token = "") {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(5);
    c.set_read_timeout(10);
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    return c.Get(path.c_str(), h);
  }

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::filesystem::path dir_;
  common::FakeClock clock_{common::ParisLocalToUtc({2026, 3, 1}, 0, 0) * 1000};
  std::unique_ptr<SqliteCouncilTokens> tokens_;
  std::vector<common::Record> records_;
  std::atomic<bool> fail_{false};
  std::unique_ptr<HubReportBackend> backend_;
  std::unique_ptr<ReportServer> server_;
  int port_ = 0;
  std::string token_ab_, token_b_;
};

const char kUsage[] = "/api/v1/usage?from=2026-01&to=2026-02";

TEST_F(ReportHttpTest, RefusesMissingUnknownAndKioskTokens) {
  auto none = Get(kUsage);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(none->get_header_value("WWW-Authenticate"), "Bearer");
  for (const std::string t : {"inconnu", kKioskToken}) {
    auto r = Get(kUsage, t);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << t;
    EXPECT_EQ(r->body.find("\"tableaux\""), std::string::npos);
  }
  auto page = Get(std::string("/?token=") + kKioskToken);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 401);
}

TEST_F(ReportHttpTest, SiteOutsideTheTokenIsForbidden) {
  auto r = Get(std::string(kUsage) + "&site=A", token_b_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  auto ok = Get(std::string(kUsage) + "&site=B", token_b_);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  auto revoked = tokens_->Revoke("mairie-b");
  ASSERT_TRUE(revoked.ok());
  auto after = Get(std::string(kUsage) + "&site=B", token_b_);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);
}

// A site parameter that cannot be a site id is a bad request (400): it never
// reaches the facts, and the answer does not echo it.
TEST_F(ReportHttpTest, MalformedSiteParameterIsABadRequest) {
  for (const std::string& site :
       std::vector<std::string>{"A%0Arelais_fake%201", "A%20B", "A%2FB", "A%2CB",
                                std::string(65, 'A')}) {
    for (const std::string& path : std::vector<std::string>{std::string(kUsage) + "&site=" + site,
                                   "/?from=2026-01&to=2026-02&site=" + site}) {
      auto r = Get(path, token_ab_);
      ASSERT_TRUE(r) << path;
      EXPECT_EQ(r->status, 400) << path;
      EXPECT_NE(r->body.find("site"), std::string::npos) << r->body;
      EXPECT_EQ(r->body.find("relais_fake"), std::string::npos) << r->body;
    }
  }
  auto ok = Get(std::string(kUsage) + "&site=A", token_ab_);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  auto all = Get(std::string(kUsage) + "&site=", token_ab_);  // "every site"
  ASSERT_TRUE(all);
  EXPECT_EQ(all->status, 200);
}

TEST_F(ReportHttpTest, JsonCarriesSuppressedNumbers) {
  auto r = Get(kUsage, token_ab_);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->get_header_value("Content-Type").find("application/json"),
            std::string::npos);
  auto doc = nlohmann::json::parse(r->body, nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["sites"], nlohmann::json({"A", "B"}));
  const auto& a = doc["tableaux"][0];
  ASSERT_EQ(a["cle"], "site:A");
  const auto& jan = a["lignes"][0];
  ASSERT_EQ(jan["cle"], "2026-01");
  EXPECT_EQ(jan["valeurs"]["honores"], 30);
  EXPECT_EQ(jan["valeurs"]["rdv_total"], 45);
  EXPECT_TRUE(jan["valeurs"]["non_venus"].is_null());
  EXPECT_EQ(jan["affiche"]["non_venus"], "< 11");
  EXPECT_EQ(jan["masques"]["non_venus"], "primaire");
  EXPECT_EQ(jan["masques"]["annules"], "secondaire");
  // Issue #20: the opening span is published only where the presence is
  // (one nurse's lone half-day is masked, and may take presence_total).
  if (jan["masques"].contains("presence_total"))
    EXPECT_TRUE(jan["valeurs"]["amplitude"].is_null());
  else
    EXPECT_EQ(jan["valeurs"]["amplitude"], 9.5);
  EXPECT_EQ(jan["masques"]["presence_ide"], "primaire");
  // January..February is no released cell: its total row adds shown months
  // only; non_venus is masked in January, so in the total too.
  const auto& total = a["lignes"].back();
  ASSERT_EQ(total["cle"], "total");
  EXPECT_EQ(total["valeurs"]["honores"], 55);
  EXPECT_TRUE(total["valeurs"]["non_venus"].is_null());
  const auto& synth = doc["tableaux"].back();
  EXPECT_EQ(synth["cle"], "synthese");
  EXPECT_EQ(synth["lignes"].back()["valeurs"]["honores"], 66);
}

TEST_F(ReportHttpTest, CsvHeaderAndBadParameters) {
  auto r = Get(std::string(kUsage) + "&format=csv&granularity=month", token_ab_);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->body.substr(0, r->body.find("\r\n")),
            "tableau;site;periode;debut;fin;indicateur;libelle;unite;valeur;"
            "affiche;masque");
  EXPECT_NE(r->body.find("site:A;A;2026-01;2026-01-01;2026-01-31;"),
            std::string::npos);
  // Issue #20: weeks are no longer served; a month not over yet, or a
  // quarter cut by the range, is refused saying what to ask for.
  for (const auto& [path, says] : std::vector<std::pair<std::string, std::string>>{
           {std::string(kUsage) + "&granularity=week", "semaines ne sont plus publiées"},
           {"/api/v1/usage?from=2026-01&to=2026-03", "2026-03 n'est pas encore publié"},
           {std::string(kUsage) + "&granularity=quarter", "from=2026-01&to=2026-03"}}) {
    auto b = Get(path, token_ab_);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->status, 400) << path;
    EXPECT_NE(b->body.find(says), std::string::npos) << b->body;
  }
  for (const char* bad :
       {"/api/v1/usage?from=2026-13&to=2026-02", "/api/v1/usage?from=2026-01",
        "/api/v1/usage?from=2026-03&to=2026-01",
        "/api/v1/usage?from=2026-01&to=2026-02&format=xml",
        "/api/v1/usage?from=2026-01&to=2026-02&granularity=day"}) {
    auto b = Get(bad, token_ab_);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->status, 400) << bad;
  }
  fail_ = true;
  auto down = Get(kUsage, token_ab_);
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 503);
  // The backend's own explanation (e.g. aggregates still being prepared)
  // reaches the user.
  EXPECT_NE(down->body.find("panne"), std::string::npos) << down->body;
}

TEST_F(ReportHttpTest, NoIdentifyingStringInAnyResponse) {
  std::vector<std::string> bodies;
  for (const std::string& path :
       {std::string(kUsage), std::string(kUsage) + "&format=csv",
        std::string(kUsage) + "&granularity=month",
        std::string("/?from=2026-01&to=2026-02")}) {
    auto r = Get(path, token_ab_);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << path;
    bodies.push_back(r->body);
  }
  // /metrics is served by the admin listener from this text.
  bodies.push_back(server_->MetricsText());
  for (const std::string& body : bodies)
    for (const char* secret :
         {"DUPONT", "Jeanne", "1950-02-03", "ABC234", "prat-secret",
          "patient_ref", "patient_name", "\"P1\"", "Dr g1"})
      EXPECT_EQ(body.find(secret), std::string::npos) << secret;
  // The page shows the numbers, per cell.
  EXPECT_NE(bodies[3].find("data-row=\"2026-01\" data-table=\"site:A\" "
                           "data-col=\"honores\">30<"),
            std::string::npos);
  // How fresh each site is: the fixture's writes date from 2027-01-15
  // (site A's latest) and 2023 (B); the clock says 2026-03-01.
  EXPECT_NE(bodies[3].find("Dernière donnée reçue du site : 14/11/2023"),
            std::string::npos);
  EXPECT_NE(bodies[3].find("Rien de nouveau depuis"), std::string::npos);
  EXPECT_NE(bodies[0].find("\"derniere_donnee\":\"2023-11-14T"),
            std::string::npos);
  EXPECT_NE(bodies[4].find("relais_hub_syncs_total 7"), std::string::npos);
  EXPECT_NE(bodies[4].find("relais_report_http_requests_total{route=\"usage\""),
            std::string::npos);
}

// Issue #20: the dashboard's table of consultations by commune of residence
// (whole quarters only), sortable by links; CSV and JSON carry it; a crafted
// sort is refused in French.
TEST_F(ReportHttpTest, CommuneTableOnTheDashboardAndInTheApi) {
  // March at A: 12 consultations of patients from Brest (29019), 3 from
  // Guipavas (29075: a small cell); the rest of the fixture has no commune.
  for (int i = 0; i < 15; ++i) {
    common::Record r = common::report::testing::Appt(
        "A", "mc" + std::to_string(i), "2026-03-1" + std::to_string(i % 5), 9,
        0, "done", "consultation", "M" + std::to_string(i));
    common::ApplyLocalWrite(&r, "rep-test", common::MakeHlc(1'800'000'000'100 + i, 0),
                            {{common::field::kPatientCommune, i < 12 ? "29019" : "29075"}});
    records_.push_back(r);
  }
  clock_.Set(common::ParisLocalToUtc({2026, 4, 2}, 12, 0) * 1000);
  const std::string q1 = "from=2026-01&to=2026-03&granularity=quarter";
  auto page = Get("/?" + q1 + "&tri=commune", token_ab_);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200) << page->body;
  const std::string& h = page->body;
  EXPECT_NE(h.find("Consultations par commune de résidence"), std::string::npos);
  // Names from the shipped list, sorted by name: BREST, « Commune non
  // renseignée », GUIPAVAS.
  const size_t brest = h.find("<td>BREST</td><td>29019</td>");
  const size_t none = h.find("<td>Commune non renseignée</td>");
  const size_t guipavas = h.find("<td>GUIPAVAS</td><td>29075</td>");
  ASSERT_NE(brest, std::string::npos);
  ASSERT_NE(none, std::string::npos);
  ASSERT_NE(guipavas, std::string::npos);
  EXPECT_LT(brest, none);
  EXPECT_LT(none, guipavas);
  // The small cell is masked; links sort by a quarter.
  EXPECT_NE(h.find("data-site=\"A\" data-row=\"2026-T1\" "
                   "data-col=\"commune_29075\">&lt; 11<"),
            std::string::npos);
  EXPECT_NE(h.find("tri=2026-T1"), std::string::npos);
  // Sorted by the quarter, most first: « non renseignée » (55 at A) first.
  auto by_q = Get("/?" + q1 + "&tri=2026-T1", token_ab_);
  ASSERT_TRUE(by_q);
  ASSERT_EQ(by_q->status, 200);
  const size_t body = by_q->body.find("data-table=\"communes\"");
  ASSERT_NE(body, std::string::npos);
  EXPECT_LT(by_q->body.find("Commune non renseignée", body),
            by_q->body.find("GUIPAVAS", body));
  // API: the commune tables in CSV and JSON, never the masked value.
  auto csv = Get("/api/v1/usage?" + q1 + "&format=csv", token_ab_);
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find("communes:A;A;2026-T1;2026-01-01;2026-03-31;commune_29075;"
                           "Commune 29075;nombre;;< 11;primaire"),
            std::string::npos)
      << csv->body.substr(0, 3000);
  auto json = Get("/api/v1/usage?" + q1, token_ab_);
  ASSERT_TRUE(json);
  EXPECT_NE(json->body.find("\"communes:A\""), std::string::npos);
  // Crafted sorts are refused.
  for (const char* bad : {"&tri=nom%3Cscript%3E", "&tri=2026-T5", "&tri=2026-01"}) {
    auto b = Get("/?" + q1 + bad, token_ab_);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->status, 400) << bad;
    EXPECT_NE(b->body.find("paramètre tri invalide"), std::string::npos) << bad;
  }
}

TEST_F(ReportHttpTest, HealthzNeedsNoToken) {
  auto r = Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ok\n");
}

int RunCli(std::vector<std::string> args) {
  args.insert(args.begin(), "relais");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return common::cli::Run(static_cast<int>(argv.size()), argv.data());
}

TEST_F(ReportHttpTest, RelaisReportCommand) {
  const std::string out = (dir_ / "rapport.csv").string();
  const std::string token_file = (dir_ / "conseil.jeton").string();
  std::ofstream(token_file) << token_ab_ << "\n";
  std::filesystem::permissions(token_file, std::filesystem::perms::owner_read |
                                               std::filesystem::perms::owner_write);
  EXPECT_EQ(RunCli({"report", "--url", Url(), "--token-file", token_file, "--from",
                    "2026-01", "--to", "2026-02", "--out", out}),
            0);
  std::ifstream f(out);
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_EQ(ss.str().rfind("tableau;site;periode;", 0), 0u);
  // 401 / 403 / 404: exit 1 and nothing written.
  const std::string none = (dir_ / "none.json").string();
  EXPECT_EQ(RunCli({"report", "--url", Url(), "--token", "inconnu", "--from",
                    "2026-01", "--to", "2026-02", "--format", "json", "--out",
                    none}),
            1);
  EXPECT_EQ(RunCli({"report", "--url", Url(), "--token", token_b_, "--site",
                    "A", "--from", "2026-01", "--to", "2026-02", "--out", none}),
            1);
  EXPECT_EQ(RunCli({"report", "--url", Url() + "/autre", "--token", token_b_,
                    "--from", "2026-01", "--to", "2026-02", "--out", none}),
            1);
  EXPECT_FALSE(std::filesystem::exists(none));
  // Bad arguments: exit 2, no request needed.
  EXPECT_EQ(RunCli({"report", "--url", Url(), "--token", token_ab_, "--from",
                    "2026-13", "--to", "2026-02"}),
            2);
  EXPECT_EQ(RunCli({"report", "--url", Url(), "--token", token_ab_, "--from",
                    "2026-01", "--to", "2026-02", "--format", "xml"}),
            2);
  // Every granularity the hub serves for this range (docs/reporting.md):
  // whole quarters only, and no weeks (issue #20): the hub answers 400,
  // which the command reports as bad arguments (exit 2).
  for (const std::string g : {"quarter", "week"})
    EXPECT_EQ(RunCli({"report", "--url", Url(), "--token", token_ab_, "--from", "2026-01",
                      "--to", "2026-02", "--granularity", g, "--out", none}),
              2)
        << g;
  for (const std::string g : {"auto", "month"}) {
    const std::string gout = (dir_ / ("g-" + g + ".json")).string();
    EXPECT_EQ(RunCli({"report", "--url", Url(), "--token", token_ab_, "--from", "2026-01",
                      "--to", "2026-02", "--format", "json", "--granularity", g, "--out",
                      gout}),
              0)
        << g;
    std::ifstream gf(gout);
    std::stringstream gs;
    gs << gf.rdbuf();
    EXPECT_NE(gs.str().find("\"granularite\":\"" + g + "\""), std::string::npos) << g;
  }
  EXPECT_EQ(RunCli({"report", "--url", Url(), "--token", token_ab_, "--from", "2026-01",
                    "--to", "2026-02", "--granularity", "year"}),
            2);
  // A site id that cannot be one: exit 2, no request.
  EXPECT_EQ(RunCli({"report", "--url", Url(), "--token", token_ab_, "--site", "A B",
                    "--from", "2026-01", "--to", "2026-02", "--out", none}),
            2);
  EXPECT_FALSE(std::filesystem::exists(none));
  // 5xx is retried (3 attempts) then reported.
  fail_ = true;
  EXPECT_EQ(RunCli({"report", "--url", Url(), "--token", token_ab_, "--from",
                    "2026-01", "--to", "2026-02", "--out", none}),
            1);
  EXPECT_FALSE(std::filesystem::exists(none));
}

TEST(CouncilTokensTest, EnrollListRevoke) {
  common::FakeClock clock(1000);
  auto t = SqliteCouncilTokens::Open(":memory:");
  ASSERT_TRUE(t.ok());
  auto tok = (*t)->Enroll("region", {"S2", "S1"}, clock);
  ASSERT_TRUE(tok.ok());
  EXPECT_EQ(tok->size(), 64u);
  auto sites = (*t)->Sites(*tok);
  ASSERT_TRUE(sites.ok());
  EXPECT_EQ(*sites, (std::vector<std::string>{"S1", "S2"}));
  EXPECT_EQ((*t)->Enroll("region", {"S1"}, clock).status().code(),
            common::StatusCode::kAlreadyExists);
  for (const std::string& bad :
       std::vector<std::string>{"a,b", "a b", "a/b", "a\nb", "", std::string(65, 's')})
    EXPECT_EQ((*t)->Enroll("x", {"S1", bad}, clock).status().code(),
              common::StatusCode::kInvalidArgument)
        << bad;
  EXPECT_EQ((*t)->Enroll("x", {}, clock).status().code(),
            common::StatusCode::kInvalidArgument);
  EXPECT_EQ((*t)->Sites("").status().code(),
            common::StatusCode::kUnauthenticated);
  auto list = (*t)->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].created_ms, 1000);
  ASSERT_TRUE((*t)->Revoke("region").ok());
  EXPECT_EQ((*t)->Sites(*tok).status().code(),
            common::StatusCode::kUnauthenticated);
  EXPECT_EQ((*t)->Revoke("region").code(), common::StatusCode::kNotFound);
}

}  // namespace
}  // namespace relais::server
