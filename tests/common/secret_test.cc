// Token files and RELAIS_TOKEN (common/util/secret.h), and the files the
// storage layer creates (mode 0600, quick_check). Every input here is
// hostile: oversized, empty, multi-line, control characters, a directory, a
// FIFO, a symlink, a world-readable file.
#include "common/util/secret.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "common/replica/replica.h"
#include "common/storage/sqlite.h"
#include "tests/common/test_util.h"

namespace relais::common {
namespace {

using testing::TempDir;

std::string Write(const TempDir& dir, const std::string& name, const std::string& text,
                  mode_t mode = 0600) {
  const std::string p = dir.File(name);
  std::ofstream(p, std::ios::binary) << text;
  ::chmod(p.c_str(), mode);
  return p;
}

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

TEST(TokenFileTest, StripsExactlyOneTrailingNewline) {
  TempDir dir;
  std::string w;
  EXPECT_EQ(*ReadTokenFile(Write(dir, "a", "abc\n"), &w), "abc");
  EXPECT_EQ(*ReadTokenFile(Write(dir, "b", "abc\r\n"), &w), "abc");
  EXPECT_EQ(*ReadTokenFile(Write(dir, "c", "abc"), &w), "abc");
  EXPECT_TRUE(w.empty()) << w;
  // Two lines (or two newlines) are not one token.
  for (const char* bad : {"abc\n\n", "abc\ndef\n", "a\tb\n", "a\x7f", "\n", ""}) {
    auto r = ReadTokenFile(Write(dir, "bad", bad), &w);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().find("abc"), std::string::npos)
        << "the message must not quote the file: " << r.status().message();
  }
}

TEST(TokenFileTest, RefusesOversizedMissingAndNonRegularFiles) {
  TempDir dir;
  std::string w;
  auto big = ReadTokenFile(Write(dir, "big", std::string(kMaxTokenFileBytes + 3, 'a')), &w);
  EXPECT_EQ(big.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(ReadTokenFile(Write(dir, "max", std::string(kMaxTokenFileBytes, 'a') + "\n"), &w)
                  .ok());
  EXPECT_EQ(ReadTokenFile(dir.File("absent"), &w).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ReadTokenFile(dir.path(), &w).status().code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(::mkfifo(dir.File("fifo").c_str(), 0600), 0);
  // A FIFO would block a naive reader forever: refused at once.
  EXPECT_EQ(ReadTokenFile(dir.File("fifo"), &w).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadTokenFile("/dev/zero", &w).status().code(), StatusCode::kInvalidArgument);
}

TEST(TokenFileTest, WarnsWhenOthersCanReadIt) {
  TempDir dir;
  std::string w;
  auto t = ReadTokenFile(Write(dir, "open", "tok\n", 0644), &w);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, "tok");
  EXPECT_NE(w.find("chmod 600"), std::string::npos) << w;
  w.clear();
  ASSERT_TRUE(ReadTokenFile(Write(dir, "closed", "tok\n", 0400), &w).ok());
  EXPECT_TRUE(w.empty()) << w;
}

TEST(TokenFileTest, ResolvePrefersFileThenEnvironmentThenArgument) {
  TempDir dir;
  const std::string f = Write(dir, "t", "from-file\n");
  TokenSource src;
  std::string w;
  ::setenv("RELAIS_TOKEN", "from-env", 1);
  EXPECT_EQ(*ResolveToken(f, "", &src, &w), "from-file");
  EXPECT_EQ(src, TokenSource::kFile);
  EXPECT_EQ(*ResolveToken("", "", &src, &w), "from-env");
  EXPECT_EQ(src, TokenSource::kEnvironment);
  EXPECT_TRUE(w.empty()) << w;
  EXPECT_EQ(*ResolveToken("", "from-arg", &src, &w), "from-arg");
  EXPECT_EQ(src, TokenSource::kCommandLine);
  EXPECT_NE(w.find("ps"), std::string::npos) << w;
  EXPECT_EQ(ResolveToken(f, "x", &src, &w).status().code(), StatusCode::kInvalidArgument);
  ::setenv("RELAIS_TOKEN", "two\nlines", 1);
  EXPECT_EQ(ResolveToken("", "", &src, &w).status().code(), StatusCode::kInvalidArgument);
  ::unsetenv("RELAIS_TOKEN");
  auto none = ResolveToken("", "", &src, &w);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(src, TokenSource::kNone);
  EXPECT_TRUE(none->empty());
}

// The replica file, its WAL and shared-memory index are 0600 even under a
// permissive umask, checked after a write (the WAL exists then).
TEST(PrivateFilesTest, ReplicaDbWalAndShmAre0600) {
  TempDir dir;
  const mode_t old = ::umask(022);
  auto id = Replica::Init(dir.File("r.db"), "S1");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto r = Replica::Open(dir.File("r.db"));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->AddPractitioner("p1", "Dr Martin", "medecin").ok());
  ::umask(old);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string p = dir.File(std::string("r.db") + suffix);
    ASSERT_EQ(::access(p.c_str(), F_OK), 0) << p << " should exist while open";
    EXPECT_EQ(ModeOf(p), 0600u) << p;
  }
}

// Creating a database never follows a symlink planted at its path.
TEST(PrivateFilesTest, CreateDoesNotFollowADanglingSymlink) {
  TempDir dir;
  ASSERT_EQ(::symlink(dir.File("elsewhere").c_str(), dir.File("r.db").c_str()), 0);
  auto db = Db::Open(dir.File("r.db"), true);
  EXPECT_FALSE(db.ok());
  EXPECT_NE(::access(dir.File("elsewhere").c_str(), F_OK), 0) << "target was created";
}

// quick_check: a sound replica passes; bytes overwritten in a page of the
// records table make it fail with DATA_LOSS.
TEST(QuickCheckTest, DetectsACorruptRecordsPage) {
  TempDir dir;
  const std::string path = dir.File("r.db");
  int64_t leaf = 0;
  {
    ASSERT_TRUE(Replica::Init(path, "S1").ok());
    auto r = Replica::Open(path);
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE((*r)->AddPractitioner("p1", "Dr Martin", "medecin").ok());
    for (int i = 0; i < 60; ++i) {
      NewAppointment a;
      a.practitioner = "p1";
      a.patient_name = "Patient " + std::to_string(i);
      a.patient_birth = "1950-03-02";
      a.start = 1795000000 + 900 * i;
      ASSERT_TRUE((*r)->AddAppointment(a).ok());
    }
    EXPECT_TRUE((*r)->store()->db()->QuickCheck().ok());
    // The records table's root page: the oracle is SQLite's own schema.
    auto root = (*r)->store()->db()->QueryInt(
        "SELECT rootpage FROM sqlite_master WHERE name='records'");
    ASSERT_TRUE(root.ok());
    leaf = *root;
  }  // closed: the WAL is checkpointed into the file
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp((leaf - 1) * 4096);
    const std::string junk(4096, '\xff');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto db = Db::Open(path, false);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  const Status s = (*db)->QuickCheck();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
}

}  // namespace
}  // namespace relais::common
