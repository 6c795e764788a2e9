// The funding office's aggregate store (FactStore) against a real
// SqliteHubStore: the report it feeds equals the report computed from the
// merged records, through changes, deletions, late practitioner records, a
// hub restored from a backup (new epoch), small batches and a full disk; the
// file holds no patient identifier.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>
#include <tuple>

#include "common/merge/merge.h"
#include "common/report/report.h"
#include "common/report/usage.h"
#include "common/util/time.h"
#include "server/report/fact_store.h"
#include "server/sqlite_hub_store.h"
#include "tests/common/test_util.h"
#include "tools/report_demo/seed.h"

namespace relais::server {
namespace {

using common::Collection;
using common::StatusCode;
using common::testing::TempDir;
namespace report = common::report;

class FactStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto hub = SqliteHubStore::Open(dir_.File("hub.db"), true);
    ASSERT_TRUE(hub.ok()) << hub.status().ToString();
    hub_ = std::move(hub).value();
    auto facts = FactStore::Open(dir_.File("hub-agregats.db"), true);
    ASSERT_TRUE(facts.ok()) << facts.status().ToString();
    facts_ = std::move(facts).value();
    tools::SeedOptions o;
    o.months = 2;
    o.sites = {{"A", 12, 3, 2}, {"B", 6, 2, 1}, {"C", 2, 1, 1}};
    records_ = tools::SyntheticRecords(o);
    Push(records_);
  }

  // Pushes each record as the replica that wrote its newest value (the hub
  // takes a write only from its author).
  void Push(const std::vector<common::Record>& batch) {
    for (const auto& [author, run] : tools::RunsByAuthor(batch)) {
      Scope scope = loader_;
      scope.replica_id = author;
      auto p = hub_->Push(scope, run);
      ASSERT_TRUE(p.ok()) << p.status().ToString();
    }
  }

  // Every merged record the hub holds.
  std::vector<common::Record> HubRecords() {
    std::vector<common::Record> out;
    Scope all{"test", "", loader_.sites};
    uint64_t after = 0;
    for (;;) {
      auto p = hub_->Pull(all, after, 1000, 1 << 20);
      EXPECT_TRUE(p.ok());
      if (!p.ok()) return out;
      out.insert(out.end(), p->records.begin(), p->records.end());
      after = p->cursor;
      if (!p->has_more) return out;
    }
  }

  report::UsageQuery Query(report::Granularity g) {
    report::UsageQuery q;
    q.from = "2026-01";
    q.to = "2026-03";
    q.granularity = g;
    q.sites = {"A", "B", "C"};
    q.now_s = common::ParisLocalToUtc({2026, 2, 10}, 12, 0);
    return q;
  }

  // The report from the fact store equals the one from the hub's records,
  // suppression included, for months and weeks.
  void ExpectSameReports() {
    for (auto g : {report::Granularity::kMonth, report::Granularity::kWeek}) {
      const report::UsageQuery q = Query(g);
      int64_t d0 = 0, d1 = 0;
      ASSERT_TRUE(report::QueryDays(q, &d0, &d1).ok());
      auto facts = facts_->Read(q.sites, d0, d1);
      ASSERT_TRUE(facts.ok()) << facts.status().ToString();
      auto from_facts = report::BuildSuppressedUsageReport(*facts, q);
      auto from_records = report::BuildSuppressedUsageReport(HubRecords(), q);
      ASSERT_TRUE(from_facts.ok() && from_records.ok());
      EXPECT_EQ(report::RenderJson(*from_facts),
                report::RenderJson(*from_records))
          << report::GranularityName(g);
    }
  }

