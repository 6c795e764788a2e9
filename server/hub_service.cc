#include "server/hub_service.h"

#include <algorithm>
#include <iostream>
#include <optional>
#include <sstream>

#include <grpcpp/support/method_handler.h>

#include "common/convert/convert.h"
#include "common/model/validate.h"
#include "server/token.h"
#include "server/wire_limits.h"

namespace relais::server {

namespace pb = relais::sync::v1;
using common::Status;

grpc::Status ToGrpcStatus(const Status& s) {
  if (s.ok()) return grpc::Status::OK;
  // common::StatusCode mirrors grpc::StatusCode value for value.
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), s.message());
}

namespace {

// The scope a pull reads: with include_own (a replica rebuilt by `relais
// repair`), no replica is left out, so its own past states come back too.
Scope PullScope(const Scope& scope, bool include_own) {
  if (!include_own) return scope;
  Scope all = scope;
  all.replica_id.clear();
  return all;
}

// The hash of the call's bearer token; UNAUTHENTICATED if there is none.
common::Result<std::string> BearerHash(grpc::ServerContext* context) {
  const auto& md = context->client_metadata();
  auto it = md.find("authorization");
  if (it == md.end())
    return Status::Unauthenticated("jeton manquant (métadonnée authorization)");
  const std::string value(it->second.data(), it->second.size());
  static const std::string kBearer = "Bearer ";
  if (value.compare(0, kBearer.size(), kBearer) != 0 ||
      value.size() == kBearer.size())
    return Status::Unauthenticated("jeton mal formé (attendu: Bearer <jeton>)");
  return HashToken(value.substr(kBearer.size()));
}

}  // namespace

HubService::HubService(HubStore& store, common::Clock& clock,
                       HubServiceOptions options)
    : store_(store),
      clock_(clock),
      options_(options),
      metrics_(options_.store_kind),
      call_limiter_(std::max(1, options_.max_calls_per_peer)) {
  // Streamed unary: same bytes on the wire as a unary call, but gRPC hands
  // us the call before reading its message, so strangers are refused first.
  MarkMethodStreamed(
      0, new grpc::internal::StreamedUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
             [this](grpc::ServerContext* context, Streamer* stream) {
               return StreamedSync(context, stream);
             }));
}

grpc::Status HubService::StreamedSync(grpc::ServerContext* context,
                                      Streamer* stream) {
  const SteadyClock::time_point start = SteadyClock::now();
  const std::string peer = PeerHost(context->peer());
  const PeerCallLimiter::Slot slot = call_limiter_.Acquire(peer);
  if (!slot.held()) return Refuse(context, call_limiter_.TooManyCalls(peer), start);
  common::Result<pb::SyncRequest> request = ReadRequest(context, stream);
  if (!request.ok()) return Refuse(context, request.status(), start);
  pb::SyncResponse response;
  grpc::Status gs = SyncFrom(context, *request, &response, start);
  if (!gs.ok()) return gs;
  grpc::ByteBuffer out;
  bool own = false;
  grpc::Status ser = grpc::SerializationTraits<pb::SyncResponse>::Serialize(
      response, &out, &own);
  if (!ser.ok()) return ser;
  if (!stream->Write(out))
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "client parti");
  return grpc::Status::OK;
}

common::Result<pb::SyncRequest> HubService::ReadRequest(
    grpc::ServerContext* context, Streamer* stream) {
  RELAIS_ASSIGN_OR_RETURN(std::string token_hash, BearerHash(context));
  RELAIS_RETURN_IF_ERROR(store_.CheckToken(token_hash));
  grpc::ByteBuffer in;
  if (!stream->Read(&in))
    return Status::ResourceExhausted(
        "requête illisible ou trop grande (maximum " +
        std::to_string(options_.max_message_bytes) + " octets)");
  std::vector<grpc::Slice> slices;
  if (!in.Dump(&slices).ok()) return Status::Internal("lecture de la requête impossible");
  std::string bytes;
  bytes.reserve(in.Length());
  for (const grpc::Slice& sl : slices)
    bytes.append(reinterpret_cast<const char*>(sl.begin()), sl.size());
  slices.clear();
  if (bytes.size() > options_.max_message_bytes)
    return Status::ResourceExhausted("requête trop grande (maximum " +
                                     std::to_string(options_.max_message_bytes) +
                                     " octets)");
  if (LooksCompressed(bytes)) {
    RELAIS_ASSIGN_OR_RETURN(bytes, InflateBounded(bytes, options_.max_message_bytes));
  }
  pb::SyncRequest request;
  if (!request.ParseFromString(bytes))
    return Status::InvalidArgument("requête illisible (protobuf invalide)");
  return request;
}

