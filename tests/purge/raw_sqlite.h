#pragma once
// A raw SQLite connection and stat(2) helpers: the oracles of the file size
// tests (issue #17), independent of common/storage.
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace relais::server::testing {

// A raw connection: the oracle.
class Raw {
 public:
  explicit Raw(const std::string& path) {
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK)
        << path;
    sqlite3_busy_timeout(db_, 5000);
  }
  ~Raw() { sqlite3_close_v2(db_); }
  // The first column of each row, as text.
  std::vector<std::string> Column(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr), SQLITE_OK)
        << sql << ": " << sqlite3_errmsg(db_);
    while (st && sqlite3_step(st) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(st, 0);
      out.push_back(t ? reinterpret_cast<const char*>(t) : "NULL");
    }
    sqlite3_finalize(st);
    return out;
  }
  int64_t Int(const std::string& sql) {
    auto rows = Column(sql);
    return rows.empty() ? -1 : std::stoll(rows[0]);
  }
  void Exec(const std::string& sql) {
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sql << ": " << sqlite3_errmsg(db_);
  }
  // Every row of every table, each column quoted by SQLite, sorted (VACUUM
  // may renumber rowids, so they are left out).
  std::vector<std::string> Dump() {
    std::vector<std::string> out;
    for (const std::string& t :
         Column("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")) {
      std::vector<std::string> cols = Column("SELECT name FROM pragma_table_info('" + t + "')");
      std::string expr = "'" + t + "'";
      for (const std::string& c : cols) expr += " || '|' || quote(\"" + c + "\")";
      for (std::string& row : Column("SELECT " + expr + " FROM \"" + t + "\""))
        out.push_back(std::move(row));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

// Rewrites `path` in auto_vacuum=NONE, as every file was before issue #17.
inline void MakeOldMode(const std::string& path) {
  Raw raw(path);
  raw.Exec("PRAGMA auto_vacuum=NONE");
  raw.Exec("VACUUM");
  ASSERT_EQ(raw.Int("PRAGMA auto_vacuum"), 0);
}

inline int Mode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

inline int64_t FileBytes(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_size;
}

}  // namespace relais::server::testing
