// The kiosk's background LAN worker (kiosk/peer_sync.h, issue #17): the
// secretariat serves the Peer service over mutual TLS on 127.0.0.1 (as
// `relais peer serve` does, tests/peer/peer_fixture.h) and the kiosk's
// worker function, loading its TLS from files like `relais pki` writes
// them, syncs one record each way. Oracles: the appointments each side
// wrote, and the counts of records sent/received.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "kiosk/peer_sync.h"
#include "tests/peer/peer_fixture.h"

namespace relais::peer::testing {
namespace {

class KioskPeerWorkerTest : public PeerFixture {
 protected:
  // Writes the kiosk's TLS files: <pki>/ca.crt and "<db>.pair.crt/.key".
  std::string WritePki(const KeyAndCert& ca, const Node& n, const std::string& db) {
    const std::string pki = dir_.File("pki");
    std::filesystem::create_directories(pki);
    EXPECT_TRUE(WritePrivateFile(pki + "/" + kCaCertFile, ca.cert_pem).ok());
    EXPECT_TRUE(WritePrivateFile(db + kReplicaCertSuffix, n.tls.cert_pem).ok());
    EXPECT_TRUE(WritePrivateFile(db + kReplicaKeySuffix, n.tls.key_pem).ok());
    return pki;
  }

  static bool HasAppointment(Node& n, const std::string& id) {
    auto all = n.rep->AllAppointments();
    EXPECT_TRUE(all.ok());
    if (all.ok())
      for (const common::Appointment& a : *all)
        if (a.id == id) return true;
    return false;
  }
};

TEST_F(KioskPeerWorkerTest, OneRecordEachWayThenUnreachable) {
  const KeyAndCert ca = Ca("msp1");
  Node& k = NewNode("kiosque.db", "msp1", ca, 21);
  Node& s = NewNode("secretariat.db", "msp1", ca, 22);
  Serve(s);
  const std::string db = dir_.File("kiosque.db");
  const std::string pki = WritePki(ca, k, db);
  const std::string from_kiosk = server::testing::AddAppointments(*k.rep, 1).at(0);
  const std::string from_secretariat = server::testing::AddAppointments(*s.rep, 1).at(0);
  ASSERT_NE(from_kiosk, from_secretariat);

  auto fn = kiosk::MakePeerSyncFn(kiosk::PeerWorkerConfig{db, pki, s.address, 10000});
  common::SyncCounts c;
  common::Status st = fn(&c);
  ASSERT_TRUE(st.ok()) << st.ToString();
  // AddAppointments also writes the appointment's patient/practitioner
  // records: at least the appointment went each way.
  EXPECT_GE(c.pushed, 1);
  EXPECT_GE(c.pulled, 1);
  EXPECT_TRUE(HasAppointment(k, from_secretariat));
  EXPECT_TRUE(HasAppointment(s, from_kiosk));
  EXPECT_EQ(Dump(k), Dump(s));

  // Nothing new: a second round moves nothing.
  st = fn(&c);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(c.pushed, 0);
  EXPECT_EQ(c.pulled, 0);

  // The secretariat stops serving: the round fails UNAVAILABLE (the status
  // bar then says « secrétariat injoignable »).
  s.server.server->Shutdown();
  st = fn(&c);
  EXPECT_EQ(st.code(), common::StatusCode::kUnavailable) << st.ToString();
}

// A kiosk whose certificate file was replaced by another house's: refused
// before any connection, with a French message naming the fix.
TEST_F(KioskPeerWorkerTest, ForeignCertificateRefused) {
  const KeyAndCert ca = Ca("msp1");
  const KeyAndCert other = Ca("msp2");
  Node& k = NewNode("kiosque.db", "msp1", ca, 31);
  Node& s = NewNode("secretariat.db", "msp1", ca, 32);
  Node& foreign = NewNode("ailleurs.db", "msp2", other, 33);
  Serve(s);
  const std::string db = dir_.File("kiosque.db");
  const std::string pki = WritePki(ca, k, db);
  ASSERT_TRUE(WritePrivateFile(db + kReplicaCertSuffix, foreign.tls.cert_pem).ok());
  ASSERT_TRUE(WritePrivateFile(db + kReplicaKeySuffix, foreign.tls.key_pem).ok());
  const std::string before = Dump(s);
  server::testing::AddAppointments(*k.rep, 1);
  common::SyncCounts c;
  common::Status st =
      kiosk::MakePeerSyncFn(kiosk::PeerWorkerConfig{db, pki, s.address, 10000})(&c);
  EXPECT_EQ(st.code(), common::StatusCode::kFailedPrecondition) << st.ToString();
  EXPECT_NE(st.message().find("certificat"), std::string::npos) << st.message();
  EXPECT_EQ(Dump(s), before);
}

// `--peer auto` without an Avahi daemon (the system bus pointed at a
// socket that does not exist, so the machine's daemon, if any, is not
// asked): the round fails with the French reason, nothing is written.
TEST_F(KioskPeerWorkerTest, AutoWithoutAvahiSaysSo) {
  const KeyAndCert ca = Ca("msp1");
  Node& k = NewNode("kiosque.db", "msp1", ca, 41);
  const std::string db = dir_.File("kiosque.db");
  const std::string pki = WritePki(ca, k, db);
  const std::string bus = "unix:path=" + dir_.File("pas-de-bus");
  ASSERT_EQ(setenv("DBUS_SYSTEM_BUS_ADDRESS", bus.c_str(), 1), 0);
  const std::string before = Dump(k);
  common::SyncCounts c;
  common::Status st = kiosk::MakePeerSyncFn(kiosk::PeerWorkerConfig{db, pki, "auto", 10000})(&c);
  unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
  EXPECT_EQ(st.code(), common::StatusCode::kUnavailable) << st.ToString();
  EXPECT_NE(st.message().find("démon Avahi indisponible"), std::string::npos) << st.message();
  EXPECT_EQ(Dump(k), before);
}

}  // namespace
}  // namespace relais::peer::testing
