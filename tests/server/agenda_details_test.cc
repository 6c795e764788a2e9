// Agenda tokens that may see patient details (issue #20): a FHIR token
// enrolled with --patient-details and an iCal token enrolled --with-names
// carry the organisation's key sealed under themselves; the hub opens the
// sealed names for their requests only and logs each disclosure. On SQLite
// and PostgreSQL hubs, with real replicas. Oracles: the names and birth
// date typed into the replicas, the FR Core Patient profile (usualName
// slice, canonical URL), references resolved by hand, python3-icalendar's
// parse of the served calendar. Hostile: a flag flipped in the database, a
// wrapped key moved to another token, another organisation's key, a v1
// token table migrated in place, a revoked token.
#include <sodium.h>

#include <cstdio>
#include <fstream>
#include <set>

#include "common/crypto/keyring.h"
#include "common/storage/sqlite.h"
#include "server/agenda/agenda_key_wrap.h"
#include "server/agenda/pg_agenda_tokens.h"
#include "server/pg_conn.h"
#include "server/report/council_tokens.h"
#include "tests/server/agenda_fixture.h"

namespace relais::server::testing {
namespace {

constexpr char kFrCorePatient[] = "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-patient";

class AgendaDetailsTest : public AgendaHubFixture {
 protected:
  // The organisation key the replicas of CDS71 (or MSP2) wrote with.
  common::crypto::Keyring OrgKey(const std::string& org) {
    auto ring = common::crypto::LoadKeyFile(dir_.File("relais-" + org + ".cle"), org);
    EXPECT_TRUE(ring.ok()) << ring.status().ToString();
    return ring.ok() ? std::move(ring).value() : common::crypto::Keyring();
  }

  std::vector<AgendaDisclosure> Disclosures() {
    std::lock_guard<std::mutex> lock(audit_mu_);
    return disclosures_;
  }

  // Runs an SQL statement on the agenda token table, as someone with write
  // access to the hub's database would.
  void Sql(const std::string& sql) {
    if (Kind() == pgtest::StoreKind::kPostgres) {
      auto c = pg::PgConn::Connect(Location().conninfo);
      ASSERT_TRUE(c.ok()) << c.status().ToString();
      std::string pg_sql = sql;
      for (size_t at; (at = pg_sql.find(" agenda_tokens")) != std::string::npos;)
        pg_sql.replace(at, 14, " relais.agenda_tokens");
      auto r = (*c)->Exec(pg_sql);
      ASSERT_TRUE(r.ok()) << r.status().ToString() << " " << pg_sql;
      return;
    }
    auto db = common::Db::Open(dir_.File("agenda.db"), /*create=*/false);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_OK((*db)->Exec(sql));
  }

