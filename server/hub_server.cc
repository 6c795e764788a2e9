#include "server/hub_server.h"

#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

namespace relais::server {

using common::Status;

common::Result<RunningServer> StartHubServer(HubService* service,
                                             const ServerOptions& options) {
  RunningServer running;
  std::shared_ptr<grpc::ServerCredentials> creds;
  if (options.tls_cert_file.empty() != options.tls_key_file.empty())
    return Status::InvalidArgument("--tls-cert et --tls-key vont ensemble");
  if (options.tls_cert_file.empty()) {
    if (!net::IsLoopbackAddress(options.listen))
      return Status::InvalidArgument(
          "refus d'écouter en clair sur " + options.listen +
          ": donnez --tls-cert et --tls-key (voir docs/protocol.md)");
    creds = grpc::InsecureServerCredentials();
    running.plaintext = true;
  } else {
    RELAIS_ASSIGN_OR_RETURN(std::string cert, net::ReadFile(options.tls_cert_file));
    RELAIS_ASSIGN_OR_RETURN(std::string key, net::ReadFile(options.tls_key_file));
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({key, cert});
    creds = grpc::SslServerCredentials(ssl);
  }
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, creds, &running.port);
  builder.RegisterService(service);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  // Requests reach HubService still compressed: it inflates them with a
  // bound once the caller's token is known (a 0.4 MB gzip bomb would
  // otherwise become 420 MB before any check). Responses stay gzip.
  builder.AddChannelArgument(GRPC_ARG_ENABLE_PER_MESSAGE_DECOMPRESSION, 0);
  builder.SetDefaultCompressionAlgorithm(GRPC_COMPRESS_GZIP);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             options.max_concurrent_streams);
  if (options.memory_quota_bytes > 0) {
    grpc::ResourceQuota quota("relais-hub");
    quota.Resize(static_cast<size_t>(options.memory_quota_bytes));
    builder.SetResourceQuota(quota);
  }
  running.server = builder.BuildAndStart();
  if (!running.server || running.port == 0)
    return Status::Unavailable("impossible d'écouter sur " + options.listen);
  return running;
}

}  // namespace relais::server
