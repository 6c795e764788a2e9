#pragma once
// Headless frames of the whole kiosk screen for UI tests: one frame, and a
// click on a widget found by the rect it recorded under `label` in
// UiScratch::rects. REQUIRES: an ImGui context (CreateHeadlessContext).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "imgui.h"
#include "kiosk/app/state.h"
#include "kiosk/ui/ui.h"

namespace relais::kiosk::testing {

// Draws `s` once; the actions the frame emitted.
inline std::vector<Action> DrawFrame(const AppState& s, ui::UiScratch& scratch) {
  std::vector<Action> out;
  ImGui::NewFrame();
  ui::DrawScreen(s, scratch, &out);
  ImGui::Render();
  return out;
}

// Draws once to learn where `label` is, then presses and releases on it;
// the actions of the press and release frames (none, with a test failure,
// when nothing was drawn under `label`).
inline std::vector<Action> ClickLabel(const AppState& s, ui::UiScratch& scratch,
                                      const std::string& label) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(-100, -100);
  DrawFrame(s, scratch);
  auto it = scratch.rects.find(label);
  EXPECT_NE(it, scratch.rects.end()) << label;
  if (it == scratch.rects.end()) return {};
  io.MousePos = ImVec2(it->second.cx(), it->second.cy());
  DrawFrame(s, scratch);
  io.MouseDown[0] = true;
  auto a = DrawFrame(s, scratch);
  io.MouseDown[0] = false;
  auto b = DrawFrame(s, scratch);
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace relais::kiosk::testing
