// The gRPC HubCaller (hub_caller.h): today's transport, a unary call of
// relais.sync.v1.Hub/Sync over HTTP/2 (TLS unless loopback).
#include <chrono>
#include <map>
#include <memory>
#include <mutex>

#include <grpcpp/grpcpp.h>

#include "common/net/address.h"
#include "common/sync/hub_caller.h"
#include "common/sync/sync_client.h"
#include "proto/sync.grpc.pb.h"

namespace relais::sync {

namespace pb = relais::sync::v1;
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
  args.SetMaxReceiveMessageSize(static_cast<int>(kMaxResponseBytes));
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

class GrpcCaller final : public HubCaller {
 public:
  GrpcCaller(const SyncOptions& o, std::shared_ptr<grpc::Channel> channel)
      : options_(o), stub_(pb::Hub::NewStub(channel)) {}

  Result<pb::SyncResponse> Call(const pb::SyncRequest& req) override {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(options_.deadline_ms));
    ctx.AddMetadata("authorization", "Bearer " + options_.token);
    pb::SyncResponse resp;
    grpc::Status gs = stub_->Sync(&ctx, req, &resp);
    if (!gs.ok())
      return HubError(static_cast<StatusCode>(gs.error_code()), gs.error_message(),
                      options_.hub);
    return resp;
  }
  void DropConnection() override {
    if (!options_.fresh_channel) Channels().Drop(options_);
  }
  const char* name() const override { return "grpc"; }

 private:
  SyncOptions options_;
  std::unique_ptr<pb::Hub::Stub> stub_;
};

}  // namespace

Status HubError(StatusCode code, const std::string& detail, const std::string& hub) {
  std::string what;
  switch (code) {
    case StatusCode::kUnavailable:
      what = "hub injoignable (" + hub + ")";
      break;
    case StatusCode::kDeadlineExceeded:
      what = "le hub (" + hub + ") n'a pas répondu à temps";
      break;
    case StatusCode::kUnauthenticated:
      what = "jeton refusé par le hub";
      break;
    case StatusCode::kPermissionDenied:
      what = "accès refusé par le hub";
      break;
    case StatusCode::kFailedPrecondition:
      what = "le hub refuse la synchronisation";
      break;
    case StatusCode::kInvalidArgument:
      what = "le hub refuse un enregistrement";
      break;
    default:
      what = "erreur du hub";
  }
  return Status(code, what + ": " + detail);
}

Result<std::unique_ptr<HubCaller>> MakeGrpcCaller(const SyncOptions& options) {
  std::shared_ptr<grpc::Channel> channel;
  if (options.fresh_channel) {
    RELAIS_ASSIGN_OR_RETURN(channel, MakeChannel(options));
  } else {
    RELAIS_ASSIGN_OR_RETURN(channel, Channels().Get(options));
  }
  return std::unique_ptr<HubCaller>(new GrpcCaller(options, std::move(channel)));
}

}  // namespace relais::sync
