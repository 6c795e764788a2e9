// The hub's agenda endpoints (issue #20, server/agenda): an organisation of
// two sites and another organisation synced by real replicas into a real
// hub (SQLite and PostgreSQL), served over HTTP on loopback. Oracles are
// hand-counted from the fixture: which appointments, which free slots,
// which practitioner; and what must never appear (patient names, the other
// organisation). Hostile tokens and parameters are refused.
#include "tests/server/agenda_fixture.h"

namespace relais::server::testing {
namespace {

class AgendaHttpTest : public AgendaHubFixture {};

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
