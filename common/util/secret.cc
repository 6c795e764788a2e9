#include "common/util/secret.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace relais::common {

namespace {

// Checks a token's text (after the trailing newline was stripped).
Status CheckTokenText(const std::string& t, const std::string& where) {
  if (t.empty()) return Status::InvalidArgument(where + " : jeton vide");
  if (t.size() > kMaxTokenFileBytes)
    return Status::InvalidArgument(where + " : jeton trop long (au plus " +
                                   std::to_string(kMaxTokenFileBytes) + " octets)");
  for (unsigned char c : t)
    if (c < 0x20 || c == 0x7f)
      return Status::InvalidArgument(where +
                                     " : caractère de contrôle dans le jeton "
                                     "(une seule ligne attendue)");
  return Status::OK();
}

void StripOneNewline(std::string* t) {
  if (!t->empty() && t->back() == '\n') {
    t->pop_back();
    if (!t->empty() && t->back() == '\r') t->pop_back();
  }
}

}  // namespace

Result<std::string> ReadTokenFile(const std::string& path, std::string* warning) {
  const std::string where = "fichier de jeton " + path;
  // O_NONBLOCK: opening a FIFO must not hang; it is refused below.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT) return Status::NotFound(where + " introuvable");
    if (e == EACCES || e == EPERM)
      return Status::PermissionDenied(where + " illisible (droits)");
    return Status::InvalidArgument(where + " : " + std::strerror(e));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument(where + " : pas un fichier ordinaire");
  }
  if (st.st_size > static_cast<off_t>(kMaxTokenFileBytes + 2)) {
    ::close(fd);
    return Status::InvalidArgument(where + " : trop grand (au plus " +
                                   std::to_string(kMaxTokenFileBytes) + " octets)");
  }
  std::string t;
  char buf[1024];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return Status::InvalidArgument(where + " : lecture impossible");
    }
    if (n == 0) break;
    t.append(buf, static_cast<size_t>(n));
    if (t.size() > kMaxTokenFileBytes + 2) {  // grew while we read
      ::close(fd);
      return Status::InvalidArgument(where + " : trop grand");
    }
  }
  ::close(fd);
  StripOneNewline(&t);
  RELAIS_RETURN_IF_ERROR(CheckTokenText(t, where));
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0 && warning != nullptr)
    *warning = "ATTENTION : " + where +
               " est lisible par d'autres utilisateurs ; faites chmod 600 " + path;
  return t;
}

Result<std::string> ResolveToken(const std::string& file, const std::string& arg,
                                 TokenSource* source, std::string* warning) {
  *source = TokenSource::kNone;
  if (!file.empty() && !arg.empty())
    return Status::InvalidArgument("--token et --token-file sont exclusifs");
  if (!file.empty()) {
    RELAIS_ASSIGN_OR_RETURN(std::string t, ReadTokenFile(file, warning));
    *source = TokenSource::kFile;
    return t;
  }
  if (arg.empty()) {
    const char* env = std::getenv("RELAIS_TOKEN");
    if (env != nullptr && *env != '\0') {
      std::string t = env;
      StripOneNewline(&t);
      RELAIS_RETURN_IF_ERROR(CheckTokenText(t, "RELAIS_TOKEN"));
      *source = TokenSource::kEnvironment;
      return t;
    }
    return std::string();
  }
  RELAIS_RETURN_IF_ERROR(CheckTokenText(arg, "--token"));
  *source = TokenSource::kCommandLine;
  if (warning != nullptr) *warning = kTokenOnCommandLineWarning;
  return arg;
}

}  // namespace relais::common
