// DiscoverAndSync (common/peer/peer_discover.h) with a crafted browser and
// real Peer servers on 127.0.0.1: the honest secretariat is found and
// synced; a server of another house announced as ours is refused at the
// TLS handshake; a port that accepts and says nothing costs at most the
// hello deadline; another organisation, garbage and ourselves are never
// dialled. Oracles: the dumps of the replicas, wall-clock bounds, and the
// other house's replica unchanged.
#include "common/peer/peer_discover.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "tests/peer/peer_fixture.h"

namespace relais::peer::testing {
namespace {

using common::StatusCode;

class FakeBrowser final : public PeerBrowser {
 public:
  common::Result<std::vector<DiscoveredService>> Browse() override {
    ++calls;
    if (!error.ok()) return error;
    return services;
  }
  std::vector<DiscoveredService> services;
  common::Status error;
  int calls = 0;
};

// A TCP port that accepts connections and never answers (not a peer).
class SilentPort {
 public:
  SilentPort() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&a), len), 0);
    EXPECT_EQ(listen(fd_, 16), 0);
    EXPECT_EQ(getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len), 0);
    port_ = ntohs(a.sin_port);
  }
  ~SilentPort() { close(fd_); }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

DiscoveredService Announced(const std::string& org, const std::string& id, uint16_t port) {
  DiscoveredService d;
  d.name = "Relais " + id;
  d.host = "poste.local";
  d.address = "127.0.0.1";
  d.port = port;
  d.txt = AnnouncementTxt(PeerAnnouncement{kAnnouncedVersion, org, id, "msp1"});
  return d;
}

class PeerDiscoverTest : public PeerFixture {
 protected:
  void SetUp() override {
    PeerFixture::SetUp();
    ca_ = Ca("msp1");
    other_ca_ = Ca("msp2");
    k_ = &NewNode("kiosque.db", "msp1", ca_, 31);
    s_ = &NewNode("secretariat.db", "msp1", ca_, 32);
    x_ = &NewNode("intrus.db", "msp2", other_ca_, 33);
    Serve(*s_);
    Serve(*x_);
    server::testing::AddAppointments(*k_->rep, 2);
    server::testing::AddAppointments(*x_->rep, 1);
  }

  uint16_t Port(const Node& n) const { return static_cast<uint16_t>(n.server.port); }

  KeyAndCert ca_, other_ca_;
  Node* k_ = nullptr;
  Node* s_ = nullptr;
  Node* x_ = nullptr;
};

TEST_F(PeerDiscoverTest, SyncsWithTheHonestPeerAndRefusesTheRest) {
  const std::string x_before = Dump(*x_);
  SilentPort silent;
  FakeBrowser b;
  DiscoveredService garbage = Announced("msp1", "g", Port(*s_));
  garbage.txt = {"org=msp1", "v=1", "v=2"};
  b.services = {
      Announced("msp2", x_->rep->replica_id(), Port(*x_)),      // other org: skipped
      Announced("msp1", "menteur", Port(*x_)),                  // msp2's server says msp1
      Announced("msp1", "muet", silent.port()),                 // not a peer at all
      garbage,                                                  // never dialled
      Announced("msp1", k_->rep->replica_id(), Port(*s_)),      // claims to be us
      Announced("msp1", s_->rep->replica_id(), Port(*s_)),      // the secretariat
  };
  DiscoverSyncOptions o;
  o.sync.hello_deadline_ms = 1500;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = DiscoverAndSync(*k_->rep, k_->tls, b, o);
  const auto spent = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_LT(spent, std::chrono::seconds(15));
  EXPECT_EQ(r->selection.other_org, 1);
  EXPECT_EQ(r->selection.malformed, 1);
  EXPECT_EQ(r->selection.own, 1);
  ASSERT_EQ(r->syncs.size(), 3u);
  EXPECT_EQ(r->succeeded(), 1);
  for (const DiscoveredSync& s : r->syncs) {
    if (s.replica_id == s_->rep->replica_id()) {
      ASSERT_TRUE(s.status.ok()) << s.status.ToString();
      EXPECT_EQ(s.report.peer_id, s_->rep->replica_id());
      EXPECT_GT(s.report.sent, 0);
    } else {
      EXPECT_FALSE(s.status.ok()) << s.replica_id;
      EXPECT_TRUE(s.status.code() == StatusCode::kUnavailable ||
                  s.status.code() == StatusCode::kDeadlineExceeded)
          << s.status.ToString();
    }
  }
  EXPECT_EQ(Dump(*k_), Dump(*s_));
  EXPECT_EQ(Dump(*x_), x_before);  // the other house got nothing
}

TEST_F(PeerDiscoverTest, NothingAnnouncedOrNoDaemonIsAClearError) {
  FakeBrowser b;
  b.services = {Announced("msp2", x_->rep->replica_id(), Port(*x_))};
  auto r = DiscoverAndSync(*k_->rep, k_->tls, b, DiscoverSyncOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("aucun pair de l'organisation"), std::string::npos);
  b.error = common::Status::Unavailable("démon Avahi indisponible");
  r = DiscoverAndSync(*k_->rep, k_->tls, b, DiscoverSyncOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
}

// A flood of announcements of our organisation pointing at silent ports:
// bounded to the candidates kept, each bounded by the hello deadline.
TEST_F(PeerDiscoverTest, AFloodCostsBoundedTime) {
  SilentPort silent;
  FakeBrowser b;
  for (int i = 0; i < 300; ++i)
    b.services.push_back(Announced("msp1", "flood" + std::to_string(100 + i), silent.port()));
  DiscoverSyncOptions o;
  o.sync.hello_deadline_ms = 300;
  o.max_candidates = 4;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = DiscoverAndSync(*k_->rep, k_->tls, b, o);
  const auto spent = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->syncs.size(), 4u);
  EXPECT_EQ(r->succeeded(), 0);
  EXPECT_LT(spent, std::chrono::seconds(8));
  EXPECT_GT(r->selection.over_limit, 0);
}

}  // namespace
}  // namespace relais::peer::testing
