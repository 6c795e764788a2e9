#pragma once
// The replica's side of the sync by file (issue #17, change_file.h): a house
// with no link writes its changes to a file (`relais export-changes`), the
// office imports it into the hub (`relais-hub import-changes`), and the
// hub's response file comes back (`relais import-changes`).
//
// The change file holds exactly the requests SyncOnce would send (whole
// states, no deltas: the hub may not hold the acked states a delta is cut
// against), authenticated by the replica's token. Importing a response
// applies each SyncResponse with ApplyResponse (sync_client.h), as SyncOnce
// does: data, cursors and the clock in one transaction per response, plus
// the meta "change_file_import" = "<export id>:<index>" that makes a second
// import of the same file a no-op and lets an interrupted one resume.
// Not thread-safe (the Replica is not).

#include <cstdint>
#include <string>

#include "common/replica/replica.h"
#include "common/util/status.h"

namespace relais::sync {

// Requests per change file; the hub adds pull-only pages up to
// kMaxMessages responses.
inline constexpr int kMaxExportRequests = 128;

struct ExportReport {
  int records = 0;         // local changes written to the file
  int requests = 0;        // SyncRequests in the file
  int64_t remaining = 0;   // pending changes left out (file full): export again
};

// Writes the change file `out_path` (0600, atomically). FAILED_PRECONDITION
// for a replica whose snapshot load is unfinished; storage and I/O errors
// otherwise. Changes nothing in the replica.
common::Result<ExportReport> ExportChanges(common::Replica& replica, const std::string& token,
                                           const std::string& out_path);

struct ImportReport {
  bool already_imported = false;  // same file imported before: nothing done
  int pushed = 0;      // local records the hub acknowledged
  int pulled = 0;      // records received and merged
  int conflicts = 0;
  int set_aside = 0;
  // The hub lost history (new epoch): every record is marked to send again
  // and the pull starts over; export again.
  bool resync = false;
  // The hub had more for this replica than the response carried: another
  // exchange brings the rest.
  bool more_to_pull = false;
};

// Verifies and applies the response file `in_path`. Refused, with nothing
// changed: DATA_LOSS (not a response file, damaged or tampered: MAC),
// FAILED_PRECONDITION (format version; the replica moved on since the
// export: the response is stale), PERMISSION_DENIED (written for another
// token or another replica), and any error of ApplyResponse.
common::Result<ImportReport> ImportResponse(common::Replica& replica, const std::string& token,
                                            const std::string& in_path);

}  // namespace relais::sync
