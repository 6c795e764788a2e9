#include "server/hub_http_sync.h"

#include <httplib.h>

#include <cstdlib>
#include <cstring>

#include "common/net/address.h"
#include "common/net/gzip.h"
#include "common/net/http_sync_wire.h"
#include "server/report/http_serve.h"
#include "server/token.h"

namespace relais::server {

namespace pb = relais::sync::v1;
using common::Result;
using common::Status;
using common::StatusCode;

namespace {

// The Retry-After hint (seconds) of a 429 for too many calls from one
// address: an honest replica makes one call at a time, so the flood's own
// calls are what must end first.
constexpr int kTooManyCallsRetryAfterS = 2;

// A refusal: HTTP status from the code, Relais-Status, French text.
void Refuse(httplib::Response& res, const Status& s) {
  res.status = net::HttpStatusForCode(s.code());
  res.set_header(net::kHttpSyncStatusHeader, std::to_string(static_cast<int>(s.code())));
  res.set_content(s.message() + "\n", "text/plain; charset=utf-8");
}

bool AcceptsGzip(const httplib::Request& req) {
  const std::string ae = req.get_header_value("Accept-Encoding");
  return ae.find("gzip") != std::string::npos;
}

// The hash of the request's bearer token; UNAUTHENTICATED if none.
Result<std::string> BearerHash(const httplib::Request& req) {
  if (!req.has_header("Authorization"))
    return Status::Unauthenticated("jeton manquant (en-tête Authorization)");
  const std::string value = req.get_header_value("Authorization");
  static const std::string kBearer = "Bearer ";
  if (value.compare(0, kBearer.size(), kBearer) != 0 || value.size() == kBearer.size())
    return Status::Unauthenticated("jeton mal formé (attendu: Bearer <jeton>)");
  return HashToken(value.substr(kBearer.size()));
}

}  // namespace

HttpSyncServer::HttpSyncServer(HubService* service) : service_(service) {}

HttpSyncServer::~HttpSyncServer() { Stop(); }

void HttpSyncServer::Install() {
  HubService* service = service_;
  const size_t max_bytes = service->options().max_message_bytes;
  http_->set_payload_max_length(max_bytes);
  http_->Post(net::kHttpSyncPath, [service, max_bytes](const httplib::Request& req,
                                                       httplib::Response& res,
                                                       const httplib::ContentReader& read) {
    auto refuse = [&](const Status& s) {
      service->RecordRefusal(req.remote_addr, s);
      Refuse(res, s);
    };
    // 1b. At most max_calls_per_peer calls in progress per address, the
    // same budget as gRPC (server/peer_call_limiter.h), held until the
    // answer is written: 429 with Retry-After, body left unread.
    const PeerCallLimiter::Slot slot = service->call_limiter().Acquire(req.remote_addr);
    if (!slot.held()) {
      refuse(service->call_limiter().TooManyCalls(req.remote_addr));
      res.set_header("Retry-After", std::to_string(kTooManyCallsRetryAfterS));
      res.set_header("Connection", "close");
      return;
    }
    // 2. Strangers are refused before their body is read.
    Result<std::string> token_hash = BearerHash(req);
    if (!token_hash.ok()) return refuse(token_hash.status());
    if (Status st = service->store().CheckToken(*token_hash); !st.ok()) return refuse(st);
    // 3. The content type.
    if (!net::IsProtobufContentType(req.get_header_value("Content-Type")))
      return refuse(Status(StatusCode::kInvalidArgument,
                           std::string("type de contenu refusé: ") +
                               net::kHttpSyncContentType + " attendu"));
    // 4. The body, bounded.
    std::string body;
    bool too_big = false;
    const bool complete = read([&](const char* data, size_t len) {
      if (body.size() + len > max_bytes) {
        too_big = true;
        return false;
      }
      body.append(data, len);
      return true;
    });
    // cpp-httplib refuses a Content-Length over payload_max_length without
    // calling the receiver: that is "too large" as well.
    const std::string length = req.get_header_value("Content-Length");
    if (!complete && !too_big && !length.empty() &&
        std::strtoull(length.c_str(), nullptr, 10) > max_bytes)
      too_big = true;
    if (!complete && !too_big) {
      res.set_header("Connection", "close");
      return refuse(Status::InvalidArgument("requête incomplète ou corps illisible"));
    }
    if (too_big || body.size() > max_bytes) {
      res.set_header("Connection", "close");
      Refuse(res, Status::ResourceExhausted("requête trop grande (maximum " +
                                            std::to_string(max_bytes) + " octets)"));
      res.status = 413;
      service->RecordRefusal(req.remote_addr, Status::ResourceExhausted("requête trop grande"));
      return;
    }
    // 5. The message, then the work of Sync.
    pb::SyncRequest request;
    if (!request.ParseFromString(body))
      return refuse(Status::InvalidArgument("requête illisible (protobuf invalide)"));
    body.clear();
    pb::SyncResponse response;
    const Status s = service->SyncOverHttp(*token_hash, request, &response);
    if (!s.ok()) return Refuse(res, s);  // logged and counted by SyncOverHttp
    std::string out;
    if (!response.SerializeToString(&out))
      return Refuse(res, Status::Internal("réponse impossible à sérialiser"));
    if (out.size() > 1024 && AcceptsGzip(req)) {
      std::string z = net::Gzip(out);
      if (!z.empty()) {
        out.swap(z);
        res.set_header("Content-Encoding", "gzip");
      }
    }
    res.status = 200;
    res.set_content(out, net::kHttpSyncContentType);
  });
  // 1. Other methods on the sync path: 405 with a French message.
  auto wrong_method = [service](const httplib::Request& req, httplib::Response& res) {
    const Status s(StatusCode::kUnimplemented,
                   "méthode " + req.method + " refusée: POST attendu sur " + net::kHttpSyncPath);
    service->RecordRefusal(req.remote_addr, s);
    Refuse(res, s);
    res.status = 405;
    res.set_header("Allow", "POST");
  };
  http_->Get(net::kHttpSyncPath, wrong_method);
  http_->Put(net::kHttpSyncPath, wrong_method);
  http_->Delete(net::kHttpSyncPath, wrong_method);
  http_->Patch(net::kHttpSyncPath, wrong_method);
  // httplib's own refusals (404, 413 from payload_max_length...) in the
  // same form, unless a handler already wrote a message.
  http_->set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    const StatusCode code = res.status == 404   ? StatusCode::kUnimplemented
                            : res.status == 413 ? StatusCode::kResourceExhausted
                                                : net::CodeForHttpStatus(res.status);
    const int http_status = res.status;
    Refuse(res, Status(code, res.status == 404
                                 ? std::string("chemin inconnu: ") + net::kHttpSyncPath +
                                       " attendu"
                                 : "requête refusée (HTTP " + std::to_string(http_status) + ")"));
    res.status = http_status;
  });
}

