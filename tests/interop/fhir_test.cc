// FHIR export (common/interop/fhir.h): the fixture against a hand-written
// bundle (JSON equality), and the profile constraints that matter checked
// on every resource of the fixture and of hostile inputs: required
// elements, cardinalities, code systems, meta.profile canonical URLs,
// references resolving inside the bundle, no patient identity without the
// option.
#include "common/interop/fhir.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "tests/common/test_seed.h"
#include "tests/interop/fixture.h"

namespace relais::common::interop {
namespace {

using Json = nlohmann::json;

std::string ReadTestData(const std::string& name) {
  std::ifstream in(std::string(RELAIS_INTEROP_TESTDATA) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

FhirOptions FixtureOptions() {
  FhirOptions o;
  o.now = testing::FixtureNow();
  o.patient_pseudonym = [](const std::string& ref) { return "p-" + ref; };
  return o;
}

TEST(FhirTest, FixtureMatchesHandWrittenBundle) {
  const Json got = Json::parse(ExportFhirBundle(testing::FixtureAgenda(), FixtureOptions()));
  const Json want = Json::parse(ReadTestData("agenda_bundle.json"));
  EXPECT_EQ(got, want) << got.dump(2);
}

TEST(FhirTest, StatusMapping) {
  const std::map<std::string, std::string> want = {
      {"booked", "booked"},        {"checked_in", "arrived"}, {"in_consultation", "checked-in"},
      {"done", "fulfilled"},       {"no_show", "noshow"},     {"cancelled", "cancelled"}};
  for (const std::string& s : AppointmentStatuses()) {
    ASSERT_TRUE(want.count(s)) << s;
    EXPECT_EQ(FhirAppointmentStatus(s), want.at(s));
  }
  EXPECT_EQ(FhirAppointmentStatus("en_attente"), "");
}

TEST(FhirTest, IdsAreValidAndInjective) {
  const std::regex fhir_id("[A-Za-z0-9\\-\\.]{1,64}");
  const std::vector<std::string> raws = {
      "a@S1", "a.40S1", "a_S1", "a.5FS1", "", "é", "S1/2", "S1.2F2", std::string(64, 'x'),
      std::string(65, 'x'), std::string(200, '@'), "h..0", "rdv-1"};
  std::set<std::string> seen;
  for (const std::string& r : raws) {
    const std::string id = FhirId(r);
    EXPECT_TRUE(std::regex_match(id, fhir_id)) << r << " -> " << id;
    EXPECT_TRUE(seen.insert(id).second) << "collision on " << r << " -> " << id;
  }
  EXPECT_EQ(FhirId("a@S1"), "a.40S1");
  EXPECT_EQ(FhirId("a.40S1"), "a.2E40S1");
  EXPECT_EQ(FhirId(std::string(64, 'x')), std::string(64, 'x'));
  EXPECT_EQ(FhirId(std::string(65, 'x')).size(), 35u);
}

// The constraints checked on every bundle (docs/interop.md).
void CheckBundle(const Json& b, const std::string& base) {
  ASSERT_EQ(b.at("resourceType"), "Bundle");
  ASSERT_EQ(b.at("type"), "collection");
  const std::regex fhir_id("[A-Za-z0-9\\-\\.]{1,64}");
  const std::regex instant("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
  const std::string gap = "https://interop.esante.gouv.fr/ig/fhir/gap/StructureDefinition/";
  const std::string fr = "https://hl7.fr/ig/fhir/core/StructureDefinition/";
  const std::map<std::string, std::vector<std::string>> profiles = {
      {"Organization", {fr + "fr-core-organization"}},
      {"Location", {fr + "fr-core-location"}},
      {"Practitioner", {fr + "fr-core-practitioner"}},
      {"PractitionerRole", {fr + "fr-core-practitioner-role"}},
      {"Patient", {fr + "fr-core-patient"}},
      {"Schedule", {gap + "gap-fr-schedule", fr + "fr-core-schedule"}},
      {"Slot", {gap + "gap-fr-slot", fr + "fr-core-slot"}},
      {"Appointment", {gap + "gap-fr-appointment", fr + "fr-core-appointment"}}};
  std::set<std::string> present;
  for (const Json& e : b.at("entry")) {
    const Json& r = e.at("resource");
    const std::string type = r.at("resourceType"), id = r.at("id");
    EXPECT_TRUE(std::regex_match(id, fhir_id)) << id;
    EXPECT_EQ(e.at("fullUrl"), base + "/" + type + "/" + id);
    EXPECT_TRUE(present.insert(type + "/" + id).second) << "duplicate " << type << "/" << id;
    ASSERT_TRUE(profiles.count(type)) << "unexpected resource " << type;
    EXPECT_EQ(r.at("meta").at("profile").get<std::vector<std::string>>(), profiles.at(type));
  }
  // Every reference resolves inside the bundle.
  std::function<void(const Json&)> refs = [&](const Json& j) {
    if (j.is_object()) {
      if (j.contains("reference")) {
        EXPECT_TRUE(present.count(j.at("reference").get<std::string>()))
            << "unresolved " << j.at("reference");
      }
      for (const auto& [k, v] : j.items()) refs(v);
    } else if (j.is_array()) {
      for (const Json& v : j) refs(v);
    }
  };
  refs(b.at("entry"));
  const std::set<std::string> appt_status = {"proposed",  "pending",   "booked",
                                             "arrived",   "fulfilled", "cancelled",
                                             "noshow",    "entered-in-error",
                                             "checked-in", "waitlist"};
  for (const Json& e : b.at("entry")) {
    const Json& r = e.at("resource");
    const std::string type = r.at("resourceType");
    if (type == "Appointment") {
      EXPECT_TRUE(appt_status.count(r.at("status").get<std::string>()));
      // app-2: start and end together; both present for these statuses.
      EXPECT_TRUE(std::regex_match(r.at("start").get<std::string>(), instant));
      EXPECT_TRUE(std::regex_match(r.at("end").get<std::string>(), instant));
      EXPECT_LT(r.at("start").get<std::string>(), r.at("end").get<std::string>());
      ASSERT_GE(r.at("participant").size(), 1u);
      for (const Json& p : r.at("participant")) {
        EXPECT_TRUE(p.contains("actor") || p.contains("type"));
        EXPECT_EQ(p.at("status"), "accepted");
      }
      if (r.contains("appointmentType") && r.at("appointmentType").contains("coding")) {
        for (const Json& c : r.at("appointmentType").at("coding"))
          EXPECT_EQ(c.at("system"), "http://terminology.hl7.org/CodeSystem/v2-0276");
      }
    } else if (type == "Slot") {
      EXPECT_TRUE(r.contains("schedule"));
      EXPECT_EQ(r.at("status"), "free");
      EXPECT_TRUE(std::regex_match(r.at("start").get<std::string>(), instant));
      EXPECT_TRUE(std::regex_match(r.at("end").get<std::string>(), instant));
      EXPECT_FALSE(r.contains("serviceCategory") && r.at("serviceCategory").size() > 1);
    } else if (type == "Schedule") {
      ASSERT_GE(r.at("actor").size(), 1u);
      EXPECT_FALSE(r.contains("serviceType"));  // FR Core: 0..0
      for (const Json& a : r.at("actor")) {
        const std::string ref = a.at("reference");
        EXPECT_TRUE(ref.rfind("PractitionerRole/", 0) == 0 || ref.rfind("Location/", 0) == 0)
            << ref;
      }
    } else if (type == "Organization") {
      EXPECT_TRUE(r.contains("name") || r.contains("identifier"));  // org-1
    } else if (type == "Location") {
      if (r.contains("physicalType")) {
        EXPECT_EQ(r.at("physicalType").at("coding").at(0).at("system"),
                  "http://terminology.hl7.org/CodeSystem/location-physical-type");
      }
    }
  }
}

TEST(FhirTest, FixtureSatisfiesProfileConstraints) {
  CheckBundle(Json::parse(ExportFhirBundle(testing::FixtureAgenda(), FixtureOptions())),
              kDefaultFhirBase);
}

TEST(FhirTest, PatientIdentityOnlyWithTheOption) {
  FhirOptions o = FixtureOptions();
  o.patient_pseudonym = nullptr;  // the public default
  const std::string without = ExportFhirBundle(testing::FixtureAgenda(), o);
  for (const char* secret : {"Dupont", "Jeanne", "1950", "pat-1\"", "note", "ABC234"})
    EXPECT_EQ(without.find(secret), std::string::npos) << secret;
  o.with_patient_details = true;
  const Json with = Json::parse(ExportFhirBundle(testing::FixtureAgenda(), o));
  int patients = 0;
  for (const Json& e : with.at("entry")) {
    const Json& r = e.at("resource");
    if (r.at("resourceType") != "Patient") continue;
    ++patients;
    EXPECT_EQ(r.at("name").at(0).at("text"), "Jeanne Dupont");
    // FR Core Patient 2.0.1: the usualName slice (use = usual, 1..1); the
    // officialName slice would need family and given, which we lack.
    EXPECT_EQ(r.at("name").at(0).at("use"), "usual");
    EXPECT_EQ(r.at("birthDate"), "1950-04-01");
    EXPECT_FALSE(r.contains("identifier"));
  }
  EXPECT_EQ(patients, 1);  // both appointments point at the same patient
  EXPECT_EQ(with.dump().find("ABC234"), std::string::npos);
}

TEST(FhirTest, HostileValuesKeepTheBundleValid) {
  const uint64_t seed = relais::testing::TestSeed();
  std::mt19937_64 rng(seed);
  const std::vector<std::string> pieces = {"\"", "\\", "\n", "\x01", "\xff", "é", "🔒",
                                           "/",  "@",  "Location/x", "}", "a", "."};
  auto text = [&](int max) {
    std::string s;
    const int n = static_cast<int>(rng() % static_cast<uint64_t>(max));
    for (int k = 0; k < n; ++k) s += pieces[rng() % pieces.size()];
    return s;
  };
  for (int round = 0; round < 100; ++round) {
    Agenda g = testing::FixtureAgenda();
    g.organisation_name = text(20);
    g.sites[0].name = text(20);
    g.practitioners[0].name = text(20);
    g.practitioners[0].profession = text(10);
    for (Appointment& a : g.appointments) {
      a.room = text(8);
      a.id = "rdv-" + text(80);
      a.patient_ref = text(10);
      a.kind = rng() % 2 ? a.kind : text(10);
    }
    // A practitioner not in the list (another site's): still resolvable.
    g.appointments[0].practitioner = "b@S2";
    g.appointments[0].site_id = "S2";
    g.free_slots.push_back({"c@S3", "S3", "sans_rdv", g.from + 3600, 240});
    FhirOptions o = FixtureOptions();
    o.patient_pseudonym = nullptr;  // hostile refs: the hashed default
    o.base_url = "https://exemple.fr/fhir";
    std::string out;
    ASSERT_NO_THROW(out = ExportFhirBundle(g, o)) << "seed " << seed << " round " << round;
    Json b;
    ASSERT_NO_THROW(b = Json::parse(out)) << "seed " << seed << " round " << round;
    SCOPED_TRACE("seed " + std::to_string(seed) + " round " + std::to_string(round));
    CheckBundle(b, "https://exemple.fr/fhir");
    if (::testing::Test::HasFailure()) return;
  }
}

}  // namespace
}  // namespace relais::common::interop
