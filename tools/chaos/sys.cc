#include "tools/chaos/sys.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace relais::chaos {

bool CanConnect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
  close(fd);
  return ok ? ntohs(a.sin_port) : 0;
}

int SaysDiskFull(const std::string& err) {
  for (const char* m : {"disque plein", "RESOURCE_EXHAUSTED", "disk is full",
                        "No space left"})
    if (err.find(m) != std::string::npos) return 2;
  return err.find("disk I/O error") != std::string::npos ? 1 : 0;
}

bool FillFileSystem(const std::string& filler, int slack_kb) {
  int fd = open(filler.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  static const std::string chunk(1 << 20, 'x');
  bool full = false;
  off_t size = 0;
  for (size_t len : {size_t{1} << 20, size_t{4096}, size_t{1}}) {
    for (int n = 0; n < 4096 && !full; ++n) {  // bounded: 4 GiB at most
      const ssize_t w = write(fd, chunk.data(), len);
      if (w < 0) {
        full = errno == ENOSPC;
        break;
      }
      size += w;
    }
    if (full && len > 1) full = false;  // go on with smaller writes
  }
  if (full && slack_kb > 0) (void)ftruncate(fd, std::max<off_t>(0, size - slack_kb * 1024));
  close(fd);
  return full;
}

}  // namespace relais::chaos
