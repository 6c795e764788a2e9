// The « Maintenance de nuit… » screen in a headless ImGui frame: its text
// is what the draw lists hold (draw_text.h, read back independently of the
// widget code), and a press where the welcome screen has a button emits no
// action.
#include <gtest/gtest.h>

#include <vector>

#include "imgui.h"
#include "kiosk/app/apply.h"
#include "kiosk/ui/ui.h"
#include "tests/kiosk/draw_text.h"

namespace relais::kiosk::testing {
namespace {

constexpr int64_t kNow = 1796261400000;  // 2026-12-03 02:30 Paris

std::vector<Action> Frame(const AppState& s, ui::UiScratch& scratch) {
  std::vector<Action> out;
  ImGui::NewFrame();
  ui::DrawScreen(s, scratch, &out);
  ImGui::Render();
  return out;
}

TEST(MaintenanceUiTest, ShowsTheNoticeAndNoControl) {
  ui::CreateHeadlessContext(1280, 800);
  ui::UiScratch scratch;
  AppState s = InitialState(kNow, Lang::kFr);
  Frame(s, scratch);
  Frame(s, scratch);
  ASSERT_FALSE(scratch.rects.empty()) << "l'accueil n'a dessiné aucun bouton";
  const ui::Rect button = scratch.rects.begin()->second;
  const std::string welcome = DrawnText();
  EXPECT_EQ(welcome.find("Maintenancedenuit"), std::string::npos);

  Apply(s, act::Maintenance{true});
  scratch.rects.clear();
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(button.cx(), button.cy());
  Frame(s, scratch);
  io.MouseDown[0] = true;
  std::vector<Action> pressed = Frame(s, scratch);
  const std::string text = DrawnText();
  io.MouseDown[0] = false;
  std::vector<Action> released = Frame(s, scratch);
  EXPECT_TRUE(pressed.empty() && released.empty()) << "un appui a produit une action";
  EXPECT_TRUE(scratch.rects.empty()) << "un bouton est dessiné pendant la maintenance";
  EXPECT_NE(text.find("Maintenancedenuit"), std::string::npos) << text;
  EXPECT_NE(text.find(Squash("La borne range ses fichiers.")), std::string::npos) << text;
  ImGui::DestroyContext();
}

}  // namespace
}  // namespace relais::kiosk::testing