  double Cell(const std::string& table, const std::string& row,
              const std::string& col) {
    const report::UsageQuery q = Query(report::Granularity::kMonth);
    int64_t d0 = 0, d1 = 0;
    EXPECT_TRUE(report::QueryDays(q, &d0, &d1).ok());
    auto facts = facts_->Read(q.sites, d0, d1);
    EXPECT_TRUE(facts.ok());
    auto r = report::BuildUsageReport(*facts, q);
    EXPECT_TRUE(r.ok());
    for (const report::Table& t : r->tables)
      if (t.key == table)
        for (const report::Row& rw : t.rows)
          if (rw.key == row) return rw.cells.at(t.ColumnIndex(col)).value.value_or(-1);
    ADD_FAILURE() << table << "/" << row << "/" << col;
    return -2;
  }

  common::Record Find(Collection c, const std::string& pred_field,
                      const std::string& pred_value, const std::string& site) {
    for (const common::Record& r : records_) {
      if (r.collection != c || r.site_id != site) continue;
      const common::FieldView v = common::View(r);
      auto it = v.find(pred_field);
      if (it != v.end() && it->second == pred_value) return r;
    }
    ADD_FAILURE() << "no record with " << pred_field << "=" << pred_value;
    return {};
  }

  common::Record Change(common::Record r,
                        const std::map<std::string, std::string>& fields) {
    EXPECT_TRUE(common::ApplyLocalWrite(&r, "rep-test", hlc_++, fields));
    return r;
  }

  TempDir dir_;
  Scope loader_{"test", "loader", {"A", "B", "C"}};
  std::unique_ptr<SqliteHubStore> hub_;
  std::unique_ptr<FactStore> facts_;
  std::vector<common::Record> records_;
  common::Hlc hlc_ = common::MakeHlc(1'780'000'000'000, 0);
};

TEST_F(FactStoreTest, ReportFromFactsEqualsReportFromRecords) {
  auto c = facts_->CatchUp(*hub_);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->complete);
  EXPECT_EQ(c->applied, records_.size());
  ExpectSameReports();
  // Nothing new: nothing applied.
  auto again = facts_->CatchUp(*hub_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->applied, 0u);
  EXPECT_TRUE(again->complete);
}

// Schema 5: the patient's commune and the walk-in tickets survive the store
// (same facts as projected from the hub's records), and the seed has both.
TEST_F(FactStoreTest, CommunesAndWalkInsAreStored) {
  auto c = facts_->CatchUp(*hub_);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto stored = facts_->Read({}, 0, 100000);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  const report::FactSet want = report::FactsFromRecords(HubRecords());
  size_t tickets = 0, with_commune = 0;
  for (const auto& [site, f] : want) {
    auto key = [](const report::AppointmentFact& a) {
      return std::make_tuple(a.day, a.due_s, a.commune);
    };
    std::multiset<std::tuple<int32_t, int64_t, std::string>> a, b;
    for (const auto& x : f.appointments) a.insert(key(x)), with_commune += !x.commune.empty();
    for (const auto& x : stored->at(site).appointments) b.insert(key(x));
    EXPECT_EQ(a, b) << site;
    std::multiset<std::pair<int32_t, int32_t>> t, u;
    for (const auto& x : f.tickets) t.insert({x.day, x.wait_min});
    for (const auto& x : stored->at(site).tickets) u.insert({x.day, x.wait_min});
    EXPECT_EQ(t, u) << site;
    tickets += t.size();
  }
  EXPECT_GT(tickets, 20u);
  EXPECT_GT(with_commune, 100u);
}

