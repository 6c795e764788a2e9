// Who may sync on the house LAN, and what a peer may send (issue #17).
// Another house's certificate, a second authority claiming this house, and
// an expired certificate fail at the TLS handshake; a replica of this house
// sending forged records (writes in another replica's name, foreign site,
// oversized, wrong identity, counters going back, forged deletions) gets
// nothing of that stored, and honest data survives.
#include <gtest/gtest.h>

#include <grpcpp/grpcpp.h>

#include "common/convert/convert.h"
#include "common/peer/peer_apply.h"
#include "tests/peer/peer_fixture.h"

namespace relais::peer::testing {
namespace {

using common::Collection;
using common::StatusCode;

class PeerSecurityTest : public PeerFixture {
 protected:
  void SetUp() override {
    PeerFixture::SetUp();
    ca_ = Ca("msp1");
    k_p = &NewNode("kiosque.db", "msp1", ca_, 21);
    s_p = &NewNode("secretariat.db", "msp1", ca_, 22);
    Serve(*s_p);
    ids_ = server::testing::AddAppointments(*k_p->rep, 2);
    auto r = PeerSync(*k_p, *s_p);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(Dump(*k_p), Dump(*s_p));
  }

  // A raw call to the secretariat with the kiosk's valid certificate.
  grpc::Status Raw(const v1::ExchangeRequest& req, v1::ExchangeResponse* resp) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = k_p->tls.ca_pem;
    ssl.pem_private_key = k_p->tls.key_pem;
    ssl.pem_cert_chain = k_p->tls.cert_pem;
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride(kPeerTlsName);
    args.SetMaxSendMessageSize(64 << 20);
    auto stub = v1::Peer::NewStub(
        grpc::CreateCustomChannel(s_p->address, grpc::SslCredentials(ssl), args));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return stub->Exchange(&ctx, req, resp);
  }

  v1::ExchangeRequest Request(const std::vector<common::Record>& push) {
    v1::ExchangeRequest req;
    req.set_protocol_version(kPeerProtocolVersion);
    req.set_replica_id(k_p->rep->replica_id());
    for (const common::Record& r : push) common::ToProto(r, req.add_push());
    req.set_push_seq(1);
    req.set_pull_cursor(static_cast<uint64_t>(INT64_MAX));
    req.set_max_pull_records(1);
    return req;
  }

  common::Record KioskAppt() {
    auto r = k_p->rep->Get(Collection::kAppointment, ids_[0]);
    EXPECT_TRUE(r.ok() && r->has_value());
    return r.ok() && r->has_value() ? **r : common::Record{};
  }

  // Sends `forged`, expects `code`, and that the secretariat did not move.
  void ExpectRefused(const common::Record& forged, grpc::StatusCode code,
                     const std::string& words) {
    SCOPED_TRACE(words);
    const std::string before = Dump(*s_p);
    v1::ExchangeResponse resp;
    grpc::Status st = Raw(Request({forged}), &resp);
    EXPECT_EQ(st.error_code(), code) << st.error_message();
    EXPECT_NE(st.error_message().find(words), std::string::npos) << st.error_message();
    EXPECT_EQ(Dump(*s_p), before);
  }

