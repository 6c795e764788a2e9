// The secretariat screen's pure rules and Apply handlers (no replica, no
// ImGui): filter -> query with hand-computed instants (timegm oracle),
// hostile filters refused with a French message while honest ones pass,
// booking from a proposal, overlap move, which appointment moves.
#include <gtest/gtest.h>

#include "kiosk/app/apply.h"
#include "kiosk/app/secretariat.h"
#include "tests/common/test_util.h"

namespace relais::kiosk {
namespace {

using common::testing::UtcSeconds;
using common::domain::Slot;

// A filter with one field set.
SlotFilter With(std::string SlotFilter::*field, const std::string& value) {
  SlotFilter f;
  f.*field = value;
  return f;
}

class SecretariatApplyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Monday 23 November 2026, 08:00 Paris (CET, UTC+1) = 07:00Z.
    s_ = InitialState(UtcSeconds(2026, 11, 23, 7, 0) * 1000, Lang::kFr);
    s_.effects.clear();
    s_.staff_unlocked = true;
    s_.staff_user = kSecretariat;
    s_.screen = Screen::kSecretariat;
    s_.secretariat.sites = {"S1", "S2"};
    s_.secretariat.site_names = {"Digoin", "Autun"};
    common::Practitioner a;
    a.id = "dr-a@org";
    a.name = "Dr Alice Arnaud";
    a.profession = "medecin";
    s_.practitioners = {a};
  }

  static Slot MakeSlot(const std::string& site, int64_t start, int dur, const std::string& kind,
                       const std::string& replaces = "") {
    Slot s;
    s.practitioner = "dr-a@org";
    s.site = site;
    s.kind = kind;
    s.schedule_id = "plg-" + site;
    s.replaces = replaces;
    s.start = start;
    s.duration_min = dur;
    return s;
  }

  AppState s_;
};

TEST_F(SecretariatApplyTest, FilterBecomesTheQueryAtParisWallClock) {
  SlotFilter f;
  f.site = "S2";
  f.practitioner = "dr-a@org";
  f.kind = "teleconsultation";
  f.profession = "medecin";
  f.after_date = "24/11/2026";
  f.after_time = "09:30";
  Apply(s_, act::SearchSlots{f});
  EXPECT_EQ(s_.message, "");
  ASSERT_EQ(s_.effects.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<EffSearchSlots>(s_.effects[0]));
  const auto& q = s_.secretariat.query;
  EXPECT_TRUE(s_.secretariat.searched);
  EXPECT_EQ(q.sites, std::vector<std::string>{"S2"});
  EXPECT_EQ(q.practitioner, "dr-a@org");
  EXPECT_EQ(q.kind, "teleconsultation");
  EXPECT_EQ(q.profession, "medecin");
  EXPECT_EQ(q.after, UtcSeconds(2026, 11, 24, 8, 30));  // 09:30 CET
  EXPECT_EQ(q.count, kSecretariatSlotCount);
  // ISO date, summer time: 1 July 2027 10:00 Paris = 08:00Z.
  f.after_date = "2027-07-01";
  f.after_time = "10:00";
  Apply(s_, act::SearchSlots{f});
  EXPECT_EQ(s_.secretariat.query.after, UtcSeconds(2027, 7, 1, 8, 0));
}

TEST_F(SecretariatApplyTest, PoleFilterMustBeOneOfTheOrganisations) {
  s_.poles = {"dentaire", "mg"};
  s_.pole_names = {"Dentaire", "Médecine générale"};
  Apply(s_, act::SearchSlots{With(&SlotFilter::pole, "mg")});
  EXPECT_EQ(s_.message, "");
  EXPECT_EQ(s_.secretariat.query.pole, "mg");
  for (const std::string& bad : {std::string("pediatrie"), std::string("mg\n"),
                                 std::string(200, 'p')}) {
    s_.message.clear();
    s_.effects.clear();
    s_.secretariat.searched = false;
    Apply(s_, act::SearchSlots{With(&SlotFilter::pole, bad)});
    EXPECT_TRUE(s_.message_is_error) << bad;
    EXPECT_TRUE(s_.effects.empty());
    EXPECT_FALSE(s_.secretariat.searched);
  }
  EXPECT_NE(s_.message.find("trop long"), std::string::npos) << s_.message;
  s_.message.clear();
  Apply(s_, act::SearchSlots{With(&SlotFilter::pole, "pediatrie")});
  EXPECT_NE(s_.message.find("Pôle inconnu"), std::string::npos) << s_.message;
}

