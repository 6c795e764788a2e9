// The HTTP/1.1 transport on its own (no proxy in the way, or no_proxy):
// the choice in auto mode and its memory, no_proxy honoured, errors mapped
// to the same codes and French messages as gRPC, the pure wire mapping.
#include <gtest/gtest.h>

#include "common/net/http_sync_wire.h"
#include "common/sync/http_caller.h"
#include "common/sync/sync_transport.h"
#include "tests/sync_http/http_fixture.h"

namespace relais::server::testing {
namespace {

using common::StatusCode;
using sync::SyncOnce;
using sync::SyncOptions;
using sync::Transport;

using HttpTransportTest = HttpHub;

TEST_F(HttpTransportTest, NoProxyIsHonouredByBothTransports) {
  UseOfficeProxy();
  env_.Set("no_proxy", "127.0.0.1,localhost");
  const std::string token = Enroll({"S1"});
  auto a = NewReplica("a.db", "S1");
  AddAppointments(*a, 3);
  SyncOptions o = TlsOptions(token);
  o.transport = Transport::kHttp;
  auto r = SyncOnce(*a, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->pushed, 4);
  EXPECT_EQ(proxy_->connects(), 0);  // the hub was reached directly
  // Auto: gRPC goes through directly too, and nothing is remembered.
  AddAppointments(*a, 1);
  auto g = SyncOnce(*a, TlsOptions(token));
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->transport, "grpc");
  EXPECT_EQ(proxy_->connects(), 0);
  EXPECT_EQ(*a->store()->GetMeta(sync::kSyncTransportMeta), "");
  // Without no_proxy, the same HTTP session does go through the proxy.
  env_.Set("no_proxy", std::nullopt);
  AddAppointments(*a, 1);
  ASSERT_TRUE(SyncOnce(*a, o).ok());
  EXPECT_EQ(proxy_->connects(), 1);
}

TEST_F(HttpTransportTest, RememberedHttpIsUsedThenGrpcRetriedAfterADay) {
  const std::string token = Enroll({"S1"});
  auto a = NewReplica("a.db", "S1");
  AddAppointments(*a, 1);
  const int64_t now = a->clock()->NowMillis();
  // Remembered an hour ago: straight to HTTP although gRPC would work.
  ASSERT_OK(a->store()->SetMeta(sync::kSyncTransportMeta, "http"));
  ASSERT_OK(a->store()->SetMeta(sync::kSyncTransportMsMeta, std::to_string(now - 3600'000)));
  auto r = SyncOnce(*a, TlsOptions(token));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->transport, "http");
  EXPECT_NE(log_.str().find("transport=http"), std::string::npos);
  // Remembered 25 h ago: gRPC is tried again, works, and is remembered.
  ASSERT_OK(a->store()->SetMeta(sync::kSyncTransportMsMeta,
                                std::to_string(now - 25 * 3600'000LL)));
  AddAppointments(*a, 1);
  auto g = SyncOnce(*a, TlsOptions(token));
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->transport, "grpc");
  EXPECT_EQ(*a->store()->GetMeta(sync::kSyncTransportMeta), "grpc");

  // Pure rule.
  EXPECT_TRUE(sync::HttpFirst("http", 1000, 2000, sync::kDefaultGrpcRetryMs));
  EXPECT_FALSE(sync::HttpFirst("http", 0, sync::kDefaultGrpcRetryMs, sync::kDefaultGrpcRetryMs));
  EXPECT_FALSE(sync::HttpFirst("grpc", 1000, 2000, sync::kDefaultGrpcRetryMs));
  EXPECT_FALSE(sync::HttpFirst("", 1000, 2000, sync::kDefaultGrpcRetryMs));
}

TEST_F(HttpTransportTest, RememberedHttpGoneFallsBackToGrpc) {
  const std::string token = Enroll({"S1"});
  auto a = NewReplica("a.db", "S1");
  AddAppointments(*a, 1);
  ASSERT_OK(a->store()->SetMeta(sync::kSyncTransportMeta, "http"));
  ASSERT_OK(a->store()->SetMeta(sync::kSyncTransportMsMeta,
                                std::to_string(a->clock()->NowMillis())));
  http_->Stop();  // the HTTP endpoint closed since
  auto r = SyncOnce(*a, TlsOptions(token));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->transport, "grpc");
  EXPECT_EQ(*a->store()->GetMeta(sync::kSyncTransportMeta), "grpc");
}

TEST_F(HttpTransportTest, AuthErrorsAreNotRetriedOnTheOtherTransport) {
  UseOfficeProxy();
  auto a = NewReplica("a.db", "S1");
  AddAppointments(*a, 1);
  SyncOptions o = TlsOptions("jeton-inconnu");
  auto r = SyncOnce(*a, o);  // gRPC blocked, HTTP reaches the hub: bad token
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << r.status().ToString();
  EXPECT_NE(r.status().message().find("jeton refusé par le hub"), std::string::npos)
      << r.status().message();
  o.transport = Transport::kHttp;
  auto h = SyncOnce(*a, o);
  EXPECT_EQ(h.status().code(), StatusCode::kUnauthenticated) << h.status().ToString();
  EXPECT_NE(h.status().message().find("jeton refusé par le hub"), std::string::npos);
  EXPECT_EQ(*a->store()->GetMeta(sync::kSyncTransportMeta), "");
  EXPECT_EQ(*a->PendingCount(), 2);
  // A token bound to another site: PERMISSION_DENIED over HTTP as over gRPC.
  SyncOptions other = TlsOptions(Enroll({"S2"}));
  other.transport = Transport::kHttp;
  EXPECT_EQ(SyncOnce(*a, other).status().code(), StatusCode::kPermissionDenied);
  other.transport = Transport::kGrpc;
  env_.Set("https_proxy", std::nullopt);
  EXPECT_EQ(SyncOnce(*a, other).status().code(), StatusCode::kPermissionDenied);
}

TEST_F(HttpTransportTest, TlsIsVerifiedAndTlsNameIsHonoured) {
  const std::string token = Enroll({"S1"});
  auto a = NewReplica("a.db", "S1");
  AddAppointments(*a, 1);
  SyncOptions o = TlsOptions(token);
  o.transport = Transport::kHttp;
  o.ca_file = dir_.File("office-ca.pem");  // does not vouch for the hub
  auto bad = SyncOnce(*a, o);
  EXPECT_EQ(bad.status().code(), StatusCode::kUnavailable) << bad.status().ToString();
  o.ca_file = dir_.File("ca.pem");
  o.tls_server_name = "autre.example";  // not in the hub's certificate
  auto wrong = SyncOnce(*a, o);
  EXPECT_EQ(wrong.status().code(), StatusCode::kUnavailable) << wrong.status().ToString();
  EXPECT_EQ(*a->PendingCount(), 2);
  o.tls_server_name = "localhost";  // in it; reached at 127.0.0.1
  auto ok = SyncOnce(*a, o);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*a->PendingCount(), 0);
}

TEST_F(HttpTransportTest, OptionsAreCheckedBeforeAnyConnection) {
  SyncOptions o;
  o.token = "t";
  o.http_hub = "10.0.0.1:443";
  EXPECT_EQ(sync::HttpTargetFor(o).status().code(), StatusCode::kInvalidArgument);  // plain
  o.ca_file = "ca.pem";
  auto t = sync::HttpTargetFor(o);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->url, "https://10.0.0.1:443/relais.sync.v1/Sync");
  EXPECT_EQ(t->connect_to, "");
  o.tls_server_name = "hub.maison.fr";
  t = sync::HttpTargetFor(o);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->url, "https://hub.maison.fr:443/relais.sync.v1/Sync");
  EXPECT_EQ(t->connect_to, "hub.maison.fr:443:10.0.0.1:443");
  o.tls_server_name = "evil/path";
  EXPECT_EQ(sync::HttpTargetFor(o).status().code(), StatusCode::kInvalidArgument);
  o.tls_server_name.clear();
  for (const char* bad : {"", "hub", "hub:", ":443", "hub:99999x", "a b:1", "u@hub:1"}) {
    o.http_hub = bad;
    EXPECT_EQ(sync::HttpTargetFor(o).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  o.http_hub = "127.0.0.1:1";
  o.ca_file.clear();
  t = sync::HttpTargetFor(o);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->url, "http://127.0.0.1:1/relais.sync.v1/Sync");
  o.token.clear();
  EXPECT_EQ(sync::HttpTargetFor(o).status().code(), StatusCode::kInvalidArgument);
  // A missing CA file is named before any connection.
  SyncOptions m;
  m.token = "t";
  m.http_hub = "127.0.0.1:1";
  m.ca_file = dir_.File("absent.pem");
  EXPECT_EQ(sync::MakeHttpCaller(m).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(sync::ParseTransport("h2").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*sync::ParseTransport("http"), Transport::kHttp);
}

TEST(HttpSyncWireTest, StatusMappingRoundTripsAndForeignAnswers) {
  for (int c = 1; c <= 16; ++c) {
    const auto code = static_cast<StatusCode>(c);
    const int http = net::HttpStatusForCode(code);
    EXPECT_GE(http, 400) << c;
    StatusCode back;
    ASSERT_TRUE(net::ParseStatusHeader(std::to_string(c), &back));
    EXPECT_EQ(back, code);
  }
  StatusCode x;
  for (const char* bad : {"", "0", "17", "99", "1a", " 3", "003", "-1"})
    EXPECT_FALSE(net::ParseStatusHeader(bad, &x)) << bad;
  EXPECT_EQ(net::CodeForHttpStatus(401), StatusCode::kUnauthenticated);
  EXPECT_EQ(net::CodeForHttpStatus(403), StatusCode::kPermissionDenied);
  EXPECT_EQ(net::CodeForHttpStatus(502), StatusCode::kUnavailable);
  EXPECT_EQ(net::CodeForHttpStatus(503), StatusCode::kUnavailable);
  EXPECT_EQ(net::CodeForHttpStatus(504), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(net::CodeForHttpStatus(407), StatusCode::kInvalidArgument);
  EXPECT_EQ(net::CodeForHttpStatus(500), StatusCode::kInternal);
  EXPECT_EQ(net::CodeForHttpStatus(302), StatusCode::kUnknown);
  EXPECT_TRUE(net::IsProtobufContentType("application/x-protobuf"));
  EXPECT_TRUE(net::IsProtobufContentType("Application/X-Protobuf; charset=binary"));
  EXPECT_FALSE(net::IsProtobufContentType("text/html"));
  EXPECT_FALSE(net::IsProtobufContentType("application/x-protobuffer"));
}

}  // namespace
}  // namespace relais::server::testing
