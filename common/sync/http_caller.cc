#include "common/sync/http_caller.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>

#include "common/net/address.h"
#include "common/net/gzip.h"
#include "common/net/http_sync_wire.h"

namespace relais::sync {

namespace pb = relais::sync::v1;
using common::Result;
using common::Status;
using common::StatusCode;

namespace {

void EnsureCurlGlobal() {
  static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)done;
}

// host:port -> (host, port); false if malformed.
bool SplitHostPort(const std::string& hp, std::string* host, std::string* port) {
  const size_t colon = hp.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= hp.size() || colon + 6 < hp.size())
    return false;
  for (size_t i = colon + 1; i < hp.size(); ++i)
    if (hp[i] < '0' || hp[i] > '9') return false;
  *host = hp.substr(0, colon);
  *port = hp.substr(colon + 1);
  for (char c : *host)
    if (c <= ' ' || c == '/' || c == '?' || c == '#' || c == '@' || c == 0x7f) return false;
  return true;
}

struct BodySink {
  std::string body;
  bool overflow = false;
};

size_t OnBody(char* p, size_t size, size_t n, void* ud) {
  auto* s = static_cast<BodySink*>(ud);
  const size_t len = size * n;
  if (s->body.size() + len > kMaxResponseBytes) {
    s->overflow = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  s->body.append(p, len);
  return len;
}

struct HeaderSink {
  std::string status;        // Relais-Status
  std::string content_type;  // Content-Type
  std::string retry_after;   // Retry-After (a 429's hint)
  size_t bytes = 0;
};

// Headers of the final response only: a status line starts over.
size_t OnHeader(char* p, size_t size, size_t n, void* ud) {
  auto* h = static_cast<HeaderSink*>(ud);
  const size_t len = size * n;
  h->bytes += len;
  if (h->bytes > (64 << 10)) return 0;  // absurd headers: abort
  std::string line(p, len);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (line.rfind("HTTP/", 0) == 0) {
    *h = HeaderSink{"", "", "", h->bytes};
    return len;
  }
  const size_t colon = line.find(':');
  if (colon == std::string::npos) return len;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string value = line.substr(colon + 1);
  value.erase(0, value.find_first_not_of(" \t"));
  if (name == "relais-status") h->status = value.substr(0, 8);
  if (name == "content-type") h->content_type = value.substr(0, 200);
  if (name == "retry-after") h->retry_after = value.substr(0, 40);
  return len;
}

// A message from the other end, safe to show: printable, bounded.
std::string Printable(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size() && out.size() < 300; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    out.push_back(c < 0x20 || c == 0x7f ? ' ' : static_cast<char>(c));
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

class HttpCaller final : public HubCaller {
 public:
  HttpCaller(const SyncOptions& o, HttpTarget target) : o_(o), target_(std::move(target)) {}
  ~HttpCaller() override { Reset(); }

  Status Init() {
    EnsureCurlGlobal();
    curl_ = curl_easy_init();
    if (!curl_) return Status::Internal("libcurl: initialisation impossible");
    headers_ = curl_slist_append(headers_, "Content-Type: application/x-protobuf");
    headers_ = curl_slist_append(headers_, "Accept: application/x-protobuf");
    headers_ = curl_slist_append(headers_, ("Authorization: Bearer " + o_.token).c_str());
    headers_ = curl_slist_append(headers_, "Expect:");  // no 100-continue round trip
    // The same plus the body's encoding, for gzip requests.
    for (curl_slist* h = headers_; h; h = h->next)
      gzip_headers_ = curl_slist_append(gzip_headers_, h->data);
    gzip_headers_ = curl_slist_append(gzip_headers_, "Content-Encoding: gzip");
    if (!target_.connect_to.empty())
      connect_to_ = curl_slist_append(connect_to_, target_.connect_to.c_str());
    return Status::OK();
  }

  // UNAVAILABLE: no connection, TLS refused, connection cut, a proxy or
  // gateway error; DEADLINE_EXCEEDED: no answer within deadline_ms;
  // RESOURCE_EXHAUSTED: response over kMaxResponseBytes; the hub's own code
  // (Relais-Status) for its refusals; INTERNAL: a 200 that is not a
  // SyncResponse.
  Result<pb::SyncResponse> Call(const pb::SyncRequest& req) override {
    if (!curl_) RELAIS_RETURN_IF_ERROR(Init());
    std::string payload;
    if (!req.SerializeToString(&payload)) return Status::Internal("requête impossible à sérialiser");
    // gzip like gRPC's channel (the hub inflates within its bound).
    bool gzipped = false;
    if (o_.compress && payload.size() > 1024) {
      std::string z = net::Gzip(payload);
      if (!z.empty()) {
        payload.swap(z);
        gzipped = true;
      }
    }
    BodySink body;
    HeaderSink head;
    char err[CURL_ERROR_SIZE] = {0};
    CURL* c = curl_;
    curl_easy_setopt(c, CURLOPT_URL, target_.url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, gzipped ? gzip_headers_ : headers_);
    if (connect_to_) curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect_to_);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(o_.deadline_ms));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o_.deadline_ms));
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "relais-sync/1");
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &head);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(kMaxResponseBytes));
    if (o_.compress) curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
    if (!o_.ca_file.empty()) {
      curl_easy_setopt(c, CURLOPT_CAINFO, o_.ca_file.c_str());
      curl_easy_setopt(c, CURLOPT_CAPATH, nullptr);  // this bundle only
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    }
    // Proxies: CURLOPT_PROXY / CURLOPT_NOPROXY left unset, so libcurl reads
    // https_proxy / http_proxy / no_proxy from the environment.
    const CURLcode rc = curl_easy_perform(c);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
    const std::string label = o_.http_hub + " en HTTP";
    if (rc != CURLE_OK) {
      const std::string detail = err[0] ? std::string(err) : curl_easy_strerror(rc);
      if (body.overflow || rc == CURLE_FILESIZE_EXCEEDED)
        return Status::ResourceExhausted("réponse du hub (" + label +
                                         ") trop grande (maximum " +
                                         std::to_string(kMaxResponseBytes) + " octets)");
      if (rc == CURLE_OPERATION_TIMEDOUT)
        return HubError(StatusCode::kDeadlineExceeded, Printable(detail), label);
      if (rc == CURLE_BAD_CONTENT_ENCODING)
        return Status::Internal("réponse du hub (" + label + ") illisible: " + Printable(detail));
      return HubError(StatusCode::kUnavailable, Printable(detail), label);
    }
    long http_status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &http_status);
    if (http_status == 200) {
      if (!net::IsProtobufContentType(head.content_type))
        return Status::Internal("réponse du hub (" + label + ") inattendue: type '" +
                                Printable(head.content_type) + "' au lieu de " +
                                net::kHttpSyncContentType);
      pb::SyncResponse resp;
      if (!resp.ParseFromString(body.body))
        return Status::Internal("réponse du hub (" + label + ") illisible (protobuf invalide)");
      return resp;
    }
    StatusCode code = StatusCode::kUnknown;
    const bool from_hub = net::ParseStatusHeader(head.status, &code);
    if (!from_hub) code = net::CodeForHttpStatus(http_status);
    std::string detail = "HTTP " + std::to_string(http_status);
    if (from_hub && head.content_type.rfind("text/plain", 0) == 0 && !body.body.empty())
      detail = Printable(body.body);
    else if (!from_hub)
      detail += " (réponse d'un intermédiaire, pas du hub)";
    // 429 (the hub's per-address limit, or a proxy's): RESOURCE_EXHAUSTED
    // like gRPC's refusal, so the worker backs off instead of failing over.
    if (http_status == 429 && !head.retry_after.empty())
      detail += " (Retry-After: " + Printable(head.retry_after) + " s)";
    return HubError(code, detail, label);
  }

  void DropConnection() override { Reset(); }
  const char* name() const override { return "http"; }

 private:
  void Reset() {
    if (curl_) curl_easy_cleanup(curl_);
    curl_ = nullptr;
    curl_slist_free_all(headers_);
    headers_ = nullptr;
    curl_slist_free_all(gzip_headers_);
    gzip_headers_ = nullptr;
    curl_slist_free_all(connect_to_);
    connect_to_ = nullptr;
  }

  SyncOptions o_;
  HttpTarget target_;
  CURL* curl_ = nullptr;
  curl_slist* headers_ = nullptr;
  curl_slist* gzip_headers_ = nullptr;
  curl_slist* connect_to_ = nullptr;
};

}  // namespace

