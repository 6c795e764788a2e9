#include "common/storage/nightly_compactor.h"

#include <chrono>

namespace relais::common {

Result<int64_t> ReadLastCompaction(Db* db) {
  return db->QueryInt(std::string("SELECT COALESCE((SELECT CAST(value AS INTEGER) FROM meta "
                                  "WHERE key='") + kLastCompactionMetaKey + "'), 0)");
}

Status StampLastCompaction(Db* db, int64_t at_ms) {
  return db->Exec(std::string("INSERT OR REPLACE INTO meta(key, value) VALUES('") +
                  kLastCompactionMetaKey + "', '" + std::to_string(at_ms) + "')");
}

Result<CompactReport> CompactFileAndStamp(const std::string& path, int64_t app_id,
                                          const std::string& what, Clock* clock) {
  RELAIS_ASSIGN_OR_RETURN(CompactReport r, CompactFile(path, app_id, what));
  RELAIS_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path, /*create=*/false));
  RELAIS_RETURN_IF_ERROR(StampLastCompaction(db.get(), clock->NowMillis()));
  return r;
}

NightlyCompactor::NightlyCompactor(Job job, Clock* clock, NightlyCompactorOptions options,
                                   int64_t last_run_ms, Log log)
    : job_(std::move(job)), clock_(clock), options_(std::move(options)), log_(std::move(log)) {
  counters_.last_run_ms = last_run_ms;
  last_activity_ms_ = 0;
}

NightlyCompactor::~NightlyCompactor() { Stop(); }

void NightlyCompactor::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void NightlyCompactor::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void NightlyCompactor::NoteActivity(int64_t at_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (at_ms > last_activity_ms_) last_activity_ms_ = at_ms;
}

bool NightlyCompactor::PollOnce() {
  std::lock_guard<std::mutex> poll(poll_mu_);
  CompactInputs in;
  in.now_ms = clock_->NowMillis();
  in.idle_ms = options_.idle_ms;
  in.window = options_.window;
  {
    std::lock_guard<std::mutex> lock(mu_);
    in.last_activity_ms = last_activity_ms_;
    in.last_run_ms = counters_.last_run_ms;
    if (DecideCompact(in) != CompactDecision::kNow) return false;
    counters_.running = true;
  }
  const auto t0 = std::chrono::steady_clock::now();
  Result<CompactReport> r = job_();
  const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - t0).count();
  const int64_t end_ms = clock_->NowMillis();  // (not under mu_: clocks may call back)
  std::string line;
  {
    std::lock_guard<std::mutex> lock(mu_);
    counters_.running = false;
    counters_.last_run_ms = end_ms;
    if (r.ok()) {
      ++counters_.runs;
      counters_.last_error.clear();
      line = options_.name + " : compactage de nuit fait en " + std::to_string(ms) + " ms (" +
             std::to_string(r->bytes_before / 1024) + " Kio -> " +
             std::to_string(r->bytes_after / 1024) + " Kio)";
    } else {
      ++counters_.failures;
      counters_.last_error = r.status().ToString();
      line = options_.name + " : compactage de nuit impossible (" + counters_.last_error +
             ") ; fichier inchangé, nouvel essai la nuit prochaine";
    }
  }
  if (log_) log_(line);
  return true;
}

NightlyCompactor::Counters NightlyCompactor::counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counters_;
}

void NightlyCompactor::Loop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (stop_) return;
    }
    PollOnce();
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms), [this] { return stop_; });
    if (stop_) return;
  }
}

}  // namespace relais::common
