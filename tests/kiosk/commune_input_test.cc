// The patient's commune at the desk (issue #20): postcode text -> communes
// -> INSEE code (kiosk/app/commune_input.h), act::AddAppointment carrying it
// into the replica, and the add-appointment form's picker (headless ImGui).
// Oracle: La Poste's list as shipped (common/geo/data), read by hand:
// 71160 serves 7 communes (DIGOIN 71176 ... ST AGNAN 71382), 75001 one
// (PARIS 01, 75101).
#include <gtest/gtest.h>

#include <random>

#include "imgui.h"
#include "kiosk/app/apply.h"
#include "kiosk/app/commune_input.h"
#include "kiosk/ui/ui.h"
#include "tests/kiosk/kiosk_fixture.h"
#include "tests/kiosk/ui_harness.h"

namespace relais::kiosk::testing {
namespace {

using Kind = CommuneChoices::Kind;

TEST(CommuneInput, PostcodeWithSeveralCommunesListsThemAll) {
  const CommuneChoices c = ChoicesForPostcode("71160");
  ASSERT_EQ(c.kind, Kind::kSeveral);
  ASSERT_EQ(c.options.size(), 7u);
  EXPECT_EQ(c.options[0].insee, "71176");
  EXPECT_EQ(c.options[0].name, "DIGOIN");
  EXPECT_EQ(c.options[6].insee, "71382");
  EXPECT_EQ(c.options[6].name, "ST AGNAN");
  // A choice is required, and must belong to the postcode.
  EXPECT_FALSE(PatientCommuneFromDesk("71160", "").ok());
  auto r = PatientCommuneFromDesk("71160", "71220");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "71220");
  r = PatientCommuneFromDesk("71160", "75101");  // Paris: another postcode
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("hors du code postal"), std::string::npos);
  // 71160 is also CURBIGNY's INSEE code (postcode 71800): not a commune of
  // the postcode 71160.
  EXPECT_FALSE(PatientCommuneFromDesk("71160", "71160").ok());
}

TEST(CommuneInput, PostcodeWithOneCommuneIsChosenAutomatically) {
  const CommuneChoices c = ChoicesForPostcode(" 75001 ");
  ASSERT_EQ(c.kind, Kind::kOne);
  ASSERT_EQ(c.options.size(), 1u);
  EXPECT_EQ(c.options[0].insee, "75101");
  auto r = PatientCommuneFromDesk("75001", "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "75101");
}

TEST(CommuneInput, EmptyMeansNotAsked) {
  EXPECT_EQ(ChoicesForPostcode("").kind, Kind::kEmpty);
  auto r = PatientCommuneFromDesk("", "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "");
  r = PatientCommuneFromDesk("", "71176");  // a stale pick without postcode
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "");
}

TEST(CommuneInput, UnknownAndGarbageAreRefusedInFrench) {
  EXPECT_EQ(ChoicesForPostcode("7116").kind, Kind::kIncomplete);
  EXPECT_EQ(ChoicesForPostcode("00000").kind, Kind::kUnknown);
  auto r = PatientCommuneFromDesk("00000", "");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("code postal inconnu"), std::string::npos);
  const std::vector<std::string> bads = {
      "7116", "711600", "71a60", "71160'; DROP", "-7116", std::string("71\0" "160", 6),
      std::string(10000, '7'), "７１１６０"};
  for (const std::string& bad : bads) {
    EXPECT_TRUE(ChoicesForPostcode(bad).options.empty()) << bad;
    auto b = PatientCommuneFromDesk(bad, "71176");
    ASSERT_FALSE(b.ok()) << bad;
    EXPECT_NE(b.status().message().find("code postal invalide"), std::string::npos) << bad;
  }
}

TEST(CommuneInput, RandomBytesNeverCrashAndNeverYieldACode) {
  const unsigned seed = std::random_device{}();
  std::printf("seed %u\n", seed);
  std::mt19937 rng(seed);
  for (int i = 0; i < 2000; ++i) {
    std::string s(rng() % 12, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 256);
    auto r = PatientCommuneFromDesk(s, "");
    if (r.ok() && !r->empty()) {
      // Only possible for 5 digits (around spaces) naming one commune.
      const CommuneChoices c = ChoicesForPostcode(s);
      EXPECT_EQ(c.kind, Kind::kOne) << "seed " << seed;
    }
  }
}

