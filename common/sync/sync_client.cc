#include "common/sync/sync_client.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include <grpcpp/grpcpp.h>

#include "common/convert/convert.h"
#include "common/merge/merge.h"
#include "proto/sync.grpc.pb.h"
#include "common/net/address.h"

namespace relais::sync {

namespace pb = relais::sync::v1;
using common::Record;
using common::Result;
using common::Status;
using common::StatusCode;

namespace {

Result<std::shared_ptr<grpc::Channel>> MakeChannel(const SyncOptions& o) {
  if (o.hub.empty()) return Status::InvalidArgument("adresse du hub manquante");
  if (o.token.empty()) return Status::InvalidArgument("jeton manquant");
  std::shared_ptr<grpc::ChannelCredentials> creds;
  grpc::ChannelArguments args;
  if (o.ca_file.empty()) {
    if (!net::IsLoopbackAddress(o.hub))
      return Status::InvalidArgument(
          "connexion en clair refusée vers " + o.hub +
          ": donnez --ca (certificat de l'autorité du hub)");
    creds = grpc::InsecureChannelCredentials();
  } else {
    RELAIS_ASSIGN_OR_RETURN(std::string ca, net::ReadFile(o.ca_file));
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ca;
    creds = grpc::SslCredentials(ssl);
    if (!o.tls_server_name.empty())
      args.SetSslTargetNameOverride(o.tls_server_name);
  }
  if (o.compress) args.SetCompressionAlgorithm(GRPC_COMPRESS_GZIP);
  args.SetMaxReceiveMessageSize(64 << 20);
  // Slow links: notice a dead connection within ~40 s even when idle.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  // A private channel must not reuse another channel's connection.
  if (!o.channel_key.empty() || o.fresh_channel)
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(o.hub, creds, args);
}

// Channels are reused across sync sessions (one TCP + HTTP/2 handshake per
// hub, not per sync: a no-op sync is then a single small round trip). A
// channel whose call failed on the transport is dropped, so the next session
// connects afresh instead of waiting on gRPC's reconnect backoff.
class ChannelCache {
 public:
  Result<std::shared_ptr<grpc::Channel>> Get(const SyncOptions& o) {
    const std::string key = Key(o);
    std::lock_guard<std::mutex> lock(mu_);
    auto it = channels_.find(key);
    if (it != channels_.end()) return it->second;
    RELAIS_ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> ch, MakeChannel(o));
    channels_[key] = ch;
    return ch;
  }
  void Drop(const SyncOptions& o) {
    std::lock_guard<std::mutex> lock(mu_);
    channels_.erase(Key(o));
  }

 private:
  static std::string Key(const SyncOptions& o) {
    return o.hub + "|" + o.ca_file + "|" + o.tls_server_name + "|" +
           (o.compress ? "z" : "-") + "|" + o.channel_key;
  }
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
};

ChannelCache& Channels() {
  static ChannelCache* cache = new ChannelCache();  // never destroyed
  return *cache;
}

// Our Status for a failed call, with a French explanation of the usual cases.
Status FromGrpc(const grpc::Status& s, const std::string& hub) {
  const auto code = static_cast<StatusCode>(s.error_code());
  std::string what;
  switch (s.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      what = "hub injoignable (" + hub + ")";
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      what = "le hub (" + hub + ") n'a pas répondu à temps";
      break;
    case grpc::StatusCode::UNAUTHENTICATED:
      what = "jeton refusé par le hub";
      break;
    case grpc::StatusCode::PERMISSION_DENIED:
      what = "accès refusé par le hub";
      break;
    case grpc::StatusCode::FAILED_PRECONDITION:
      what = "le hub refuse la synchronisation";
      break;
    case grpc::StatusCode::INVALID_ARGUMENT:
      what = "le hub refuse un enregistrement";
      break;
    default:
      what = "erreur du hub";
  }
  return Status(code, what + ": " + s.error_message());
}

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

namespace {
Result<SyncReport> SyncSession(common::Replica& replica,
                               const SyncOptions& options);
}  // namespace

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
  Result<SyncReport> r = SyncSession(replica, options);
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

Result<HubIdentity> ProbeHub(const std::string& replica_id, const std::string& site_id,
                             const SyncOptions& options) {
  RELAIS_ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel, MakeChannel(options));
  auto stub = pb::Hub::NewStub(channel);
  pb::SyncRequest req;
  req.set_protocol_version(common::kProtocolVersion);
  req.set_replica_id(replica_id);
  req.set_site_id(site_id);
  // Stored sequences are SQL integers: past every one of them.
  req.set_pull_cursor(static_cast<uint64_t>(INT64_MAX));
  req.set_max_pull_records(1);
  req.set_max_pull_bytes(1024);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::milliseconds(options.deadline_ms));
  ctx.AddMetadata("authorization", "Bearer " + options.token);
  pb::SyncResponse resp;
  grpc::Status gs = stub->Sync(&ctx, req, &resp);
  if (!gs.ok()) return FromGrpc(gs, options.hub);
  if (resp.pull_size() != 0) return Status::Internal("réponse du hub inattendue (sonde)");
  return HubIdentity{resp.hub_epoch(), resp.hub_last_seq()};
}