  static void ExpectNoIdentity(const std::string& body) {
    for (const char* secret : {"Marchand", "Perrin", "Vidal", "Secret", "1948", "1990"})
      EXPECT_EQ(body.find(secret), std::string::npos) << secret;
  }
};

TEST_P(AgendaDetailsTest, DetailsTokenSeesFrCorePatientsAndEachAccessIsLogged) {
  const common::crypto::Keyring key = OrgKey("CDS71");
  const std::string details = Token("ars-details", "CDS71", "", &key);
  const std::string plain = Token("ars", "CDS71");
  const std::string period = "/fhir/Appointment?date=ge2026-12-07&date=lt2026-12-09";

  auto r = Get(period, details);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const Json bundle = Json::parse(r->body);
  std::map<std::string, Json> by_url;
  for (const Json& e : bundle.at("entry")) by_url[e.at("fullUrl")] = e.at("resource");
  std::set<std::string> names;
  const auto patients = Entries(r->body, "Patient");
  ASSERT_EQ(patients.size(), 2u);
  for (const Json& p : patients) {
    // FR Core Patient 2.0.1: canonical in meta.profile, name in the
    // usualName slice (use = usual), a FHIR date, no identifier (no INS).
    EXPECT_EQ(p.at("meta").at("profile"), Json::array({kFrCorePatient}));
    ASSERT_EQ(p.at("name").size(), 1u);
    EXPECT_EQ(p.at("name").at(0).at("use"), "usual");
    names.insert(p.at("name").at(0).at("text").get<std::string>());
    EXPECT_EQ(p.at("birthDate"), "1948-05-01");
    EXPECT_FALSE(p.contains("identifier"));
    EXPECT_EQ(p.at("id").get<std::string>().rfind("pat-", 0), 0u);
  }
  EXPECT_EQ(names, (std::set<std::string>{"Zoé Marchand", "Jules Perrin"}));
  // Each appointment's patient participant resolves inside the bundle.
  const auto appts = Entries(r->body, "Appointment");
  ASSERT_EQ(appts.size(), 2u);
  for (const Json& a : appts) {
    int patient_refs = 0;
    for (const Json& part : a.at("participant")) {
      const std::string ref = part.at("actor").at("reference");
      if (ref.rfind("Patient/", 0) != 0) continue;
      ++patient_refs;
      const std::string url = std::string("https://relais-sante.invalid/fhir/") + ref;
      ASSERT_EQ(by_url.count(url), 1u) << ref;
      EXPECT_EQ(by_url[url].at("resourceType"), "Patient");
    }
    EXPECT_EQ(patient_refs, 1);
  }
  // Never the other organisation, never the note or the code.
  EXPECT_EQ(r->body.find("Secret"), std::string::npos);
  EXPECT_EQ(r->body.find("MSP2"), std::string::npos);
  // The disclosure is logged: token name, instant, two patients.
  auto log = Disclosures();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].token_name, "ars-details");
  EXPECT_EQ(log[0].kind, "fhir");
  EXPECT_EQ(log[0].org, "CDS71");
  EXPECT_EQ(log[0].at_s, kNow / 1000);
  EXPECT_EQ(log[0].patients, 2u);
  EXPECT_EQ(log[0].appointments, 2u);
  EXPECT_EQ(AgendaDisclosureLine(log[0]),
            "agenda-details token='ars-details' kind=fhir org=CDS71 at=2026-12-06T08:00:00Z "
            "patients=2 appointments=2\n");

  // The plain token of the same organisation: pseudonyms only, not logged.
  auto p = Get(period, plain);
  ASSERT_TRUE(p);
  ASSERT_EQ(p->status, 200) << p->body;
  ExpectNoIdentity(p->body);
  for (const Json& pat : Entries(p->body, "Patient")) EXPECT_FALSE(pat.contains("name"));
  // Free slots carry no patient, even for the details token; not logged.
  auto slots = Get("/fhir/Slot?status=free&start=eq2026-12-07", details);
  ASSERT_TRUE(slots);
  ASSERT_EQ(slots->status, 200) << slots->body;
  ExpectNoIdentity(slots->body);
  EXPECT_EQ(Disclosures().size(), 1u);

  // Revoked: refused, nothing logged.
  ASSERT_OK(tokens_->Revoke("ars-details"));
  auto gone = Get(period, details);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 401);
  ExpectNoIdentity(gone->body);
  EXPECT_EQ(Disclosures().size(), 1u);
}

// The SUMMARY of each VEVENT as python3-icalendar decodes it, sorted.
std::vector<std::string> IcalSummaries(const std::string& ics, const std::string& dir) {
  const std::string file = dir + "/served.ics", script = dir + "/summaries.py";
  std::ofstream(file, std::ios::binary) << ics;
  std::ofstream(script) << "import sys, icalendar\n"
                           "cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n"
                           "for s in sorted(str(e.get('summary')) for e in cal.walk('VEVENT')):\n"
                           "    print(s)\n";
  const std::string cmd = "/usr/bin/python3 " + script + " " + file + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  if (pipe == nullptr) return {};
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof buf, pipe) != nullptr) out += buf;
  EXPECT_EQ(pclose(pipe), 0) << "python3-icalendar (apt-get install python3-icalendar): " << out;
  std::vector<std::string> lines;
  for (size_t at = 0, nl; (nl = out.find('\n', at)) != std::string::npos; at = nl + 1)
    lines.push_back(out.substr(at, nl - at));
  return lines;
}

