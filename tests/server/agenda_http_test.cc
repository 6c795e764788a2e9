// The hub's agenda endpoints (issue #20, server/agenda): an organisation of
// two sites and another organisation synced by real replicas into a real
// hub (SQLite and PostgreSQL), served over HTTP on loopback. Oracles are
// hand-counted from the fixture: which appointments, which free slots,
// which practitioner; and what must never appear (patient names, the other
// organisation). Hostile tokens and parameters are refused.
#include <httplib.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "common/domain/plage_input.h"
#include "common/model/org.h"
#include "common/model/schedule.h"
#include "server/agenda/agenda_routes.h"
#include "server/agenda/agenda_tokens.h"
#include "tests/common/test_util.h"
#include "tests/server/hub_fixture.h"

namespace relais::server::testing {

using relais::sync::SyncOnce;
namespace {

using common::Collection;
using common::ReplicaScope;
using Json = nlohmann::json;

constexpr int64_t kMonday9 = 1796630400;  // 2026-12-07 08:00Z = 09:00 Paris
constexpr int64_t kNow = (kMonday9 - 86400) * 1000;  // the Sunday before

class AgendaHttpTest : public StoreHubFixture {
 protected:
  void SetUp() override {
    StoreHubFixture::SetUp();
    auto t = SqliteAgendaTokens::Open(dir_.File("agenda.db"), &clock_);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    tokens_ = std::move(t).value();
    InstallAgendaRoutes(http_, *store_, *tokens_, clock_);
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
    auto sec = NewScopedReplica("sec.db", ReplicaScope{"CDS71", {"DIGOIN", "AUTUN"}}, 1);
    auto msp = NewReplica("msp.db", "MSP2", 2);
    ASSERT_TRUE(sec && msp);
    const std::string t_sec = Enroll({"CDS71", "DIGOIN", "AUTUN"}, "sec");
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
                    const std::string& practitioner = "") {
    auto t = tokens_->Enroll({practitioner.empty() ? "fhir" : "ical", org, practitioner, name}, 0);
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
  std::unique_ptr<SqliteAgendaTokens> tokens_;
  httplib::Server http_;
  std::thread thread_;
  int port_ = 0;
  std::string digoin_appt_, autun_appt_;
};

TEST_P(AgendaHttpTest, FhirAppointmentsOfTheOrganisationOnly) {
  const std::string t = Token("region", "CDS71");
  auto r = Get("/fhir/Appointment?date=ge2026-12-07&date=lt2026-12-09", t);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/fhir+json; charset=utf-8");
  const auto appts = Entries(r->body, "Appointment");
  ASSERT_EQ(appts.size(), 2u);
  std::set<std::string> starts;
  for (const Json& a : appts) {
    starts.insert(a.at("start"));
    EXPECT_EQ(a.at("status"), "booked");
  }
  EXPECT_EQ(starts, (std::set<std::string>{"2026-12-07T08:00:00Z", "2026-12-08T08:00:00Z"}));
  // Never a patient's name or birth date, never the other organisation.
  for (const char* secret : {"Marchand", "Perrin", "Secret", "1948", "MSP2", "Dr Autre"})
    EXPECT_EQ(r->body.find(secret), std::string::npos) << secret;
  EXPECT_NE(r->body.find("Site DIGOIN"), std::string::npos);
  // One day: only Monday's.
  auto one = Get("/fhir/Appointment?date=2026-12-08", t);
  ASSERT_TRUE(one);
  ASSERT_EQ(one->status, 200) << one->body;
  ASSERT_EQ(Entries(one->body, "Appointment").size(), 1u);
  EXPECT_EQ(Entries(one->body, "Appointment")[0].at("start"), "2026-12-08T08:00:00Z");
}

TEST_P(AgendaHttpTest, FreeSlotsFromThePlagesLessTheBooking) {
  const std::string t = Token("region", "CDS71");
  auto r = Get("/fhir/Slot?status=free&start=eq2026-12-07", t);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  std::set<std::string> starts;
  for (const Json& s : Entries(r->body, "Slot")) {
    EXPECT_EQ(s.at("status"), "free");
    starts.insert(s.at("start"));
  }
  // 09:00, 09:20, 09:40 Paris; 09:00 is booked.
  EXPECT_EQ(starts, (std::set<std::string>{"2026-12-07T08:20:00Z", "2026-12-07T08:40:00Z"}));
  EXPECT_TRUE(Entries(r->body, "Appointment").empty());
}

TEST_P(AgendaHttpTest, IcalSubscriptionOfOnePractitionerWithoutNames) {
  const std::string t = Token("lemoine-phone", "CDS71", "p1@CDS71");
  auto r = Get("/ical/" + t + ".ics");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/calendar; charset=utf-8");
  size_t events = 0;
  for (size_t p = r->body.find("BEGIN:VEVENT"); p != std::string::npos;
       p = r->body.find("BEGIN:VEVENT", p + 1))
    ++events;
  EXPECT_EQ(events, 2u);
  EXPECT_NE(r->body.find("DTSTART:20261207T080000Z"), std::string::npos) << r->body;
  for (const char* secret : {"Marchand", "Perrin", "Secret"})
    EXPECT_EQ(r->body.find(secret), std::string::npos) << secret;
  // Revoked: refused.
  ASSERT_OK(tokens_->Revoke("lemoine-phone"));
  auto gone = Get("/ical/" + t + ".ics");
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 401);
}

TEST_P(AgendaHttpTest, HostileTokensAndParametersAreRefused) {
  const std::string fhir = Token("region", "CDS71");
  const std::string ical = Token("phone", "CDS71", "p1@CDS71");
  const std::string other = Token("other", "NOWHERE");
  // No token, a wrong one, an iCal token on /fhir, a FHIR token as an iCal URL.
  for (const std::string& tok : {std::string(), std::string(64, 'a'), ical}) {
    auto r = Get("/fhir/Appointment", tok);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << tok;
    EXPECT_EQ(Json::parse(r->body).at("resourceType"), "OperationOutcome");
  }
  auto as_ical = Get("/ical/" + fhir + ".ics");
  ASSERT_TRUE(as_ical);
  EXPECT_EQ(as_ical->status, 401);
  // An organisation without sites at this hub.
  auto unknown = Get("/fhir/Appointment", other);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  // Bad periods and parameters: 400, nothing served.
  for (const char* q : {"date=2026-13-01", "date=xx2026-12-01", "date=ge2026-12-01&date=ge2026-12-02&date=lt2027-01-01",
                        "date=ge2026-01-01&date=lt2026-12-31", "date=ge2026-12-09&date=lt2026-12-08",
                        "date=ge2026-12-01%00"}) {
    auto r = Get(std::string("/fhir/Appointment?") + q, fhir);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << q << " " << r->body;
  }
  auto busy = Get("/fhir/Slot?status=busy", fhir);
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->status, 400);
  // Paths that are not a token.
  for (const char* p : {"/ical/../agenda.db", "/ical/ABC.ics", "/ical/.ics"}) {
    auto r = Get(p);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404) << p;
  }
  // Honest requests still work afterwards.
  auto ok = Get("/fhir/Appointment?date=ge2026-12-07&date=lt2026-12-09", fhir);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST(AgendaPeriodTest, FhirDatePrefixes) {
  // Paris days; 2026-12-07 00:00 Paris = 2026-12-06 23:00Z = 1796598000.
  const int64_t d7 = 1796598000;
  auto p = ParseFhirPeriod({"ge2026-12-07", "lt2026-12-09"}, kNow / 1000);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->first, d7);
  EXPECT_EQ(p->second, d7 + 2 * 86400);
  p = ParseFhirPeriod({"gt2026-12-06", "le2026-12-07"}, kNow / 1000);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->first, d7);
  EXPECT_EQ(p->second, d7 + 86400);
  p = ParseFhirPeriod({}, kNow / 1000);  // today (Sunday 6th) + 6 days
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->first, d7 - 86400);
  EXPECT_EQ(p->second, d7 + 6 * 86400);
  EXPECT_FALSE(ParseFhirPeriod({"ne2026-12-07"}, kNow / 1000).ok());
  EXPECT_FALSE(ParseFhirPeriod({"ge2026-12-07", "lt2027-05-01"}, kNow / 1000).ok());
}

INSTANTIATE_TEST_SUITE_P(Stores, AgendaHttpTest, pgtest::AllStores(), pgtest::StoreName);

}  // namespace
}  // namespace relais::server::testing
