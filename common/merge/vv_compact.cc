#include "common/merge/vv_compact.h"

namespace relais::common {

namespace {

// Drops `replica`'s entry from r->vv (counter 0 is never stored).
bool DropEntry(Record* r, const ReplicaId& replica) {
  if (r->vv.Get(replica) == 0 || CarriesDotOf(*r, replica)) return false;
  r->vv.Set(replica, 0);
  return true;
}

}  // namespace

bool CarriesDotOf(const Record& r, const ReplicaId& replica) {
  for (const auto& [name, siblings] : r.fields)
    for (const Sibling& s : siblings)
      if (s.dot.replica == replica) return true;
  return false;
}

int CompactRetired(Record* r, const std::set<ReplicaId>& retired) {
  int dropped = 0;
  for (const ReplicaId& x : retired)
    if (DropEntry(r, x)) ++dropped;
  return dropped;
}

int CompactAgainst(Record* r, const Record& compacted,
                   const std::set<ReplicaId>& retired) {
  int dropped = 0;
  for (const ReplicaId& x : retired)
    if (compacted.vv.Get(x) == 0 && DropEntry(r, x)) ++dropped;
  return dropped;
}

std::set<ReplicaId> CompactableReplicas(
    const std::map<ReplicaId, RetiredReplica>& retired,
    const std::map<std::string, uint64_t>& horizons) {
  std::set<ReplicaId> out;
  for (const auto& [id, r] : retired) {
    bool stable = true;
    for (const std::string& site : r.sites) {
      auto it = horizons.find(site);
      if (it == horizons.end() || it->second < r.revoked_seq) stable = false;
    }
    if (stable) out.insert(id);
  }
  return out;
}

}  // namespace relais::common
