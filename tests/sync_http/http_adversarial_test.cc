// Adversarial inputs on the HTTP/1.1 sync path (issue #17): the hub's
// endpoint refuses crafted requests clearly and honest data survives; a
// hostile "hub" answering garbage, the wrong type, oversized or slow
// responses makes the client fail cleanly without touching the replica.
#include <gtest/gtest.h>

#include <httplib.h>

#include <chrono>
#include <thread>

#include "common/net/gzip.h"
#include "common/net/http_sync_wire.h"
#include "server/report/http_serve.h"
#include "tests/sync_http/http_fixture.h"

namespace relais::server::testing {
namespace {

using common::StatusCode;
using sync::SyncOnce;
using sync::SyncOptions;
using sync::Transport;

using HttpAdversarialTest = HttpHub;

class HubHttpClient {
 public:
  HubHttpClient(const std::string& address, const std::string& ca) {
    const size_t colon = address.rfind(':');
    cli_ = std::make_unique<httplib::SSLClient>(address.substr(0, colon),
                                                std::stoi(address.substr(colon + 1)));
    cli_->set_ca_cert_path(ca.c_str());
    cli_->enable_server_certificate_verification(true);
    cli_->set_read_timeout(10, 0);
  }
  httplib::Result Post(const std::string& token, const std::string& body,
                       const std::string& type = net::kHttpSyncContentType) {
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    return cli_->Post(net::kHttpSyncPath, h, body, type.c_str());
  }
  httplib::SSLClient& raw() { return *cli_; }

 private:
  std::unique_ptr<httplib::SSLClient> cli_;
};

// The refusal carries our code in Relais-Status and a French message.
void ExpectRefused(const httplib::Result& res, int http_status, StatusCode code,
                   const std::string& words) {
  ASSERT_TRUE(res) << "pas de réponse: " << httplib::to_string(res.error());
  EXPECT_EQ(res->status, http_status) << res->body;
  EXPECT_EQ(res->get_header_value(net::kHttpSyncStatusHeader),
            std::to_string(static_cast<int>(code)))
      << res->body;
  EXPECT_NE(res->body.find(words), std::string::npos) << res->body;
}

TEST_F(HttpAdversarialTest, HubRefusesCraftedRequestsAndHonestDataSurvives) {
  const std::string token = Enroll({"S1"});
  auto a = NewReplica("a.db", "S1");
  AddAppointments(*a, 3);
  SyncOptions o = TlsOptions(token);
  o.transport = Transport::kHttp;
  ASSERT_TRUE(SyncOnce(*a, o).ok());
  const size_t before = HubRecordCount("S1");
  ASSERT_EQ(before, 4u);

  HubHttpClient c(http_address_, dir_.File("ca.pem"));
  const std::string honest = PushRequest(*a).SerializeAsString();
  ExpectRefused(c.Post("", honest), 401, StatusCode::kUnauthenticated, "jeton manquant");
  ExpectRefused(c.Post("faux", honest), 401, StatusCode::kUnauthenticated, "jeton");
  ExpectRefused(c.Post(token, honest, "application/json"), 400, StatusCode::kInvalidArgument,
                "type de contenu refusé");
  ExpectRefused(c.Post(token, "\xff\xff\xff\xff garbage \x01\x02"), 400,
                StatusCode::kInvalidArgument, "protobuf invalide");
  // Over max_message_bytes (4 MiB): refused, nothing buffered beyond.
  ExpectRefused(c.Post(token, std::string((4 << 20) + 1, 'x')), 413,
                StatusCode::kResourceExhausted, "trop grande");
  // A gzip bomb: 40 KiB on the wire, 5 MiB once inflated.
  {
    httplib::Headers h{{"Authorization", "Bearer " + token}, {"Content-Encoding", "gzip"}};
    const std::string bomb = net::Gzip(std::string(5 << 20, '\0'));
    ASSERT_LT(bomb.size(), 64u << 10);
    ExpectRefused(c.raw().Post(net::kHttpSyncPath, h, bomb, net::kHttpSyncContentType), 413,
                  StatusCode::kResourceExhausted, "trop grande");
    // An honest gzip request goes through (what the client sends).
    HubHttpClient z(http_address_, dir_.File("ca.pem"));
    auto ok = z.raw().Post(net::kHttpSyncPath, h, net::Gzip(honest), net::kHttpSyncContentType);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200) << ok->body;
  }
  // The same size in chunks (no Content-Length announced up front).
  HubHttpClient chunked(http_address_, dir_.File("ca.pem"));
  httplib::Headers auth{{"Authorization", "Bearer " + token}};
  ExpectRefused(chunked.raw().Post(
                    net::kHttpSyncPath, auth,
                    [](size_t, httplib::DataSink& sink) {
                      static const std::string block(1 << 16, 'x');
                      for (int i = 0; i < 65; ++i)
                        if (!sink.write(block.data(), block.size())) return false;
                      sink.done();
                      return true;
                    },
                    net::kHttpSyncContentType),
                413, StatusCode::kResourceExhausted, "trop grande");
  // GET (and other methods) on the sync path, unknown paths.
  HubHttpClient g(http_address_, dir_.File("ca.pem"));
  ExpectRefused(g.raw().Get(net::kHttpSyncPath), 405, StatusCode::kUnimplemented, "POST attendu");
  ExpectRefused(g.raw().Get("/"), 404, StatusCode::kUnimplemented, "chemin inconnu");
  // A request of another replica's site, with this token: refused by ServeSync.
  relais::sync::v1::SyncRequest other = PushRequest(*a);
  other.set_site_id("S2");
  ExpectRefused(c.Post(token, other.SerializeAsString()), 403, StatusCode::kPermissionDenied,
                "");
  // Plain HTTP to the TLS port: no answer that a client could take for a sync.
  httplib::Client plain("127.0.0.1", std::stoi(http_address_.substr(http_address_.rfind(':') + 1)));
  plain.set_read_timeout(3, 0);
  auto p = plain.Post(net::kHttpSyncPath, honest, net::kHttpSyncContentType);
  EXPECT_TRUE(!p || p->status != 200);