grpc::Status HubService::Refuse(grpc::ServerContext* context, const Status& s,
                                SteadyClock::time_point start) {
  LogLine("sync replica=? peer=" + EscapeForLog(context->peer()) +
          " error=" + EscapeForLog(s.ToString(), 300) + "\n");
  metrics_.RecordCall(static_cast<int>(s.code()), SteadyClock::now() - start);
  return ToGrpcStatus(s);
}

void HubService::LogLine(const std::string& line) {
  std::lock_guard<std::mutex> lock(log_mu_);
  (options_.log ? *options_.log : std::cerr) << line << std::flush;
}

namespace {

// Protocol version, then the request's identifiers: refused before any
// token lookup.
Status CheckRequestShape(const pb::SyncRequest& request) {
  if (request.protocol_version() != common::kProtocolVersion)
    return Status::FailedPrecondition(
        "version de protocole " + std::to_string(request.protocol_version()) +
        " non prise en charge par ce hub (version " +
        std::to_string(common::kProtocolVersion) +
        " attendue): mettez à jour Relais Santé");
  if (!common::IsValidReplicaId(request.replica_id()))
    return Status::InvalidArgument(
        "identifiant de réplique invalide (attendu: 1 à 64 caractères parmi "
        "A-Z a-z 0-9 . _ -)");
  if (!common::IsValidSiteId(request.site_id()))
    return Status::InvalidArgument(
        "identifiant de site invalide (attendu: 1 à 64 caractères parmi "
        "A-Z a-z 0-9 . _ -)");
  return Status::OK();
}

}  // namespace

// The response's purge horizons: exactly `horizons` (site -> horizon).
static void SetPurgeHorizons(const std::map<std::string, uint64_t>& horizons,
                             pb::SyncResponse* response) {
  response->clear_purge_horizons();
  for (const auto& [site, horizon] : horizons) {
    pb::PurgeHorizon* h = response->add_purge_horizons();
    h->set_site_id(site);
    h->set_horizon(horizon);
  }
}