// Apply: the code reaches the replica; a bad postcode queues nothing.
TEST_F(KioskTest, AddAppointmentCarriesThePatientsCommune) {
  AppState s = Load();
  Apply(s, act::UnlockStaff{"1234"});
  ASSERT_TRUE(runner_->RunPending(s).ok());
  act::AddAppointment a;
  a.practitioner = Pid(s, "dr-a");
  a.patient_name = "DUPONT Jeanne";
  a.start_hhmm = "11:00";
  a.patient_postcode = "71160";  // several communes, none picked
  Apply(s, a);
  EXPECT_TRUE(s.effects.empty());
  EXPECT_TRUE(s.message_is_error);
  EXPECT_NE(s.message.find("choisissez la commune"), std::string::npos) << s.message;
  a.patient_postcode = "99999";
  Apply(s, a);
  EXPECT_TRUE(s.effects.empty());
  EXPECT_NE(s.message.find("code postal inconnu"), std::string::npos) << s.message;
  a.patient_postcode = "71160";
  a.patient_commune = "71220";  // GILLY SUR LOIRE
  Apply(s, a);
  ASSERT_EQ(s.effects.size(), 1u) << s.message;
  const auto* eff = std::get_if<EffAddAppointment>(&s.effects.front());
  ASSERT_NE(eff, nullptr);
  EXPECT_EQ(eff->appointment.patient_commune, "71220");
  ASSERT_TRUE(runner_->RunPending(s).ok()) << s.message;
  ASSERT_EQ(s.day_appointments.size(), 1u);
  auto stored = Get(s.day_appointments[0].id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->patient_commune, "71220");
  // Without a postcode the commune is not asked.
  a.patient_postcode.clear();
  a.patient_commune.clear();
  a.start_hhmm = "11:30";
  Apply(s, a);
  ASSERT_EQ(s.effects.size(), 1u) << s.message;
  EXPECT_EQ(std::get<EffAddAppointment>(s.effects.front()).appointment.patient_commune, "");
}

// The form: the postcode field, the list for 71160, none for 75001, and
// « Enregistrer » emitting the picked code.
class CommuneUiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ui::CreateHeadlessContext(1280, 800);
    state_ = InitialState(1741597200000, Lang::kFr);  // 2025-03-10 10:00 Paris
    state_.effects.clear();
    state_.staff_unlocked = true;
    state_.screen = Screen::kPlanning;
    common::Practitioner p;
    p.id = "dr-a";
    p.name = "Dr Alice Arnaud";
    state_.practitioners = {p};
    scratch_.appt_open = true;
    std::snprintf(scratch_.appt_name.data(), scratch_.appt_name.size(), "DUPONT Jeanne");
    std::snprintf(scratch_.appt_time.data(), scratch_.appt_time.size(), "11:00");
  }
  void TearDown() override { ImGui::DestroyContext(); }
  void SetPostcode(const char* cp) {
    scratch_.appt_commune.postcode.fill(0);
    std::snprintf(scratch_.appt_commune.postcode.data(), scratch_.appt_commune.postcode.size(),
                  "%s", cp);
  }
  const act::AddAppointment* Saved(const std::vector<Action>& out) {
    for (const Action& a : out)
      if (const auto* add = std::get_if<act::AddAppointment>(&a)) return add;
    return nullptr;
  }
  AppState state_;
  ui::UiScratch scratch_;
};

TEST_F(CommuneUiTest, SeveralCommunesShowAListAndThePickIsSaved) {
  SetPostcode("71160");
  DrawFrame(state_, scratch_);
  EXPECT_TRUE(scratch_.rects.count("##appt_postcode"));
  ASSERT_TRUE(scratch_.rects.count("##appt_commune"));
  EXPECT_EQ(scratch_.appt_commune.insee, "");  // nothing picked yet
  scratch_.appt_commune.insee = "71370";       // RIGNY SUR ARROUX, as picked
  auto out = ClickLabel(state_, scratch_, "Enregistrer##appt");
  const act::AddAppointment* a = Saved(out);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->patient_postcode, "71160");
  EXPECT_EQ(a->patient_commune, "71370");
  EXPECT_EQ(scratch_.appt_commune.postcode[0], '\0');  // cleared for the next patient
}

TEST_F(CommuneUiTest, OneCommuneIsChosenWithoutAList) {
  SetPostcode("75001");
  DrawFrame(state_, scratch_);
  EXPECT_FALSE(scratch_.rects.count("##appt_commune"));
  EXPECT_EQ(scratch_.appt_commune.insee, "75101");
  const act::AddAppointment* a = Saved(ClickLabel(state_, scratch_, "Enregistrer##appt"));
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->patient_commune, "75101");
}

TEST_F(CommuneUiTest, UnknownPostcodeDropsAStalePick) {
  SetPostcode("71160");
  scratch_.appt_commune.insee = "71176";
  DrawFrame(state_, scratch_);
  EXPECT_EQ(scratch_.appt_commune.insee, "71176");
  SetPostcode("00000");
  DrawFrame(state_, scratch_);
  EXPECT_EQ(scratch_.appt_commune.insee, "");
  const act::AddAppointment* a = Saved(ClickLabel(state_, scratch_, "Enregistrer##appt"));
  ASSERT_NE(a, nullptr);  // the form sends it; Apply refuses it (test above)
  EXPECT_EQ(a->patient_postcode, "00000");
  EXPECT_EQ(a->patient_commune, "");
}

}  // namespace
}  // namespace relais::kiosk::testing
