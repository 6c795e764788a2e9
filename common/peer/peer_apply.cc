#include "common/peer/peer_apply.h"

#include <algorithm>
#include <optional>

#include "common/merge/accept.h"
#include "common/merge/purge.h"
#include "common/merge/merge.h"
#include "common/model/validate.h"

namespace relais::peer {

using common::Record;
using common::Result;
using common::Status;

namespace {

bool Contains(const std::vector<std::string>& sorted, const std::string& s) {
  return std::binary_search(sorted.begin(), sorted.end(), s);
}

// Advances the replica's HLC past the stamps it received (bounded by
// Accept's clock rule), as a pull from the hub does.
Status ObserveStamps(common::Replica& replica, common::Hlc remote) {
  if (remote == 0) return Status::OK();
  common::ReplicaStore* store = replica.store();
  RELAIS_ASSIGN_OR_RETURN(uint64_t last, store->GetMetaInt("hlc"));
  RELAIS_ASSIGN_OR_RETURN(int64_t offset, replica.CorrectedOffsetMs());
  common::HlcClock clock;
  clock.set_last(last);
  clock.Observe(remote, replica.clock()->NowMillis() + offset);
  return store->SetMeta("hlc", std::to_string(clock.last()));
}

// This replica's writes in a stored record that the hub is known to hold:
// all of them if the stored state was delivered (seq <= push_cursor; the
// hub always takes its pusher's own writes), else those of the last
// delivered state (acked_vv), else none.
Result<uint64_t> DeliveredOwnCounter(common::ReplicaStore* store, const Record& local,
                                     const std::string& me, uint64_t push_cursor) {
  RELAIS_ASSIGN_OR_RETURN(std::optional<common::ReplicaStore::PushState> ps,
                          store->GetPushState(local.collection, local.id));
  if (!ps) return uint64_t{0};
  if (ps->seq <= push_cursor) return local.vv.Get(me);
  return ps->acked.Get(me);
}

// A creation this replica has not delivered yet must stay deliverable by
// it: the hub takes a new record only whole (its RequiredFields), and only
// its author's writes of it. So when a peer's write supersedes this
// replica's undelivered value of a required field of such a record, that
// value is kept here beside the peer's, as a conflict, until the hub has
// the creation (the hub's merge then settles it for everyone, see
// docs/sync-model.md « Synchronisation dans la maison »).
void KeepUndeliveredCreation(const Record& local, const std::string& me, Record* merged) {
  for (const std::string& name : common::RequiredFields(local.collection)) {
    auto l = local.fields.find(name);
    if (l == local.fields.end()) continue;
    std::vector<common::Sibling>& sibs = merged->fields[name];
    for (const common::Sibling& s : l->second) {
      if (s.dot.replica != me) continue;
      auto pos = std::lower_bound(
          sibs.begin(), sibs.end(), s,
          [](const common::Sibling& x, const common::Sibling& y) { return x.dot < y.dot; });
      if (pos != sibs.end() && pos->dot == s.dot) continue;
      sibs.insert(pos, s);
    }
    if (sibs.empty()) merged->fields.erase(name);
  }
}

// This replica's bound for a peer's hub_at on `site` (see the header):
// every live replica of the site acknowledged a pull past the stored purge
// horizon, and this one applied every state of its scope up to its pull
// cursor. The horizon is the sound one on PostgreSQL too: there a hub_at
// taken from a push acknowledgement (the xmin horizon read after the
// commit) may lie below the push's txid-based position, and the purge
// horizon is at least the tombstone's hub_at on every replica that purged.
Result<uint64_t> HubAtBound(common::ReplicaStore* store, const std::string& site,
                            std::map<std::string, uint64_t>* cache) {
  if (auto it = cache->find(site); it != cache->end()) return it->second;
  RELAIS_ASSIGN_OR_RETURN(uint64_t pull, store->GetMetaInt("pull_cursor"));
  RELAIS_ASSIGN_OR_RETURN(uint64_t horizon, store->GetMetaInt("purge_horizon:" + site));
  const uint64_t bound = std::min(pull, horizon);
  cache->emplace(site, bound);
  return bound;
}

}  // namespace

Result<PeerApplyStats> ApplyPeerRecords(common::Replica& replica, const std::string& author,
                                        const std::vector<std::string>& author_sites,
                                        const std::vector<Record>& records,
                                        const std::map<std::string, std::string>& meta,
                                        const std::vector<uint64_t>& hub_at) {
  if (author == replica.replica_id())
    return Status::PermissionDenied("un pair ne peut pas porter l'identifiant de cette réplique");
  if (records.size() > kMaxExchangeRecords)
    return Status::InvalidArgument("trop d'enregistrements dans un échange entre pairs");
  if (!hub_at.empty() && hub_at.size() != records.size())
    return Status::InvalidArgument("pair: hub_at ne correspond pas aux enregistrements");
  std::map<std::string, uint64_t> bounds;  // site -> HubAtBound
  std::vector<std::string> sender_sites = author_sites;
  std::sort(sender_sites.begin(), sender_sites.end());
  common::ReplicaStore* store = replica.store();
  common::Transaction tx(store->db());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_ASSIGN_OR_RETURN(int64_t offset, replica.CorrectedOffsetMs());
  const int64_t now_ms = replica.clock()->NowMillis() + offset;
  RELAIS_ASSIGN_OR_RETURN(uint64_t push_cursor, store->GetMetaInt("push_cursor"));
  const std::string& me = replica.replica_id();
  PeerApplyStats stats;
  common::Hlc max_hlc = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    const Record& sent = records[i];
    if (sent.partial)
      return Status::InvalidArgument("pair: état partiel refusé (" + sent.id + ")");
    RELAIS_RETURN_IF_ERROR(common::CheckRecordBounds(sent).WithContext("pair " + author));
    if (!replica.InScope(sent.site_id) || !Contains(sender_sites, sent.site_id))
      return Status::PermissionDenied("pair " + author + ": enregistrement " + sent.id +
                                      " d'un site hors de la portée (" + sent.site_id + ")");
    RELAIS_ASSIGN_OR_RETURN(std::optional<Record> local, store->Get(sent.collection, sent.id));
    if (local && local->site_id != sent.site_id) {
      ++stats.set_aside;
      continue;
    }
    // A settled tombstone of a record not held here (purged here after the
    // hub's purge horizon passed it, docs/sync-model.md §11, or never
    // had): nothing to take, and taking it would keep a purged record.
    if (!local && common::IsPurgeableTombstone(sent)) {
      ++stats.skipped;
      continue;
    }
    // A state the hub had, at or below what this replica pulled, that it
    // does not hold: deleted and purged since (see the header).
    if (!local && !hub_at.empty() && hub_at[i] > 0) {
      RELAIS_ASSIGN_OR_RETURN(uint64_t bound, HubAtBound(store, sent.site_id, &bounds));
      if (hub_at[i] <= bound) {
        ++stats.skipped;
        continue;
      }
    }
    const Record& in = sent;
    // The hub's rule, this replica standing for the hub.
    auto accepted = common::Accept(in, local ? &*local : nullptr, author, now_ms);
    if (!accepted.ok()) return accepted.status().WithContext("pair " + author);
    stats.ignored += accepted->ignored;
    if (accepted->skipped) {
      ++stats.skipped;
      continue;
    }
    if (!accepted->changed) {
      ++stats.unchanged;
      continue;
    }
    Record merged = accepted->state();
    if (local) {
      RELAIS_ASSIGN_OR_RETURN(uint64_t delivered,
                              DeliveredOwnCounter(store, *local, me, push_cursor));
      if (delivered == 0) KeepUndeliveredCreation(*local, me, &merged);
    }
    for (const auto& [name, sibs] : merged.fields)
      for (const common::Sibling& s : sibs) max_hlc = std::max(max_hlc, s.hlc);
    RELAIS_RETURN_IF_ERROR(store->PutLocal(merged));
    ++stats.applied;
  }
  RELAIS_RETURN_IF_ERROR(ObserveStamps(replica, max_hlc));
  // From now on pushes to the hub carry whole states (sync_client.cc).
  if (stats.applied > 0) RELAIS_RETURN_IF_ERROR(store->SetMeta("peer_learnt", "1"));
  for (const auto& [k, v] : meta) RELAIS_RETURN_IF_ERROR(store->SetMeta(k, v));
  if (stats.set_aside > 0) {
    RELAIS_ASSIGN_OR_RETURN(uint64_t before, store->GetMetaInt("set_aside"));
    RELAIS_RETURN_IF_ERROR(store->SetMeta(
        "set_aside", std::to_string(before + static_cast<uint64_t>(stats.set_aside))));
  }
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  return stats;
}