Status ServeSync(HubStore& store, common::Clock& clock, const HubServiceOptions& options,
                 const std::string& token_hash, const pb::SyncRequest& request,
                 pb::SyncResponse* response, PushResult* pushed, HubMetrics* metrics) {
  RELAIS_RETURN_IF_ERROR(CheckRequestShape(request));
  RELAIS_ASSIGN_OR_RETURN(Scope scope,
                          store.Authorize(token_hash, request.replica_id(), request.site_id()));
  // History purge (docs/sync-model.md §11): the purge horizon of each site
  // of the scope. A replica whose cursor is below one of them holds states
  // from before a purge (restored from an old backup): nothing it pushes is
  // taken and nothing is pulled; the answer tells it to re-bootstrap.
  RELAIS_ASSIGN_OR_RETURN(auto horizons, store.PurgeHorizons(scope.sites));
  SetPurgeHorizons(horizons, response);
  bool below_horizon = false;
  for (const auto& [site, horizon] : horizons) {
    if (!request.rebootstrap() && request.pull_cursor() > 0 &&
        request.pull_cursor() < horizon)
      below_horizon = true;
  }
  if (below_horizon) {
    for (const std::string& s : scope.sites) response->add_sites(s);
    RELAIS_ASSIGN_OR_RETURN(std::string epoch, store.Epoch());
    RELAIS_ASSIGN_OR_RETURN(uint64_t last, store.LastSeq());
    response->set_hub_epoch(epoch);
    response->set_hub_last_seq(last);
    response->set_pull_cursor(request.pull_cursor());
    response->set_hub_time_ms(clock.NowMillis());
    return Status::OK();
  }
  if (static_cast<size_t>(request.push_size()) > options.max_push_records)
    return Status::InvalidArgument(
        "lot trop grand: " + std::to_string(request.push_size()) +
        " enregistrements (maximum " +
        std::to_string(options.max_push_records) + ")");
  std::vector<common::Record> batch;
  batch.reserve(static_cast<size_t>(request.push_size()));
  for (const pb::Record& p : request.push()) {
    RELAIS_ASSIGN_OR_RETURN(common::Record r, common::FromProto(p));
    batch.push_back(std::move(r));
  }
  common::Result<PushResult> push_result = [&] {
    std::optional<ScopedObserve> timed;
    if (metrics) timed.emplace(metrics->store_push());
    return store.Push(scope, batch);
  }();
  RELAIS_ASSIGN_OR_RETURN(PushResult pr, std::move(push_result));
  // The transaction has committed: the batch may be acknowledged.
  *pushed = pr;
  if (!batch.empty()) response->set_ack_seq(request.push_seq());
  response->set_push_accepted(static_cast<uint32_t>(pr.accepted));
  response->set_push_changed(static_cast<uint32_t>(pr.changed));

  const size_t max_records = std::clamp<size_t>(
      request.max_pull_records() ? request.max_pull_records() : 500, 1,
      options.max_pull_records);
  const size_t max_bytes = std::clamp<size_t>(
      request.max_pull_bytes() ? request.max_pull_bytes() : 1 << 20, 1,
      options.max_pull_bytes);
  common::Result<PullResult> pull_result = [&] {
    std::optional<ScopedObserve> timed;
    if (metrics) timed.emplace(metrics->store_pull());
    return store.Pull(PullScope(scope, request.include_own()),
                      request.pull_cursor(), max_records, max_bytes);
  }();
  RELAIS_ASSIGN_OR_RETURN(PullResult pull, std::move(pull_result));
  // History purge (docs/sync-model.md §11). A request that pushed nothing
  // acknowledges its pull cursor: the replica holds no write the hub lacks
  // and has applied every state of its scope up to that cursor. A cursor
  // past the hub's last sequence was never handed out by this hub (a
  // probe, ProbeHub, asks with INT64_MAX; a hostile replica could too): it
  // proves nothing and is not recorded, or it would release tombstones the
  // replica has never seen.
  if (request.push_size() == 0 && request.pull_cursor() <= pull.last_seq) {
    RELAIS_ASSIGN_OR_RETURN(bool moved, store.RecordAck(scope.replica_id,
                                                        request.pull_cursor()));
    if (moved && options.auto_purge) {
      common::Result<PurgeReport> purged =
          store.Purge(scope.sites, options.purge_batch, /*dry_run=*/false);
      // A store without purge refuses: the sync itself goes on.
      if (purged.ok()) {
        pushed->purged = purged->purged;
        pushed->compacted = purged->compacted;
      }
    }
  }
  // Horizons as they are after this sync's purge run.
  if (pushed->purged > 0 || pushed->compacted > 0) {
    RELAIS_ASSIGN_OR_RETURN(horizons, store.PurgeHorizons(scope.sites));
    SetPurgeHorizons(horizons, response);
  }
  // Retired replicas whose entries are compacted (§11): read after the
  // horizons, so never more than they allow.
  RELAIS_ASSIGN_OR_RETURN(std::vector<std::string> compacted, store.CompactedReplicas());
  for (const std::string& id : compacted) response->add_compacted_replicas(id);
  for (const common::Record& r : pull.records)
    common::ToProto(r, response->add_pull());
  response->set_pull_cursor(pull.cursor);
  response->set_has_more(pull.has_more);
  for (const std::string& s : scope.sites) response->add_sites(s);
  // Epoch and last sequence from the pull's snapshot: consistent with the
  // cursor, and no second read.
  response->set_hub_epoch(pull.epoch);
  response->set_hub_last_seq(pull.last_seq);
  response->set_hub_time_ms(clock.NowMillis());
  // The caller's walk-in ticket letter at its home site (assigned at its
  // first sync, one read afterwards): numbers unique by construction.
  RELAIS_ASSIGN_OR_RETURN(std::string letter,
                          store.AssignTicketLetter(request.site_id(), scope.replica_id));
  response->set_ticket_prefix(letter);
  response->set_ticket_prefixes_full(letter.empty());
  return Status::OK();
}

