#include "common/sync/sync_client.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "common/convert/convert.h"
#include "common/merge/merge.h"
#include "common/model/ticket.h"
#include "common/model/validate.h"
#include "common/sync/sync_transport.h"
#include "proto/sync.pb.h"

namespace relais::sync {

namespace pb = relais::sync::v1;
using common::Record;
using common::Result;
using common::Status;
using common::StatusCode;

namespace {

// The HLC to store after observing the pulled records (bounded drift).
Result<std::string> ObservedHlc(common::Replica& replica,
                                const std::vector<Record>& records) {
  common::Hlc remote = 0;
  for (const Record& r : records)
    for (const auto& [name, sibs] : r.fields)
      for (const common::Sibling& s : sibs) remote = std::max(remote, s.hlc);
  RELAIS_ASSIGN_OR_RETURN(uint64_t last, replica.store()->GetMetaInt("hlc"));
  RELAIS_ASSIGN_OR_RETURN(int64_t offset, replica.CorrectedOffsetMs());
  common::HlcClock clock;
  clock.set_last(last);
  if (remote != 0) clock.Observe(remote, replica.clock()->NowMillis() + offset);
  return std::to_string(clock.last());
}

}  // namespace

Status ReadCompactedReplicas(const common::Replica& replica, const pb::SyncResponse& resp,
                             std::set<std::string>* out) {
  // Bounded and checked: a broken hub naming this very replica (alive: it
  // is syncing) or a malformed id would make it drop entries it needs.
  if (resp.compacted_replicas_size() > kMaxCompactedReplicas)
    return Status::InvalidArgument("réponse du hub invalide: trop de répliques retirées (" +
                                   std::to_string(resp.compacted_replicas_size()) + ")");
  for (const std::string& id : resp.compacted_replicas()) {
    if (!common::IsValidReplicaId(id))
      return Status::InvalidArgument("réponse du hub invalide: réplique retirée mal formée");
    if (id == replica.replica_id())
      return Status::InvalidArgument(
          "réponse du hub invalide: cette réplique est déclarée retirée (" + id + ")");
    out->insert(id);
  }
  return Status::OK();
}

bool BelowPurgeHorizon(common::Replica& replica, uint64_t sent_pull_cursor,
                       const pb::SyncResponse& resp) {
  if (sent_pull_cursor == 0) return false;
  // Re-bootstrapping: everything held was pulled in this pass, from 0.
  const Result<std::string> again = replica.store()->GetMeta("rebootstrap");
  if (!again.ok() || *again == "1") return false;
  for (const pb::PurgeHorizon& h : resp.purge_horizons())
    if (replica.InScope(h.site_id()) && sent_pull_cursor < h.horizon()) return true;
  return false;
}

Result<SyncReport> SyncOnce(common::Replica& replica,
                            const SyncOptions& options) {
  common::ReplicaStore* store = replica.store();
  const std::string now = std::to_string(replica.clock()->NowMillis());
  Result<SyncReport> r = RunSession(replica, options);
  // What `relais status` and the kiosk show, in one commit. Best effort: a
  // full disk must not hide the sync's own error.
  common::Transaction tx(store->db());
  if (r.ok()) {
    (void)store->SetMeta("last_sync_ms", now);
    (void)store->SetMeta("last_sync_error", "");
  } else {
    (void)store->SetMeta("last_sync_error", r.status().ToString());
  }
  (void)store->SetMeta("last_attempt_ms", now);
  (void)tx.Commit();
  return r;
}

namespace {

Result<HubIdentity> ProbeOver(const std::string& replica_id, const std::string& site_id,
                              const SyncOptions& options, Transport t) {
  std::unique_ptr<HubCaller> caller;
  if (t == Transport::kHttp) {
    RELAIS_ASSIGN_OR_RETURN(caller, MakeHttpCaller(options));
  } else {
    RELAIS_ASSIGN_OR_RETURN(caller, MakeGrpcCaller(options));
  }
  pb::SyncRequest req;
  req.set_protocol_version(common::kProtocolVersion);
  req.set_replica_id(replica_id);
  req.set_site_id(site_id);
  // Stored sequences are SQL integers: past every one of them.
  req.set_pull_cursor(static_cast<uint64_t>(INT64_MAX));
  req.set_max_pull_records(1);
  req.set_max_pull_bytes(1024);
  RELAIS_ASSIGN_OR_RETURN(pb::SyncResponse resp, caller->Call(req));
  if (resp.pull_size() != 0) return Status::Internal("réponse du hub inattendue (sonde)");
  return HubIdentity{resp.hub_epoch(), resp.hub_last_seq(), caller->name()};
}

}  // namespace

Result<HubIdentity> ProbeHub(const std::string& replica_id, const std::string& site_id,
                             const SyncOptions& options) {
  if (options.transport == Transport::kHttp)
    return ProbeOver(replica_id, site_id, options, Transport::kHttp);
  Result<HubIdentity> r = ProbeOver(replica_id, site_id, options, Transport::kGrpc);
  if (r.ok() || options.transport == Transport::kGrpc || options.http_hub.empty()) return r;
  // One round trip: a failure to reach the hub is a failure before any
  // answer, as RunSession's fallback (sync_transport.h).
  const common::StatusCode code = r.status().code();
  if (code != common::StatusCode::kUnavailable && code != common::StatusCode::kDeadlineExceeded)
    return r;
  Result<HubIdentity> again = ProbeOver(replica_id, site_id, options, Transport::kHttp);
  if (again.ok()) return again;
  const common::StatusCode second = again.status().code();
  if (second != common::StatusCode::kUnavailable && second != common::StatusCode::kDeadlineExceeded)
    return again.status();
  return Status(r.status().code(),
                r.status().message() + " ; puis en http: " + again.status().message());
}

Result<SyncReport> SyncSessionWith(common::Replica& replica, const SyncOptions& options,
                                   HubCaller& caller, bool* answered) {
  common::ReplicaStore* store = replica.store();
  // A replica whose load from a snapshot was interrupted is incomplete
  // (common/snapshot/bootstrap.h): finishing the load comes first.
  RELAIS_ASSIGN_OR_RETURN(std::string snapshot_state, store->GetMeta("snapshot_state"));
  if (snapshot_state == "loading")
    return Status::FailedPrecondition(
        "chargement de l'instantané inachevé: relancez la même commande relais init "
        "--from-snapshot avant de synchroniser");
  SyncReport report;
  for (;;) {
    if (options.max_round_trips > 0 &&
        report.round_trips >= options.max_round_trips)
      return Status::Unavailable("liaison coupée (limite de test)");
    RELAIS_ASSIGN_OR_RETURN(uint64_t push_cursor, store->GetMetaInt("push_cursor"));
    RELAIS_ASSIGN_OR_RETURN(uint64_t pull_cursor, store->GetMetaInt("pull_cursor"));
    pb::SyncRequest req;
    RELAIS_ASSIGN_OR_RETURN(uint64_t sent_seq,
                            BuildRequest(replica, options, push_cursor, pull_cursor, &req));
    const size_t sent = static_cast<size_t>(req.push_size());

    Result<pb::SyncResponse> called = caller.Call(req);
    ++report.round_trips;
    if (!called.ok()) {
      const StatusCode code = called.status().code();
      if (code == StatusCode::kUnavailable || code == StatusCode::kDeadlineExceeded)
        caller.DropConnection();
      // A delta the hub cannot complete (it lacks the record: restored, or
      // replaced): send whole states again, as after a new epoch.
      if (code == StatusCode::kAborted) {
        if (++report.resyncs > 2) return called.status();
        RELAIS_RETURN_IF_ERROR(store->MarkAllPending({}));  // same epoch
        continue;
      }
      return called.status();
    }
    if (answered) *answered = true;
    const pb::SyncResponse& resp = *called;
    report.bytes += static_cast<int64_t>(req.ByteSizeLong() + resp.ByteSizeLong());
    // Below the purge horizon the hub takes nothing and says so (§11).
    if (BelowPurgeHorizon(replica, pull_cursor, resp)) {
      if (++report.rebootstraps > 1)
        return Status::Internal("réamorçage sous l'horizon de purge en boucle: abandon");
      RELAIS_RETURN_IF_ERROR(store->BeginRebootstrap());
      continue;
    }
    if (sent_seq != 0 && resp.ack_seq() != sent_seq)
      return Status::Internal("accusé de réception du hub incohérent");
    RELAIS_ASSIGN_OR_RETURN(AppliedResponse applied,
                            ApplyResponse(replica, pull_cursor, sent_seq, resp));
    if (applied.resync) {
      // Did the hub lose history (restored from a backup)? Then send again
      // everything this replica holds and pull the scope from the start.
      if (++report.resyncs > 2)
        return Status::Internal("le hub change d'époque en boucle: abandon");
      RELAIS_RETURN_IF_ERROR(store->MarkAllPending({{"hub_epoch", applied.new_epoch}}));
      continue;
    }
    report.pushed += static_cast<int>(sent);
    report.pulled += applied.pulled;
    report.conflicts += applied.conflicts;
    report.set_aside += applied.set_aside;
    report.purged += applied.purged;
    report.horizons_moved = report.horizons_moved || applied.horizons_moved;
    if (!resp.has_more()) {
      RELAIS_ASSIGN_OR_RETURN(std::string rebootstrap, store->GetMeta("rebootstrap"));
      if (rebootstrap == "1") {
        // The scope is pulled again from 0: what was kept aside goes back.
        RELAIS_RETURN_IF_ERROR(store->FinishRebootstrap().status());
      }
    }

    RELAIS_ASSIGN_OR_RETURN(uint64_t acked, store->GetMetaInt("push_cursor"));
    RELAIS_ASSIGN_OR_RETURN(int64_t pending, store->CountChangesSince(acked));
    if (options.progress)
      options.progress(SyncProgress{report.pushed, report.pulled, pending,
                                    resp.has_more()});
    if (pending == 0 && !resp.has_more()) {
      report.transport = caller.name();
      return report;
    }
  }
}

Result<uint64_t> BuildRequest(common::Replica& replica, const SyncOptions& options,
                              uint64_t push_after, uint64_t pull_cursor,
                              pb::SyncRequest* req) {
  RELAIS_ASSIGN_OR_RETURN(
      std::vector<common::PendingChange> changes,
      replica.store()->ChangesSince(push_after, options.push_batch_records,
                                    options.push_batch_bytes));
  // A replica that took records from a LAN peer (common/peer) pushes whole
  // states: its acked_vv may cover a peer's writes that the hub ignored
  // (only their author delivers them), and a delta trimmed against it would
  // omit fields the hub lacks while looking exact (echo suppressed).
  const common::Result<std::string> peer_learnt = replica.store()->GetMeta("peer_learnt");
  if (!peer_learnt.ok()) return peer_learnt.status();
  const bool whole_states = options.whole_states || *peer_learnt == "1";
  req->Clear();
  req->set_protocol_version(options.protocol_version ? options.protocol_version
                                                     : common::kProtocolVersion);
  req->set_replica_id(replica.replica_id());
  req->set_site_id(replica.site_id());
  // Delta push: each record carries only the fields with writes the hub
  // may lack (see ReplicaStore acked_vv and merge.h TrimToDelta).
  for (auto& c : changes) {
    if (!whole_states) common::TrimToDelta(&c.record, c.acked);
    common::ToProto(c.record, req->add_push());
  }
  if (!changes.empty()) req->set_push_seq(changes.back().seq);
  req->set_pull_cursor(pull_cursor);
  // While re-bootstrapping (§11) this replica holds nothing: its own
  // states must come back too.
  const common::Result<std::string> rebootstrap = replica.store()->GetMeta("rebootstrap");
  if (!rebootstrap.ok()) return rebootstrap.status();
  req->set_include_own(options.include_own || *rebootstrap == "1");
  req->set_rebootstrap(*rebootstrap == "1");
  req->set_max_pull_records(static_cast<uint32_t>(options.pull_batch_records));
  req->set_max_pull_bytes(static_cast<uint32_t>(options.pull_batch_bytes));
  return changes.empty() ? 0 : changes.back().seq;
}

Result<AppliedResponse> ApplyResponse(common::Replica& replica, uint64_t sent_pull_cursor,
                                      uint64_t ack, const pb::SyncResponse& resp,
                                      const std::map<std::string, std::string>& extra_meta) {
  common::ReplicaStore* store = replica.store();
  AppliedResponse out;
  // The token must cover exactly what this replica holds (issue #19):
  // checked before anything pulled is applied.
  RELAIS_RETURN_IF_ERROR(replica.AcceptHubScope(
      std::vector<std::string>(resp.sites().begin(), resp.sites().end())));
  // The ticket letter is checked before anything is applied, too.
  if (!resp.ticket_prefix().empty() && !common::IsValidTicketPrefix(resp.ticket_prefix()))
    return Status::InvalidArgument(
        "réponse du hub invalide: lettre de ticket " +
        common::QuoteForMessage(resp.ticket_prefix().substr(0, 8)) + " (une lettre de A à Z)");
  RELAIS_ASSIGN_OR_RETURN(std::string known_epoch, store->GetMeta("hub_epoch"));
  if ((!known_epoch.empty() && known_epoch != resp.hub_epoch()) ||
      sent_pull_cursor > resp.hub_last_seq()) {
    out.resync = true;
    out.new_epoch = resp.hub_epoch();
    return out;
  }
  // History purge (§11): per-site horizons; a cursor below one of them
  // means this replica's states predate a purge (old backup).
  common::HubBatchInfo hub;
  if (BelowPurgeHorizon(replica, sent_pull_cursor, resp)) {
    out.rebootstrap = true;
    return out;
  }
  for (const pb::PurgeHorizon& h : resp.purge_horizons()) {
    if (!replica.InScope(h.site_id())) continue;
    hub.horizons[h.site_id()] = h.horizon();
    RELAIS_ASSIGN_OR_RETURN(std::string held,
                            store->GetMeta("purge_horizon:" + h.site_id()));
    if (held != std::to_string(h.horizon())) out.horizons_moved = true;
  }
  RELAIS_RETURN_IF_ERROR(ReadCompactedReplicas(replica, resp, &hub.compacted));
  std::vector<Record> pulled;
  pulled.reserve(static_cast<size_t>(resp.pull_size()));
  for (const pb::Record& p : resp.pull()) {
    auto r = common::FromProto(p);
    if (!r.ok()) return r.status().WithContext("réponse du hub invalide");
    // Partial, oversized or invalid states are refused by ApplyRemote.
    if (!replica.InScope(r->site_id))
      return Status::InvalidArgument("réponse du hub invalide: enregistrement " + r->id +
                                     " d'un site hors de la portée (" + r->site_id + ")");
    pulled.push_back(std::move(r).value());
  }
  std::map<std::string, std::string> meta = extra_meta;
  meta["pull_cursor"] = std::to_string(resp.pull_cursor());
  meta["hub_epoch"] = resp.hub_epoch();
  if (resp.hub_time_ms() > 0) {
    // Half a round trip is noise next to the skews that matter here.
    const int64_t offset = resp.hub_time_ms() - replica.clock()->NowMillis();
    meta["clock_offset_ms"] = std::to_string(std::llabs(offset) > 2000 ? offset : 0);
  }
  if (ack != 0) meta["push_cursor"] = std::to_string(ack);
  // An older hub sends neither field: what the replica knows stays.
  if (!resp.ticket_prefix().empty()) {
    meta[common::kTicketPrefixHubMeta] = resp.ticket_prefix();
    meta[common::kTicketPrefixFullMeta] = "";
  } else if (resp.ticket_prefixes_full()) {
    meta[common::kTicketPrefixFullMeta] = "1";
  }
  RELAIS_ASSIGN_OR_RETURN(meta["hlc"], ObservedHlc(replica, pulled));
  // Data, both cursors and the clock move together, or not at all.
  hub.received_at = resp.pull_cursor();
  if (ack != 0) {
    RELAIS_ASSIGN_OR_RETURN(hub.acked_after, store->GetMetaInt("push_cursor"));
    hub.acked_upto = ack;
    // An upper bound of the pushed states' hub sequences (§11): the last
    // sequence read after the push committed, or, when the pull is
    // complete, its cursor if lower: that cursor is at least the largest
    // position of the scope in the same snapshot (PostgreSQL ends a
    // complete pull at the scope's top, not at the horizon, which would
    // keep such a replica's own tombstones above every acknowledgement).
    hub.acked_at = resp.has_more()
                       ? resp.hub_last_seq()
                       : std::min<uint64_t>(resp.hub_last_seq(), resp.pull_cursor());
  }
  RELAIS_ASSIGN_OR_RETURN(common::ApplyStats stats, store->ApplyRemote(pulled, meta, &hub));
  out.purged = stats.purged;
  out.pulled = static_cast<int>(pulled.size());
  out.conflicts = stats.conflicts;
  out.set_aside = stats.set_aside;
  return out;
}

}  // namespace relais::sync
