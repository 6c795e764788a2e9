#pragma once
// Helpers of the nightly compaction tests: raw sqlite3 page accounting (the
// oracle, independent of common::Db and vacuum.cc), free pages made on
// purpose, a clock that calls back, waiting with a bound.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "common/util/clock.h"

namespace relais::nightly_testing {

// Paris wall times of Thursday 2026-12-03 (CET), Unix ms (Python zoneinfo).
inline constexpr int64_t k0230 = 1796261400000;
inline constexpr int64_t k1200 = k0230 + int64_t{570} * 60'000;
inline constexpr int64_t kDay = int64_t{24} * 3600'000;

struct RawSpace {
  int64_t page_count = -1, freelist_count = -1, meta_last = -1;
};

// One raw connection, opened and closed: PRAGMAs and the meta stamp.
inline RawSpace ReadRaw(const std::string& path) {
  RawSpace s;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "ouverture brute impossible: " << path;
    sqlite3_close(db);
    return s;
  }
  sqlite3_busy_timeout(db, 10000);
  auto one = [db](const char* sql) -> int64_t {
    sqlite3_stmt* st = nullptr;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
  };
  s.page_count = one("PRAGMA page_count");
  s.freelist_count = one("PRAGMA freelist_count");
  s.meta_last = one("SELECT COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE "
                    "key='last_compaction_ms'), 0)");
  sqlite3_close(db);
  return s;
}

inline int64_t FileSize(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : -1;
}

// Leaves about `mib` MiB of free pages inside `path` (a table filled, then
// dropped), checkpointed into the main file so its size shows them.
inline void MakeFreePages(const std::string& path, int mib) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  const std::string sql =
      "CREATE TABLE junk(x BLOB);"
      "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<" +
      std::to_string(mib * 256) + ") INSERT INTO junk SELECT randomblob(3500) FROM c;"
      "DROP TABLE junk; PRAGMA wal_checkpoint(TRUNCATE);";
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

// A FakeClock that runs `hook` (if set) at each reading, outside any lock
// of the code under test.
class HookClock final : public common::Clock {
 public:
  explicit HookClock(int64_t start) : now_(start) {}
  int64_t NowMillis() override {
    if (hook) hook();
    return now_.load();
  }
  void Set(int64_t ms) { now_ = ms; }
  std::function<void()> hook;  // set before use, not while running

 private:
  std::atomic<int64_t> now_;
};

// Waits up to `seconds` for `done`; false on timeout.
inline bool WaitFor(const std::function<bool()>& done, int seconds = 20) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace relais::nightly_testing
