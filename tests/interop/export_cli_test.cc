// `relais export ical|fhir`, in process on a temp replica: files written
// 0600 with the appointments of the period, patient names only with the
// option (and then logged in the access log), and hostile arguments refused
// with exit 2 (or 1 for unknown ids) before anything is written.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/common/cli_run.h"
#include "tests/common/test_util.h"

namespace relais::common {
namespace {

using testing::TempDir;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ExportCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("site.db");
    ASSERT_EQ(Cli({"init", "--db", db_, "--site", "S1"}).code, 0);
    ASSERT_EQ(Cli({"practitioner", "add", "--db", db_, "--id", "a", "--name", "Dr Martin",
                   "--profession", "medecin"})
                  .code,
              0);
    ASSERT_EQ(Cli({"practitioner", "add", "--db", db_, "--id", "b", "--name", "Mme Roux",
                   "--profession", "infirmier"})
                  .code,
              0);
    ASSERT_EQ(Cli({"plage", "add", "--db", db_, "--practitioner", "a", "--weekday", "1",
                   "--start", "09:00", "--end", "10:00", "--kind", "programmee", "--slot", "30",
                   "--from", "2026-03-01"})
                  .code,
              0);
    // a: 23 March 09:00 (in the plage) and 15 April (outside the period);
    // b: 24 March.
    Appt("a", "2026-03-23T09:00", kHostile);
    Appt("a", "2026-04-15T09:00", "Hors Période");
    Appt("b", "2026-03-24T10:00", "Autre Patient");
  }
  relais::testing::CliResult Cli(std::vector<std::string> args) {
    return relais::testing::RunRelaisCli(std::move(args));
  }
  void Appt(const std::string& p, const std::string& start, const std::string& name) {
    auto r = Cli({"appt", "add", "--db", db_, "--practitioner", p, "--start", start,
                  "--duration", "30", "--patient", name, "--birth", "1961-02-03", "--room",
                  "B;2"});
    ASSERT_EQ(r.code, 0) << r.err;
  }
  std::string Dump() { return Cli({"dump", "--db", db_}).out; }

  static constexpr const char* kHostile = "Zoé; d'Arc,\\ 🔒 née \"X\"";
  TempDir dir_;
  std::string db_;
};

