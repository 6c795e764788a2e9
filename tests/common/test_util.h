#pragma once
// Test helpers shared by the common tests.

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "common/util/status.h"

#define ASSERT_OK(expr)                                   \
  do {                                                    \
    const auto& relais_s_ = (expr);                       \
    ASSERT_TRUE(relais_s_.ok())                          \
        << ::relais::common::testing::StatusString(relais_s_);  \
  } while (0)
#define EXPECT_OK(expr)                                   \
  do {                                                    \
    const auto& relais_s_ = (expr);                       \
    EXPECT_TRUE(relais_s_.ok())                          \
        << ::relais::common::testing::StatusString(relais_s_);  \
  } while (0)

namespace relais::common::testing {

inline std::string StatusString(const Status& s) { return s.ToString(); }

// Seconds since the epoch of a UTC wall time, through libc's timegm(): an
// oracle independent of common/util/time.h.
inline int64_t UtcSeconds(int y, int mo, int d, int h, int mi) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  return static_cast<int64_t>(timegm(&tm));
}
template <typename T>
std::string StatusString(const Result<T>& r) {
  return r.status().ToString();
}

// Runs `args` through /bin/sh with each one single-quoted (no shell
// interpretation of any character, a quote included), stdout and stderr
// together into *out; returns the exit code (-1: not exited or no shell).
inline int RunAndCapture(const std::vector<std::string>& args, std::string* out) {
  std::string cmd;
  for (const std::string& a : args) {
    std::string q = "'";
    for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    cmd += q + "' ";
  }
  FILE* p = ::popen((cmd + "2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  const int rc = ::pclose(p);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// A fresh temporary directory, removed at destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "relais-test-XXXXXX").string();
    char* p = mkdtemp(tmpl.data());
    path_ = p ? p : "/tmp";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace relais::common::testing
