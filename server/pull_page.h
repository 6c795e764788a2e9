#pragma once
// One pull page, built the same way by every HubStore from its rows in
// hub_seq order (the store asks for max_records + 1 rows, so that a full
// page knows whether more remain).

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/util/status.h"
#include "server/hub_store.h"

namespace relais::server {

class PullPageBuilder {
 public:
  // `out` (not owned) receives the records; max_records >= 1.
  PullPageBuilder(PullResult* out, size_t max_records, size_t max_bytes)
      : out_(out), max_records_(max_records), max_bytes_(max_bytes) {}

  // Offers the next row (its canonical JSON state and hub_seq). Returns
  // false once the page is full (at most max_records, and about max_bytes
  // but at least one record): has_more is set and the caller stops reading.
  // DATA_LOSS for an unreadable stored state.
  common::Result<bool> Add(const std::string& state_json, uint64_t seq);

  // Ends the page. When nothing more is in scope up to `last` (SQLite: the
  // store's last sequence; PostgreSQL: the scope's top under the horizon;
  // read in the same snapshot), the cursor jumps there (never back), past
  // other sites' changes and the replica's own echoes.
  void Finish(uint64_t after, uint64_t last);

 private:
  PullResult* out_;
  const size_t max_records_;
  const size_t max_bytes_;
  size_t bytes_ = 0;
};

}  // namespace relais::server
