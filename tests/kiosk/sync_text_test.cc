// The status bar's hub + peer sentence (kiosk/app/sync_text.h) from fixed
// snapshots and a fixed clock. Oracle: the sentences written by hand.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kiosk/app/sync_text.h"

namespace relais::kiosk {
namespace {

constexpr int64_t kNow = 1'800'000'000'000;

SyncStatus Hub(bool online, int64_t ago_ms, const std::string& err = "") {
  SyncStatus s;
  s.enabled = true;
  s.online = online;
  s.last_success_ms = ago_ms < 0 ? 0 : kNow - ago_ms;
  s.last_error = err;
  return s;
}

PeerSyncStatus Peer(bool online, int64_t ago_ms, const std::string& err = "") {
  PeerSyncStatus p;
  p.enabled = true;
  p.online = online;
  p.last_success_ms = ago_ms < 0 ? 0 : kNow - ago_ms;
  p.last_error = err;
  return p;
}

TEST(SyncTextTest, PeerRecentHubDown) {
  EXPECT_EQ(SyncStatusText(Lang::kFr, Hub(false, 3'600'000, "UNAVAILABLE"), Peer(true, 60'000),
                           kNow),
            "synchronisé avec le secrétariat il y a 1 min (hub injoignable)");
}

TEST(SyncTextTest, HubMostRecentAllUp) {
  EXPECT_EQ(SyncStatusText(Lang::kFr, Hub(true, 120'000), Peer(true, 300'000), kNow),
            "synchronisé avec le hub il y a 2 min");
}

TEST(SyncTextTest, PeerNeverReachedAlone) {
  EXPECT_EQ(SyncStatusText(Lang::kFr, SyncStatus{}, Peer(false, -1, "refusé"), kNow),
            "secrétariat injoignable");
}

TEST(SyncTextTest, HoursAndBothDownNamesEach) {
  EXPECT_EQ(SyncStatusText(Lang::kFr, Hub(false, 7'200'000, "x"), Peer(false, 3 * 3'600'000, "y"),
                           kNow),
            "synchronisé avec le hub il y a 2 h (hub injoignable, secrétariat injoignable)");
}

TEST(SyncTextTest, NothingYetAndCustomName) {
  PeerSyncStatus p = Peer(false, -1);
  EXPECT_EQ(SyncStatusText(Lang::kFr, Hub(false, -1), p, kNow), "jamais synchronisé");
  p = Peer(true, 30'000);
  p.name = "la salle 2";
  EXPECT_EQ(SyncStatusText(Lang::kFr, Hub(false, -1, "x"), p, kNow),
            "synchronisé avec la salle 2 à l'instant (hub injoignable)");
  p = Peer(false, -1, "x");
  p.name = "la salle 2";
  EXPECT_EQ(SyncStatusText(Lang::kFr, SyncStatus{}, p, kNow), "salle 2 injoignable");
}

TEST(SyncTextTest, English) {
  EXPECT_EQ(SyncStatusText(Lang::kEn, Hub(false, -1, "x"), Peer(true, 5 * 60'000), kNow),
            "synced with le secrétariat 5 min ago (hub unreachable)");
}

}  // namespace
}  // namespace relais::kiosk

namespace relais::kiosk {
namespace {

// Adversarial --peer/--pki/--peer-name: refused in French, honest ones kept.
TEST(PeerOptionsTest, CraftedRefusedHonestAccepted) {
  EXPECT_TRUE(CheckPeerOptions("192.168.1.10:7443", "/etc/relais/pki", "le secrétariat").ok());
  EXPECT_TRUE(CheckPeerOptions("secretariat.local:1", "pki", "la salle 2").ok());
  EXPECT_TRUE(CheckPeerOptions("auto", "pki", "le secrétariat").ok());  // LAN discovery
  EXPECT_FALSE(CheckPeerOptions("auto", "", "le secrétariat").ok());
  EXPECT_FALSE(CheckPeerOptions("AUTO", "pki", "le secrétariat").ok());
  for (const std::string& bad : std::vector<std::string>
       {"", "hote", ":7443", "hote:", "hote:0", "hote:65536", "hote:99999999999",
        "hote:74a3", "a b:1", "a,b:1", std::string(300, 'a') + ":1", "hote:-1",
        std::string("ho\nte:1")}) {
    common::Status s = CheckPeerOptions(bad, "pki", "le secrétariat");
    EXPECT_EQ(s.code(), common::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("--peer"), std::string::npos) << s.message();
  }
  EXPECT_NE(CheckPeerOptions("h:1", "", "x").message().find("--pki"), std::string::npos);
  EXPECT_FALSE(CheckPeerOptions("h:1", "pki", "").ok());
  EXPECT_FALSE(CheckPeerOptions("h:1", "pki", std::string(41, 'x')).ok());
  EXPECT_FALSE(CheckPeerOptions("h:1", "pki", "le\x1b[31m").ok());
}

}  // namespace
}  // namespace relais::kiosk
