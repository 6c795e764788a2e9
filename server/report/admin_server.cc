#include "server/report/admin_server.h"

#include <httplib.h>
#include <openssl/crypto.h>

#include <chrono>
#include <thread>

namespace relais::server {

using common::Result;
using common::Status;

struct AdminServer::Impl {
  MetricsFn metrics;
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
  im->http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content("erreur interne\n", "text/plain; charset=utf-8");
      });
}

AdminServer::~AdminServer() { Stop(); }

Result<int> AdminServer::Start(const std::string& host, int port) {
  if (impl_->started) return Status::FailedPrecondition("déjà démarré");
  int bound = -1;
  try {
    if (port == 0) {
      bound = impl_->http.bind_to_any_port(host);
    } else if (impl_->http.bind_to_port(host, port)) {
      bound = port;
    }
  } catch (const std::exception& e) {
    return Status::Unavailable(std::string("écoute impossible: ") + e.what());
  }
  if (bound <= 0)
    return Status::Unavailable("écoute impossible sur " + host + ":" + std::to_string(port));
  impl_->started = true;
  impl_->thread = std::thread([this] { impl_->http.listen_after_bind(); });
  for (int i = 0; i < 500 && !impl_->http.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return bound;
}

void AdminServer::Stop() {
  if (!impl_->started) return;
  impl_->http.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->started = false;
}

}  // namespace relais::server
