#include "tools/history_bench/measure.h"

#include <algorithm>
#include <filesystem>

#include "common/codec/record_json.h"
#include "common/merge/merge.h"
#include "common/storage/sqlite.h"

namespace relais::histbench {

using common::Status;
namespace fs = std::filesystem;

namespace {

int64_t SizeWithWal(const std::string& path) {
  std::error_code ec;
  int64_t n = static_cast<int64_t>(fs::file_size(path));
  const auto wal = fs::file_size(path + "-wal", ec);
  if (!ec) n += static_cast<int64_t>(wal);
  return n;
}

common::Result<std::unique_ptr<common::Db>> OpenExisting(const std::string& path) {
  if (!fs::exists(path)) return Status::NotFound("fichier absent: " + path);
  return common::Db::Open(path, /*create=*/false);
}

}  // namespace

common::Result<DbSize> MeasureDb(const std::string& path, const std::string& scratch) {
  if (fs::exists(scratch)) return Status::AlreadyExists("copie temporaire déjà là: " + scratch);
  DbSize out;
  {
    RELAIS_ASSIGN_OR_RETURN(auto db, OpenExisting(path));
    RELAIS_RETURN_IF_ERROR(db->Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    RELAIS_ASSIGN_OR_RETURN(common::Stmt st, db->Prepare("SELECT state FROM records"));
    for (;;) {
      RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      const std::string_view state = st.ColumnTextView(0);
      auto rec = common::DecodeRecordJson(state);
      if (!rec.ok()) return Status::DataLoss(path + ": état illisible: " + rec.status().message());
      ++out.records;
      out.state_bytes += static_cast<int64_t>(state.size());
      if (common::IsDeleted(*rec)) ++out.tombstones;
    }
    // After the checkpoint, before the copy: the size as it lies on disk.
    out.bytes = SizeWithWal(path);
    const std::string quoted = "'" + scratch + "'";
    if (scratch.find('\'') != std::string::npos)
      return Status::InvalidArgument("chemin temporaire avec apostrophe: " + scratch);
    RELAIS_RETURN_IF_ERROR(db->Exec("VACUUM INTO " + quoted));
  }
  out.vacuum_bytes = SizeWithWal(scratch);
  std::error_code ec;
  fs::remove(scratch, ec);
  return out;
}

common::Result<std::vector<std::string>> StoredStates(const std::string& path) {
  RELAIS_ASSIGN_OR_RETURN(auto db, OpenExisting(path));
  RELAIS_ASSIGN_OR_RETURN(common::Stmt st, db->Prepare("SELECT state FROM records"));
  std::vector<std::string> out;
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(st.ColumnText(0));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace relais::histbench