  // Honest data survived, and the honest replica still syncs.
  EXPECT_EQ(HubRecordCount("S1"), before);
  AddAppointments(*a, 1);
  auto r = SyncOnce(*a, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->pushed, 1);
  EXPECT_EQ(HubRecordCount("S1"), before + 1);
  EXPECT_NE(log_.str().find("transport=http"), std::string::npos);
}

TEST_F(HttpAdversarialTest, PlainTextEndpointOnlyOnLoopbackAndHalfTlsRefused) {
  HttpSyncServer s(service_.get());
  HttpSyncOptions o;
  o.listen = "0.0.0.0:0";
  EXPECT_EQ(s.Start(o).status().code(), StatusCode::kInvalidArgument);
  o.listen = "127.0.0.1:0";
  o.tls_cert_file = dir_.File("server.pem");
  EXPECT_EQ(s.Start(o).status().code(), StatusCode::kInvalidArgument);
  o.tls_key_file = dir_.File("absent.key");
  EXPECT_EQ(s.Start(o).status().code(), StatusCode::kNotFound);
  o.tls_key_file = dir_.File("office.key");  // not the certificate's key
  EXPECT_EQ(s.Start(o).status().code(), StatusCode::kUnavailable);
  o.listen = "127.0.0.1";
  EXPECT_EQ(s.Start(o).status().code(), StatusCode::kInvalidArgument);
}

// A "hub" on loopback (plain text) answering what the test chooses.
class HostileHub {
 public:
  explicit HostileHub(std::function<void(const httplib::Request&, httplib::Response&)> answer) {
    http_.Post(net::kHttpSyncPath, std::move(answer));
    auto port = BindAndServe(http_, "127.0.0.1", 0, &thread_);
    EXPECT_TRUE(port.ok());
    address_ = "127.0.0.1:" + std::to_string(port.ok() ? *port : 0);
  }
  ~HostileHub() { StopServing(http_, &thread_); }
  const std::string& address() const { return address_; }