TEST_P(AgendaDetailsTest, IcalNamesOnlyForTheOptedInPractitionersOwnEvents) {
  // A second practitioner at Digoin, with a patient of their own.
  common::Replica::PractitionerOrg org;
  org.sites = "DIGOIN";
  ASSERT_OK(sec_->AddPractitioner("p2", "Dr Roux", "medecin", 0, org));
  common::NewAppointment a;
  a.practitioner = "p2";
  a.patient_name = "Léa Vidal";
  a.patient_birth = "1990-02-03";
  a.start = kMonday9 + 3600;
  a.duration_min = 20;
  a.site = "DIGOIN";
  ASSERT_TRUE(sec_->AddAppointment(a).ok());
  ASSERT_OK(SyncOnce(*sec_, Options(t_sec_)));

  const common::crypto::Keyring key = OrgKey("CDS71");
  const std::string names = Token("lemoine-tel", "CDS71", "p1@CDS71", &key);
  const std::string plain = Token("lemoine-tablette", "CDS71", "p1@CDS71");
  auto r = Get("/ical/" + names + ".ics");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(IcalSummaries(r->body, dir_.path()),
            (std::vector<std::string>{"Consultation — Jules Perrin",
                                      "Consultation — Zoé Marchand"}));
  // Not Dr Roux's patient, not a birth date, not the other organisation.
  for (const char* secret : {"Vidal", "1948", "1990", "Secret"})
    EXPECT_EQ(r->body.find(secret), std::string::npos) << secret;
  auto log = Disclosures();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].token_name, "lemoine-tel");
  EXPECT_EQ(log[0].kind, "ical");
  EXPECT_EQ(log[0].practitioner, "p1@CDS71");
  EXPECT_EQ(log[0].patients, 2u);

  // The same practitioner's token without the opt-in: no names, not logged.
  auto p = Get("/ical/" + plain + ".ics");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->status, 200) << p->body;
  ExpectNoIdentity(p->body);
  EXPECT_EQ(IcalSummaries(p->body, dir_.path()),
            (std::vector<std::string>{"Consultation", "Consultation"}));
  EXPECT_EQ(Disclosures().size(), 1u);
}

TEST_P(AgendaDetailsTest, FlippedFlagOrMovedKeyRevealsNothing) {
  const common::crypto::Keyring key = OrgKey("CDS71");
  const std::string details = Token("ars-details", "CDS71", "", &key);
  const std::string plain = Token("ars", "CDS71");
  const std::string period = "/fhir/Appointment?date=ge2026-12-07&date=lt2026-12-09";
  // Someone with write access to the hub's disk sets the flag on the plain
  // token, then also copies the details token's wrapped key onto it.
  Sql("UPDATE agenda_tokens SET patient_details = 1 WHERE name = 'ars'");
  auto r = Get(period, plain);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  ExpectNoIdentity(r->body);
  Sql("UPDATE agenda_tokens SET wrapped_key = (SELECT wrapped_key FROM agenda_tokens"
      " WHERE name = 'ars-details') WHERE name = 'ars'");
  r = Get(period, plain);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  ExpectNoIdentity(r->body);
  EXPECT_TRUE(Disclosures().empty());
  // A tampered wrapped key: the details token itself falls back to
  // pseudonyms (no error that tells what happened).
  Sql("UPDATE agenda_tokens SET wrapped_key = 'w1:AAAA:BBBB' WHERE name = 'ars-details'");
  r = Get(period, details);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  ExpectNoIdentity(r->body);
  EXPECT_TRUE(Disclosures().empty());
  // The listing tells the admin what each row claims.
  auto list = tokens_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_TRUE((*list)[0].grant.patient_details);
}