// Record ids are per site at the hub: site D holds a copy of every record
// of A under the same ids (other professions, cancelled appointments). Each
// site's figures equal those computed from its own records alone.
TEST_F(FactStoreTest, SameIdsAtTwoSitesNeverMix) {
  std::vector<common::Record> a_records, plain, copies, changed;
  for (const common::Record& r : records_) {
    if (r.site_id != "A") continue;
    a_records.push_back(r);
    common::Record c = r;
    c.site_id = "D";
    plain.push_back(c);
    // (No change when the value is already that one.)
    bool edited = false;
    if (r.collection == Collection::kPractitioner)
      edited = common::ApplyLocalWrite(&c, "rep-d", hlc_++, {{"profession", "autre"}});
    if (r.collection == Collection::kAppointment)
      edited = common::ApplyLocalWrite(&c, "rep-d", hlc_++, {{"status", "cancelled"}});
    copies.push_back(c);
    if (edited) changed.push_back(c);
  }
  ASSERT_TRUE(facts_->CatchUp(*hub_).ok());
  const double done_jan = Cell("site:A", "2026-01", "honores");
  ASSERT_GT(done_jan, 0);
  // The copies pushed by their authors, then D's own edits by rep-d.
  for (const auto& [author, run] : tools::RunsByAuthor(plain))
    ASSERT_OK(hub_->Push(Scope{"test", author, {"D"}}, run));
  ASSERT_FALSE(changed.empty());
  ASSERT_OK(hub_->Push(Scope{"test", "rep-d", {"D"}}, changed));
  for (const common::Record& c : copies) {
    auto held = hub_->Get("D", c.collection, c.id);
    ASSERT_OK(held);
    ASSERT_TRUE(held->has_value()) << c.id;
    ASSERT_EQ((*held)->record, c) << c.id;
  }
  auto c = facts_->CatchUp(*hub_);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->applied, copies.size());
  EXPECT_EQ(Cell("site:A", "2026-01", "honores"), done_jan);
  for (const auto& [site, recs] : {std::pair{std::string("A"), a_records},
                                   std::pair{std::string("D"), copies}}) {
    report::UsageQuery q = Query(report::Granularity::kMonth);
    q.sites = {site};
    int64_t d0 = 0, d1 = 0;
    ASSERT_TRUE(report::QueryDays(q, &d0, &d1).ok());
    auto facts = facts_->Read(q.sites, d0, d1);
    ASSERT_TRUE(facts.ok()) << facts.status().ToString();
    auto from_facts = report::BuildUsageReport(*facts, q);
    auto from_records = report::BuildUsageReport(recs, q);
    ASSERT_TRUE(from_facts.ok() && from_records.ok());
    EXPECT_EQ(report::RenderJson(*from_facts), report::RenderJson(*from_records)) << site;
  }
}

