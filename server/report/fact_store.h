#pragma once
// FactStore: the funding office's aggregate store (domain notes §4.3: "the
// funder dashboard reads a separate aggregate store and never reads the
// health-data store"). A SQLite file of its own, holding one compact,
// pseudonymised fact per merged record (common/report/facts.h), kept up to
// date from the hub's change feed.
//
// Derived data, rebuilt at will: for each site it remembers the hub
// sequence it has applied (its watermark) and the hub's epoch. CatchUp()
// pulls each site's changes after its watermark and applies them with the
// new watermark in ONE transaction, so a crash (or a full disk) at any point
// loses nothing: the next CatchUp() resumes from the last commit. If the
// hub's epoch changed (hub restored from a backup, sequences restarted),
// every fact is dropped and rebuilt.
//
// Schema (PRAGMA application_id 'RELF', user_version 4):
//   meta(key, value)                 hub_epoch, pseudonym_key (32 random
//                                    bytes in hex, the HMAC key)
//   watermarks(site, seq)
//   appointments(site, day, rid, status, kind, checkin, late, wait, due,
//                patient)            PRIMARY KEY(site, day, rid)
//   presence(site, day, rid, half, practitioner, contributor)
//   ledger(site, day, rid, cents, category)
//   practitioners(site, id, profession) PRIMARY KEY(site, id)
//   site_activity(site, last_write_ms) latest write held for the site
//   first_visits(site, day, patient)  each patient's first done day at the
//                                     site (new patients), kept exact under
//                                     changes via index appointments_done
// Facts are clustered by (site, day): a report over some sites and months
// reads exactly those rows, in order. A record is (site, rid) as at the hub
// (ids are per site): unique per table and indexed, to replace a record's
// fact when it changes. A presence's profession comes from its own site's
// practitioner records, or from the owner site of an explicit cross-site
// reference "p1@S1"; no other site's records are read.
// A patient is HMAC-SHA256(pseudonym_key, patient_ref) cut to 64 bits; the
// key is stored only here, so the file alone links nothing to a patient_ref.
//
// Thread-safe: one connection behind a mutex.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <utility>
#include <thread>
#include <string>
#include <vector>

#include "common/report/facts.h"
#include "common/storage/sqlite.h"
#include "common/util/status.h"
#include "server/hub_store.h"

namespace relais::server {

inline constexpr int kFactSchemaVersion = 5;

struct CatchUpResult {
  size_t applied = 0;    // records projected by this call
  bool complete = true;  // every site is at the hub's last sequence
  uint64_t behind = 0;   // sum over sites of (hub last seq - watermark),
                         // an upper bound of the changes still to apply
};

class FactStore {
 public:
  // Opens or (if `create`) creates the fact store at `path` (":memory:"
  // works). DATA_LOSS / FAILED_PRECONDITION for a foreign or future file.
  static common::Result<std::unique_ptr<FactStore>> Open(
      const std::string& path, bool create);

  // Open(path, true), but a file that is not a readable fact store
  // (corrupt, foreign, from a newer version) is derived data: it is moved
  // aside to `path.illisible-<unix seconds>` (with its -wal/-shm), never
  // deleted, and a new store is created (rebuilt by the next CatchUp()).
  // `*note` then says so, in French. Other errors (permissions, full disk)
  // are returned.
  static common::Result<std::unique_ptr<FactStore>> OpenOrRebuild(
      const std::string& path, std::string* note);

  // Applies the hub's changes since the last call, at most about
  // `max_records` of them (0 = no limit) in transactions of `batch`
  // records. Errors from the hub or the disk leave the store at its last
  // commit.
  common::Result<CatchUpResult> CatchUp(HubStore& hub, size_t max_records = 0,
                                        size_t batch = 2000);

  // Facts of `sites` (empty: every site with a watermark or a write) whose
  // day lies in [first_day, last_day] (days since
  // 1970-01-01; ledger facts by the first day of their month), with the
  // profession of each presence joined from the practitioner facts.
  common::Result<common::report::FactSet> Read(
      const std::vector<std::string>& sites, int64_t first_day,
      int64_t last_day);

  // The pseudonym of a patient_ref under this store's key (tests).
  uint64_t Pseudonym(std::string_view patient_ref) const;

  // Tests: caps the file at `pages` pages (a full disk); 0 lifts the cap.
  common::Status TEST_LimitPages(int64_t pages);

 private:
  explicit FactStore(std::unique_ptr<common::Db> db) : db_(std::move(db)) {}
  common::Status Init();
  // (site, patient pseudonym) pairs whose first visit may have changed.
  using PatientSet = std::set<std::pair<std::string, int64_t>>;
  // REQUIRES: mu_ held, open transaction.
  common::Status Apply(const common::Record& r, PatientSet* touched);
  common::Status UpdateFirstVisits(const PatientSet& touched);
  common::Status ResetForEpoch(const std::string& epoch);

  std::mutex mu_;
  std::unique_ptr<common::Db> db_;  // GUARDED_BY(mu_)
  std::string key_;                 // pseudonym key (64 hex characters)
};

// Keeps a FactStore current while the hub runs: a background thread catches
// up every `period`, and Facts() applies what is left (a bounded amount)
// before reading, so a report includes everything merged before it was
// asked for. Thread-safe.
class LiveFacts {
 public:
  // Changes a request may apply itself before answering UNAVAILABLE
  // ("agrégats en préparation") and leaving the rest to the thread.
  static constexpr size_t kRequestBudget = 20000;

  // `hub` must outlive this object. `log` receives progress and errors (in
  // French), may be empty.
  LiveFacts(HubStore* hub, std::unique_ptr<FactStore> facts,
            std::chrono::milliseconds period,
            std::function<void(const std::string&)> log = nullptr);
  ~LiveFacts();  // stops and joins the thread
  LiveFacts(const LiveFacts&) = delete;
  LiveFacts& operator=(const LiveFacts&) = delete;

  common::Result<common::report::FactSet> Facts(
      const std::vector<std::string>& sites, int64_t first_day,
      int64_t last_day);

  // Prometheus text: relais_report_facts_applied_total (records projected
  // since start), relais_report_facts_behind (changes not yet applied at the
  // last catch-up), relais_report_facts_errors_total.
  std::string MetricsText() const;

 private:
  void Run();
  // Adds a catch-up's outcome to the counters MetricsText() reports.
  void Tally(const common::Result<CatchUpResult>& r);

  HubStore* hub_;
  std::unique_ptr<FactStore> facts_;
  std::chrono::milliseconds period_;
  std::function<void(const std::string&)> log_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::atomic<uint64_t> applied_{0}, behind_{0}, errors_{0};
  std::thread thread_;
};

}  // namespace relais::server
