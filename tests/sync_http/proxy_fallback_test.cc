// Through an office proxy that speaks HTTP/1.1 only (office_proxy.h): gRPC
// fails, auto falls back to HTTP, syncs and remembers; the next session
// goes straight to HTTP; a cut mid-session loses and duplicates nothing.
// On both hub stores (SQLite, PostgreSQL).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>

#include "common/sync/failover.h"
#include "tests/sync_http/http_fixture.h"

namespace relais::server::testing {
namespace {

using common::StatusCode;
using sync::SyncOnce;
using sync::SyncOptions;
using sync::Transport;

class ProxyFallbackTest : public HttpHubByStore {};

TEST_P(ProxyFallbackTest, AutoFallsBackToHttpRemembersAndGoesStraightNextTime) {
  UseOfficeProxy();
  const std::string token = Enroll({"S1"});
  auto a = NewReplica("a.db", "S1");
  const std::vector<std::string> ids = AddAppointments(*a, 7);

  // gRPC alone through this proxy: refused at the TLS handshake (h2 ALPN).
  SyncOptions grpc_only = TlsOptions(token);
  grpc_only.transport = Transport::kGrpc;
  auto g = SyncOnce(*a, grpc_only);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), StatusCode::kUnavailable) << g.status().ToString();
  EXPECT_GE(proxy_->h2_refused(), 1);
  EXPECT_EQ(*a->PendingCount(), 8);

  // Auto: gRPC fails the same way, then HTTP/1.1 through the proxy.
  const int refused_before = proxy_->h2_refused();
  auto r = SyncOnce(*a, TlsOptions(token));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->transport, "http");
  EXPECT_EQ(r->pushed, 8);
  EXPECT_GT(proxy_->h2_refused(), refused_before);
  EXPECT_GE(proxy_->forwarded(), 1);
  EXPECT_EQ(*a->PendingCount(), 0);
  EXPECT_EQ(*a->store()->GetMeta(sync::kSyncTransportMeta), "http");
  EXPECT_GT(*a->store()->GetMetaInt(sync::kSyncTransportMsMeta), 0u);
  EXPECT_EQ(HubRecordCount("S1"), 8u);

  // Next session: straight to HTTP, gRPC not even tried.
  AddAppointments(*a, 1);
  const int refused = proxy_->h2_refused();
  const int connects = proxy_->connects();
  auto r2 = SyncOnce(*a, TlsOptions(token));
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(r2->transport, "http");
  EXPECT_EQ(r2->pushed, 1);
  EXPECT_EQ(proxy_->h2_refused(), refused);
  EXPECT_EQ(proxy_->connects(), connects + 1);

  // Oracle: another house's view, pulled directly over gRPC (no proxy).
  env_.Set("https_proxy", std::nullopt);
  auto b = NewReplica("b.db", "S1", 2);
  SyncOptions ob = TlsOptions(Enroll({"S1"}));
  ob.transport = Transport::kGrpc;
  auto rb = SyncOnce(*b, ob);
  ASSERT_TRUE(rb.ok()) << rb.status().ToString();
  EXPECT_EQ(rb->pulled, 9);
  for (const std::string& id : ids) {
    auto got = b->Get(common::Collection::kAppointment, id);
    ASSERT_TRUE(got.ok());
    EXPECT_TRUE(got->has_value()) << id;
  }
}

// A path that swallows gRPC silently (TCP accepted, never an answer, as a
// proxy that drops what it does not understand): the deadline expires, and
// auto falls back to HTTP/1.1 all the same, and remembers it.
TEST_P(ProxyFallbackTest, SilentGrpcPathFallsBackAfterTheDeadline) {
  // Listens but never accepts: the kernel completes the TCP handshake and
  // the TLS ClientHello is never answered.
  const int silent = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(silent, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(silent, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(silent, 16), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::getsockname(silent, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string silent_hub = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

  const std::string token = Enroll({"S1"});
  auto a = NewReplica("a.db", "S1");
  AddAppointments(*a, 3);
  SyncOptions o = TlsOptions(token);
  o.hub = silent_hub;
  o.hubs.clear();
  o.deadline_ms = 1500;
  SyncOptions grpc_only = o;
  grpc_only.transport = Transport::kGrpc;
  auto g = SyncOnce(*a, grpc_only);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), StatusCode::kDeadlineExceeded) << g.status().ToString();
  auto r = SyncOnce(*a, o);
  ::close(silent);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->transport, "http");
  EXPECT_EQ(r->pushed, 4);
  EXPECT_EQ(*a->PendingCount(), 0);
  EXPECT_EQ(*a->store()->GetMeta(sync::kSyncTransportMeta), "http");
  EXPECT_EQ(HubRecordCount("S1"), 4u);
}

TEST_P(ProxyFallbackTest, CutMidSessionResumesWithNothingLostOrDuplicated) {
  UseOfficeProxy();
  const std::string token = Enroll({"S1"});
  auto a = NewReplica("a.db", "S1");
  const std::vector<std::string> ids = AddAppointments(*a, 40);  // + p1 = 41
  SyncOptions o = TlsOptions(token);
  o.transport = Transport::kHttp;
  o.push_batch_records = 5;
  // Two exchanges relayed, the third done by the hub but its answer lost.
  proxy_->CutAfter(2);
  auto cut = SyncOnce(*a, o);
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.status().code(), StatusCode::kUnavailable) << cut.status().ToString();
  EXPECT_EQ(proxy_->cuts(), 1);
  // Ack only after commit AND receipt: 2 batches acknowledged, the third
  // committed by the hub but not acknowledged to the replica.
  EXPECT_EQ(*a->PendingCount(), 41 - 10);
  EXPECT_EQ(HubRecordCount("S1"), 15u);

  proxy_->Restore();
  auto again = SyncOnce(*a, o);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->transport, "http");
  EXPECT_EQ(*a->PendingCount(), 0);
  EXPECT_EQ(HubRecordCount("S1"), 41u);  // the re-sent batch did not duplicate
  // The re-sent batch changed nothing at the hub (already committed).
  EXPECT_NE(log_.str().find("transport=http pushed=0/5"), std::string::npos) << log_.str();

  auto b = NewReplica("b.db", "S1", 2);
  SyncOptions ob = TlsOptions(Enroll({"S1"}));
  ob.transport = Transport::kHttp;
  auto rb = SyncOnce(*b, ob);
  ASSERT_TRUE(rb.ok()) << rb.status().ToString();
  EXPECT_EQ(rb->pulled, 41);
  std::set<std::string> seen;
  for (const std::string& id : ids) {
    auto got = b->Get(common::Collection::kAppointment, id);
    ASSERT_TRUE(got.ok());
    ASSERT_TRUE(got->has_value()) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 40u);
}

TEST_P(ProxyFallbackTest, FailoverPairsHttpEndpointsWithHubs) {
  UseOfficeProxy();
  const std::string token = Enroll({"S1"});
  auto a = NewReplica("a.db", "S1");
  AddAppointments(*a, 2);
  SyncOptions o = TlsOptions(token);
  // A dead first hub (both transports), then the live one.
  o.hubs = {"127.0.0.1:1", address_};
  o.http_hubs = {"127.0.0.1:1", http_address_};
  auto r = sync::SyncWithFailover(*a, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->hub, address_);
  EXPECT_EQ(r->sync.transport, "http");
  o.http_hubs = {http_address_};
  EXPECT_EQ(sync::SyncWithFailover(*a, o).status().code(), StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Stores, ProxyFallbackTest, pgtest::AllStores(), pgtest::StoreName);

}  // namespace
}  // namespace relais::server::testing