// A version-3 fact store (practitioners keyed by id alone), fully caught up
// with the hub, is upgraded to per-site keys and re-projected: its figures
// then equal those computed from the hub's records.
TEST_F(FactStoreTest, Version3StoreIsReprojectedWithPerSiteKeys) {
  facts_.reset();
  const std::string path = dir_.File("v3-agregats.db");
  {
    auto db = common::Db::Open(path, true);
    ASSERT_TRUE(db.ok());
    common::Db& d = **db;
    // The version-3 schema (kMigrations[0..2] as they shipped).
    ASSERT_TRUE(d.Exec(
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
        "CREATE TABLE watermarks(site TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;"
        "CREATE TABLE appointments(site TEXT NOT NULL, day INTEGER NOT NULL,"
        " rid TEXT NOT NULL, status INTEGER NOT NULL, kind INTEGER NOT NULL,"
        " checkin INTEGER NOT NULL, late INTEGER NOT NULL, wait INTEGER NOT NULL,"
        " due INTEGER NOT NULL, patient INTEGER NOT NULL,"
        " PRIMARY KEY(site, day, rid)) WITHOUT ROWID;"
        "CREATE UNIQUE INDEX appointments_rid ON appointments(rid);"
        "CREATE TABLE presence(site TEXT NOT NULL, day INTEGER NOT NULL,"
        " rid TEXT NOT NULL, half INTEGER NOT NULL, practitioner TEXT NOT NULL,"
        " contributor TEXT NOT NULL, PRIMARY KEY(site, day, rid)) WITHOUT ROWID;"
        "CREATE UNIQUE INDEX presence_rid ON presence(rid);"
        "CREATE TABLE ledger(site TEXT NOT NULL, day INTEGER NOT NULL,"
        " rid TEXT NOT NULL, cents INTEGER NOT NULL, category TEXT NOT NULL,"
        " PRIMARY KEY(site, day, rid)) WITHOUT ROWID;"
        "CREATE UNIQUE INDEX ledger_rid ON ledger(rid);"
        "CREATE TABLE practitioners(id TEXT PRIMARY KEY, site TEXT NOT NULL,"
        " profession TEXT NOT NULL) WITHOUT ROWID;"
        "CREATE TABLE first_visits(site TEXT NOT NULL, day INTEGER NOT NULL,"
        " patient INTEGER NOT NULL, PRIMARY KEY(site, day, patient)) WITHOUT ROWID;"
        "CREATE UNIQUE INDEX first_visits_patient ON first_visits(site, patient);"
        "CREATE INDEX appointments_done ON appointments(site, patient, day)"
        " WHERE status=1;"
        "CREATE TABLE site_activity(site TEXT PRIMARY KEY,"
        " last_write_ms INTEGER NOT NULL) WITHOUT ROWID;"
        "PRAGMA application_id=1380273222; PRAGMA user_version=3;").ok());
    // Caught up with this hub (same epoch, every watermark at the end), but
    // holding a stale practitioner fact only.
    const std::string last = std::to_string(*hub_->LastSeq());
    ASSERT_TRUE(d.Exec("INSERT INTO meta VALUES('hub_epoch','" + *hub_->Epoch() +
                       "'); INSERT INTO watermarks VALUES('A'," + last + "),('B'," +
                       last + "),('C'," + last + ");"
                       " INSERT INTO practitioners VALUES('x@A','A','medecin');")
                    .ok());
  }
  auto facts = FactStore::Open(path, false);
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  facts_ = std::move(facts).value();
  auto c = facts_->CatchUp(*hub_);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->applied, records_.size());
  ExpectSameReports();
  facts_.reset();
  auto db = common::Db::Open(path, false);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*(*db)->QueryInt("PRAGMA user_version"), kFactSchemaVersion);
  EXPECT_EQ(*(*db)->QueryInt("SELECT count(*) FROM practitioners WHERE id='x@A'"), 0);
}

TEST_F(FactStoreTest, FollowsChangesDeletionsAndLatePractitioners) {
  ASSERT_TRUE(facts_->CatchUp(*hub_).ok());
  const double done_jan = Cell("site:A", "2026-01", "honores");
  const double total_feb = Cell("site:A", "2026-02", "rdv_total");
  // A January appointment done moves to February and is cancelled; another
  // is deleted.
  common::Record moved = Find(Collection::kAppointment, "status", "done", "A");
  const common::FieldView mv = common::View(moved);
  int64_t start = 0;
  ASSERT_TRUE(common::ParseInt64(mv.at("start"), &start));
  ASSERT_EQ(common::ParisDate(start).month, 1);
  std::vector<common::Record> changes;
  changes.push_back(Change(moved, {{"start", std::to_string(start + 35 * 86400)},
                                   {"status", "cancelled"}}));
  common::Record gone;
  for (const common::Record& r : records_) {
    if (r.collection != Collection::kAppointment || r.site_id != "A" || r.id == moved.id)
      continue;
    const common::FieldView v = common::View(r);
    int64_t s = 0;
    if (v.at("status") == "done" && common::ParseInt64(v.at("start"), &s) &&
        common::ParisDate(s).month == 1) {
      gone = r;
      break;
    }
  }
  ASSERT_FALSE(gone.id.empty());
  changes.push_back(Change(gone, {{common::kDeletedField, "1"}}));
  // A nurse's presence arrives before her practitioner record (unknown
  // profession: "autre"), then the record arrives.
  common::Record pres;
  pres.collection = Collection::kPresence;
  pres.id = "pres-late";
  pres.site_id = "B";
  pres = Change(pres, {{"practitioner", "nouvelle@B"}, {"date", "2026-01-12"},
                       {"half", "am"}, {"state", "present"}});
  changes.push_back(pres);
  Push(changes);
  auto c = facts_->CatchUp(*hub_);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->applied, 3u);
  EXPECT_EQ(Cell("site:A", "2026-01", "honores"), done_jan - 2);
  EXPECT_EQ(Cell("site:A", "2026-02", "rdv_total"), total_feb + 1);
  EXPECT_EQ(Cell("site:B", "2026-01", "presence_autre"), 1);
  ExpectSameReports();

  common::Record nurse;
  nurse.collection = Collection::kPractitioner;
  nurse.id = "nouvelle@B";
  nurse.site_id = "B";
  Push({Change(nurse, {{"name", "Mme N"}, {"profession", "sage_femme"}})});
  ASSERT_TRUE(facts_->CatchUp(*hub_).ok());
  EXPECT_EQ(Cell("site:B", "2026-01", "presence_sage_femme"), 1);
  ExpectSameReports();
}