TEST_F(ExportCliTest, IcalWithoutNamesIsPrivateAnd0600) {
  const std::string out = dir_.File("a.ics");
  auto r = Cli({"export", "ical", "--db", db_, "--practitioner", "a", "--from", "2026-03-20",
                "--to", "2026-03-31", "--out", out});
  ASSERT_EQ(r.code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string ics = Slurp(out);
  EXPECT_NE(ics.find("DTSTART:20260323T080000Z\r\n"), std::string::npos) << ics;
  EXPECT_NE(ics.find("LOCATION:S1\\, salle B\\;2\r\n"), std::string::npos) << ics;
  EXPECT_EQ(ics.find("Zoé"), std::string::npos);
  EXPECT_EQ(ics.find("1961"), std::string::npos);
  EXPECT_EQ(ics.find("20260415"), std::string::npos);  // outside the period
  EXPECT_EQ(ics.find("20260324"), std::string::npos);  // b's appointment
  size_t events = 0;
  for (size_t i = ics.find("BEGIN:VEVENT"); i != std::string::npos;
       i = ics.find("BEGIN:VEVENT", i + 1))
    ++events;
  EXPECT_EQ(events, 1u);
  // No temporary file is left next to it.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_.File("")))
    files += e.path().filename().string().rfind(".relais-", 0) == 0;
  EXPECT_EQ(files, 0);
}

TEST_F(ExportCliTest, IcalWithNamesIsLogged) {
  const std::string out = dir_.File("a.ics");
  const std::string before = Cli({"audit", "--db", db_}).out;
  auto r = Cli({"export", "ical", "--db", db_, "--practitioner", "a", "--from", "2026-03-20",
                "--to", "2026-03-31", "--avec-noms", "--out", out});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(Slurp(out).find("SUMMARY:Consultation — Zoé\\; d'Arc\\,\\\\ 🔒 née \"X\"\r\n"),
            std::string::npos)
      << Slurp(out);
  const std::string after = Cli({"audit", "--db", db_}).out;
  EXPECT_EQ(before.find("cli.export-ical"), std::string::npos);
  EXPECT_NE(after.find("cli.export-ical"), std::string::npos) << after;
}

TEST_F(ExportCliTest, FhirBundleOfThePeriod) {
  const std::string out = dir_.File("b.json");
  auto r = Cli({"export", "fhir", "--db", db_, "--site", "S1", "--from", "2026-03-23", "--to",
                "2026-03-29", "--organisation", "MSP du Parc", "--out", out});
  ASSERT_EQ(r.code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string text = Slurp(out);
  EXPECT_EQ(text.find("Zoé"), std::string::npos);
  EXPECT_EQ(text.find("Autre Patient"), std::string::npos);
  EXPECT_EQ(text.find("1961"), std::string::npos);
  const nlohmann::json b = nlohmann::json::parse(text);
  std::map<std::string, int> count;
  std::vector<std::string> free_starts;
  for (const auto& e : b.at("entry")) {
    const auto& res = e.at("resource");
    ++count[res.at("resourceType").get<std::string>()];
    if (res.at("resourceType") == "Slot") free_starts.push_back(res.at("start"));
    if (res.at("resourceType") == "Organization") {
      EXPECT_EQ(res.at("name"), "MSP du Parc");
    }
  }
  EXPECT_EQ(count["Appointment"], 2);  // a on the 23rd, b on the 24th
  EXPECT_EQ(count["Patient"], 2);
  // a's plage on Monday 23 March 09:00-10:00 Paris (08:00Z-09:00Z): 09:00
  // is booked, 09:30 free. The plage gives nothing else in the week.
  EXPECT_EQ(free_starts, std::vector<std::string>{"2026-03-23T08:30:00Z"});
}

TEST_F(ExportCliTest, HostileArgumentsAreRefusedAndWriteNothing) {
  const std::string before = Dump();
  const std::string out = dir_.File("x.out");
  const std::vector<std::vector<std::string>> bad2 = {
      {"export", "ical", "--db", db_, "--practitioner", "a@@S1", "--out", out},
      {"export", "ical", "--db", db_, "--practitioner", "a b", "--out", out},
      {"export", "ical", "--db", db_, "--practitioner", "a", "--from", "2026-02-30", "--out",
       out},
      {"export", "ical", "--db", db_, "--practitioner", "a", "--from", "demain", "--out", out},
      {"export", "ical", "--db", db_, "--practitioner", "a", "--from", "2026-03-10", "--to",
       "2026-03-01", "--out", out},
      {"export", "ical", "--db", db_, "--practitioner", "a", "--from", "2026-01-01", "--to",
       "2027-01-02", "--out", out},  // 367 days
      {"export", "ical", "--db", db_, "--practitioner", "a", "--out", ""},
      {"export", "ical", "--db", db_, "--practitioner", "a", "--out", dir_.File("d/")},
      {"export", "ical", "--db", db_, "--practitioner", "a"},  // no --out
      {"export", "fhir", "--db", db_, "--from", "2026-03-01", "--out", out},  // no --to
      {"export", "fhir", "--db", db_, "--site", "S 1", "--from", "2026-03-01", "--to",
       "2026-03-02", "--out", out},
      {"export", "fhir", "--db", db_, "--site", std::string(65, 's'), "--from", "2026-03-01",
       "--to", "2026-03-02", "--out", out},
      {"export", "fhir", "--db", db_, "--from", "0000-01-01", "--to", "0000-01-02", "--out",
       out},
      {"export", "fhir", "--db", db_, "--from", "2026-03-01", "--to", "2026-03-02",
       "--organisation", "MSP\n\x01", "--out", out},
      {"export", "fhir", "--db", db_, "--from", "2026-03-01", "--to", "2026-03-02",
       "--organisation", std::string(201, 'o'), "--out", out},
  };
  for (const auto& args : bad2) {
    auto r = Cli(args);
    EXPECT_EQ(r.code, 2) << args[1] << " " << args[5] << " -> " << r.err;
    EXPECT_NE(r.err.find("relais:"), std::string::npos);
  }
  // Well-formed but unknown: exit 1 with a message naming it.
  auto r = Cli({"export", "ical", "--db", db_, "--practitioner", "zz", "--out", out});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("praticien inconnu"), std::string::npos) << r.err;
  r = Cli({"export", "fhir", "--db", db_, "--site", "S9", "--from", "2026-03-01", "--to",
           "2026-03-02", "--out", out});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("site inconnu"), std::string::npos) << r.err;
  // A directory as --out: refused, the directory untouched.
  std::filesystem::create_directory(dir_.File("dir"));
  r = Cli({"export", "ical", "--db", db_, "--practitioner", "a", "--out", dir_.File("dir")});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(std::filesystem::is_directory(dir_.File("dir")));
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(Dump(), before);
  // The honest request still works afterwards.
  r = Cli({"export", "ical", "--db", db_, "--practitioner", "a", "--from", "2026-03-20",
           "--to", "2026-03-31", "--out", out});
  EXPECT_EQ(r.code, 0) << r.err;
}

}  // namespace
}  // namespace relais::common
