#include "server/report/fact_store.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>

#include "common/model/record.h"
#include "server/token.h"

namespace relais::server {

using common::Db;
using common::Result;
using common::Status;
using common::Stmt;
using common::Transaction;
using common::report::AppointmentFact;
using common::report::FactCheckin;
using common::report::FactKind;
using common::report::FactSet;
using common::report::FactStatus;
using common::report::LedgerFact;
using common::report::PresenceFact;
using common::report::RecordFact;

namespace {

constexpr int64_t kApplicationId = 0x52454C46;  // 'RELF'

const char* const kMigrations[] = {
    // 0 -> 1
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE watermarks(site TEXT PRIMARY KEY, seq INTEGER NOT NULL)"
    " WITHOUT ROWID;"
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
    " profession TEXT NOT NULL) WITHOUT ROWID;",
    // 1 -> 2: first visits (new patients). Forgetting the watermarks makes
    // the next catch-up re-project every record, which fills the table.
    "CREATE TABLE first_visits(site TEXT NOT NULL, day INTEGER NOT NULL,"
    " patient INTEGER NOT NULL, PRIMARY KEY(site, day, patient)) WITHOUT ROWID;"
    "CREATE UNIQUE INDEX first_visits_patient ON first_visits(site, patient);"
    "CREATE INDEX appointments_done ON appointments(site, patient, day)"
    " WHERE status=1;"
    "DELETE FROM watermarks;",
    // 2 -> 3: how fresh each site's data is. Re-projected like 1 -> 2.
    "CREATE TABLE site_activity(site TEXT PRIMARY KEY,"
    " last_write_ms INTEGER NOT NULL) WITHOUT ROWID;"
    "DELETE FROM watermarks;",
    // 3 -> 4: record ids are per site at the hub (hub schema 2), so facts
    // are keyed by (site, rid) and practitioners by (site, id): two sites'
    // records with one id never replace each other. Re-projected like 1 -> 2.
    "DROP INDEX appointments_rid;"
    "CREATE UNIQUE INDEX appointments_rid ON appointments(site, rid);"
    "DROP INDEX presence_rid;"
    "CREATE UNIQUE INDEX presence_rid ON presence(site, rid);"
    "DROP INDEX ledger_rid;"
    "CREATE UNIQUE INDEX ledger_rid ON ledger(site, rid);"
    "DROP TABLE practitioners;"
    "CREATE TABLE practitioners(site TEXT NOT NULL, id TEXT NOT NULL,"
    " profession TEXT NOT NULL, PRIMARY KEY(site, id)) WITHOUT ROWID;"
    "DELETE FROM watermarks;",
    // 4 -> 5: the patient's commune of residence (issue #20) and walk-in
    // tickets (issue #16). Facts are derived: forgetting the watermarks
    // re-projects every record, which fills both.
    "ALTER TABLE appointments ADD COLUMN commune TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE tickets(site TEXT NOT NULL, day INTEGER NOT NULL,"
    " rid TEXT NOT NULL, wait INTEGER NOT NULL,"
    " PRIMARY KEY(site, day, rid)) WITHOUT ROWID;"
    "CREATE UNIQUE INDEX tickets_rid ON tickets(site, rid);"
    "DELETE FROM watermarks;",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) ==
              kFactSchemaVersion);

constexpr const char* kFactTables[] = {"appointments", "presence", "ledger",
                                       "tickets"};

Result<std::string> MetaGet(Db* db, const std::string& key) {
  RELAIS_ASSIGN_OR_RETURN(Stmt st,
                          db->PrepareCached("SELECT value FROM meta WHERE key=?"));
  st.Bind(1, key);
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.ColumnText(0) : std::string();
}

Status MetaSet(Db* db, const std::string& key, const std::string& value) {
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db->PrepareCached("INSERT INTO meta(key, value) VALUES(?,?)"
                                 " ON CONFLICT(key) DO UPDATE SET value=excluded.value"));
  st.Bind(1, key).Bind(2, value);
  return st.Run();
}

