#pragma once
// The independent oracle of a chaos run and the end-of-run checks.
//
// The oracle is what the driver saw, not what the replicas say: every write
// command that exited 0 and printed its id is "acknowledged". At the end of
// a run (after the final clean sync rounds) each acknowledged write must be,
// on every replica of its site, present exactly once under its id with the
// value the driver chose (appointment patient name; ledger label and
// amount), its unique value must not appear under another id, and it must
// be absent from the other sites' replicas.

#include <cstdint>
#include <string>
#include <vector>

#include "tools/chaos/plan.h"

namespace relais::chaos {

struct Acked {
  int replica = 0;
  WriteOp op = WriteOp::kAppointment;
  std::string id;      // printed by the command
  std::string unique;  // patient name or ledger label
  int64_t amount_cents = 0;
};

// PRAGMA integrity_check of `path` is exactly "ok". Empty string if so,
// else what SQLite said (or why it could not be opened).
std::string IntegrityProblem(const std::string& path);

// Checks of the replica files `files` (index = replica number, sites as
// SiteOf). Each returns the problems found (empty = pass), at most 20.
// Byte-identical canonical dumps (Replica::Dump, as `relais dump --json`)
// among the replicas of each site:
std::vector<std::string> CheckDumps(const std::vector<std::string>& files);
// No local change still waiting for the hub's acknowledgement:
std::vector<std::string> CheckNothingPending(const std::vector<std::string>& files);
// The oracle (above) for every write of `acked`:
std::vector<std::string> CheckOracle(const std::vector<std::string>& files,
                                     const std::vector<Acked>& acked);

}  // namespace relais::chaos
