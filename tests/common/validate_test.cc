// The one validation shared by the replica, the CLI, the kiosk and the hub
// (common/model/validate.h): hand-written cases, and dates against an
// independent oracle (std::chrono's calendar).
#include "common/model/validate.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "common/merge/merge.h"
#include "common/model/schema.h"

namespace relais::common {
namespace {

TEST(ValidateTest, DatesThatExist) {
  for (const char* ok : {"2024-02-29", "2000-02-29", "2026-04-30", "2026-12-31",
                         "1900-01-01", "2199-12-31", "1950-03-02"})
    EXPECT_TRUE(IsValidDate(ok)) << ok;
  for (const char* bad :
       {"2023-02-29", "2026-04-31", "2026-02-31", "1900-02-29", "2100-02-29",
        "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32", "2026-1-01",
        "2026/01/01", "26-01-01", "1899-12-31", "2200-01-01", "", "2026-01-01 ",
        "+026-01-01", "2026-0a-01"})
    EXPECT_FALSE(IsValidDate(bad)) << bad;
}

// Every (year, month, day) around the accepted range, against std::chrono.
TEST(ValidateTest, DatesAgreeWithTheChronoCalendar) {
  int checked = 0;
  for (int y = 1890; y <= 2210; ++y)
    for (int m = 0; m <= 13; ++m)
      for (int d = 0; d <= 32; ++d) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
        const std::chrono::year_month_day ymd{std::chrono::year{y},
                                              std::chrono::month{static_cast<unsigned>(m)},
                                              std::chrono::day{static_cast<unsigned>(d)}};
        const bool expected = ymd.ok() && y >= 1900 && y <= 2199;
        ASSERT_EQ(IsValidDate(buf), expected) << buf;
        ++checked;
      }
  EXPECT_EQ(checked, 321 * 14 * 33);
}

TEST(ValidateTest, Months) {
  for (const char* ok : {"2026-01", "2026-12", "1900-06", "2199-12"})
    EXPECT_TRUE(IsValidMonth(ok)) << ok;
  for (const char* bad : {"2026-13", "2026-00", "2026-1", "2026-012", "1899-12",
                          "2200-01", "2026_01", ""})
    EXPECT_FALSE(IsValidMonth(bad)) << bad;
}

// The patient's commune (issue #20) is an INSEE code or nothing, checked at
// every door, the hub's included (ValidateField).
TEST(ValidateTest, PatientCommuneIsAnInseeCode) {
  for (const char* ok : {"71325", "2A004", "2B033", "97411", "01001"}) {
    EXPECT_TRUE(IsValidInseeCode(ok)) << ok;
    EXPECT_EQ(ValidateField(Collection::kAppointment, field::kPatientCommune, ok), "") << ok;
  }
  EXPECT_EQ(ValidateField(Collection::kAppointment, field::kPatientCommune, ""), "");
  for (const char* bad : {"7132", "713250", "2C004", "2a004", "AB123", "71 25", "71325\n",
                          "Digoin", "-1325", "71160;x"}) {
    EXPECT_FALSE(IsValidInseeCode(bad)) << bad;
    EXPECT_NE(ValidateField(Collection::kAppointment, field::kPatientCommune, bad), "") << bad;
  }
}

TEST(ValidateTest, ReplicaAndSiteIds) {
  const std::string max64(64, 'a');
  for (const std::string& ok :
       {std::string("S1"), std::string("8b7c6d5e4f3a2b1c"), std::string("a.b_c-D9"),
        std::string("maison-saint-agreve"), max64}) {
    EXPECT_TRUE(IsValidReplicaId(ok)) << ok;
    EXPECT_TRUE(IsValidSiteId(ok)) << ok;
  }
  for (const std::string& bad :
       {std::string(""), std::string("a\nb"), std::string("a b"), std::string("a/b"),
        std::string(65, 'a'), std::string("a@b"), std::string("a:b"), std::string("é"),
        std::string("a,b"), std::string("a\0b", 3), std::string("a\r"),
        std::string("x\"}")}) {
    EXPECT_FALSE(IsValidReplicaId(bad)) << bad;
    EXPECT_FALSE(IsValidSiteId(bad)) << bad;
  }
}

TEST(ValidateTest, PractitionerRefs) {
  for (const char* ok : {"p1", "p1@S1", "dr-a@msp-test"})
    EXPECT_TRUE(IsValidPractitionerRef(ok)) << ok;
  for (const char* bad : {"", "@S1", "p1@", "p1@S1@x", "p 1", "p1@S 1", "p1\n"})
    EXPECT_FALSE(IsValidPractitionerRef(bad)) << bad;
}

TEST(ValidateTest, FieldBoundsAndLists) {
  const Collection A = Collection::kAppointment, P = Collection::kPresence,
                   L = Collection::kLedger;
  EXPECT_EQ(ValidateField(P, "date", "2024-02-29"), "");
  EXPECT_NE(ValidateField(P, "date", "2026-02-31"), "");
  EXPECT_NE(ValidateField(P, "half", "soir"), "");
  EXPECT_NE(ValidateField(P, "state", "parti"), "");
  EXPECT_NE(ValidateField(P, "practitioner", ""), "");
  EXPECT_NE(ValidateField(L, "month", "2026-13"), "");
  EXPECT_EQ(ValidateField(L, "amount_cents", "-100000000000"), "");
  EXPECT_NE(ValidateField(L, "amount_cents", "100000000001"), "");
  EXPECT_NE(ValidateField(L, "amount_cents", "0"), "");
  EXPECT_NE(ValidateField(L, "payer", ""), "");
  EXPECT_NE(ValidateField(L, "category", ""), "");
  EXPECT_NE(ValidateField(L, "key", "half"), "");
  EXPECT_NE(ValidateField(A, "practitioner", ""), "");
  EXPECT_NE(ValidateField(A, "start", "-1"), "");
  EXPECT_NE(ValidateField(A, "start", std::to_string(kMaxTimestamp + 1)), "");
  EXPECT_EQ(ValidateField(A, "start", std::to_string(kMaxTimestamp)), "");
  EXPECT_NE(ValidateField(A, "duration", "0"), "");
  EXPECT_NE(ValidateField(A, "duration", "1441"), "");
  EXPECT_NE(ValidateField(A, "kind", "chirurgie"), "");
  EXPECT_NE(ValidateField(A, "status", "teleported"), "");
  EXPECT_NE(ValidateField(Collection::kPractitioner, "name", ""), "");
  EXPECT_EQ(ValidateField(Collection::kSite, "name", ""), "");
}

// Sealed patient fields: the hub checks size and UTF-8 only; their content
// is the input path's business (ValidatePatientContent).
TEST(ValidateTest, SealedPatientFieldsAreOpaqueToTheHub) {
  const Collection A = Collection::kAppointment;
  EXPECT_EQ(ValidateField(A, "patient_birth", "1950-02-31"), "");
  EXPECT_EQ(ValidateField(A, "patient_birth", "Zm9vYmFy=="), "");  // ciphertext
  EXPECT_EQ(ValidateField(A, "patient_name", ""), "");
  EXPECT_NE(ValidateField(A, "note", std::string(4097, 'x')), "");
  EXPECT_NE(ValidateField(A, "patient_name", "caf\xE9"), "");
  EXPECT_NE(ValidatePatientContent(A, "patient_birth", "1950-02-31"), "");
  EXPECT_NE(ValidatePatientContent(A, "patient_birth", "2023-02-29"), "");
  EXPECT_EQ(ValidatePatientContent(A, "patient_birth", "2024-02-29"), "");
  EXPECT_EQ(ValidatePatientContent(A, "patient_birth", ""), "");
  EXPECT_NE(ValidatePatientContent(A, "patient_name", ""), "");
  EXPECT_NE(ValidatePatientContent(A, "patient_name", "DUPONT\nJeanne"), "");
  EXPECT_EQ(ValidatePatientContent(A, "patient_name", "DUPONT Jeanne"), "");
  EXPECT_EQ(ValidatePatientContent(A, "room", ""), "");
  EXPECT_NE(ValidateLocalChanges(A, {{"patient_birth", "1950-02-31"}}), "");
  EXPECT_EQ(ValidateLocalChanges(A, {{"patient_birth", "1950-02-28"}}), "");
}

TEST(ValidateTest, MessagesNeverCarryControlCharacters) {
  for (const std::string& msg :
       {ValidateField(Collection::kAppointment, "kind", "x\ny"),
        ValidateField(Collection::kAppointment, "bad\nfield", "v"),
        ValidateField(Collection::kPresence, "date", "2026\r\n-01"),
        ValidatePatientContent(Collection::kAppointment, "patient_birth", "\x1b[2J")}) {
    ASSERT_NE(msg, "");
    for (char c : msg) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << msg;
  }
}

Record Make(Collection c, const std::string& id,
            const std::map<std::string, std::string>& f) {
  Record r;
  r.collection = c;
  r.id = id;
  r.site_id = "S1";
  ApplyLocalWrite(&r, "8b7c6d5e4f3a2b1c", 1, f);
  return r;
}

Record Ledger(const std::string& amount, const std::string& reverses = "") {
  std::map<std::string, std::string> f = {{"amount_cents", amount}, {"category", "loyer"},
                                          {"payer", "p1@S1"},     {"key", "equal"},
                                          {"month", "2026-11"},   {"created_at", "1795000000"}};
  if (!reverses.empty()) f["reverses"] = reverses;
  return Make(Collection::kLedger, "ecr-1", f);
}

// What the issue saw through the hub: a ledger entry of -10^9 cents without
// payer, a presence dated 31 February.
TEST(ValidateTest, RecordsTheCliRefusesAreRefused) {
  EXPECT_EQ(ValidateNewRecord(Ledger("12050")), "");
  EXPECT_EQ(ValidateNewRecord(Ledger("-12050", "ecr-0")), "");
  EXPECT_NE(ValidateRecord(Ledger("-1000000000")), "");      // negative, not a reversal
  EXPECT_NE(ValidateRecord(Ledger("12050", "ecr-0")), "");    // positive reversal
  Record no_payer = Ledger("12050");
  no_payer.fields.erase("payer");
  EXPECT_EQ(ValidateRecord(no_payer), "");  // a delta may lack fields...
  EXPECT_NE(ValidateNewRecord(no_payer), "");  // ...a new record may not
  Record empty_payer = Ledger("12050");
  empty_payer.fields["payer"][0].value = "";
  EXPECT_NE(ValidateRecord(empty_payer), "");
  const Record feb31 = Make(Collection::kPresence, "pr:p1@S1:2026-02-31:am",
                            {{"practitioner", "p1@S1"}, {"date", "2026-02-31"},
                             {"half", "am"}, {"state", "present"}});
  EXPECT_NE(ValidateRecord(feb31), "");
  Record feb28 = feb31;
  feb28.fields["date"][0].value = "2026-02-28";
  EXPECT_EQ(ValidateNewRecord(feb28), "");
  // A negative amount among concurrent siblings is caught too.
  Record sib = Ledger("12050");
  sib.vv.Set("b", 1);
  sib.fields["amount_cents"].push_back({"-5", Dot{"b", 1}, 2});
  EXPECT_NE(ValidateRecord(sib), "");
}

TEST(ValidateTest, NewRecordsNeedTheirRequiredFields) {
  const Record appt = Make(Collection::kAppointment, "rdv-1",
                           {{"practitioner", "p1@S1"}, {"start", "1795500000"}});
  EXPECT_EQ(ValidateNewRecord(appt), "");
  for (const char* f : {"practitioner", "start"}) {
    Record r = appt;
    r.fields.erase(f);
    EXPECT_EQ(ValidateRecord(r), "") << f;
    EXPECT_NE(ValidateNewRecord(r), "") << f;
  }
  Record partial = appt;
  partial.partial = true;
  EXPECT_NE(ValidateNewRecord(partial), "");
  const Record presence = Make(Collection::kPresence, "pr:x",
                               {{"practitioner", "p1"}, {"date", "2026-11-24"},
                                {"half", "pm"}, {"state", "absent"}});
  EXPECT_EQ(ValidateNewRecord(presence), "");
  for (const std::string& f : RequiredFields(Collection::kPresence)) {
    Record r = presence;
    r.fields.erase(f);
    EXPECT_NE(ValidateNewRecord(r), "") << f;
  }
  for (const std::string& f : RequiredFields(Collection::kLedger)) {
    Record r = Ledger("100");
    r.fields.erase(f);
    EXPECT_NE(ValidateNewRecord(r), "") << f;
  }
  EXPECT_EQ(ValidateNewRecord(Make(Collection::kSite, "S1", {{"pin_hash", "h"}})), "");
  EXPECT_NE(ValidateNewRecord(Make(Collection::kPractitioner, "p1@S1", {{"share_bp", "0"}})),
            "");
}

TEST(ValidateTest, ReplicaAndSiteIdsInsideRecords) {
  const Record ok = Make(Collection::kAppointment, "rdv-1",
                         {{"practitioner", "p1"}, {"start", "1795500000"}});
  ASSERT_EQ(ValidateRecord(ok), "");
  for (const std::string& bad :
       {std::string("r\nsample 1"), std::string("a b"), std::string("a/b"),
        std::string(""), std::string(65, 'r')}) {
    Record r = ok;  // an extra vector entry for a bad replica id
    r.vv.Set(bad, 3);
    EXPECT_NE(ValidateRecord(r), "") << bad;
    Record s = ok;  // ... and a sibling written under that id
    s.vv.Set(bad, 1);
    s.fields["room"] = {{"1", Dot{bad, 1}, 5}};
    EXPECT_NE(ValidateRecord(s), "") << bad;
    Record site = ok;
    site.site_id = bad;
    EXPECT_NE(ValidateRecord(site), "") << bad;
  }
  Record id = ok;
  id.id = "rdv\n1";
  EXPECT_NE(ValidateRecord(id), "");
  id.id = std::string(kMaxRecordIdLen + 1, 'x');
  EXPECT_NE(ValidateRecord(id), "");
}

TEST(ValidateTest, TypedInputs) {
  NewAppointment a;
  a.practitioner = "p1@S1";
  a.patient_name = "DUPONT Jeanne";
  a.patient_birth = "2024-02-29";
  a.start = 1795500000;
  EXPECT_EQ(ValidateNewAppointment(a), "");
  auto bad_appt = [&](auto change) {
    NewAppointment b = a;
    change(b);
    return ValidateNewAppointment(b);
  };
  EXPECT_NE(bad_appt([](NewAppointment& b) { b.patient_birth = "2023-02-29"; }), "");
  EXPECT_NE(bad_appt([](NewAppointment& b) { b.patient_name = ""; }), "");
  EXPECT_NE(bad_appt([](NewAppointment& b) { b.practitioner = ""; }), "");
  EXPECT_NE(bad_appt([](NewAppointment& b) { b.duration_min = 0; }), "");
  EXPECT_NE(bad_appt([](NewAppointment& b) { b.duration_min = 1441; }), "");
  EXPECT_NE(bad_appt([](NewAppointment& b) { b.start = -1; }), "");
  EXPECT_NE(bad_appt([](NewAppointment& b) { b.kind = "chirurgie"; }), "");
  EXPECT_NE(bad_appt([](NewAppointment& b) { b.status = "perdu"; }), "");

  const NewLedgerEntry e{12050, "loyer", "p1", "equal", "", "2026-11", ""};
  EXPECT_EQ(ValidateNewLedgerEntry(e), "");
  EXPECT_EQ(ValidateNewLedgerEntry({-12050, "loyer", "p1", "equal", "", "", "ecr-0"}), "");
  EXPECT_EQ(ValidateNewLedgerEntry({kMaxAmountCents, "loyer", "p1", "equal", "", "", ""}), "");
  for (const NewLedgerEntry& bad :
       {NewLedgerEntry{0, "loyer", "p1", "equal", "", "", ""},
        NewLedgerEntry{-1000000000, "loyer", "p1", "equal", "", "", ""},
        NewLedgerEntry{5, "loyer", "p1", "equal", "", "", "ecr-0"},
        NewLedgerEntry{kMaxAmountCents + 1, "loyer", "p1", "equal", "", "", ""},
        NewLedgerEntry{5, "", "p1", "equal", "", "", ""},
        NewLedgerEntry{5, "loyer", "", "equal", "", "", ""},
        NewLedgerEntry{5, "loyer", "p 1", "equal", "", "", ""},
        NewLedgerEntry{5, "loyer", "p1", "bogus", "", "", ""},
        NewLedgerEntry{5, "loyer", "p1", "equal", "", "2026-13", ""}})
    EXPECT_NE(ValidateNewLedgerEntry(bad), "") << bad.amount_cents << " " << bad.payer;

  const NewPresence p{"p1", "2024-02-29", "am", "present", "", ""};
  EXPECT_EQ(ValidateNewPresence(p), "");
  EXPECT_EQ(ValidateNewPresence({"p1", "2026-04-30", "pm", "remplace", "Dr Remy", ""}), "");
  EXPECT_NE(ValidateNewPresence({"p1", "2026-04-31", "am", "present", "", ""}), "");
  EXPECT_NE(ValidateNewPresence({"p1", "2023-02-29", "am", "present", "", ""}), "");
  EXPECT_NE(ValidateNewPresence({"p1", "2026-04-30", "soir", "present", "", ""}), "");
  EXPECT_NE(ValidateNewPresence({"p1", "2026-04-30", "am", "remplace", "", ""}), "");
  EXPECT_NE(ValidateNewPresence({"", "2026-04-30", "am", "present", "", ""}), "");
}

}  // namespace
}  // namespace relais::common
