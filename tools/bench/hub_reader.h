#pragma once
// relais-bench's oracle: what the hub stored, read straight from its
// database with SQL (never through the HubStore code under test), for
// either store: a SQLite hub.db (read-only, beside the running hub) or the
// PostgreSQL database the hubs share (schema "relais").
//
// Queries are written once, in the SQL both engines accept, against the
// table `records(site_id, collection, id, state, hub_seq, origin)`, with
// parameters $1, $2, ... numbered in order of first appearance.

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "common/util/status.h"

namespace relais::server::bench {

using Param = std::variant<int64_t, std::string>;
using Row = std::vector<std::string>;  // every column as text ("" for NULL)

class HubReader {
 public:
  virtual ~HubReader() = default;
  // `where` is "sqlite" (a hub.db path) or "pg" (a postgresql:// URI).
  // Errors: the file or the server cannot be opened/reached.
  static common::Result<std::unique_ptr<HubReader>> Open(const std::string& store,
                                                         const std::string& where);
  // Every row of `sql`, each with its first `columns` columns (REQUIRES:
  // the query selects that many).
  virtual common::Result<std::vector<Row>> Query(const std::string& sql,
                                                 const std::vector<Param>& params,
                                                 int columns) = 0;
  // The single integer of a one-row, one-column query.
  common::Result<int64_t> QueryInt(const std::string& sql, const std::vector<Param>& params);
};

// Resident memory of a PostgreSQL server: the postmaster whose pid is the
// first line of `pid_file` (DATA/postmaster.pid) and every process whose
// parent it is, read from /proc. rss_mb counts shared buffers once per
// process that touched them; pss_mb shares them out (smaps_rollup).
struct ServerMemory {
  double rss_mb = 0;
  double pss_mb = 0;
  int processes = 0;
};
ServerMemory PostgresMemory(const std::string& pid_file);

}  // namespace relais::server::bench
