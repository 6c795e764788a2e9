#pragma once
// A real hub in process on loopback with TLS on, serving gRPC AND the
// HTTP/1.1 sync endpoint (server/hub_http_sync.h), the certificates of a
// house CA and of an office CA (the TLS-inspecting proxy's), and helpers to
// set the proxy environment for one test. HttpHubT<HubFixture> runs on
// SQLite; HttpHubT<StoreHubFixture> on the store of the test's parameter.

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/sync/sync_client.h"
#include "server/hub_http_sync.h"
#include "tests/server/hub_fixture.h"
#include "tests/sync_http/office_proxy.h"

namespace relais::server::testing {

// Sets (or unsets, with nullopt) environment variables for its life.
class ScopedEnv {
 public:
  void Set(const std::string& name, const std::optional<std::string>& value) {
    if (!saved_.count(name)) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    if (value)
      setenv(name.c_str(), value->c_str(), 1);
    else
      unsetenv(name.c_str());
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : saved_) {
      if (value)
        setenv(name.c_str(), value->c_str(), 1);
      else
        unsetenv(name.c_str());
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

// ca.pem/server.pem/server.key (the hub), office-ca.pem/office.pem/
// office.key (the proxy), both for localhost and 127.0.0.1, and
// trust.pem = both CAs (what an office machine trusts). False if openssl
// failed.
inline bool MakeHouseAndOfficeCerts(const std::string& dir) {
  auto leaf = [](const std::string& ca, const std::string& name) {
    return "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
           " -keyout " + ca + ".key -out " + ca + ".pem -days 2 -subj '/CN=" + ca + "' && "
           "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
           " -keyout " + name + ".key -out " + name + ".csr -subj '/CN=localhost' && "
           "openssl x509 -req -in " + name + ".csr -CA " + ca + ".pem -CAkey " + ca +
           ".key -CAcreateserial -out " + name + ".pem -days 2 -extfile ext.cnf && ";
  };
  const std::string cmd =
      "cd '" + dir + "' && "
      "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n"
      "basicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n' > ext.cnf && " +
      leaf("ca", "server") + leaf("office-ca", "office") +
      "cat ca.pem office-ca.pem > trust.pem";
  return std::system(("(" + cmd + ") >/dev/null 2>&1").c_str()) == 0;
}

template <class Base>
class HttpHubT : public Base {
 protected:
  void SetUp() override {
    Base::SetUp();
    ASSERT_TRUE(MakeHouseAndOfficeCerts(this->dir_.path())) << "openssl a échoué";
    this->StopHub();
    this->StartHub(ServerOptions{"127.0.0.1:0", this->dir_.File("server.pem"),
                                 this->dir_.File("server.key"), 16 << 20});
    StartHttp();
    // No proxy from the machine running the tests leaks in.
    for (const char* v : {"https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY",
                          "grpc_proxy", "no_proxy", "NO_PROXY", "no_grpc_proxy", "all_proxy",
                          "ALL_PROXY"})
      env_.Set(v, std::nullopt);
  }
  void TearDown() override {
    if (proxy_) proxy_->Stop();
    if (http_) http_->Stop();
    http_.reset();
    Base::TearDown();
  }

  void StartHttp() {
    http_ = std::make_unique<HttpSyncServer>(this->service_.get());
    HttpSyncOptions ho;
    ho.listen = "127.0.0.1:0";
    ho.tls_cert_file = this->dir_.File("server.pem");
    ho.tls_key_file = this->dir_.File("server.key");
    ho.threads = 4;
    auto port = http_->Start(ho);
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    http_address_ = "127.0.0.1:" + std::to_string(*port);
  }

  // Starts the office proxy and points https_proxy at it.
  void UseOfficeProxy() {
    proxy_ = std::make_unique<relais::testing::OfficeProxy>(
        this->dir_.File("office.pem"), this->dir_.File("office.key"), this->dir_.File("ca.pem"));
    auto port = proxy_->Start();
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    env_.Set("https_proxy", proxy_->Url());
  }

  // TLS to both endpoints, trusting the house and the office CAs; a fresh
  // gRPC channel per session (it reads the proxy environment then).
  sync::SyncOptions TlsOptions(const std::string& token) const {
    sync::SyncOptions o = this->Options(token);
    o.ca_file = this->dir_.File("trust.pem");
    o.http_hub = http_address_;
    o.fresh_channel = true;
    o.deadline_ms = 8000;
    return o;
  }

  // Every record of `site` the hub holds (oracle for "nothing lost, nothing
  // duplicated").
  size_t HubRecordCount(const std::string& site) {
    Scope scope;
    scope.sites = {site};
    size_t n = 0;
    uint64_t cursor = 0;
    for (;;) {
      auto page = this->store_->Pull(scope, cursor, 1000, 64 << 20);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) return n;
      n += page->records.size();
      cursor = page->cursor;
      if (!page->has_more) return n;
    }
  }

  ScopedEnv env_;
  std::unique_ptr<HttpSyncServer> http_;
  std::string http_address_;
  std::unique_ptr<relais::testing::OfficeProxy> proxy_;
};

using HttpHub = HttpHubT<HubFixture>;
using HttpHubByStore = HttpHubT<StoreHubFixture>;

}  // namespace relais::server::testing
