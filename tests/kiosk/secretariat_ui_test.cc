// The secretariat screen driven headless (imgui without window or GL, the
// legacy io.MousePos / io.MouseDown / AddInputCharactersUTF8 input of imgui
// 1.86): search -> pick a proposal -> type the patient -> book, and the
// overlap move; the emitted actions are asserted, then applied to check the
// effect queued. What the frame drew is read back from the draw lists.
#include <gtest/gtest.h>

#include "imgui.h"
#include "kiosk/app/apply.h"
#include "kiosk/ui/ui.h"
#include "tests/kiosk/ui_harness.h"
#include "tests/common/test_util.h"
#include "tests/kiosk/draw_text.h"

namespace relais::kiosk::ui {
namespace {

using common::testing::UtcSeconds;

class SecretariatUiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CreateHeadlessContext(1280, 800);
    state_ = InitialState(UtcSeconds(2026, 11, 23, 7, 0) * 1000, Lang::kFr);
    state_.effects.clear();
    state_.staff_unlocked = true;
    state_.staff_user = kSecretariat;
    state_.screen = Screen::kSecretariat;
    state_.secretariat.sites = {"S1", "S2"};
    state_.secretariat.site_names = {"Digoin", "Autun"};
    for (auto [id, name] : {std::pair{"dr-a@org", "Dr Alice Arnaud"},
                            std::pair{"dr-c@org", "Dr Claire Cros"}}) {
      common::Practitioner p;
      p.id = id;
      p.name = name;
      p.profession = "medecin";
      state_.practitioners.push_back(p);
    }
  }
  void TearDown() override { ImGui::DestroyContext(); }

  std::vector<Action> Frame() { return testing::DrawFrame(state_, scratch_); }

  std::vector<Action> Click(const std::string& label) {
    return testing::ClickLabel(state_, scratch_, label);
  }

  // Clicks into a text field and types `text`.
  void Type(const std::string& field, const std::string& text) {
    EXPECT_TRUE(Click(field).empty());
    ImGui::GetIO().AddInputCharactersUTF8(text.c_str());
    Frame();
    Frame();
  }

  static common::domain::Slot MakeSlot(const std::string& site, int64_t start,
                                       const std::string& replaces = "") {
    common::domain::Slot s;
    s.practitioner = replaces.empty() ? "dr-a@org" : "dr-c@org";
    s.site = site;
    s.kind = "teleconsultation";
    s.schedule_id = "plg";
    s.replaces = replaces;
    s.start = start;
    s.duration_min = 20;
    return s;
  }

  AppState state_;
  UiScratch scratch_;
};

TEST_F(SecretariatUiTest, SearchPickTypeAndBookInOneStep) {
  // The filters: second site, first practitioner (combos), a typed date.
  scratch_.sec.site = 2;
  scratch_.sec.practitioner = 1;
  Type("##sec_date", "24/11/2026");
  auto out = Click("Chercher##sec_search");
  ASSERT_EQ(out.size(), 1u);
  const auto* search = std::get_if<act::SearchSlots>(&out[0]);
  ASSERT_NE(search, nullptr);
  EXPECT_EQ(search->filter.site, "S2");
  EXPECT_EQ(search->filter.practitioner, "dr-a@org");
  EXPECT_EQ(search->filter.kind, "");
  EXPECT_EQ(search->filter.after_date, "24/11/2026");
  Apply(state_, out[0]);
  ASSERT_EQ(state_.effects.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<EffSearchSlots>(state_.effects[0]));
  state_.effects.clear();

  // What the search effect found (the effect runner's job, see
  // secretariat_effects_test): two proposals, the second one a replacement.
  const int64_t t = UtcSeconds(2026, 11, 24, 13, 0);  // 14:00 Paris
  state_.secretariat.slots = {MakeSlot("S2", t), MakeSlot("S2", t + 1200, "dr-a@org")};
  Frame();
  const std::string drawn = testing::DrawnText();
  EXPECT_TRUE(testing::Shows(drawn, "mar. 24/11 14:00 · 20 min")) << drawn;
  EXPECT_TRUE(testing::Shows(drawn, "mar. 24/11 14:20 · 20 min"));
  EXPECT_TRUE(testing::Shows(drawn, "remplace Dr Alice Arnaud"));
  EXPECT_TRUE(testing::Shows(drawn, "Autun"));
  EXPECT_TRUE(testing::Shows(drawn, "Téléconsultation"));

  out = Click("Choisir##slot1");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<act::SelectSlot>(out[0]));
  EXPECT_EQ(std::get<act::SelectSlot>(out[0]).index, 1u);
  Apply(state_, out[0]);
  ASSERT_TRUE(state_.secretariat.selected.has_value());

  Type("##sec_patient", "DURAND Léa");
  Type("##sec_birth", "12/05/1980");
  out = Click("Réserver##sec_book");
  ASSERT_EQ(out.size(), 1u);
  const auto* book = std::get_if<act::BookSlot>(&out[0]);
  ASSERT_NE(book, nullptr);
  EXPECT_EQ(book->patient_name, "DURAND Léa");
  EXPECT_EQ(book->patient_birth, "12/05/1980");
  Apply(state_, out[0]);
  ASSERT_EQ(state_.effects.size(), 1u) << state_.message;
  const auto& e = std::get<EffBookSlot>(state_.effects[0]).appointment;
  EXPECT_EQ(e.practitioner, "dr-c@org");  // the replacement works the slot
  EXPECT_EQ(e.site, "S2");
  EXPECT_EQ(e.start, t + 1200);
  EXPECT_EQ(e.duration_min, 20);
  EXPECT_EQ(e.kind, "teleconsultation");
  EXPECT_EQ(e.patient_birth, "1980-05-12");
  // Until the booking is done the typed patient stays (a refusal is fixed
  // in place); once done, the fields are emptied for the next caller.
  Frame();
  EXPECT_EQ(std::string(scratch_.sec.patient.data()), "DURAND Léa");
  state_.secretariat.booked = SecBooking{"rdv-9", "K7M2QX", "DURAND Léa · mardi"};
  Frame();
  EXPECT_EQ(scratch_.sec.patient[0], '\0');
  EXPECT_EQ(scratch_.sec.birth[0], '\0');
  EXPECT_TRUE(testing::Shows(testing::DrawnText(), "K7M2QX"));
}

