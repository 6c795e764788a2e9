#include "kiosk/app/output_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace relais::kiosk {

common::Status EnsureOutputDir(const std::string& dir) {
  using common::Status;
  if (dir.empty()) return Status::InvalidArgument("dossier de sortie vide");
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      return Status::InvalidArgument(dir + " existe mais n'est pas un dossier : "
                                           "choisissez un autre chemin");
  } else if (errno != ENOENT) {
    return Status::Unavailable("dossier " + dir + " inaccessible : " + std::strerror(errno));
  } else if (::mkdir(dir.c_str(), 0700) != 0) {
    const int err = errno;
    if (err == ENOENT)
      return Status::Unavailable("impossible de créer " + dir +
                                 " : le dossier parent n'existe pas (créez-le d'abord)");
    return Status::Unavailable("impossible de créer " + dir + " : " + std::strerror(err) +
                               " (vérifiez les droits ou choisissez un autre dossier)");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    return Status::Unavailable("pas le droit d'écrire dans " + dir + " : " +
                               std::strerror(errno) + " (choisissez un autre dossier)");
  return Status::OK();
}

}  // namespace relais::kiosk
