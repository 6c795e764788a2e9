#include "server/report/admin_server.h"
#include "server/report/http_serve.h"

#include <httplib.h>
#include <openssl/crypto.h>

#include <chrono>
#include <thread>

namespace relais::server {

using common::Result;
using common::Status;

struct AdminServer::Impl {
  MetricsFn metrics;
  ReadyFn ready;
  std::string token;
  httplib::Server http;
  std::thread thread;
  bool started = false;

  bool Authorized(const httplib::Request& req) const {
    if (token.empty()) return true;
    const std::string want = "Bearer " + token;
    const std::string got = req.get_header_value("Authorization");
    return got.size() == want.size() &&
           CRYPTO_memcmp(got.data(), want.data(), want.size()) == 0;
  }
};

AdminServer::AdminServer(MetricsFn metrics, std::string token)
    : impl_(std::make_unique<Impl>()) {
  impl_->metrics = std::move(metrics);
  impl_->token = std::move(token);
  Impl* im = impl_.get();
  im->http.set_read_timeout(10, 0);
  im->http.set_write_timeout(10, 0);
  im->http.set_payload_max_length(4 * 1024);
  im->http.Get("/metrics", [im](const httplib::Request& q, httplib::Response& r) {
    r.set_header("Cache-Control", "no-store");
    if (!im->Authorized(q)) {
      r.status = 401;
      r.set_header("WWW-Authenticate", "Bearer");
      r.set_content("jeton d'administration requis\n", "text/plain; charset=utf-8");
      return;
    }
    std::string out = im->metrics ? im->metrics() : std::string();
    if (!out.empty() && out.back() != '\n') out += '\n';
    r.set_content(out, "text/plain; version=0.0.4; charset=utf-8");
  });
  im->http.Get("/healthz", [](const httplib::Request&, httplib::Response& r) {
    r.set_content("ok\n", "text/plain; charset=utf-8");
  });
  im->http.Get("/readyz", [im](const httplib::Request&, httplib::Response& r) {
    r.set_header("Cache-Control", "no-store");
    const Status st = im->ready ? im->ready() : Status::OK();
    if (st.ok()) {
      r.set_content("prêt\n", "text/plain; charset=utf-8");
      return;
    }
    r.status = 503;
    r.set_content("pas prêt : " + st.ToString() + "\n", "text/plain; charset=utf-8");
  });
  im->http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content("erreur interne\n", "text/plain; charset=utf-8");
      });
}

AdminServer::~AdminServer() { Stop(); }

Result<int> AdminServer::Start(const std::string& host, int port) {
  if (impl_->started) return Status::FailedPrecondition("déjà démarré");
  RELAIS_ASSIGN_OR_RETURN(int bound, BindAndServe(impl_->http, host, port, &impl_->thread));
  impl_->started = true;
  return bound;
}

void AdminServer::SetReadiness(ReadyFn ready) { impl_->ready = std::move(ready); }

void AdminServer::Stop() {
  if (!impl_->started) return;
  StopServing(impl_->http, &impl_->thread);
  impl_->started = false;
}

}  // namespace relais::server
