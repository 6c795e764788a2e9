// iCalendar export (common/interop/ical.h): the fixture against a
// hand-written file (byte equality), folding and escaping computed by hand,
// and properties over hostile names (every line <= 75 octets, CRLF only,
// unfolded and unescaped values give the cleaned input back).
#include "common/interop/ical.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "tests/common/test_seed.h"
#include "tests/interop/fixture.h"

namespace relais::common::interop {
namespace {

std::string ReadTestData(const std::string& name) {
  std::ifstream in(std::string(RELAIS_INTEROP_TESTDATA) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

IcalOptions FixtureOptions() {
  IcalOptions o;
  o.now = testing::FixtureNow();
  o.calendar_name = "Agenda Dr Martin";
  return o;
}

TEST(IcalTest, FixtureMatchesHandWrittenFile) {
  EXPECT_EQ(ExportIcal(testing::FixtureAgenda(), FixtureOptions()), ReadTestData("agenda.ics"));
}

TEST(IcalTest, NoPatientDataWithoutTheOption) {
  const std::string ics = ExportIcal(testing::FixtureAgenda(), FixtureOptions());
  for (const char* secret : {"Dupont", "Jeanne", "1950", "pat-1", "note", "ABC234"})
    EXPECT_EQ(ics.find(secret), std::string::npos) << secret;
}

TEST(IcalTest, PatientNameOnlyWithTheOption) {
  IcalOptions o = FixtureOptions();
  o.with_patient_names = true;
  const std::string ics = ExportIcal(testing::FixtureAgenda(), o);
  EXPECT_NE(ics.find("\r\nSUMMARY:Consultation — Jeanne Dupont\r\n"), std::string::npos) << ics;
  EXPECT_NE(ics.find("\r\nSUMMARY:Téléconsultation — Jeanne Dupont\r\n"), std::string::npos);
  // Birth date, note and code stay out even then.
  for (const char* secret : {"1950", "note", "ABC234", "pat-1"})
    EXPECT_EQ(ics.find(secret), std::string::npos) << secret;
}

TEST(IcalTest, EscapesTextSpecials) {
  EXPECT_EQ(EscapeIcalText("a;b,c\\d\ne\r\nf\rg"), "a\\;b\\,c\\\\d\\ne\\nf\\ng");
  EXPECT_EQ(EscapeIcalText("tab\there\x01\x7f"), "tabhere");
  EXPECT_EQ(EscapeIcalText("bad \xff\xfe utf8"), "bad \xEF\xBF\xBD\xEF\xBF\xBD utf8");
  EXPECT_EQ(EscapeIcalText("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST(IcalTest, FoldsAtSeventyFiveOctetsWithoutSplittingUtf8) {
  // "SUMMARY:Consultation — " is 25 octets (the dash is 3); + "a" = 26;
  // 24 two-octet "é" fill to 74, the 25th does not fit in 75.
  std::string e40;
  for (int i = 0; i < 40; ++i) e40 += "é";
  std::string e24, e16;
  for (int i = 0; i < 24; ++i) e24 += "é";
  for (int i = 0; i < 16; ++i) e16 += "é";
  EXPECT_EQ(FoldIcalLine("SUMMARY:Consultation — a" + e40),
            "SUMMARY:Consultation — a" + e24 + "\r\n " + e16 + "\r\n");
  // 75 ASCII octets stay on one line; 76 fold after 75; 150 = 75 + 74 + 1.
  EXPECT_EQ(FoldIcalLine(std::string(75, 'x')), std::string(75, 'x') + "\r\n");
  EXPECT_EQ(FoldIcalLine(std::string(76, 'x')), std::string(75, 'x') + "\r\n x\r\n");
  EXPECT_EQ(FoldIcalLine(std::string(150, 'x')),
            std::string(75, 'x') + "\r\n " + std::string(74, 'x') + "\r\n x\r\n");
}

TEST(IcalTest, UtcDateTime) {
  EXPECT_EQ(IcalUtc(0), "19700101T000000Z");
  EXPECT_EQ(IcalUtc(testing::UtcSeconds(2026, 10, 25, 1, 30) + 59), "20261025T013059Z");
}

// Unfolds RFC 5545 lines; fails the test on a line over 75 octets or a
// line end other than CRLF.
std::vector<std::string> CheckedUnfold(const std::string& ics) {
  std::vector<std::string> lines;
  size_t i = 0;
  while (i < ics.size()) {
    const size_t end = ics.find("\r\n", i);
    EXPECT_NE(end, std::string::npos) << "last line without CRLF";
    if (end == std::string::npos) break;
    const std::string l = ics.substr(i, end - i);
    EXPECT_LE(l.size(), 75u) << l;
    EXPECT_EQ(l.find('\n'), std::string::npos) << "bare LF in " << l;
    EXPECT_EQ(l.find('\r'), std::string::npos) << "bare CR in " << l;
    if (!l.empty() && l[0] == ' ' && !lines.empty())
      lines.back() += l.substr(1);
    else
      lines.push_back(l);
    i = end + 2;
  }
  return lines;
}

std::string Unescape(const std::string& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '\\' || i + 1 == v.size()) {
      out += v[i];
      continue;
    }
    const char n = v[++i];
    out += (n == 'n' || n == 'N') ? '\n' : n;
  }
  return out;
}

TEST(IcalTest, HostileNamesSurviveFoldingAndEscaping) {
  const uint64_t seed = relais::testing::TestSeed();
  std::mt19937_64 rng(seed);
  const std::vector<std::string> pieces = {
      ";", ",", "\\", "\n", "\r\n", ":", "\"", "é", "€", "🔒", "中", "a", "Z", " ",
      "BEGIN:VEVENT", "\\n", "\x01", "\xff", "salle"};
  for (int round = 0; round < 300; ++round) {
    Agenda g = testing::FixtureAgenda();
    std::string name, room;
    const int n = static_cast<int>(rng() % 120);
    for (int k = 0; k < n; ++k) name += pieces[rng() % pieces.size()];
    for (int k = 0; k < n / 3; ++k) room += pieces[rng() % pieces.size()];
    g.appointments = {g.appointments[3]};
    g.appointments[0].patient_name = name;
    g.appointments[0].room = room;
    IcalOptions o = FixtureOptions();
    o.with_patient_names = true;
    const std::string ics = ExportIcal(g, o);
    const std::vector<std::string> lines = CheckedUnfold(ics);
    int events = 0;
    std::string summary, location;
    for (const std::string& l : lines) {
      if (l == "BEGIN:VEVENT") ++events;
      if (l.rfind("SUMMARY:", 0) == 0) summary = Unescape(l.substr(8));
      if (l.rfind("LOCATION:", 0) == 0) location = Unescape(l.substr(9));
    }
    ASSERT_EQ(events, 1) << "seed " << seed << " round " << round << "\n" << ics;
    EXPECT_EQ(summary, CleanText(name.empty() ? "Consultation" : "Consultation — " + name))
        << "seed " << seed << " round " << round;
    EXPECT_EQ(location, CleanText(room.empty() ? "Maison de santé du Parc"
                                               : "Maison de santé du Parc, salle " + room))
        << "seed " << seed << " round " << round;
  }
}

}  // namespace
}  // namespace relais::common::interop
