#pragma once
// SmallDisk: a real filesystem that really fills. The test mounts a private
// tmpfs of a few MB under its own temp dir, puts a SQLite database (and so
// its -wal and -shm) there, then fills the rest with a filler file: SQLite's
// next write gets ENOSPC from the kernel, exactly as on a full SD card.
// Free() deletes the filler, as an operator freeing space would.
//
// Needs root (CAP_SYS_ADMIN; CI runs as root). Mount() returns
// FAILED_PRECONDITION with the reason otherwise: the caller FAILS, never
// skips. The destructor always unmounts (lazily, MNT_DETACH, so files still
// open elsewhere cannot keep it mounted) and removes the mount point, even
// after a failed assertion. Not thread-safe.

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <string>

#include "common/util/status.h"

namespace relais::testing {

class SmallDisk {
 public:
  // Mounts a tmpfs of `bytes` (rounded up to pages by the kernel) at
  // `parent`/disk, which must not exist yet.
  static common::Result<std::unique_ptr<SmallDisk>> Mount(const std::string& parent,
                                                          int64_t bytes) {
    const std::string at = parent + "/disk";
    if (mkdir(at.c_str(), 0700) != 0)
      return common::Status::FailedPrecondition("mkdir " + at + ": " + strerror(errno));
    const std::string opts = "size=" + std::to_string(bytes) + ",mode=0700";
    if (mount("relais-test", at.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              opts.c_str()) != 0) {
      const int e = errno;
      rmdir(at.c_str());
      return common::Status::FailedPrecondition(
          "impossible de monter un tmpfs sur " + at + " (" + strerror(e) +
          "): ce test remplit un vrai système de fichiers et doit tourner en root "
          "(CAP_SYS_ADMIN), comme en CI");
    }
    return std::unique_ptr<SmallDisk>(new SmallDisk(at));
  }

  ~SmallDisk() {
    (void)Free();
    umount2(path_.c_str(), MNT_DETACH);
    rmdir(path_.c_str());
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  std::string File(const std::string& name) const { return path_ + "/" + name; }

  // Bytes an unprivileged writer could still allocate (tmpfs: no reserve).
  int64_t FreeBytes() const {
    struct statvfs s {};
    if (statvfs(path_.c_str(), &s) != 0) return -1;
    return static_cast<int64_t>(s.f_bavail) * static_cast<int64_t>(s.f_frsize);
  }

  // Grows the filler file until at most `leave` bytes remain free.
  common::Status FillLeaving(int64_t leave) {
    const int fd = open(File(kFiller).c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd < 0) return common::Status::Internal("filler: " + std::string(strerror(errno)));
    int err = 0;
    while (err == 0 && FreeBytes() > leave) err = WritePage(fd);
    close(fd);
    if (err != 0 && err != ENOSPC)
      return common::Status::Internal("filler: " + std::string(strerror(err)));
    return common::Status::OK();
  }

  // Deletes the filler: the space it held is free again.
  common::Status Free() {
    if (unlink(File(kFiller).c_str()) != 0 && errno != ENOENT)
      return common::Status::Internal("filler: " + std::string(strerror(errno)));
    return common::Status::OK();
  }

  // The errno of writing `bytes` into a new file (0 if they fitted); the
  // probe file is removed. ENOSPC proves the disk really is full.
  int ProbeWrite(int64_t bytes) const {
    const std::string probe = File("probe");
    const int fd = open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return errno;
    int err = 0;
    for (int64_t done = 0; done < bytes && err == 0; done += 4096) err = WritePage(fd);
    if (err == 0 && fsync(fd) != 0) err = errno;
    close(fd);
    unlink(probe.c_str());
    return err;
  }

 private:
  static constexpr const char* kFiller = "filler";
  explicit SmallDisk(std::string path) : path_(std::move(path)) {}
  // Appends one 4 KiB page; returns 0 or the errno (a short write is
  // retried, so a full disk always ends in ENOSPC).
  static int WritePage(int fd) {
    static const char kPage[4096] = {1};
    size_t done = 0;
    while (done < sizeof kPage) {
      const ssize_t w = write(fd, kPage + done, sizeof kPage - done);
      if (w < 0) return errno;
      if (w == 0) return EIO;
      done += static_cast<size_t>(w);
    }
    return 0;
  }
  std::string path_;
};

}  // namespace relais::testing
