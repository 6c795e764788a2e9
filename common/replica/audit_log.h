#pragma once
// The access log (issue #15) over a Replica: every reveal of patient
// identities (kiosk planning with names, conflict screen, `relais appt
// list`, `relais dump --clair`) appends an entry to this replica's hash
// chain (audit/chain.h) in the SAME transaction as the read it logs, so a
// reveal without its entry never happens. Entries are ordinary synced
// records (Collection::kAudit); who and records are sealed fields. A replica
// without the organisation key reveals nothing (every sealed value reads
// « 🔒 illisible ») and writes no entry.
// Chain state of this replica, in meta (local, never synced):
//   audit_seq   last seq handed out
//   audit_head  "<seq>:<hash>" of the last entry written here
// Errors: those of Replica::Write and the store. Not thread-safe (as Replica).

#include <cstdint>
#include <string>
#include <vector>

#include "common/audit/chain.h"
#include "common/replica/replica.h"

namespace relais::common {

// "os:<login>" of the user running the CLI (getpwuid, else $USER, else
// "os:inconnu"), with anything outside [A-Za-z0-9._-] replaced by '_' and
// at most 64 characters: the environment is not trusted.
std::string CliAuditUser();

class AuditLog {
 public:
  // `replica` must outlive the log.
  explicit AuditLog(Replica* replica) : r_(replica) {}

  // Appends the entries (one per ChunkIds chunk) recording that `who` saw
  // `ids` on `what`. REQUIRES: an open Transaction on the replica's db.
  // INVALID_ARGUMENT for an empty `who` or a malformed `what`.
  Status AppendLocked(const std::string& who, const std::string& what,
                      const std::vector<std::string>& ids);

  // Reads the appointments of `day` and logs them, in one transaction.
  Result<std::vector<Appointment>> RevealDay(const std::string& who,
                                             const std::string& what,
                                             const CivilDate& day);
  // Reads the records with concurrent values and logs their ids.
  Result<std::vector<Record>> RevealConflicts(const std::string& who,
                                              const std::string& what);
  // Canonical dump of every record (Replica::Dump) logged as records "*".
  Result<std::string> RevealDump(const std::string& who, const std::string& what);

  // Every entry of every replica held here, sorted by replica then seq;
  // malformed ones are skipped (Verify reports them).
  Result<std::vector<audit::Entry>> Entries();
  // VerifyChains over every audit record, with this replica's own head.
  Result<audit::ChainReport> Verify(int64_t now_s);

 private:
  Replica* r_;
};

}  // namespace relais::common