TEST_P(AgendaDetailsTest, EnrolRefusesMissingOrForeignKeys) {
  const common::crypto::Keyring cds = OrgKey("CDS71");
  const common::crypto::Keyring msp = OrgKey("MSP2");
  // Details without a key; a key without details; another organisation's.
  auto no_key = tokens_->Enroll({"fhir", "CDS71", "", "a", true}, 0, nullptr);
  EXPECT_EQ(no_key.status().code(), common::StatusCode::kInvalidArgument);
  auto stray = tokens_->Enroll({"fhir", "CDS71", "", "b", false}, 0, &cds);
  EXPECT_EQ(stray.status().code(), common::StatusCode::kInvalidArgument);
  auto foreign = tokens_->Enroll({"fhir", "CDS71", "", "c", true}, 0, &msp);
  EXPECT_EQ(foreign.status().code(), common::StatusCode::kInvalidArgument);
  EXPECT_NE(foreign.status().message().find("MSP2"), std::string::npos);
  auto list = tokens_->List();
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  // The wrapped key opens with its token only.
  auto w = WrapKeyForToken(cds, std::string(64, 'a'));
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(UnwrapKeyForToken(*w, std::string(64, 'a')).ok());
  EXPECT_EQ(UnwrapKeyForToken(*w, std::string(64, 'b')).status().code(),
            common::StatusCode::kPermissionDenied);
  for (const std::string& bad : {std::string(""), std::string("w1:"), std::string("w1:x:y"),
                                 std::string(200000, 'w'), w->substr(0, w->size() - 2)})
    EXPECT_FALSE(UnwrapKeyForToken(bad, std::string(64, 'a')).ok()) << bad.substr(0, 20);
  // The wrapped key never holds the key in clear.
  const std::string clear_key = cds.Serialize();
  const std::string b64 = clear_key.substr(clear_key.rfind(' ') + 1, 20);
  EXPECT_EQ(w->find(b64), std::string::npos);
}

TEST_P(AgendaDetailsTest, VersionOneTokensMigrateInPlaceAndStayPseudonymous) {
  // A token table as the previous version wrote it: a fresh SQLite file, or
  // a fresh PostgreSQL database.
  const bool pg = Kind() == pgtest::StoreKind::kPostgres;
  const std::string path = dir_.File("old-agenda.db");
  std::string conninfo;
  const std::string old_token(64, 'c');
  const std::string v1 =
      "CREATE TABLE agenda_tokens(token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL,"
      " org TEXT NOT NULL, practitioner TEXT NOT NULL, name TEXT NOT NULL UNIQUE,"
      " created BIGINT NOT NULL, expires BIGINT NOT NULL)";
  const std::string row = "INSERT INTO agenda_tokens VALUES('" + CouncilTokenHash(old_token) +
                          "', 'fhir', 'CDS71', '', 'ancien', 1, 0)";
  if (pg) {
    auto loc = pgtest::NewStoreLocation(pgtest::StoreKind::kPostgres, path);
    ASSERT_TRUE(loc.ok()) << loc.status().ToString();
    conninfo = loc->conninfo;
    auto c = pg::PgConn::Connect(conninfo);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    auto made = (*c)->Exec("CREATE SCHEMA relais; SET search_path = relais; " + v1 + "; " + row);
    ASSERT_TRUE(made.ok()) << made.status().ToString();
  } else {
    auto db = common::Db::Open(path, /*create=*/true);
    ASSERT_TRUE(db.ok());
    ASSERT_OK((*db)->Exec(v1));
    ASSERT_OK((*db)->Exec(row));
  }
  for (int round = 0; round < 2; ++round) {  // the second Open finds v2
    auto t = OpenAgendaTokens(path, conninfo, &clock_);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    auto access = (*t)->Authorize(old_token, "fhir");
    ASSERT_TRUE(access.ok()) << access.status().ToString();
    EXPECT_EQ(access->grant.name, "ancien");
    EXPECT_FALSE(access->grant.patient_details);
    EXPECT_EQ(access->ring, nullptr);
    auto list = (*t)->List();
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 1u + static_cast<size_t>(round));  // "ancien" sorts first
    EXPECT_EQ((*list)[0].grant.name, "ancien");
    EXPECT_FALSE((*list)[0].grant.patient_details);
    // New tokens, with details, go in beside it.
    const common::crypto::Keyring key = OrgKey("CDS71");
    auto fresh = (*t)->Enroll({"fhir", "CDS71", "", "neuf" + std::to_string(round), true}, 0,
                              &key);
    ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
    auto details = (*t)->Authorize(*fresh, "fhir");
    ASSERT_TRUE(details.ok());
    EXPECT_TRUE(details->grant.patient_details);
    EXPECT_NE(details->ring, nullptr);
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, AgendaDetailsTest, pgtest::AllStores(), pgtest::StoreName);

}  // namespace
}  // namespace relais::server::testing
