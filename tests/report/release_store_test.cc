// Persisted releases (issue #20): the stored form round-trips, the file is
// 0600, a tampered release is refused in French (never served, never
// silently recomputed), and released cells survive a restart of the report
// server even when late records change the facts of a released month.
#include "server/report/release_store.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/report/release_codec.h"
#include "common/storage/sqlite.h"
#include "common/util/clock.h"
#include "server/report/memory_backend.h"
#include "server/report/report_server.h"
#include "tests/report/fixtures.h"
#include "tests/report/release_fixture.h"

namespace relais::server {
namespace {

namespace report = common::report;

class ReleaseStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("relais-release-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "hub-publications.db").string();
    std::printf("seed 20\n");
    report::YearRelease empty;
    empty.year = 2026;
    auto r = report::ExtendRelease(empty, report::testing::ReleaseFixture(20),
                                   report::testing::AfterYear());
    ASSERT_TRUE(r.ok());
    release_ = *r;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::filesystem::path dir_;
  std::string path_;
  report::YearRelease release_;
};

TEST_F(ReleaseStoreTest, RoundTripAcrossReopeningInA0600File) {
  {
    auto store = SqliteReleaseStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto none = (*store)->Get(2025);
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(none->year, 2025);
    EXPECT_EQ(none->months_released, 0);
    ASSERT_TRUE((*store)->Put(release_).ok());
  }
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto store = SqliteReleaseStore::Open(path_);
  ASSERT_TRUE(store.ok());
  auto back = (*store)->Get(2026);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(report::EncodeRelease(*back), report::EncodeRelease(release_));
  EXPECT_EQ(back->rows.size(), release_.rows.size());
  // A foreign SQLite file is not taken for a release store.
  const std::string foreign = (dir_ / "foreign.db").string();
  {
    auto db = common::Db::Open(foreign, true);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("CREATE TABLE t(x)").ok());
  }
  EXPECT_FALSE(SqliteReleaseStore::Open(foreign).ok());
  EXPECT_EQ(ReleaseStorePath("/srv/relais/hub.db"), "/srv/relais/hub-publications.db");
  EXPECT_EQ(ReleaseStorePath("hub"), "hub-publications.db");
}

TEST_F(ReleaseStoreTest, TamperedReleasesAreRefusedInFrench) {
  auto store = SqliteReleaseStore::Open(path_);
  ASSERT_TRUE(store.ok());
  // A primary cell unmasked; a month's value changed (its quarter no longer
  // adds up); an unreleased period; and plain garbage.
  report::YearRelease unmasked = release_, changed = release_;
  bool done = false;
  for (auto& [key, row] : unmasked.rows)
    for (auto& [col, cell] : row.cells)
      if (!done && col == "non_venus" && cell.mask == report::Mask::kPrimary)
        cell.mask = report::Mask::kNone, done = true;
  ASSERT_TRUE(done);
  changed.rows.at({"A", "2026-02"}).cells.at("rdv_total").value.value() += 1;
  report::YearRelease early = release_;
  early.months_released = 2;
  std::string big_year = report::EncodeRelease(release_);
  big_year.replace(big_year.find("\"mois_publies\":12"), 17,
                   "\"mois_publies\":13");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {report::EncodeRelease(unmasked), "de 1 à 10 non masquée"},
      {report::EncodeRelease(changed), "total incohérent A 2026-T1 rdv_total"},
      {report::EncodeRelease(early), "période non publiée"},
      {big_year, "hors limites"},
      {"{\"format\":\"relais-publication\"", "JSON illisible"},
      {"[]", "JSON illisible"}};
  for (const auto& [body, says] : cases) {
    ASSERT_TRUE((*store)->TEST_SetBody(2026, body).ok());
    auto got = (*store)->Get(2026);
    ASSERT_FALSE(got.ok()) << says;
    EXPECT_EQ(got.status().code(), common::StatusCode::kDataLoss);
    EXPECT_NE(got.status().message().find("publication enregistrée refusée"),
              std::string::npos);
    EXPECT_NE(got.status().message().find(says), std::string::npos)
        << got.status().message();
  }
  // Honest data survives.
  ASSERT_TRUE((*store)->Put(release_).ok());
  EXPECT_TRUE((*store)->Get(2026).ok());
}

