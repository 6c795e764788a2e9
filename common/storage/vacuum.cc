#include "common/storage/vacuum.h"

#include <sys/stat.h>

#include <algorithm>

namespace relais::common {

namespace {

std::string Kio(int64_t bytes) { return std::to_string(bytes / 1024) + " Kio"; }

}  // namespace

Result<FileSpace> ReadFileSpace(Db* db) {
  FileSpace s;
  RELAIS_ASSIGN_OR_RETURN(s.page_size, db->QueryInt("PRAGMA page_size"));
  RELAIS_ASSIGN_OR_RETURN(s.page_count, db->QueryInt("PRAGMA page_count"));
  RELAIS_ASSIGN_OR_RETURN(s.freelist_count, db->QueryInt("PRAGMA freelist_count"));
  RELAIS_ASSIGN_OR_RETURN(s.auto_vacuum, db->QueryInt("PRAGMA auto_vacuum"));
  return s;
}

std::string EnsureIncrementalVacuum(Db* db, const std::string& path, int64_t max_bytes) {
  if (path.empty() || path == ":memory:") return "";
  Result<FileSpace> space = ReadFileSpace(db);
  if (!space.ok())
    return path + ": mode auto_vacuum illisible (" + space.status().ToString() + ")";
  if (space->auto_vacuum == 2) return "";
  if (space->bytes() > max_bytes)
    return path + ": fichier de " + Kio(space->bytes()) +
           " laissé en auto_vacuum=NONE (ses pages libres ne sont pas rendues) :"
           " lancer « compact --db " + path + " » à un moment calme";
  Result<CompactReport> r = Compact(db, max_bytes);
  if (!r.ok())
    return path + ": passage en auto_vacuum incrémental impossible (" + r.status().ToString() +
           ") ; fichier inchangé, nouvel essai à la prochaine ouverture";
  return path + ": passage unique en auto_vacuum incrémental (VACUUM) : " +
         Kio(r->bytes_before) + " -> " + Kio(r->bytes_after);
}

Result<int64_t> ReleaseFreePages(Db* db, bool rows_removed, int64_t max_pages) {
  RELAIS_ASSIGN_OR_RETURN(int64_t mode, db->QueryInt("PRAGMA auto_vacuum"));
  if (mode != 2 || max_pages <= 0) return int64_t{0};
  RELAIS_ASSIGN_OR_RETURN(int64_t before, db->QueryInt("PRAGMA freelist_count"));
  if (before == 0 || (!rows_removed && before < kReleaseThresholdPages)) return int64_t{0};
  const int64_t n = std::min(before, max_pages);
  RELAIS_RETURN_IF_ERROR(db->Exec("PRAGMA incremental_vacuum(" + std::to_string(n) + ")"));
  RELAIS_ASSIGN_OR_RETURN(int64_t after, db->QueryInt("PRAGMA freelist_count"));
  return before - after;
}

Result<CompactReport> Compact(Db* db, int64_t max_bytes) {
  RELAIS_ASSIGN_OR_RETURN(FileSpace before, ReadFileSpace(db));
  if (before.bytes() > max_bytes)
    return Status::FailedPrecondition("fichier de " + Kio(before.bytes()) +
                                      " : au-delà de la limite de " + Kio(max_bytes) +
                                      " pour un compactage");
  // The mode is written by the VACUUM itself: setting it alone does nothing
  // on a file that has tables.
  RELAIS_RETURN_IF_ERROR(db->Exec("PRAGMA auto_vacuum=INCREMENTAL"));
  RELAIS_RETURN_IF_ERROR(db->Exec("VACUUM"));
  // VACUUM went through the WAL (as large as the file): copy it back and
  // truncate it. A reader still holding an old snapshot only delays that.
  RELAIS_RETURN_IF_ERROR(db->Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  RELAIS_ASSIGN_OR_RETURN(FileSpace after, ReadFileSpace(db));
  return CompactReport{before.bytes(), after.bytes()};
}

Result<CompactReport> CompactFile(const std::string& path, int64_t app_id,
                                  const std::string& what, int64_t max_bytes) {
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0)
    return Status::NotFound("fichier absent : '" + path + "'");
  if (!S_ISREG(st.st_mode))
    return Status::FailedPrecondition("'" + path + "' n'est pas un fichier ordinaire");
  // An empty file would become a database: refused before SQLite opens it.
  if (st.st_size == 0)
    return Status::FailedPrecondition("'" + path + "' est vide : ce n'est pas " + what);
  RELAIS_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path, /*create=*/false));
  RELAIS_ASSIGN_OR_RETURN(int64_t id, db->QueryInt("PRAGMA application_id"));
  if (id != app_id)
    return Status::FailedPrecondition("'" + path + "' n'est pas " + what);
  Result<CompactReport> r = Compact(db.get(), max_bytes);
  if (!r.ok()) return r.status().WithContext(path);
  return r;
}

}  // namespace relais::common