Status SetWatermark(Db* db, const std::string& site, uint64_t seq) {
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db->PrepareCached("INSERT INTO watermarks(site, seq) VALUES(?,?)"
                                 " ON CONFLICT(site) DO UPDATE SET seq=excluded.seq"));
  st.Bind(1, site).Bind(2, static_cast<int64_t>(seq));
  return st.Run();
}

// The profession of the practitioner `ref` named by a presence at `site`:
// the site's own practitioner records first (id as stored, then
// site-qualified), then, for an explicit cross-site reference "p1@S1", the
// record "p1@S1" of site S1 (its owner). Another site's records are never
// read otherwise: a site cannot change how a neighbour's figures look.
std::string ProfessionAt(
    const std::map<std::string, std::map<std::string, std::string>>& by_site,
    const std::string& ref, const std::string& site) {
  static const std::map<std::string, std::string> kNone;
  auto own = by_site.find(site);
  const auto& local = own == by_site.end() ? kNone : own->second;
  if (local.count(ref) || local.count(ref + "@" + site))
    return common::report::ProfessionOf(local, ref, site);
  const size_t at = ref.rfind('@');
  if (at == std::string::npos) return common::report::ProfessionOf(local, ref, site);
  const std::string owner = ref.substr(at + 1);
  auto it = by_site.find(owner);
  return common::report::ProfessionOf(it == by_site.end() ? kNone : it->second,
                                      ref, owner);
}

}  // namespace

Result<std::unique_ptr<FactStore>> FactStore::Open(const std::string& path,
                                                   bool create) {
  RELAIS_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path, create));
  std::unique_ptr<FactStore> store(new FactStore(std::move(db)));
  RELAIS_RETURN_IF_ERROR(store->Init().WithContext(path));
  return store;
}

Result<std::unique_ptr<FactStore>> FactStore::OpenOrRebuild(
    const std::string& path, std::string* note) {
  note->clear();
  auto first = Open(path, true);
  if (first.ok()) return first;
  const common::StatusCode code = first.status().code();
  if (code != common::StatusCode::kDataLoss &&
      code != common::StatusCode::kFailedPrecondition)
    return first.status();
  const std::string aside =
      path + ".illisible-" +
      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count());
  std::error_code ec;
  std::filesystem::rename(path, aside, ec);
  if (ec)
    return Status::Internal("impossible d'écarter " + path + " (" +
                            ec.message() + "): " + first.status().ToString());
  for (const char* suffix : {"-wal", "-shm"}) {
    std::error_code ignored;
    if (std::filesystem::exists(path + suffix, ignored))
      std::filesystem::rename(path + suffix, aside + suffix, ignored);
  }
  *note = "magasin d'agrégats illisible (" + first.status().ToString() +
          "), mis de côté sous " + aside + " et reconstruit";
  return Open(path, true);
}

Status FactStore::Init() {
  RELAIS_RETURN_IF_ERROR(common::MigrateSchema(
      db_.get(), kApplicationId, kFactSchemaVersion, kMigrations,
      "un magasin d'agrégats Relais Santé", "relais-hub"));
  // The HMAC key: 32 random bytes, kept as their 64 hex characters.
  RELAIS_ASSIGN_OR_RETURN(key_, MetaGet(db_.get(), "pseudonym_key"));
  if (!key_.empty()) {
    if (key_.size() != 64)
      return Status::DataLoss("clé de pseudonymisation illisible");
    return Status::OK();
  }
  RELAIS_ASSIGN_OR_RETURN(key_, GenerateToken());
  Transaction tx(db_.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_RETURN_IF_ERROR(MetaSet(db_.get(), "pseudonym_key", key_));
  return tx.Commit();
}

uint64_t FactStore::Pseudonym(std::string_view patient_ref) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(patient_ref.data()),
       patient_ref.size(), mac, &len);
  uint64_t v = 0;
  std::memcpy(&v, mac, sizeof v);
  return v == 0 ? 1 : v;
}