// The report server over a persisted store: January and February are
// released on 1 March; late January records and a restart change nothing
// that was released; a tampered store makes the endpoint answer 503.
TEST_F(ReleaseStoreTest, ReleasedCellsSurviveARestartAndLateRecords) {
  common::FakeClock clock(common::ParisLocalToUtc({2026, 3, 1}, 9, 0) * 1000);
  auto body = [&](MemoryReportBackend& backend, int* status) {
    auto store = SqliteReleaseStore::Open(path_);
    EXPECT_TRUE(store.ok());
    // The memory backend, with releases persisted in the store.
    struct Wrap final : ReportBackend {
      MemoryReportBackend* b;
      ReleaseStore* s;
      common::Result<std::vector<std::string>> CouncilSites(
          const std::string& t) override {
        return b->CouncilSites(t);
      }
      common::Result<report::FactSet> Facts(
          const std::vector<std::string>& sites, int64_t a,
          int64_t z) override {
        return b->Facts(sites, a, z);
      }
      std::string MetricsText() override { return ""; }
      ReleaseStore* Releases() override { return s; }
    } wrap;
    wrap.b = &backend;
    wrap.s = store->get();
    ReportServer srv(wrap, clock);
    auto port = srv.Start("127.0.0.1", 0);
    EXPECT_TRUE(port.ok());
    httplib::Client c("127.0.0.1", *port);
    auto r = c.Get("/api/v1/usage?from=2026-01&to=2026-02&granularity=month",
                   {{"Authorization", "Bearer t"}});
    EXPECT_TRUE(r);
    *status = r ? r->status : 0;
    std::string out = r ? r->body : "";
    srv.Stop();
    return out;
  };
  MemoryReportBackend backend;
  backend.AddToken("t", {"A", "B"});
  std::vector<common::Record> records = report::testing::Fixture();
  backend.SetRecords(records);
  int status = 0;
  const std::string first = body(backend, &status);
  ASSERT_EQ(status, 200) << first;
  // 20 late January no-shows at A (A's January non_venus 4 -> 24), then a
  // restart of the server on the same file, two weeks later.
  for (int i = 0; i < 20; ++i)
    records.push_back(report::testing::Appt(
        "A", "late" + std::to_string(i), "2026-01-20", 9, 0, "no_show",
        "consultation", "L" + std::to_string(i)));
  backend.SetRecords(records);
  clock.Advance(14LL * 86400 * 1000);
  const std::string second = body(backend, &status);
  ASSERT_EQ(status, 200);
  auto a = nlohmann::json::parse(first), b = nlohmann::json::parse(second);
  // Every released figure is unchanged (only the freshness line moved).
  ASSERT_EQ(a["tableaux"].size(), b["tableaux"].size());
  for (size_t t = 0; t < a["tableaux"].size(); ++t)
    EXPECT_TRUE(a["tableaux"][t]["lignes"] == b["tableaux"][t]["lignes"])
        << a["tableaux"][t]["cle"];
  EXPECT_EQ(a["tableaux"][0]["lignes"][0]["masques"]["non_venus"], "primaire");
  // A tampered store is reported, not recomputed.
  {
    auto store = SqliteReleaseStore::Open(path_);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->TEST_SetBody(2026, "{}").ok());
  }
  const std::string third = body(backend, &status);
  EXPECT_EQ(status, 503);
  EXPECT_NE(third.find("publications illisibles"), std::string::npos) << third;
}

}  // namespace
}  // namespace relais::server
