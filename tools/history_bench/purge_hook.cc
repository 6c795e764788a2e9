#include "tools/history_bench/purge_hook.h"

namespace relais::histbench {

common::Status RunPurge(const PurgeContext& ctx) {
  if (!ctx.enabled) return common::Status::OK();
  // h-purge wires the hub purge here (and the replicas' purge), then sets
  // kPurgeWired to true.
  return common::Status::FailedPrecondition("purge pas encore disponible");
}

}  // namespace relais::histbench
