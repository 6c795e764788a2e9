#include "tools/history_bench/purge_hook.h"

#include "common/storage/vacuum.h"
#include "server/hub_purge.h"

namespace relais::histbench {

common::Status RunPurge(const PurgeContext& ctx) {
  if (!ctx.enabled) return common::Status::OK();
  if (ctx.hub == nullptr) return common::Status::InvalidArgument("purge: pas de hub");
  server::PurgeRunOptions options;  // every site, bounded runs
  common::Result<server::PurgeReport> r = server::RunHubPurge(*ctx.hub, options, nullptr);
  return r.ok() ? common::Status::OK() : r.status();
}

common::Result<int> RunNightlyCompaction(const PurgeContext& ctx) {
  int done = 0;
  for (size_t i = 0; i < ctx.compact_files.size(); ++i) {
    const bool hub = i == 0;
    common::Result<common::CompactReport> r = common::CompactFile(
        ctx.compact_files[i], hub ? common::kHubApplicationId : common::kReplicaApplicationId,
        hub ? "une base de hub Relais Santé" : "une réplique Relais Santé");
    if (!r.ok()) return r.status().WithContext("compactage");
    ++done;
  }
  return done;
}

}  // namespace relais::histbench