 private:
  httplib::Server http_;
  std::thread thread_;
  std::string address_;
};

TEST_F(HttpAdversarialTest, HostileHubAnswersFailCleanly) {
  auto a = NewReplica("a.db", "S1");
  AddAppointments(*a, 2);
  auto sync_with = [&](HostileHub& h, int64_t deadline_ms = 5000) {
    SyncOptions o;
    o.hub = "127.0.0.1:1";
    o.http_hub = h.address();
    o.token = "t";
    o.transport = Transport::kHttp;
    o.deadline_ms = deadline_ms;
    return SyncOnce(*a, o);
  };
  struct Case {
    const char* what;
    std::function<void(const httplib::Request&, httplib::Response&)> answer;
    StatusCode code;
    const char* words;
  };
  const std::vector<Case> cases = {
      {"garbage", [](const httplib::Request&, httplib::Response& res) {
         res.set_content(std::string("\xff\xfe\x00\x01garbage", 11), net::kHttpSyncContentType);
       }, StatusCode::kInternal, "illisible"},
      {"html", [](const httplib::Request&, httplib::Response& res) {
         res.set_content("<html>portail captif</html>", "text/html");
       }, StatusCode::kInternal, "inattendue"},
      {"oversized (Content-Length)", [](const httplib::Request&, httplib::Response& res) {
         const size_t n = sync::kMaxResponseBytes + 1;
         res.set_content_provider(n, net::kHttpSyncContentType,
                                  [](size_t off, size_t len, httplib::DataSink& sink) {
                                    static const std::string zeros(1 << 16, '\0');
                                    (void)off;
                                    return sink.write(zeros.data(), std::min(len, zeros.size()));
                                  });
       }, StatusCode::kResourceExhausted, "trop grande"},
      {"oversized (chunked)", [](const httplib::Request&, httplib::Response& res) {
         res.set_chunked_content_provider(net::kHttpSyncContentType,
                                          [](size_t, httplib::DataSink& sink) {
                                            static const std::string zeros(1 << 16, '\0');
                                            return sink.write(zeros.data(), zeros.size());
                                          });
       }, StatusCode::kResourceExhausted, "trop grande"},
      {"gateway 502", [](const httplib::Request&, httplib::Response& res) {
         res.status = 502;
         res.set_content("Bad Gateway", "text/plain");
       }, StatusCode::kUnavailable, "intermédiaire"},
      {"forged Relais-Status", [](const httplib::Request&, httplib::Response& res) {
         res.status = 401;
         res.set_header(net::kHttpSyncStatusHeader, "99");
         res.set_content("\x1b[31mfaux\nmessage", "text/plain");
       }, StatusCode::kUnauthenticated, "HTTP 401"},
      {"hub refusal", [](const httplib::Request&, httplib::Response& res) {
         res.status = 412;
         res.set_header(net::kHttpSyncStatusHeader, "9");
         res.set_content("version \x1b[2Jde protocole", "text/plain; charset=utf-8");
       }, StatusCode::kFailedPrecondition, "le hub refuse la synchronisation: version"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    HostileHub h(c.answer);
    auto r = sync_with(h);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), c.code) << r.status().ToString();
    EXPECT_NE(r.status().message().find(c.words), std::string::npos) << r.status().message();
    EXPECT_EQ(r.status().message().find('\x1b'), std::string::npos);
    EXPECT_EQ(*a->PendingCount(), 3);  // nothing acknowledged
    EXPECT_EQ(*a->store()->GetMetaInt("pull_cursor"), 0u);
  }
  {
    SCOPED_TRACE("slow");
    HostileHub slow([](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      res.set_content("", net::kHttpSyncContentType);
    });
    auto r = sync_with(slow, 300);
    EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded) << r.status().ToString();
    EXPECT_NE(r.status().message().find("n'a pas répondu à temps"), std::string::npos);
  }
  {
    SCOPED_TRACE("wrong ack");
    HostileHub liar([&](const httplib::Request&, httplib::Response& res) {
      relais::sync::v1::SyncResponse resp;
      resp.set_ack_seq(999999);
      resp.set_hub_epoch("e");
      resp.add_sites("S1");
      res.set_content(resp.SerializeAsString(), net::kHttpSyncContentType);
    });
    auto r = sync_with(liar);
    EXPECT_EQ(r.status().code(), StatusCode::kInternal) << r.status().ToString();
    EXPECT_EQ(*a->PendingCount(), 3);
  }
}

}  // namespace
}  // namespace relais::server::testing