TEST_F(SecretariatApplyTest, EmptyOrPastFilterSearchesFromNow) {
  Apply(s_, act::SearchSlots{SlotFilter{}});
  EXPECT_EQ(s_.secretariat.query.after, UtcSeconds(2026, 11, 23, 7, 0));
  EXPECT_TRUE(s_.secretariat.query.sites.empty());  // every site held
  EXPECT_EQ(s_.secretariat.query.kind, "");
  SlotFilter past;
  past.after_date = "01/01/2020";
  Apply(s_, act::SearchSlots{past});
  EXPECT_EQ(s_.secretariat.query.after, UtcSeconds(2026, 11, 23, 7, 0));
  SlotFilter later_today;
  later_today.after_time = "14:00";
  Apply(s_, act::SearchSlots{later_today});
  EXPECT_EQ(s_.secretariat.query.after, UtcSeconds(2026, 11, 23, 13, 0));
}

TEST_F(SecretariatApplyTest, HostileFiltersAreRefusedWithWhatToDo) {
  struct Case {
    SlotFilter f;
    std::string expect;
  };
  std::vector<Case> cases;
  cases.push_back({With(&SlotFilter::site, "S3"), "Site inconnu"});  // not in this replica's scope
  cases.push_back({With(&SlotFilter::site, "S1'; DROP TABLE records;--"), "Site inconnu"});
  cases.push_back({With(&SlotFilter::practitioner, "dr-z@org"), "Praticien inconnu"});
  cases.push_back({With(&SlotFilter::kind, "chirurgie"), "Type de plage inconnu"});
  cases.push_back({With(&SlotFilter::after_date, "31/02/2026"), "Date invalide"});
  cases.push_back({With(&SlotFilter::after_date, "2026-13-01"), "Date invalide"});
  cases.push_back({With(&SlotFilter::after_date, "tomorrow"), "Date invalide"});
  cases.push_back({With(&SlotFilter::after_time, "25:00"), "Heure invalide"});
  cases.push_back({With(&SlotFilter::after_time, "9h"), "Heure invalide"});
  cases.push_back({With(&SlotFilter::profession, std::string(65, 'm')), "trop long"});
  cases.push_back({With(&SlotFilter::after_date, std::string(10000, '1')), "trop long"});
  cases.push_back({With(&SlotFilter::profession, std::string("med\x01" "ecin")), "profession invalide"});
  for (const Case& c : cases) {
    s_.message.clear();
    s_.secretariat.searched = false;
    Apply(s_, act::SearchSlots{c.f});
    EXPECT_TRUE(s_.message_is_error) << c.expect;
    EXPECT_NE(s_.message.find(c.expect), std::string::npos) << s_.message;
    EXPECT_TRUE(s_.effects.empty()) << c.expect;
    EXPECT_FALSE(s_.secretariat.searched);
  }
  // Honest data right after still goes through.
  SlotFilter honest = With(&SlotFilter::site, "S1");
  honest.after_date = "24112026";
  Apply(s_, act::SearchSlots{honest});
  EXPECT_EQ(s_.message, "");
  EXPECT_EQ(s_.effects.size(), 1u);
  EXPECT_EQ(s_.secretariat.query.after, UtcSeconds(2026, 11, 23, 23, 0));  // 24th 00:00 CET
}