namespace {

Result<SyncReport> SyncSession(common::Replica& replica,
                               const SyncOptions& options) {
  if (options.hub.empty()) return Status::InvalidArgument("adresse du hub manquante");
  if (options.token.empty()) return Status::InvalidArgument("jeton manquant");
  std::shared_ptr<grpc::Channel> channel;
  if (options.fresh_channel) {
    RELAIS_ASSIGN_OR_RETURN(channel, MakeChannel(options));
  } else {
    RELAIS_ASSIGN_OR_RETURN(channel, Channels().Get(options));
  }
  auto stub = pb::Hub::NewStub(channel);
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

    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(options.deadline_ms));
    ctx.AddMetadata("authorization", "Bearer " + options.token);
    pb::SyncResponse resp;
    grpc::Status gs = stub->Sync(&ctx, req, &resp);
    ++report.round_trips;
    if (!gs.ok()) {
      if (gs.error_code() == grpc::StatusCode::UNAVAILABLE ||
          gs.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
        if (!options.fresh_channel) Channels().Drop(options);
      }
      // A delta the hub cannot complete (it lacks the record: restored, or
      // replaced): send whole states again, as after a new epoch.
      if (gs.error_code() == grpc::StatusCode::ABORTED) {
        if (++report.resyncs > 2) return FromGrpc(gs, options.hub);
        RELAIS_RETURN_IF_ERROR(store->MarkAllPending({}));  // same epoch
        continue;
      }
      return FromGrpc(gs, options.hub);
    }
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
    if (pending == 0 && !resp.has_more()) return report;
  }
}

}  // namespace

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
  for (const pb::PurgeHorizon& h : resp.purge_horizons())
    if (replica.InScope(h.site_id())) hub.horizons[h.site_id()] = h.horizon();
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
  RELAIS_ASSIGN_OR_RETURN(meta["hlc"], ObservedHlc(replica, pulled));
  // Data, both cursors and the clock move together, or not at all.
  hub.received_at = resp.pull_cursor();
  if (ack != 0) {
    RELAIS_ASSIGN_OR_RETURN(hub.acked_after, store->GetMetaInt("push_cursor"));
    hub.acked_upto = ack;
    hub.acked_at = resp.hub_last_seq();
  }
  RELAIS_ASSIGN_OR_RETURN(common::ApplyStats stats, store->ApplyRemote(pulled, meta, &hub));
  out.purged = stats.purged;
  out.pulled = static_cast<int>(pulled.size());
  out.conflicts = stats.conflicts;
  out.set_aside = stats.set_aside;
  return out;
}

}  // namespace relais::sync