Result<std::vector<Record>> ChangesForPeer(common::Replica& replica, uint64_t after,
                                           const std::vector<std::string>& peer_sites,
                                           size_t max_records, size_t max_bytes,
                                           uint64_t* last_seq, bool* more,
                                           std::vector<uint64_t>* hub_at) {
  std::vector<std::string> sites = peer_sites;
  std::sort(sites.begin(), sites.end());
  max_records = std::clamp<size_t>(max_records, 1, kMaxExchangeRecords);
  max_bytes = std::clamp<size_t>(max_bytes, 1024, kMaxExchangeBytes);
  *last_seq = after;
  *more = false;
  RELAIS_ASSIGN_OR_RETURN(std::vector<common::PendingChange> changes,
                          replica.store()->ChangesSince(after, max_records, max_bytes));
  std::vector<Record> out;
  if (hub_at) hub_at->clear();
  for (common::PendingChange& c : changes) {
    *last_seq = c.seq;
    if (!Contains(sites, c.record.site_id)) continue;
    out.push_back(std::move(c.record));
    if (hub_at) hub_at->push_back(c.hub_at);
  }
  RELAIS_ASSIGN_OR_RETURN(int64_t left, replica.store()->CountChangesSince(*last_seq));
  *more = left > 0;
  return out;
}

}  // namespace relais::peer
