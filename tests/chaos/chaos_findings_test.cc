// Bugs found by the chaos run, one regression test each.
//
// #1 (chaos seed 1, disk-full step): on a really full file system (ENOSPC,
// not max_page_count) a replica command failed with "INTERNAL: ...
// préparation SQL: disk I/O error": SQLite reports ENOSPC while creating
// the -wal/-shm files as SQLITE_IOERR, which was mapped to INTERNAL. The
// user must read "disque plein" (RESOURCE_EXHAUSTED), as for SQLITE_FULL.
// Needs root (mounts a 1 MiB tmpfs); fails loudly otherwise.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/replica/replica.h"
#include "tests/common/test_util.h"
#include "tools/chaos/check.h"
#include "tools/chaos/sys.h"

namespace relais::chaos {
namespace {

using common::Replica;

class SmallTmpfs {
 public:
  SmallTmpfs() {
    dir_ = dir_holder_.File("mnt");
    std::filesystem::create_directory(dir_);
    if (geteuid() != 0) {
      error_ = "il faut être root pour monter un tmpfs (disque plein réel)";
    } else if (mount("relais-chaos-test", dir_.c_str(), "tmpfs", 0, "size=1m") != 0) {
      error_ = std::string("mount tmpfs: ") + std::strerror(errno);
    } else {
      mounted_ = true;
    }
  }
  ~SmallTmpfs() {
    if (mounted_) umount(dir_.c_str());
  }
  const std::string& error() const { return error_; }
  std::string File(const std::string& name) const { return dir_ + "/" + name; }
  // Writes a filler file until ENOSPC. True if reached.
  bool Fill() {
    std::FILE* f = std::fopen(File("filler").c_str(), "wb");
    if (!f) return false;
    const std::string chunk(4096, 'x');
    bool full = false;
    for (int i = 0; i < 4096 && !full; ++i) {
      if (std::fwrite(chunk.data(), 1, chunk.size(), f) != chunk.size()) full = true;
      if (!full && std::fflush(f) != 0) full = true;
    }
    std::fclose(f);
    return full;
  }
  void Free() { std::filesystem::remove(File("filler")); }

 private:
  common::testing::TempDir dir_holder_;
  std::string dir_;
  std::string error_;
  bool mounted_ = false;
};

TEST(ChaosFindingsTest, ReplicaOnARealFullDiskSaysDisquePlein) {
  SmallTmpfs fs;
  ASSERT_EQ(fs.error(), "");
  const std::string db = fs.File("r.db");
  ASSERT_TRUE(Replica::Init(db, "S1").ok());
  {
    auto r = Replica::Open(db);
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE((*r)->AddPractitioner("p1", "Dr Un", "medecin").ok());
  }  // closed: the -wal and -shm files are gone
  ASSERT_TRUE(fs.Fill()) << "ENOSPC never reached";
  auto r = Replica::Open(db);
  common::Status s = r.ok() ? (*r)->AddPractitioner("p2", "Dr Deux", "medecin") : r.status();
  ASSERT_FALSE(s.ok()) << "a write succeeded on a full disk";
  EXPECT_EQ(s.code(), common::StatusCode::kResourceExhausted) << s.ToString();
  EXPECT_NE(s.message().find("disque plein"), std::string::npos) << s.ToString();
  r = common::Status::Internal("closed");
  fs.Free();
  auto again = Replica::Open(db);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE((*again)->AddPractitioner("p2", "Dr Deux", "medecin").ok());
  EXPECT_EQ((*again)->Practitioners()->size(), 2u);
  again->reset();
  EXPECT_EQ(IntegrityProblem(db), "");
}

// The chaos run's filler (tools/chaos/sys.h) really fills a file system,
// and leaves exactly the slack it was asked for.
TEST(ChaosSysTest, FillFileSystemReachesEnospcAndLeavesTheSlack) {
  SmallTmpfs fs;
  ASSERT_EQ(fs.error(), "");
  auto free_bytes = [&] {
    struct statvfs v {};
    EXPECT_EQ(statvfs(fs.File("").c_str(), &v), 0);
    return static_cast<int64_t>(v.f_bavail) * static_cast<int64_t>(v.f_frsize);
  };
  ASSERT_TRUE(FillFileSystem(fs.File("filler"), 0));
  EXPECT_EQ(free_bytes(), 0);
  ASSERT_TRUE(FillFileSystem(fs.File("filler"), 64));
  EXPECT_GE(free_bytes(), 64 * 1024);
  EXPECT_LE(free_bytes(), 72 * 1024);
  EXPECT_EQ(SaysDiskFull("relais: RESOURCE_EXHAUSTED: disque plein (x)"), 2);
  EXPECT_EQ(SaysDiskFull("relais: INTERNAL: préparation SQL: disk I/O error"), 1);
  EXPECT_EQ(SaysDiskFull("relais: UNAVAILABLE: hub injoignable"), 0);
}

}  // namespace
}  // namespace relais::chaos
