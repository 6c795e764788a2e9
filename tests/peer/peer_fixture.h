#pragma once
// Replicas of organisations on 127.0.0.1 that sync peer to peer over mutual
// TLS (common/peer), beside an in-process hub (tests/server/hub_fixture.h)
// that a test stops ("hub down") and starts again.

#include <gtest/gtest.h>

#include <algorithm>
#include <list>
#include <memory>
#include <string>

#include "common/peer/peer_client.h"
#include "common/peer/peer_service.h"
#include "common/peer/pki.h"
#include "tests/server/hub_fixture.h"

namespace relais::peer::testing {

// One replica with its certificate, optionally serving.
struct Node {
  std::unique_ptr<common::Replica> rep;
  PeerTls tls;
  std::string token;
  std::unique_ptr<PeerService> service;
  RunningPeerServer server;
  std::string address;
};

class PeerFixture : public server::testing::HubFixture {
 protected:
  void TearDown() override {
    for (Node& n : nodes_)
      if (n.server.server) n.server.server->Shutdown();
    nodes_.clear();
    HubFixture::TearDown();
  }

  static KeyAndCert Ca(const std::string& org) {
    auto ca = MakeCa(org);
    EXPECT_TRUE(ca.ok()) << ca.status().ToString();
    return ca.ok() ? *ca : KeyAndCert{};
  }

  // A replica of site `site` (an organisation of one site) with a
  // certificate of `ca`, and a hub token. The fixture owns it (servers
  // stop before replicas close).
  Node& NewNode(const std::string& file, const std::string& site, const KeyAndCert& ca,
                uint64_t seed, const Validity& validity = Validity{}) {
    return NewScopedNode(file, common::ReplicaScope{"", {site}}, ca, seed, validity);
  }

  // The same for a replica holding `scope` (organisation and sites).
  Node& NewScopedNode(const std::string& file, const common::ReplicaScope& scope,
                      const KeyAndCert& ca, uint64_t seed,
                      const Validity& validity = Validity{}) {
    Node& n = nodes_.emplace_back();
    n.rep = NewScopedReplica(file, scope, seed);
    if (!n.rep) return n;
    auto cert = IssueReplicaCert(
        ca, CertIdentity{n.rep->org_id(), n.rep->replica_id(), n.rep->scope()}, validity);
    EXPECT_TRUE(cert.ok()) << cert.status().ToString();
    if (cert.ok()) n.tls = PeerTls{ca.cert_pem, cert->cert_pem, cert->key_pem};
    n.token = Enroll(n.rep->scope(), file);
    return n;
  }

  void Serve(Node& n) {
    n.service = std::make_unique<PeerService>(n.rep.get(), n.tls);
    auto running = StartPeerServer(n.service.get(), n.tls, "127.0.0.1:0");
    ASSERT_TRUE(running.ok()) << running.status().ToString();
    n.server = std::move(running).value();
    n.address = "127.0.0.1:" + std::to_string(n.server.port);
  }

  static common::Result<PeerSyncReport> PeerSync(Node& from, const Node& to) {
    PeerSyncOptions o;
    o.peer = to.address;
    o.deadline_ms = 10000;
    return PeerSyncOnce(*from.rep, from.tls, o);
  }

  common::Result<relais::sync::SyncReport> HubSync(Node& n) {
    return relais::sync::SyncOnce(*n.rep, Options(n.token));
  }

  // Every record the hub holds for `site`, in dump order.
  std::string HubDump(const std::string& site) {
    server::Scope scope;
    scope.sites = {site};
    auto pulled = store_->Pull(scope, 0, 1000000, size_t{1} << 30);
    EXPECT_TRUE(pulled.ok()) << pulled.status().ToString();
    if (!pulled.ok()) return "";
    std::vector<common::Record> all = pulled->records;
    std::sort(all.begin(), all.end(), [](const common::Record& a, const common::Record& b) {
      const std::string ca = common::CollectionName(a.collection);
      const std::string cb = common::CollectionName(b.collection);
      return ca != cb ? ca < cb : a.id < b.id;
    });
    return common::DumpJson(all);
  }

  static std::string Dump(Node& n) {
    auto d = n.rep->Dump();
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? *d : "";
  }

  std::list<Node> nodes_;
};

}  // namespace relais::peer::testing