TEST_F(FactStoreTest, SmallBatchesAndABudgetResumeWhereTheyStopped) {
  size_t applied = 0;
  int calls = 0;
  for (;; ++calls) {
    ASSERT_LT(calls, 10000);
    auto c = facts_->CatchUp(*hub_, 500, 100);
    ASSERT_TRUE(c.ok());
    applied += c->applied;
    if (c->complete) break;
    EXPECT_GT(c->behind, 0u);
    EXPECT_GE(c->applied, 500u);
  }
  EXPECT_GT(calls, 2);
  EXPECT_EQ(applied, records_.size());
  ExpectSameReports();
}

TEST_F(FactStoreTest, FullDiskLosesNothingAndResumes) {
  // Room for the schema and a few batches, not for everything.
  ASSERT_TRUE(facts_->CatchUp(*hub_, 100, 100).ok());
  ASSERT_TRUE(facts_->TEST_LimitPages(40).ok());
  auto full = facts_->CatchUp(*hub_, 0, 100);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.status().code(), StatusCode::kResourceExhausted)
      << full.status().ToString();
  ASSERT_TRUE(facts_->TEST_LimitPages(0).ok());
  auto rest = facts_->CatchUp(*hub_);
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_TRUE(rest->complete);
  ExpectSameReports();
}

TEST_F(FactStoreTest, HubRestoredFromBackupRebuildsEverything) {
  ASSERT_TRUE(facts_->CatchUp(*hub_).ok());
  ASSERT_TRUE(hub_->RenewEpoch().ok());
  auto c = facts_->CatchUp(*hub_);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->applied, records_.size());
  ExpectSameReports();
}

TEST_F(FactStoreTest, NoPatientIdentifierInTheFile) {
  ASSERT_TRUE(facts_->CatchUp(*hub_).ok());
  facts_.reset();  // closes the file (checkpoints the WAL)
  std::string bytes;
  for (const char* f : {"hub-agregats.db", "hub-agregats.db-wal"}) {
    std::ifstream in(dir_.File(f), std::ios::binary);
    bytes.append(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GT(bytes.size(), 10000u);
  int checked = 0;
  for (const common::Record& r : records_) {
    if (r.collection != Collection::kAppointment || checked >= 200) continue;
    const common::FieldView v = common::View(r);
    for (const char* f : {"patient_ref", "patient_name", "patient_birth", "code"}) {
      auto it = v.find(f);
      if (it == v.end() || it->second.size() < 4) continue;
      EXPECT_EQ(bytes.find(it->second), std::string::npos) << f << "=" << it->second;
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
}

TEST_F(FactStoreTest, RefusesAForeignFileAndKeepsItsKey) {
  auto foreign = FactStore::Open(dir_.File("hub.db"), false);
  ASSERT_FALSE(foreign.ok());
  EXPECT_NE(foreign.status().message().find("agrégats"), std::string::npos)
      << foreign.status().ToString();
  // The pseudonym key survives a reopen (distinct patients stay distinct
  // across catch-ups).
  const uint64_t before = facts_->Pseudonym("patient-42");
  facts_.reset();
  auto reopened = FactStore::Open(dir_.File("hub-agregats.db"), false);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->Pseudonym("patient-42"), before);
  EXPECT_NE((*reopened)->Pseudonym("patient-43"), before);
}

TEST_F(FactStoreTest, ADamagedFileIsMovedAsideAndRebuilt) {
  ASSERT_TRUE(facts_->CatchUp(*hub_).ok());
  facts_.reset();
  const std::string path = dir_.File("hub-agregats.db");
  {
    std::ofstream junk(path, std::ios::binary | std::ios::trunc);
    junk << std::string(8192, 'x');
  }
  std::string note;
  auto rebuilt = FactStore::OpenOrRebuild(path, &note);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_NE(note.find("mis de côté"), std::string::npos) << note;
  int aside = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path()))
    if (e.path().filename().string().rfind("hub-agregats.db.illisible-", 0) == 0)
      ++aside;
  EXPECT_EQ(aside, 1);  // kept, not deleted
  facts_ = std::move(rebuilt).value();
  auto c = facts_->CatchUp(*hub_);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->applied, records_.size());
  ExpectSameReports();
  // A healthy file opens as is.
  facts_.reset();
  auto again = FactStore::OpenOrRebuild(path, &note);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(note.empty()) << note;
}

