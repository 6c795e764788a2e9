#pragma once
// The hub's side of the sync by file (issue #17, common/sync/change_file.h;
// docs/protocol.md « Synchronisation par fichier »): a change file brought
// on a USB key from a house with no link is checked and run through
// ServeSync (hub_service.h), the same code as a gRPC Sync, and the hub's
// answer is written as a response file for that house.
//
// Order of checks, each refusing the whole file with a French message and
// nothing written to the store: magic, version and bounds (DATA_LOSS /
// FAILED_PRECONDITION), the token id (UNAUTHENTICATED: unknown or revoked
// token), the MAC under that token's key (DATA_LOSS: tampered), each
// request parsed and naming the file's replica (DATA_LOSS), each batch
// within options.max_push_records (INVALID_ARGUMENT). Then the requests run in order,
// each pull page chained on the previous one's cursor, followed by
// pull-only pages while the hub has more (at most kMaxMessages responses,
// about half of kMaxRawBytes: then the last batches pull a minimal page);
// the first error stops there (earlier batches stay merged: pushing them
// again is a no-op) and no response file is written.
// Idempotent: importing the same file twice changes nothing more at the hub.

#include <cstdint>
#include <string>

#include "common/util/clock.h"
#include "common/util/status.h"
#include "server/hub_service.h"
#include "server/hub_store.h"

namespace relais::server {

struct ChangesImport {
  std::string response;     // bytes of the response file
  std::string replica_id;
  std::string token_name;
  int requests = 0;         // requests in the change file
  int pushed = 0;           // records pushed
  int changed = 0;          // records whose hub state changed
  int pulled = 0;           // records sent back
  int ignored = 0;          // parts not taken (common/merge/accept.h)
  // The hub has more for this replica than one response file carries
  // (kMaxMessages responses, or half of sync::kMaxRawBytes): once this
  // response is imported, another exchange brings the rest.
  bool more_to_pull = false;
};

// `bytes`: a whole change file. `options`: the same limits as the served
// hub (HubServiceOptions' push and pull caps).
common::Result<ChangesImport> ImportChanges(HubStore& store, common::Clock& clock,
                                            const HubServiceOptions& options,
                                            const std::string& bytes);

}  // namespace relais::server