Status HubService::DoSync(grpc::ServerContext* context,
                          const pb::SyncRequest& request,
                          pb::SyncResponse* response, PushResult* pushed) {
  RELAIS_RETURN_IF_ERROR(CheckRequestShape(request));
  RELAIS_ASSIGN_OR_RETURN(std::string token_hash, BearerHash(context));
  return ServeSync(store_, clock_, options_, token_hash, request, response, pushed,
                   &metrics_);
}

grpc::Status HubService::Sync(grpc::ServerContext* context,
                              const pb::SyncRequest* request,
                              pb::SyncResponse* response) {
  return SyncFrom(context, *request, response, SteadyClock::now());
}

grpc::Status HubService::SyncFrom(grpc::ServerContext* context,
                                  const pb::SyncRequest& request,
                                  pb::SyncResponse* response,
                                  SteadyClock::time_point start) {
  return ToGrpcStatus(Logged(request, response, start, "", [&](PushResult* pushed) {
    return DoSync(context, request, response, pushed);
  }));
}

Status HubService::SyncOverHttp(const std::string& token_hash, const pb::SyncRequest& request,
                                pb::SyncResponse* response) {
  return Logged(request, response, SteadyClock::now(), "http", [&](PushResult* pushed) {
    return ServeSync(store_, clock_, options_, token_hash, request, response, pushed,
                     &metrics_);
  });
}

void HubService::RecordRefusal(const std::string& peer, const Status& s) {
  LogLine("sync replica=? transport=http peer=" + EscapeForLog(peer) +
          " error=" + EscapeForLog(s.ToString(), 300) + "\n");
  metrics_.RecordCall(static_cast<int>(s.code()), SteadyClock::duration::zero());
}

Status HubService::Logged(const pb::SyncRequest& request, pb::SyncResponse* response,
                          SteadyClock::time_point start, const char* transport,
                          const std::function<Status(PushResult*)>& work) {
  const int64_t start_ms = clock_.NowMillis();
  PushResult pushed;
  Status s = work(&pushed);
  if (!s.ok()) response->Clear();
  const int64_t bytes =
      static_cast<int64_t>(request.ByteSizeLong() + response->ByteSizeLong());
  std::ostringstream line;
  line << "sync replica="
       << (request.replica_id().empty() ? "?" : EscapeForLog(request.replica_id()));
  if (transport[0] != '\0') line << " transport=" << transport;
  line << " pushed=" << pushed.changed << "/" << request.push_size()
       << " pulled=" << response->pull_size() << " bytes=" << bytes
       << " ms=" << clock_.NowMillis() - start_ms;
  // Parts the pusher could not vouch for (common/merge/accept.h): 0 for an
  // honest replica of a hub that kept its history.
  if (pushed.ignored > 0) line << " ignored=" << pushed.ignored;
  if (pushed.purged > 0) line << " purged=" << pushed.purged;
  if (pushed.compacted > 0) line << " compacted=" << pushed.compacted;
  if (!s.ok()) line << " error=" << EscapeForLog(s.ToString(), 300);
  line << "\n";
  if (s.ok())
    metrics_.RecordAccepted(request.replica_id(), clock_.NowMillis(),
                            request.push_size(), response->pull_size(),
                            static_cast<int64_t>(pushed.ignored));
  metrics_.AddBytes(bytes);
  metrics_.RecordCall(static_cast<int>(s.code()), SteadyClock::now() - start);
  LogLine(line.str());
  return s;
}

}  // namespace relais::server
