#include "common/peer/peer_client.h"

#include <chrono>
#include <cstdint>
#include <map>

#include <grpcpp/grpcpp.h>

#include "common/convert/convert.h"
#include "common/peer/peer_apply.h"
#include "common/peer/peer_service.h"
#include "proto/peer.grpc.pb.h"

namespace relais::peer {

using common::Record;
using common::Result;
using common::Status;
using common::StatusCode;

namespace {

std::shared_ptr<grpc::Channel> MakeChannel(const PeerTls& tls, const std::string& peer) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = tls.ca_pem;
  ssl.pem_private_key = tls.key_pem;
  ssl.pem_cert_chain = tls.cert_pem;
  grpc::ChannelArguments args;
  // Replicas are reached by IP: every replica certificate carries this name.
  args.SetSslTargetNameOverride(kPeerTlsName);
  args.SetMaxReceiveMessageSize(kMaxPeerMessageBytes);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(peer, grpc::SslCredentials(ssl), args);
}

Status FromGrpc(const grpc::Status& s, const std::string& peer) {
  std::string what;
  switch (s.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      what = "pair injoignable ou connexion TLS refusée (" + peer +
             "; certificat d'une autre maison, expiré ?)";
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      what = "le pair (" + peer + ") n'a pas répondu à temps";
      break;
    default:
      what = "le pair (" + peer + ") refuse l'échange";
  }
  return Status(static_cast<StatusCode>(s.error_code()), what + ": " + s.error_message());
}

std::string ServerPem(const grpc::ClientContext& ctx) {
  auto auth = ctx.auth_context();
  if (!auth) return "";
  auto values = auth->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (values.size() != 1) return "";
  return std::string(values[0].data(), values[0].size());
}

class Session {
 public:
  Session(common::Replica& replica, const PeerTls& tls, const PeerSyncOptions& o)
      : replica_(replica), tls_(tls), o_(o), stub_(v1::Peer::NewStub(MakeChannel(tls, o.peer))) {}

  // One call; checks the server's certificate and the answer's identity.
  Result<v1::ExchangeResponse> Call(const v1::ExchangeRequest& req, int64_t deadline_ms) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(deadline_ms));
    v1::ExchangeResponse resp;
    grpc::Status gs = stub_->Exchange(&ctx, req, &resp);
    if (!gs.ok()) return FromGrpc(gs, o_.peer);
    RELAIS_ASSIGN_OR_RETURN(
        peer_, IdentifyPeer(tls_, replica_, ServerPem(ctx),
                            replica_.clock()->NowMillis() / 1000));
    if (resp.replica_id() != peer_.replica_id)
      return Status::PermissionDenied("le pair se dit " + resp.replica_id() +
                                      " mais son certificat est celui de " + peer_.replica_id);
    return resp;
  }

  Result<PeerSyncReport> Run();

 private:
  v1::ExchangeRequest Request() const {
    v1::ExchangeRequest req;
    req.set_protocol_version(kPeerProtocolVersion);
    req.set_replica_id(replica_.replica_id());
    req.set_max_pull_records(static_cast<uint32_t>(o_.batch_records));
    req.set_max_pull_bytes(static_cast<uint32_t>(o_.batch_bytes));
    return req;
  }

  common::Replica& replica_;
  const PeerTls& tls_;
  const PeerSyncOptions& o_;
  std::unique_ptr<v1::Peer::Stub> stub_;
  CertIdentity peer_;
};

Result<PeerSyncReport> Session::Run() {
  common::ReplicaStore* store = replica_.store();
  PeerSyncReport report;
  // Hello: who is there (identity and scope), nothing sent or pulled.
  v1::ExchangeRequest hello = Request();
  hello.set_pull_cursor(static_cast<uint64_t>(INT64_MAX));
  hello.set_max_pull_records(1);
  RELAIS_ASSIGN_OR_RETURN(
      v1::ExchangeResponse who,
      Call(hello, o_.hello_deadline_ms > 0 ? o_.hello_deadline_ms : o_.deadline_ms));
  ++report.round_trips;
  report.peer_id = peer_.replica_id;
  const std::string push_key = "peer_push:" + peer_.replica_id;
  const std::string pull_key = "peer_pull:" + peer_.replica_id;
  for (;;) {
    if (report.round_trips >= o_.max_round_trips)
      return Status::Internal("échange avec le pair sans fin: abandon");
    RELAIS_ASSIGN_OR_RETURN(uint64_t push_cursor, store->GetMetaInt(push_key));
    RELAIS_ASSIGN_OR_RETURN(uint64_t pull_cursor, store->GetMetaInt(pull_key));
    uint64_t last = push_cursor;
    bool more_local = false;
    std::vector<uint64_t> out_hub_at;
    RELAIS_ASSIGN_OR_RETURN(
        std::vector<Record> out,
        ChangesForPeer(replica_, push_cursor, peer_.sites, o_.batch_records, o_.batch_bytes,
                       &last, &more_local, &out_hub_at));
    v1::ExchangeRequest req = Request();
    for (size_t i = 0; i < out.size(); ++i) {
      auto* p = req.add_push();
      common::ToProto(out[i], p);
      p->set_hub_at(out_hub_at[i]);
    }
    req.set_push_seq(last);
    req.set_pull_cursor(pull_cursor);
    RELAIS_ASSIGN_OR_RETURN(v1::ExchangeResponse resp, Call(req, o_.deadline_ms));
    ++report.round_trips;
    if (resp.ack_seq() != last) return Status::Internal("accusé de réception du pair incohérent");
    if (static_cast<size_t>(resp.pull_size()) > kMaxExchangeRecords)
      return Status::InvalidArgument("le pair envoie trop d'enregistrements");
    std::vector<Record> pulled;
    std::vector<uint64_t> pulled_hub_at;
    for (const auto& p : resp.pull()) {
      auto r = common::FromProto(p);
      if (!r.ok()) return r.status().WithContext("réponse du pair invalide");
      pulled.push_back(std::move(r).value());
      pulled_hub_at.push_back(p.hub_at());
    }
    // Records and both cursors move together, or not at all.
    std::map<std::string, std::string> meta{{push_key, std::to_string(last)},
                                            {pull_key, std::to_string(resp.pull_cursor())}};
    RELAIS_ASSIGN_OR_RETURN(PeerApplyStats stats,
                            ApplyPeerRecords(replica_, peer_.replica_id, peer_.sites, pulled,
                                             meta, pulled_hub_at));
    report.sent += static_cast<int>(out.size());
    report.received += resp.pull_size();
    report.applied += stats.applied;
    report.ignored += stats.ignored + stats.skipped + static_cast<int>(resp.ignored());
    report.set_aside += stats.set_aside + static_cast<int>(resp.set_aside());
    // What was just applied got fresh local sequences: it goes back once,
    // and the peer finds nothing new in it (no ping-pong).
    if (!more_local && !resp.has_more() && out.empty() && stats.applied == 0) return report;
  }
}

}  // namespace

Result<PeerSyncReport> PeerSyncOnce(common::Replica& replica, const PeerTls& tls,
                                    const PeerSyncOptions& options) {
  if (options.peer.empty()) return Status::InvalidArgument("adresse du pair manquante (--peer)");
  Session session(replica, tls, options);
  return session.Run();
}

}  // namespace relais::peer