Result<int> HttpSyncServer::Start(const HttpSyncOptions& o) {
  std::string host;
  int port = -1;
  if (!net::SplitListenAddress(o.listen, &host, &port))
    return Status::InvalidArgument("--http-sync-listen: hôte:port attendu, reçu '" + o.listen +
                                   "'");
  if (o.threads < 1 || o.threads > 256)
    return Status::InvalidArgument("threads du point HTTP hors de [1, 256]");
  if (o.tls_cert_file.empty() != o.tls_key_file.empty())
    return Status::InvalidArgument("TLS: donnez --tls-cert ET --tls-key");
  plaintext_ = o.tls_cert_file.empty();
  if (plaintext_) {
    if (!net::IsLoopbackAddress(o.listen))
      return Status::InvalidArgument("--http-sync-listen en clair refusé hors boucle locale (" +
                                     o.listen + "): donnez --tls-cert et --tls-key");
    http_ = std::make_unique<httplib::Server>();
  } else {
    RELAIS_RETURN_IF_ERROR(net::ReadFile(o.tls_cert_file).status());
    RELAIS_RETURN_IF_ERROR(net::ReadFile(o.tls_key_file).status());
    auto ssl = std::make_unique<httplib::SSLServer>(o.tls_cert_file.c_str(),
                                                    o.tls_key_file.c_str());
    if (!ssl->is_valid())
      return Status::Unavailable("point HTTP: certificat ou clé TLS refusés (" +
                                 o.tls_cert_file + ", " + o.tls_key_file + ")");
    http_ = std::move(ssl);
  }
  const int threads = o.threads;
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http_->set_read_timeout(o.timeout_s, 0);
  http_->set_write_timeout(o.timeout_s, 0);
  http_->set_tcp_nodelay(true);  // headers and body are separate writes
  http_->set_keep_alive_max_count(100);
  // An idle keep-alive connection holds a worker: let it go soon.
  http_->set_keep_alive_timeout(5);
  Install();
  return BindAndServe(*http_, host, port, &thread_);
}

void HttpSyncServer::Stop() {
  if (http_) StopServing(*http_, &thread_);
}

}  // namespace relais::server