TEST_F(SecretariatUiTest, OverlapListMarksTheOneToMoveAndMovesIt) {
  SecOverlap o;
  o.first.id = "rdv-1";
  o.first.practitioner = "dr-a@org";
  o.first.site_id = "S1";
  o.first.patient_name = "PREMIER Paul";
  o.first.start = UtcSeconds(2026, 11, 23, 8, 0);
  o.second = o.first;
  o.second.id = "rdv-2";
  o.second.patient_name = "SECOND Simone";
  o.second.start += 300;
  o.move_id = "rdv-2";
  state_.secretariat.overlaps = {o};
  Frame();
  const std::string drawn = testing::DrawnText();
  EXPECT_TRUE(testing::Shows(drawn, "Rendez-vous en double"));
  EXPECT_TRUE(testing::Shows(drawn, "09:20 SECOND Simone")) << drawn;
  EXPECT_TRUE(testing::Shows(drawn, "09:15 PREMIER Paul"));
  EXPECT_TRUE(testing::Shows(drawn, "SECOND Simone (à déplacer)"));
  EXPECT_FALSE(testing::Shows(drawn, "PREMIER Paul (à déplacer)"));
  EXPECT_TRUE(testing::Shows(drawn, "Digoin"));
  auto out = Click("Déplacer au prochain créneau libre##ov0");
  ASSERT_EQ(out.size(), 1u);
  const auto* move = std::get_if<act::MoveOverlap>(&out[0]);
  ASSERT_NE(move, nullptr);
  EXPECT_EQ(move->first_id, "rdv-1");
  EXPECT_EQ(move->second_id, "rdv-2");
  Apply(state_, out[0]);
  ASSERT_EQ(state_.effects.size(), 1u);
  EXPECT_EQ(std::get<EffMoveOverlap>(state_.effects[0]).appointment_id, "rdv-2");
}

// The pôle is a filter of the planning too (issue #19): the columns are
// the chosen pôle's practitioners; the choice is an action on AppState.
TEST_F(SecretariatUiTest, PlanningShowsOnlyThePolesPractitioners) {
  state_.practitioners[0].pole = "mg";           // Dr Alice Arnaud
  state_.practitioners[1].pole = "mere-enfant";  // Dr Claire Cros
  state_.poles = {"mere-enfant", "mg"};
  state_.pole_names = {"Mère-enfant", "Médecine générale"};
  state_.screen = Screen::kPlanning;
  Frame();
  std::string drawn = testing::DrawnText();
  EXPECT_TRUE(testing::Shows(drawn, "Dr Alice Arnaud")) << drawn;
  EXPECT_TRUE(testing::Shows(drawn, "Dr Claire Cros"));
  EXPECT_TRUE(testing::Shows(drawn, "Tous les pôles"));
  EXPECT_NE(scratch_.rects.find("##planning_pole"), scratch_.rects.end());

  Apply(state_, act::SetPlanningPole{"mere-enfant"});
  EXPECT_EQ(state_.planning_pole, "mere-enfant");
  Frame();
  drawn = testing::DrawnText();
  EXPECT_FALSE(testing::Shows(drawn, "Dr Alice Arnaud")) << drawn;
  EXPECT_TRUE(testing::Shows(drawn, "Dr Claire Cros"));
  EXPECT_TRUE(testing::Shows(drawn, "Mère-enfant"));

  // An unknown pôle is refused, the filter unchanged; "" shows everyone.
  Apply(state_, act::SetPlanningPole{"cardiologie"});
  EXPECT_TRUE(state_.message_is_error);
  EXPECT_NE(state_.message.find("Pôle inconnu"), std::string::npos) << state_.message;
  EXPECT_EQ(state_.planning_pole, "mere-enfant");
  Apply(state_, act::SetPlanningPole{""});
  EXPECT_EQ(state_.planning_pole, "");
  // A locked kiosk ignores it.
  Apply(state_, act::Lock{});
  Apply(state_, act::SetPlanningPole{"mg"});
  EXPECT_EQ(state_.planning_pole, "");
}

TEST_F(SecretariatUiTest, TabOpensTheScreenAndLockedKioskNeverDrawsIt) {
  state_.screen = Screen::kPlanning;
  auto out = Click("Secrétariat##tab");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<act::Navigate>(out[0]));
  EXPECT_EQ(std::get<act::Navigate>(out[0]).to, Screen::kSecretariat);
  state_.screen = Screen::kSecretariat;
  state_.staff_unlocked = false;
  scratch_.rects.clear();
  Frame();
  EXPECT_FALSE(scratch_.rects.count("Chercher##sec_search"));
  EXPECT_TRUE(testing::Shows(testing::DrawnText(), "Je suis arrivé(e)"));
  EXPECT_FALSE(testing::Shows(testing::DrawnText(), "Prochain créneau libre"));
}

}  // namespace
}  // namespace relais::kiosk::ui
