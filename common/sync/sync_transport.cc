#include "common/sync/sync_transport.h"

#include <memory>

namespace relais::sync {

using common::Result;
using common::Status;
using common::StatusCode;

bool HttpFirst(const std::string& remembered, int64_t remembered_ms, int64_t now_ms,
               int64_t grpc_retry_ms) {
  if (remembered != "http") return false;
  // A date in the future (clock set back) counts as fresh until then.
  return now_ms - remembered_ms < grpc_retry_ms;
}

namespace {

Result<SyncReport> Over(common::Replica& replica, const SyncOptions& options, Transport t,
                        bool* answered) {
  std::unique_ptr<HubCaller> caller;
  if (t == Transport::kHttp) {
    RELAIS_ASSIGN_OR_RETURN(caller, MakeHttpCaller(options));
  } else {
    RELAIS_ASSIGN_OR_RETURN(caller, MakeGrpcCaller(options));
  }
  return SyncSessionWith(replica, options, *caller, answered);
}

void Remember(common::Replica& replica, const char* transport) {
  common::ReplicaStore* store = replica.store();
  common::Transaction tx(store->db());
  (void)store->SetMeta(kSyncTransportMeta, transport);
  (void)store->SetMeta(kSyncTransportMsMeta, std::to_string(replica.clock()->NowMillis()));
  (void)tx.Commit();
}

}  // namespace

Result<SyncReport> RunSession(common::Replica& replica, const SyncOptions& options) {
  if (options.hub.empty() && options.transport != Transport::kHttp)
    return Status::InvalidArgument("adresse du hub manquante");
  if (options.token.empty()) return Status::InvalidArgument("jeton manquant");
  if (options.transport == Transport::kGrpc ||
      (options.transport == Transport::kAuto && options.http_hub.empty()))
    return Over(replica, options, Transport::kGrpc, nullptr);
  if (options.transport == Transport::kHttp)
    return Over(replica, options, Transport::kHttp, nullptr);

  common::ReplicaStore* store = replica.store();
  RELAIS_ASSIGN_OR_RETURN(std::string remembered, store->GetMeta(kSyncTransportMeta));
  RELAIS_ASSIGN_OR_RETURN(uint64_t remembered_ms, store->GetMetaInt(kSyncTransportMsMeta));
  const bool http_first = HttpFirst(remembered, static_cast<int64_t>(remembered_ms),
                                    replica.clock()->NowMillis(), options.grpc_retry_ms);
  const Transport first = http_first ? Transport::kHttp : Transport::kGrpc;
  const Transport second = http_first ? Transport::kGrpc : Transport::kHttp;
  bool answered = false;
  Result<SyncReport> r = Over(replica, options, first, &answered);
  if (r.ok()) {
    if (first == Transport::kGrpc && remembered == "http") Remember(replica, "grpc");
    return r;
  }
  // Unreachable, or swallowed without an answer until the deadline (a
  // proxy that drops what it does not understand): try the other way.
  const StatusCode first_code = r.status().code();
  if ((first_code != StatusCode::kUnavailable && first_code != StatusCode::kDeadlineExceeded) ||
      answered)
    return r;
  const Status first_error = r.status();
  Result<SyncReport> again = Over(replica, options, second, nullptr);
  if (again.ok()) {
    Remember(replica, TransportName(second));
    return again;
  }
  // The hub answered on the second transport (bad token, refused
  // record...): its answer is the one that matters.
  const StatusCode second_code = again.status().code();
  if (second_code != StatusCode::kUnavailable && second_code != StatusCode::kDeadlineExceeded)
    return again.status();
  return Status(first_error.code(),
                first_error.message() + " ; puis en " + TransportName(second) + ": " +
                    again.status().message());
}

Result<Transport> ParseTransport(const std::string& s) {
  if (s == "auto") return Transport::kAuto;
  if (s == "grpc") return Transport::kGrpc;
  if (s == "http") return Transport::kHttp;
  return Status::InvalidArgument("--transport: auto, grpc ou http attendu, reçu '" + s + "'");
}

const char* TransportName(Transport t) {
  switch (t) {
    case Transport::kGrpc: return "grpc";
    case Transport::kHttp: return "http";
    default: return "auto";
  }
}

}  // namespace relais::sync