TEST_F(FactStoreTest, LiveFactsCatchesUpInTheBackgroundAndOnRequest) {
  LiveFacts live(hub_.get(), std::move(facts_), std::chrono::milliseconds(20));
  const report::UsageQuery q = Query(report::Granularity::kMonth);
  int64_t d0 = 0, d1 = 0;
  ASSERT_TRUE(report::QueryDays(q, &d0, &d1).ok());
  auto f = live.Facts(q.sites, d0, d1);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  size_t n = 0;
  for (const auto& [site, s] : *f) n += s.appointments.size();
  EXPECT_GT(n, 100u);
  // A new site appears at the hub: the next request sees it.
  common::Record r;
  r.collection = Collection::kAppointment;
  r.id = "d-1";
  r.site_id = "D";
  EXPECT_TRUE(common::ApplyLocalWrite(
      &r, "rep-d", hlc_,
      {{"start", std::to_string(common::ParisLocalToUtc({2026, 1, 5}, 9, 0))},
       {"duration", "15"}, {"status", "done"}, {"kind", "consultation"},
       {"patient_ref", "pd"}, {"practitioner", "p1@D"}}));
  auto p = hub_->Push(Scope{"d", "rep-d", {"D"}}, {r});
  ASSERT_TRUE(p.ok());
  auto g = live.Facts({"D"}, d0, d1);
  ASSERT_TRUE(g.ok());
  ASSERT_EQ((*g)["D"].appointments.size(), 1u);
  EXPECT_EQ((*g)["D"].appointments[0].status, report::FactStatus::kDone);
}

TEST(HubStoreSitesTest, ListsEachSiteOnceSorted) {
  TempDir dir;
  auto hub = SqliteHubStore::Open(dir.File("hub.db"), true);
  ASSERT_TRUE(hub.ok());
  auto none = (*hub)->Sites();
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  std::vector<common::Record> batch;
  for (const char* site : {"zeta", "alpha", "mid", "alpha"}) {
    common::Record r;
    r.collection = Collection::kPractitioner;
    r.id = std::string("p") + std::to_string(batch.size()) + "@" + site;
    r.site_id = site;
    EXPECT_TRUE(common::ApplyLocalWrite(&r, "rep", 1000 + batch.size(),
                                        {{"name", "x"}, {"profession", "ide"}}));
    batch.push_back(r);
  }
  ASSERT_TRUE((*hub)->Push(Scope{"t", "rep", {"alpha", "mid", "zeta"}}, batch).ok());
  auto sites = (*hub)->Sites();
  ASSERT_TRUE(sites.ok());
  EXPECT_EQ(*sites, (std::vector<std::string>{"alpha", "mid", "zeta"}));
}

}  // namespace
}  // namespace relais::server
