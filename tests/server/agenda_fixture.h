#pragma once
// The agenda endpoints' fixture (issue #20), shared by agenda_http_test.cc
// and agenda_details_test.cc: an organisation of two sites (CDS71 = DIGOIN
// + AUTUN) and another organisation (MSP2) synced by real replicas into a
// real hub (SQLite or PostgreSQL), the agenda routes served over HTTP on
// loopback, and every patient-details disclosure captured in disclosures_.
#include <httplib.h>

#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "common/crypto/keyring.h"
#include "common/domain/plage_input.h"
#include "common/model/org.h"
#include "common/model/schedule.h"
#include "server/agenda/agenda_routes.h"
#include "server/agenda/agenda_tokens.h"
#include "server/agenda/pg_agenda_tokens.h"
#include "tests/common/test_util.h"
#include "tests/server/hub_fixture.h"

namespace relais::server::testing {

using relais::sync::SyncOnce;
using common::Collection;
using common::ReplicaScope;
using Json = nlohmann::json;

inline constexpr int64_t kMonday9 = 1796630400;  // 2026-12-07 08:00Z = 09:00 Paris
inline constexpr int64_t kNow = (kMonday9 - 86400) * 1000;  // the Sunday before

class AgendaHubFixture : public StoreHubFixture {
 protected:
  void SetUp() override {
    StoreHubFixture::SetUp();
    // The agenda tokens live in the hub's store: its PostgreSQL database, or
    // (SQLite) a file of their own here.
    auto t = OpenAgendaTokens(dir_.File("agenda.db"),
                              Kind() == pgtest::StoreKind::kPostgres ? Location().conninfo : "",
                              &clock_);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    tokens_ = std::move(t).value();
    InstallAgendaRoutes(http_, *store_, *tokens_, clock_, "",
                        [this](const AgendaDisclosure& d) {
                          std::lock_guard<std::mutex> lock(audit_mu_);
                          disclosures_.push_back(d);
                        });
    port_ = http_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    for (int i = 0; i < 500 && !http_.is_running(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    Populate();
  }
  void TearDown() override {
    http_.stop();
    if (thread_.joinable()) thread_.join();
    StoreHubFixture::TearDown();
  }

  std::string Book(common::Replica& r, const std::string& site, const std::string& who,
                   int64_t start, const std::string& patient) {
    common::NewAppointment a;
    a.practitioner = who;
    a.patient_name = patient;
    a.patient_birth = "1948-05-01";
    a.start = start;
    a.duration_min = 20;
    a.site = site;
    auto added = r.AddAppointment(a);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->first : "";
  }

  // CDS71 = DIGOIN + AUTUN; Dr Lemoine (p1@CDS71) works both, with a plage
  // at Digoin on Mondays 09:00-10:00 in 20-minute slots, and is booked at
  // 09:00 there and on Tuesday at Autun. MSP2 is another organisation.
  void Populate() {
    sec_ = NewScopedReplica("sec.db", ReplicaScope{"CDS71", {"DIGOIN", "AUTUN"}}, 1);
    auto msp = NewReplica("msp.db", "MSP2", 2);
    ASSERT_TRUE(sec_ && msp);
    common::Replica* sec = sec_.get();
    t_sec_ = Enroll({"CDS71", "DIGOIN", "AUTUN"}, "sec");
    const std::string& t_sec = t_sec_;
    const std::string t_msp = Enroll({"MSP2"}, "msp");
    for (const char* s : {"DIGOIN", "AUTUN"})
      ASSERT_OK(common::Status(sec->WriteAt(s, Collection::kSite, s,
                                            {{common::field::kName, std::string("Site ") + s},
                                             {common::field::kOrg, "CDS71"}})
                                   .status()));
    common::Replica::PractitionerOrg org;
    org.sites = "AUTUN,DIGOIN";
    ASSERT_OK(sec->AddPractitioner("p1", "Dr Lemoine", "medecin", 0, org));
    common::Schedule s;
    s.practitioner = "p1@CDS71";
    s.weekday = 1;
    s.start_time = "09:00";
    s.end_time = "10:00";
    s.kind = "programmee";
    s.slot_min = 20;
    s.valid_from = "2026-12-01";
    ASSERT_OK(common::Status(sec->WriteAt("DIGOIN", Collection::kSchedule, "pl-digoin-lundi",
                                          common::ScheduleChanges(s))
                                 .status()));
    digoin_appt_ = Book(*sec, "DIGOIN", "p1", kMonday9, "Zoé Marchand");
    autun_appt_ = Book(*sec, "AUTUN", "p1", kMonday9 + 86400, "Jules Perrin");
    ASSERT_OK(msp->AddPractitioner("p9", "Dr Autre", "medecin"));
    Book(*msp, "MSP2", "p9", kMonday9, "Anne Secret");
    ASSERT_OK(SyncOnce(*sec, Options(t_sec)));
    ASSERT_OK(SyncOnce(*msp, Options(t_msp)));
  }

  httplib::Result Get(const std::string& path, const std::string& token = "") {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(20, 0);
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    return c.Get(path, h);
  }

  std::string Token(const std::string& name, const std::string& org,
                    const std::string& practitioner = "",
                    const common::crypto::Keyring* details = nullptr) {
    auto t = tokens_->Enroll(
        {practitioner.empty() ? "fhir" : "ical", org, practitioner, name, details != nullptr}, 0,
        details);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : "";
  }

  static std::vector<Json> Entries(const std::string& body, const std::string& type) {
    std::vector<Json> out;
    const Json b = Json::parse(body);
    for (const Json& e : b.at("entry"))
      if (e.at("resource").at("resourceType") == type) out.push_back(e.at("resource"));
    return out;
  }

  common::FakeClock clock_{kNow};
  std::unique_ptr<AgendaTokens> tokens_;
  httplib::Server http_;
  std::thread thread_;
  int port_ = 0;
  std::string digoin_appt_, autun_appt_;
  std::unique_ptr<common::Replica> sec_;  // CDS71's secretariat (DIGOIN + AUTUN)
  std::string t_sec_;                     // its replica token
  std::mutex audit_mu_;
  std::vector<AgendaDisclosure> disclosures_;  // GUARDED_BY(audit_mu_)
};

}  // namespace relais::server::testing