TEST_F(SecretariatApplyTest, LockedKioskNeitherSearchesNorBooks) {
  s_.staff_unlocked = false;
  Apply(s_, act::SearchSlots{SlotFilter{}});
  Apply(s_, act::BookSlot{"DURAND Léa", "12/05/1980"});
  Apply(s_, act::MoveOverlap{"a", "b"});
  EXPECT_TRUE(s_.effects.empty());
  EXPECT_EQ(s_.screen, Screen::kStaffPin);
}

TEST_F(SecretariatApplyTest, BookingTakesSiteStartDurationAndKindFromTheSlot) {
  const int64_t t = UtcSeconds(2026, 11, 24, 13, 20);  // 14:20 Paris
  struct Case {
    std::string plage_kind, appt_kind;
  };
  for (const Case& c : {Case{"programmee", "consultation"},
                        Case{"teleconsultation", "teleconsultation"},
                        Case{"visite_domicile", "visite_domicile"}}) {
    s_.effects.clear();
    s_.secretariat.slots = {MakeSlot("S1", t - 1200, 20, c.plage_kind),
                            MakeSlot("S2", t, 20, c.plage_kind)};
    Apply(s_, act::SelectSlot{1});
    Apply(s_, act::BookSlot{"DURAND Léa", "12/05/1980"});
    ASSERT_EQ(s_.effects.size(), 1u) << s_.message;
    const auto* e = std::get_if<EffBookSlot>(&s_.effects[0]);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->appointment.site, "S2");
    EXPECT_EQ(e->appointment.practitioner, "dr-a@org");
    EXPECT_EQ(e->appointment.start, t);
    EXPECT_EQ(e->appointment.duration_min, 20);
    EXPECT_EQ(e->appointment.kind, c.appt_kind);
    EXPECT_EQ(e->appointment.status, "booked");
    EXPECT_EQ(e->appointment.patient_name, "DURAND Léa");
    EXPECT_EQ(e->appointment.patient_birth, "1980-05-12");
  }
}

TEST_F(SecretariatApplyTest, BookingRefusesStaleSelectionsAndBadPatients) {
  const int64_t t = UtcSeconds(2026, 11, 24, 13, 20);
  // Nothing selected yet.
  Apply(s_, act::BookSlot{"DURAND Léa", "12/05/1980"});
  EXPECT_NE(s_.message.find("Choisissez d'abord"), std::string::npos);
  // Out of range pick.
  s_.secretariat.slots = {MakeSlot("S1", t, 20, "programmee")};
  Apply(s_, act::SelectSlot{7});
  EXPECT_FALSE(s_.secretariat.selected.has_value());
  EXPECT_NE(s_.message.find("plus proposé"), std::string::npos);
  Apply(s_, act::SelectSlot{0});
  ASSERT_TRUE(s_.secretariat.selected.has_value());
  for (const auto& [name, birth, expect] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"DURAND Léa", "30/02/1980", "naissance invalide"},
           {"DURAND Léa", "", "naissance invalide"},
           {"DURAND Léa", "12/05/1980\n", "naissance invalide"},
           {"", "12/05/1980", "Nom du patient invalide"},
           {"DURAND\x07Léa", "12/05/1980", "Nom du patient invalide"},
           {std::string(5000, 'A'), "12/05/1980", "Nom du patient invalide"}}) {
    s_.message.clear();
    Apply(s_, act::BookSlot{name, birth});
    EXPECT_NE(s_.message.find(expect), std::string::npos) << s_.message;
    EXPECT_TRUE(s_.effects.empty());
  }
  // The list was refreshed (the slot was taken elsewhere): refused.
  s_.secretariat.slots = {MakeSlot("S1", t + 1200, 20, "programmee")};
  Apply(s_, act::BookSlot{"DURAND Léa", "12/05/1980"});
  EXPECT_NE(s_.message.find("plus proposé"), std::string::npos);
  EXPECT_TRUE(s_.effects.empty());
}