Result<HttpTarget> HttpTargetFor(const SyncOptions& o) {
  if (o.http_hub.empty())
    return Status::InvalidArgument(
        "adresse HTTP du hub manquante: donnez --http-hub hôte:port");
  if (o.token.empty()) return Status::InvalidArgument("jeton manquant");
  std::string host, port;
  if (!SplitHostPort(o.http_hub, &host, &port))
    return Status::InvalidArgument("adresse HTTP du hub invalide (hôte:port attendu): " +
                                   o.http_hub);
  const bool tls = !o.ca_file.empty();
  if (!tls && !net::IsLoopbackAddress(o.http_hub))
    return Status::InvalidArgument("connexion en clair refusée vers " + o.http_hub +
                                   ": donnez --ca (certificat de l'autorité du hub)");
  HttpTarget t;
  const std::string scheme = tls ? "https://" : "http://";
  if (tls && !o.tls_server_name.empty()) {
    std::string name = o.tls_server_name;
    for (char ch : name)
      if (ch <= ' ' || ch == '/' || ch == ':' || ch == '@' || ch == '?' || ch == '#')
        return Status::InvalidArgument("nom TLS du hub invalide: " + name);
    t.url = scheme + name + ":" + port + net::kHttpSyncPath;
    std::string bare = host;
    t.connect_to = name + ":" + port + ":" + bare + ":" + port;
  } else {
    t.url = scheme + o.http_hub + net::kHttpSyncPath;
  }
  return t;
}

Result<std::unique_ptr<HubCaller>> MakeHttpCaller(const SyncOptions& options) {
  RELAIS_ASSIGN_OR_RETURN(HttpTarget target, HttpTargetFor(options));
  // A missing CA file is named as gRPC names it, before any connection.
  if (!options.ca_file.empty()) RELAIS_RETURN_IF_ERROR(net::ReadFile(options.ca_file).status());
  auto caller = std::make_unique<HttpCaller>(options, std::move(target));
  RELAIS_RETURN_IF_ERROR(caller->Init());
  return std::unique_ptr<HubCaller>(std::move(caller));
}

}  // namespace relais::sync
