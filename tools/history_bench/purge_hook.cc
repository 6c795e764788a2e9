#include "tools/history_bench/purge_hook.h"

#include "server/hub_purge.h"

namespace relais::histbench {

common::Status RunPurge(const PurgeContext& ctx) {
  if (!ctx.enabled) return common::Status::OK();
  if (ctx.hub == nullptr) return common::Status::InvalidArgument("purge: pas de hub");
  server::PurgeRunOptions options;  // every site, bounded runs
  common::Result<server::PurgeReport> r = server::RunHubPurge(*ctx.hub, options, nullptr);
  return r.ok() ? common::Status::OK() : r.status();
}

}  // namespace relais::histbench