TEST_F(SecretariatApplyTest, MoveQueuesTheDesignatedAppointmentOnly) {
  SecOverlap o;
  o.first.id = "rdv-1";
  o.second.id = "rdv-2";
  o.move_id = "rdv-2";
  s_.secretariat.overlaps = {o};
  Apply(s_, act::MoveOverlap{"rdv-2", "rdv-1"});  // not a listed pair (order matters)
  EXPECT_TRUE(s_.effects.empty());
  EXPECT_NE(s_.message.find("n'est plus dans la liste"), std::string::npos);
  Apply(s_, act::MoveOverlap{"rdv-1", "rdv-2"});
  ASSERT_EQ(s_.effects.size(), 1u);
  EXPECT_EQ(std::get<EffMoveOverlap>(s_.effects[0]).appointment_id, "rdv-2");
}

TEST_F(SecretariatApplyTest, TheAppointmentBookedLaterMoves) {
  common::Appointment a, b;
  a.id = "rdv-aaa";
  b.id = "rdv-bbb";
  EXPECT_EQ(PickToMove(a, 200, b, 100), "rdv-aaa");
  EXPECT_EQ(PickToMove(a, 100, b, 200), "rdv-bbb");
  EXPECT_EQ(PickToMove(b, 100, a, 200), "rdv-aaa");
  EXPECT_EQ(PickToMove(a, 100, b, 100), "rdv-bbb");  // tie: larger id
  EXPECT_EQ(PickToMove(b, 100, a, 100), "rdv-bbb");
}

TEST_F(SecretariatApplyTest, KindTables) {
  EXPECT_EQ(AppointmentKindFor("programmee"), "consultation");
  EXPECT_EQ(AppointmentKindFor("teleconsultation"), "teleconsultation");
  EXPECT_EQ(AppointmentKindFor("visite_domicile"), "visite_domicile");
  EXPECT_EQ(AppointmentKindFor("ehpad"), "visite_domicile");
  EXPECT_EQ(AppointmentKindFor("sans_rdv"), "snp");
  EXPECT_EQ(PlageKindFor("consultation"), "programmee");
  EXPECT_EQ(PlageKindFor("teleconsultation"), "teleconsultation");
  EXPECT_EQ(PlageKindFor("visite_domicile"), "visite_domicile");
  EXPECT_EQ(PlageKindFor("snp"), "");
  EXPECT_EQ(NormalizeDateInput("29/02/2028"), "2028-02-29");
  EXPECT_EQ(NormalizeDateInput("29/02/2027"), "");
  EXPECT_EQ(NormalizeDateInput("01032027"), "2027-03-01");
  EXPECT_EQ(NormalizeDateInput("2027-03-01"), "2027-03-01");
  EXPECT_EQ(NormalizeDateInput("1/3/2027"), "");
}

TEST_F(SecretariatApplyTest, OpeningTheScreenIsLoggedAndLockingForgetsIt) {
  s_.screen = Screen::kPlanning;
  Apply(s_, act::Navigate{Screen::kSecretariat});
  EXPECT_EQ(s_.screen, Screen::kSecretariat);
  ASSERT_EQ(s_.effects.size(), 1u);
  EXPECT_EQ(std::get<EffOpenSecretariat>(s_.effects[0]).who, kSecretariat);
  s_.secretariat.overlaps.push_back(SecOverlap{});
  s_.secretariat.booked = SecBooking{"rdv-1", "K7M2QX", "DURAND Léa"};
  Apply(s_, act::Lock{});
  EXPECT_TRUE(s_.secretariat.overlaps.empty());
  EXPECT_FALSE(s_.secretariat.booked.has_value());
  EXPECT_EQ(s_.screen, Screen::kWelcome);
  // Locked: the screen is not reachable.
  s_.effects.clear();
  Apply(s_, act::Navigate{Screen::kSecretariat});
  EXPECT_EQ(s_.screen, Screen::kStaffPin);
  EXPECT_TRUE(s_.effects.empty());
}

}  // namespace
}  // namespace relais::kiosk
