#include "common/peer/peer_service.h"

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "common/convert/convert.h"
#include "common/peer/peer_apply.h"

namespace relais::peer {

using common::Record;
using common::Result;
using common::Status;

grpc::Status ToGrpc(const Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), s.message());
}

namespace {

std::string PeerPem(const grpc::ServerContext& context) {
  auto auth = context.auth_context();
  if (!auth) return "";
  auto values = auth->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (values.size() != 1) return "";
  return std::string(values[0].data(), values[0].size());
}

}  // namespace

grpc::Status PeerService::Exchange(grpc::ServerContext* context,
                                   const v1::ExchangeRequest* request,
                                   v1::ExchangeResponse* response) {
  const std::string pem = PeerPem(*context);
  std::lock_guard<std::mutex> lock(mu_);
  Status s = Serve(pem, *request, response);
  if (!s.ok()) {
    ++refused_;
    response->Clear();
    return ToGrpc(s);
  }
  ++served_;
  return grpc::Status::OK;
}

Status PeerService::Serve(const std::string& peer_pem, const v1::ExchangeRequest& req,
                          v1::ExchangeResponse* resp) {
  common::Replica& replica = *replica_;
  RELAIS_ASSIGN_OR_RETURN(
      CertIdentity peer,
      IdentifyPeer(tls_, replica, peer_pem, replica.clock()->NowMillis() / 1000));
  if (req.protocol_version() != kPeerProtocolVersion)
    return Status::FailedPrecondition("version du protocole entre pairs non prise en charge (" +
                                      std::to_string(req.protocol_version()) + ")");
  if (req.replica_id() != peer.replica_id)
    return Status::PermissionDenied("le pair se dit " + req.replica_id() +
                                    " mais son certificat est celui de " + peer.replica_id);
  if (static_cast<size_t>(req.push_size()) > kMaxExchangeRecords)
    return Status::InvalidArgument("trop d'enregistrements dans un échange entre pairs");
  std::vector<Record> records;
  std::vector<uint64_t> hub_at;
  records.reserve(static_cast<size_t>(req.push_size()));
  for (const auto& p : req.push()) {
    auto r = common::FromProto(p);
    if (!r.ok()) return r.status().WithContext("pair " + peer.replica_id);
    records.push_back(std::move(r).value());
    hub_at.push_back(p.hub_at());
  }
  RELAIS_ASSIGN_OR_RETURN(
      PeerApplyStats stats,
      ApplyPeerRecords(replica, peer.replica_id, peer.sites, records, {}, hub_at));
  resp->set_replica_id(replica.replica_id());
  for (const std::string& s : replica.scope()) resp->add_sites(s);
  resp->set_ack_seq(req.push_seq());
  resp->set_applied(static_cast<uint32_t>(stats.applied));
  resp->set_ignored(static_cast<uint32_t>(stats.ignored + stats.skipped));
  resp->set_set_aside(static_cast<uint32_t>(stats.set_aside));
  uint64_t last = 0;
  bool more = false;
  std::vector<uint64_t> out_hub_at;
  RELAIS_ASSIGN_OR_RETURN(
      std::vector<Record> out,
      ChangesForPeer(replica, req.pull_cursor(), peer.sites, req.max_pull_records(),
                     req.max_pull_bytes(), &last, &more, &out_hub_at));
  for (size_t i = 0; i < out.size(); ++i) {
    auto* p = resp->add_pull();
    common::ToProto(out[i], p);
    p->set_hub_at(out_hub_at[i]);
  }
  resp->set_pull_cursor(last);
  resp->set_has_more(more);
  return Status::OK();
}

Result<RunningPeerServer> StartPeerServer(PeerService* service, const PeerTls& tls,
                                          const std::string& listen) {
  grpc::SslServerCredentialsOptions ssl(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = tls.ca_pem;
  ssl.pem_key_cert_pairs.push_back({tls.key_pem, tls.cert_pem});
  RunningPeerServer running;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::SslServerCredentials(ssl), &running.port);
  builder.RegisterService(service);
  builder.SetMaxReceiveMessageSize(kMaxPeerMessageBytes);
  builder.SetMaxSendMessageSize(kMaxPeerMessageBytes);
  running.server = builder.BuildAndStart();
  if (!running.server || running.port == 0)
    return Status::Unavailable("impossible d'écouter sur " + listen);
  return running;
}

}  // namespace relais::peer