Status FactStore::TEST_LimitPages(int64_t pages) {
  std::lock_guard<std::mutex> lock(mu_);
  return db_->Exec("PRAGMA max_page_count=" +
                   std::to_string(pages > 0 ? pages : 1073741823));
}

Status FactStore::ResetForEpoch(const std::string& epoch) {
  Transaction tx(db_.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  for (const char* t : kFactTables)
    RELAIS_RETURN_IF_ERROR(db_->Exec(std::string("DELETE FROM ") + t));
  RELAIS_RETURN_IF_ERROR(db_->Exec("DELETE FROM practitioners"));
  RELAIS_RETURN_IF_ERROR(db_->Exec("DELETE FROM first_visits"));
  RELAIS_RETURN_IF_ERROR(db_->Exec("DELETE FROM site_activity"));
  RELAIS_RETURN_IF_ERROR(db_->Exec("DELETE FROM watermarks"));
  RELAIS_RETURN_IF_ERROR(MetaSet(db_.get(), "hub_epoch", epoch));
  return tx.Commit();
}

Status FactStore::Apply(const common::Record& r, PatientSet* touched) {
  using common::Collection;
  // The access log is no usage data: it never reaches the funder's facts
  // (nor the site's latest-write time).
  if (r.collection == Collection::kAudit) return Status::OK();
  {
    RELAIS_ASSIGN_OR_RETURN(
        Stmt st, db_->PrepareCached(
                     "INSERT INTO site_activity(site, last_write_ms) VALUES(?,?)"
                     " ON CONFLICT(site) DO UPDATE SET last_write_ms ="
                     " max(last_write_ms, excluded.last_write_ms)"));
    st.Bind(1, r.site_id).Bind(2, common::report::LatestWriteMs(r));
    RELAIS_RETURN_IF_ERROR(st.Run());
  }
  const char* table = nullptr;
  switch (r.collection) {
    case Collection::kAppointment: table = "appointments"; break;
    case Collection::kPresence: table = "presence"; break;
    case Collection::kLedger: table = "ledger"; break;
    case Collection::kPractitioner: table = "practitioners"; break;
    case Collection::kSite:
    case Collection::kAudit:
    case Collection::kSchedule:
    case Collection::kScheduleException:
    case Collection::kPole:
    case Collection::kRoom: return Status::OK();
    case Collection::kTicket: table = "tickets"; break;
  }
  const std::string key_col = r.collection == Collection::kPractitioner ? "id" : "rid";
  if (r.collection == Collection::kAppointment) {
    // The patient of the fact being replaced may lose their first visit.
    RELAIS_ASSIGN_OR_RETURN(
        Stmt old, db_->PrepareCached("SELECT site, patient FROM appointments"
                                     " WHERE site=? AND rid=? AND status=1"));
    old.Bind(1, r.site_id).Bind(2, r.id);
    RELAIS_ASSIGN_OR_RETURN(bool row, old.Step());
    if (row) touched->emplace(old.ColumnText(0), old.ColumnInt(1));
  }
  {
    RELAIS_ASSIGN_OR_RETURN(
        Stmt del, db_->PrepareCached(std::string("DELETE FROM ") + table +
                                     " WHERE site=? AND " + key_col + "=?"));
    del.Bind(1, r.site_id).Bind(2, r.id);
    RELAIS_RETURN_IF_ERROR(del.Run());
  }
  const RecordFact f = common::report::ProjectRecord(
      r, [this](std::string_view ref) { return Pseudonym(ref); });
  switch (f.kind) {
    case RecordFact::Kind::kNone:
      return Status::OK();
    case RecordFact::Kind::kAppointment: {
      const AppointmentFact& a = f.appointment;
      RELAIS_ASSIGN_OR_RETURN(
          Stmt st, db_->PrepareCached(
                       "INSERT INTO appointments(site, day, rid, status, kind,"
                       " checkin, late, wait, due, patient, commune)"
                       " VALUES(?,?,?,?,?,?,?,?,?,?,?)"));
      if (a.status == FactStatus::kDone && a.patient != 0)
        touched->emplace(r.site_id, static_cast<int64_t>(a.patient));
      st.Bind(1, r.site_id)
          .Bind(2, a.day)
          .Bind(3, r.id)
          .Bind(4, static_cast<int64_t>(a.status))
          .Bind(5, static_cast<int64_t>(a.kind))
          .Bind(6, static_cast<int64_t>(a.checkin))
          .Bind(7, a.late_cancel ? 1 : 0)
          .Bind(8, a.wait_min)
          .Bind(9, a.due_s)
          .Bind(10, static_cast<int64_t>(a.patient))
          .Bind(11, a.commune);
      return st.Run();
    }
    case RecordFact::Kind::kTicket: {
      RELAIS_ASSIGN_OR_RETURN(
          Stmt st, db_->PrepareCached("INSERT INTO tickets(site, day, rid,"
                                      " wait) VALUES(?,?,?,?)"));
      st.Bind(1, r.site_id)
          .Bind(2, f.ticket.day)
          .Bind(3, r.id)
          .Bind(4, f.ticket.wait_min);
      return st.Run();
    }
    case RecordFact::Kind::kPresence: {
      RELAIS_ASSIGN_OR_RETURN(
          Stmt st, db_->PrepareCached(
                       "INSERT INTO presence(site, day, rid, half, practitioner,"
                       " contributor) VALUES(?,?,?,?,?,?)"));
      st.Bind(1, r.site_id)
          .Bind(2, f.presence.day)
          .Bind(3, r.id)
          .Bind(4, f.presence.half)
          .Bind(5, f.practitioner)
          .Bind(6, f.presence.contributor);
      return st.Run();
    }
    case RecordFact::Kind::kLedger: {
      RELAIS_ASSIGN_OR_RETURN(
          Stmt st, db_->PrepareCached("INSERT INTO ledger(site, day, rid, cents,"
                                      " category) VALUES(?,?,?,?,?)"));
      st.Bind(1, r.site_id)
          .Bind(2, f.ledger.month_day)
          .Bind(3, r.id)
          .Bind(4, f.ledger.cents)
          .Bind(5, f.ledger.category);
      return st.Run();
    }
    case RecordFact::Kind::kPractitioner: {
      RELAIS_ASSIGN_OR_RETURN(
          Stmt st, db_->PrepareCached("INSERT INTO practitioners(id, site,"
                                      " profession) VALUES(?,?,?)"));
      st.Bind(1, r.id).Bind(2, r.site_id).Bind(3, f.profession);
      return st.Run();
    }
  }
  return Status::OK();
}

Status FactStore::UpdateFirstVisits(const PatientSet& touched) {
  for (const auto& [site, patient] : touched) {
    RELAIS_ASSIGN_OR_RETURN(
        Stmt del, db_->PrepareCached(
                      "DELETE FROM first_visits WHERE site=? AND patient=?"));
    del.Bind(1, site).Bind(2, patient);
    RELAIS_RETURN_IF_ERROR(del.Run());
    RELAIS_ASSIGN_OR_RETURN(
        Stmt first, db_->PrepareCached(
                        // INDEXED BY: without statistics the planner would
                        // scan the site's whole primary-key range.
                        "SELECT MIN(day) FROM appointments INDEXED BY"
                        " appointments_done WHERE site=? AND patient=? AND"
                        " status=1"));
    first.Bind(1, site).Bind(2, patient);
    RELAIS_ASSIGN_OR_RETURN(bool row, first.Step());
    if (!row || first.ColumnIsNull(0)) continue;
    const int64_t day = first.ColumnInt(0);
    RELAIS_ASSIGN_OR_RETURN(
        Stmt ins, db_->PrepareCached("INSERT INTO first_visits(site, day,"
                                     " patient) VALUES(?,?,?)"));
    ins.Bind(1, site).Bind(2, day).Bind(3, patient);
    RELAIS_RETURN_IF_ERROR(ins.Run());
  }
  return Status::OK();
}

Result<CatchUpResult> FactStore::CatchUp(HubStore& hub, size_t max_records,
                                         size_t batch) {
  std::lock_guard<std::mutex> lock(mu_);
  CatchUpResult out;
  RELAIS_ASSIGN_OR_RETURN(std::string epoch, hub.Epoch());
  RELAIS_ASSIGN_OR_RETURN(std::string known, MetaGet(db_.get(), "hub_epoch"));
  if (epoch != known) RELAIS_RETURN_IF_ERROR(ResetForEpoch(epoch));
  // The hub's last sequence before its site list: a site that appears after
  // this point is caught up by the next call.
  RELAIS_ASSIGN_OR_RETURN(uint64_t last, hub.LastSeq());
  RELAIS_ASSIGN_OR_RETURN(std::vector<std::string> sites, hub.Sites());
  std::map<std::string, uint64_t> marks;
  {
    RELAIS_ASSIGN_OR_RETURN(Stmt st,
                            db_->Prepare("SELECT site, seq FROM watermarks"));
    for (;;) {
      RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      marks[st.ColumnText(0)] = static_cast<uint64_t>(st.ColumnInt(1));
    }
  }
  // Sites with nothing new only get their watermark moved, all in one commit.
  std::map<std::string, uint64_t> idle;
  bool stopped = false;
  for (const std::string& site : sites) {
    uint64_t mark = marks[site];
    while (!stopped && mark < last) {
      const Scope scope{"faits-rapport", "", {site}};
      RELAIS_ASSIGN_OR_RETURN(PullResult p, hub.Pull(scope, mark, batch, 64 << 20));
      if (p.records.empty()) {
        if (p.cursor > mark) idle[site] = p.cursor;
        mark = p.cursor;
        break;
      }
      Transaction tx(db_.get());
      RELAIS_RETURN_IF_ERROR(tx.status());
      PatientSet touched;
      size_t projected = 0;
      for (const common::Record& r : p.records) {
        RELAIS_RETURN_IF_ERROR(Apply(r, &touched));
        // The access log is read past, never projected (Apply ignores it).
        if (r.collection != common::Collection::kAudit) ++projected;
      }
      RELAIS_RETURN_IF_ERROR(UpdateFirstVisits(touched));
      RELAIS_RETURN_IF_ERROR(SetWatermark(db_.get(), site, p.cursor));
      RELAIS_RETURN_IF_ERROR(tx.Commit());
      out.applied += projected;
      mark = p.cursor;
      if (!p.has_more) break;
      if (max_records && out.applied >= max_records) stopped = true;
    }
    if (mark < last) out.behind += last - mark;
  }
  if (!idle.empty()) {
    Transaction tx(db_.get());
    RELAIS_RETURN_IF_ERROR(tx.status());
    for (const auto& [site, seq] : idle)
      RELAIS_RETURN_IF_ERROR(SetWatermark(db_.get(), site, seq));
    RELAIS_RETURN_IF_ERROR(tx.Commit());
  }
  out.complete = out.behind == 0;
  return out;
}

Result<FactSet> FactStore::Read(const std::vector<std::string>& sites,
                                int64_t first_day, int64_t last_day) {
  std::lock_guard<std::mutex> lock(mu_);
  // site -> practitioner id -> profession.
  std::map<std::string, std::map<std::string, std::string>> professions;
  {
    RELAIS_ASSIGN_OR_RETURN(
        Stmt st, db_->PrepareCached("SELECT site, id, profession FROM practitioners"));
    for (;;) {
      RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      professions[st.ColumnText(0)][st.ColumnText(1)] = st.ColumnText(2);
    }
  }
  std::vector<std::string> every;  // empty `sites`: every site held
  if (sites.empty()) {
    RELAIS_ASSIGN_OR_RETURN(
        Stmt st, db_->PrepareCached("SELECT site FROM watermarks UNION"
                                    " SELECT site FROM site_activity ORDER BY 1"));
    for (;;) {
      RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      every.push_back(st.ColumnText(0));
    }
  }
  FactSet out;
  for (const std::string& site : sites.empty() ? every : sites) {
    common::report::SiteFacts& s = out[site];
    {
      RELAIS_ASSIGN_OR_RETURN(
          Stmt st, db_->PrepareCached(
                       "SELECT last_write_ms FROM site_activity WHERE site=?"));
      st.Bind(1, site);
      RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (row) s.last_write_ms = st.ColumnInt(0);
    }
    {
      RELAIS_ASSIGN_OR_RETURN(
          Stmt st, db_->PrepareCached(
                       "SELECT day, status, kind, checkin, late, wait, due,"
                       " patient, commune FROM appointments WHERE site=? AND"
                       " day BETWEEN ? AND ?"));
      st.Bind(1, site).Bind(2, first_day).Bind(3, last_day);
      for (;;) {
        RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        AppointmentFact a;
        a.day = static_cast<int32_t>(st.ColumnInt(0));
        a.status = static_cast<FactStatus>(st.ColumnInt(1));
        a.kind = static_cast<FactKind>(st.ColumnInt(2));
        a.checkin = static_cast<FactCheckin>(st.ColumnInt(3));
        a.late_cancel = st.ColumnInt(4) != 0;
        a.wait_min = static_cast<int32_t>(st.ColumnInt(5));
        a.due_s = st.ColumnInt(6);
        a.patient = static_cast<uint64_t>(st.ColumnInt(7));
        a.commune = st.ColumnText(8);
        s.appointments.push_back(std::move(a));
      }
    }
    {
      RELAIS_ASSIGN_OR_RETURN(
          Stmt st, db_->PrepareCached("SELECT day, wait FROM tickets WHERE"
                                      " site=? AND day BETWEEN ? AND ?"));
      st.Bind(1, site).Bind(2, first_day).Bind(3, last_day);
      for (;;) {
        RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        s.tickets.push_back({static_cast<int32_t>(st.ColumnInt(0)),
                             static_cast<int32_t>(st.ColumnInt(1))});
      }
    }
    {
      RELAIS_ASSIGN_OR_RETURN(
          Stmt st, db_->PrepareCached(
                       "SELECT day, half, practitioner, contributor FROM presence"
                       " WHERE site=? AND day BETWEEN ? AND ?"));
      st.Bind(1, site).Bind(2, first_day).Bind(3, last_day);
      for (;;) {
        RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        PresenceFact p;
        p.day = static_cast<int32_t>(st.ColumnInt(0));
        p.half = static_cast<uint8_t>(st.ColumnInt(1));
        p.profession = ProfessionAt(professions, st.ColumnText(2), site);
        p.contributor = st.ColumnText(3);
        s.presence.push_back(std::move(p));
      }
    }
    {
      RELAIS_ASSIGN_OR_RETURN(
          Stmt st, db_->PrepareCached("SELECT day FROM first_visits WHERE"
                                      " site=? AND day BETWEEN ? AND ?"));
      st.Bind(1, site).Bind(2, first_day).Bind(3, last_day);
      for (;;) {
        RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        s.first_visits.push_back(static_cast<int32_t>(st.ColumnInt(0)));
      }
    }
    {
      RELAIS_ASSIGN_OR_RETURN(
          Stmt st, db_->PrepareCached("SELECT day, cents, category FROM ledger"
                                      " WHERE site=? AND day BETWEEN ? AND ?"));
      // Ledger facts sit on the first day of their month.
      st.Bind(1, site).Bind(2, first_day).Bind(3, last_day);
      for (;;) {
        RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        s.ledger.push_back({static_cast<int32_t>(st.ColumnInt(0)),
                            st.ColumnInt(1), st.ColumnText(2)});
      }
    }
  }
  return out;
}

LiveFacts::LiveFacts(HubStore* hub, std::unique_ptr<FactStore> facts,
                     std::chrono::milliseconds period,
                     std::function<void(const std::string&)> log)
    : hub_(hub), facts_(std::move(facts)), period_(period), log_(std::move(log)) {
  thread_ = std::thread([this] { Run(); });
}

LiveFacts::~LiveFacts() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void LiveFacts::Tally(const Result<CatchUpResult>& r) {
  if (!r.ok()) {
    ++errors_;
    return;
  }
  applied_ += r->applied;
  behind_ = r->behind;
}

std::string LiveFacts::MetricsText() const {
  return "# HELP relais_report_facts_applied_total Records projected into the"
         " funding office's aggregate store since start.\n"
         "# TYPE relais_report_facts_applied_total counter\n"
         "relais_report_facts_applied_total " + std::to_string(applied_.load()) +
         "\n# HELP relais_report_facts_behind Hub changes not yet in the"
         " aggregate store at the last catch-up.\n"
         "# TYPE relais_report_facts_behind gauge\n"
         "relais_report_facts_behind " + std::to_string(behind_.load()) +
         "\n# HELP relais_report_facts_errors_total Failed catch-ups.\n"
         "# TYPE relais_report_facts_errors_total counter\n"
         "relais_report_facts_errors_total " + std::to_string(errors_.load()) +
         "\n";
}

void LiveFacts::Run() {
  std::string last_error;
  size_t total = 0;
  const auto started = std::chrono::steady_clock::now();
  bool announced = false;
  for (;;) {
    // Small transactions, the lock released in between: requests interleave.
    auto r = facts_->CatchUp(*hub_, 20000);
    Tally(r);
    if (!r.ok()) {
      const std::string e = r.status().ToString();
      if (log_ && e != last_error) log_("agrégats du financeur: " + e);
      last_error = e;
    } else {
      last_error.clear();
      total += r->applied;
      if (!r->complete && log_ && total % 100000 < r->applied)
        log_("agrégats du financeur: " + std::to_string(total) +
             " enregistrements intégrés...");
      if (r->complete && !announced) {
        announced = true;
        if (log_ && total > 0) {
          const double s = std::chrono::duration<double>(
                               std::chrono::steady_clock::now() - started)
                               .count();
          log_("agrégats du financeur à jour: " + std::to_string(total) +
               " enregistrements en " + std::to_string(static_cast<int>(s)) +
               " s");
        }
      }
      if (!r->complete) {
        std::lock_guard<std::mutex> l(mu_);
        if (stop_) return;
        continue;  // more to do: no pause
      }
    }
    std::unique_lock<std::mutex> l(mu_);
    if (cv_.wait_for(l, period_, [this] { return stop_; })) return;
  }
}

Result<FactSet> LiveFacts::Facts(const std::vector<std::string>& sites,
                                 int64_t first_day, int64_t last_day) {
  auto caught = facts_->CatchUp(*hub_, kRequestBudget);
  Tally(caught);
  RELAIS_ASSIGN_OR_RETURN(CatchUpResult r, std::move(caught));
  if (!r.complete)
    return Status::Unavailable(
        "agrégats en cours de préparation (encore au plus " +
        std::to_string(r.behind) +
        " modifications à intégrer); réessayez dans une minute");
  return facts_->Read(sites, first_day, last_day);
}

}  // namespace relais::server