  KeyAndCert ca_;
  Node* k_p = nullptr;
  Node* s_p = nullptr;
  std::vector<std::string> ids_;
};

TEST_F(PeerSecurityTest, AnotherHouseIsRefusedAtTheHandshake) {
  const std::string before = Dump(*s_p);
  const int served = s_p->service->served();
  // A replica of organisation msp2 with msp2's own authority.
  Node& b = NewNode("autre.db", "msp2", Ca("msp2"), 23);
  server::testing::AddAppointments(*b.rep, 1);
  auto r = PeerSync(b, *s_p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable) << r.status().ToString();
  EXPECT_NE(r.status().message().find("TLS"), std::string::npos);
  // And the other way: this house does not sync with msp2's server.
  Serve(b);
  EXPECT_EQ(PeerSync(*k_p, b).status().code(), StatusCode::kUnavailable);
  // A second authority claiming msp1 is not this house's either.
  Node& rogue = NewNode("rogue.db", "msp1", Ca("msp1"), 24);
  EXPECT_EQ(PeerSync(rogue, *s_p).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(s_p->service->served(), served);  // no call got through
  EXPECT_EQ(Dump(*s_p), before);
}

TEST_F(PeerSecurityTest, ExpiredCertificateIsRefused) {
  Node& old = NewNode("ancien.db", "msp1", ca_, 25, Validity{-10 * 86400, -86400});
  const int served = s_p->service->served();
  auto r = PeerSync(old, *s_p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable) << r.status().ToString();
  EXPECT_EQ(s_p->service->served(), served);
  // The tools refuse to start with it, saying why.
  common::Status own = CheckOwnTls(old.tls, *old.rep, old.rep->clock()->NowMillis() / 1000);
  EXPECT_EQ(own.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(own.message().find("expiré"), std::string::npos) << own.message();
}

TEST_F(PeerSecurityTest, WritesInAnotherReplicasNameAreNotTaken) {
  common::Record forged = KioskAppt();
  for (const std::string& victim : {s_p->rep->replica_id(), std::string("zz-inconnue")}) {
    const uint64_t c = forged.vv.Get(victim) + 5;
    forged.vv.Set(victim, c);
    forged.fields["note"] = {common::Sibling{"écrit au nom de " + victim, {victim, c}, 1}};
  }
  v1::ExchangeResponse resp;
  grpc::Status st = Raw(Request({forged}), &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_GT(resp.ignored(), 0u);
  auto held = s_p->rep->Get(Collection::kAppointment, ids_[0]);
  ASSERT_TRUE(held.ok() && held->has_value());
  EXPECT_EQ((*held)->fields.count("note"), 0u);
  EXPECT_EQ((*held)->vv.Get("zz-inconnue"), 0u);
  EXPECT_EQ(Dump(*s_p), Dump(*k_p));  // nothing of it stored
}

TEST_F(PeerSecurityTest, ForgedDeletionDeletesNothing) {
  common::Record forged = KioskAppt();
  forged.fields.erase("status");  // omitted, its write still "seen"
  v1::ExchangeResponse resp;
  ASSERT_TRUE(Raw(Request({forged}), &resp).ok());
  EXPECT_GT(resp.ignored(), 0u);
  EXPECT_EQ(Dump(*s_p), Dump(*k_p));
}

TEST_F(PeerSecurityTest, ForeignSiteOversizedAndMalformedAreRefused) {
  common::Record other_site = KioskAppt();
  other_site.site_id = "msp2";
  other_site.id = "rdv-ailleurs";
  ExpectRefused(other_site, grpc::StatusCode::PERMISSION_DENIED, "hors de la portée");

  common::Record big = KioskAppt();
  const uint64_t c = big.vv.Get(k_p->rep->replica_id()) + 1;
  big.vv.Set(k_p->rep->replica_id(), c);
  big.fields["note"] = {common::Sibling{std::string(70 * 1024, 'x'), {k_p->rep->replica_id(), c}, 1}};
  ExpectRefused(big, grpc::StatusCode::INVALID_ARGUMENT, "trop volumineux");

  // A stale state (a replica restored from an old copy): counter going back.
  const common::Record back = KioskAppt();
  ASSERT_TRUE(k_p->rep->SetStatus(ids_[0], "checked_in").ok());
  ASSERT_TRUE(PeerSync(*k_p, *s_p).ok());
  ExpectRefused(back, grpc::StatusCode::INVALID_ARGUMENT, "en recul");

  // Too many records in one exchange.
  std::vector<common::Record> many(kMaxExchangeRecords + 1, KioskAppt());
  const std::string before = Dump(*s_p);
  v1::ExchangeResponse resp;
  EXPECT_EQ(Raw(Request(many), &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Dump(*s_p), before);
}

TEST_F(PeerSecurityTest, ClaimedIdentityMustBeTheCertificates) {
  v1::ExchangeRequest req = Request({KioskAppt()});
  req.set_replica_id(s_p->rep->replica_id());
  v1::ExchangeResponse resp;
  grpc::Status st = Raw(req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(st.error_message().find("certificat"), std::string::npos) << st.error_message();
  req = Request({});
  req.set_protocol_version(99);
  EXPECT_EQ(Raw(req, &resp).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(PeerSecurityTest, HonestDataSurvivesTheAttempts) {
  common::Record big = KioskAppt();
  big.site_id = "msp2";
  v1::ExchangeResponse resp;
  EXPECT_FALSE(Raw(Request({big}), &resp).ok());
  // Honest work goes on.
  ASSERT_TRUE(k_p->rep->SetStatus(ids_[1], "checked_in").ok());
  auto r = PeerSync(*k_p, *s_p);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Dump(*k_p), Dump(*s_p));
  auto all = s_p->rep->AllAppointments();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
}

}  // namespace
}  // namespace relais::peer::testing
