#pragma once
// Kiosk UI: Dear ImGui draw functions, a pure function of AppState. Widgets
// never own application data: they emit Actions, which the caller passes to
// Apply(). UiScratch holds only widget buffers (text being typed in staff
// forms, which popup is open) and the rectangles of the last frame's buttons
// (used by headless tests to click them). No SQLite or gRPC.
//
// REQUIRES: a current ImGui context with a built font atlas, between
// ImGui::NewFrame() and ImGui::Render(). The UI fills io.DisplaySize.

#include <array>
#include <map>
#include <string>
#include <vector>

#include "imgui.h"
#include "kiosk/app/action.h"
#include "kiosk/app/state.h"
#include "kiosk/ui/secretariat_scratch.h"
#include "kiosk/ui/walkin_scratch.h"
#include "kiosk/ui/commune_picker.h"

namespace relais::kiosk::ui {

// Fonts to use; nullptr = the current default font (tests).
struct Fonts {
  ImFont* body = nullptr;   // ~22 px, staff screens
  ImFont* large = nullptr;  // ~34 px, public screens and buttons
  ImFont* title = nullptr;  // ~54 px, public titles
  ImFont* huge = nullptr;   // ~140 px, ticket numbers and display calls
};

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  float cx() const { return x + w / 2; }
  float cy() const { return y + h / 2; }
};

struct UiScratch {
  Fonts fonts;
  // Button label (as passed to ImGui, "##" ids included) -> last frame rect.
  std::map<std::string, Rect> rects;
  // Public controls drawn this frame by focus id (kiosk/app/focus.h
  // Control::id) -> rect; the focus ring is drawn around the focused one.
  std::map<std::string, Rect> controls;

  // "Ajouter un rendez-vous" popup.
  bool appt_open = false;
  bool appt_walk_in = false;
  int appt_practitioner = 0;
  int appt_kind = 0;
  int appt_duration = 15;
  std::array<char, 96> appt_name{};
  std::array<char, 16> appt_birth{};
  std::array<char, 8> appt_time{};
  std::array<char, 32> appt_room{};

  // Ledger form.
  std::array<char, 16> ledger_amount{};
  std::array<char, 48> ledger_category{};
  std::array<char, 96> ledger_label{};
  int ledger_payer = 0;
  int ledger_key = 0;

  // Presence: room typed per practitioner x half, replacement popup.
  std::map<std::string, std::array<char, 24>> rooms;
  std::string replace_cell;  // "practitioner|half" while the popup is open
  std::array<char, 64> replacement{};

  // Conflicts: combined value typed per conflict (record|field).
  std::map<std::string, std::array<char, 128>> combined;

  // Presence screen: "Changer mon code" (current, new, new again).
  std::array<char, 12> old_pin{};
  std::array<char, 12> new_pin{};
  std::array<char, 12> confirm_pin{};

  // Secretariat screen: filters and the patient to book.
  SecretariatScratch sec;

  // « File d'attente »: room, practitioner and patient being typed.
  WalkinScratch walkin;
  // Add-appointment popup: patient's postcode and commune (issue #20).
  CommunePickerScratch appt_commune;
};

// Sets colours, rounding and spacing for a high-contrast touch kiosk.
void ApplyTheme();

// Creates an ImGui context with no window or renderer (tests, benchmarks):
// a `width` x `height` display at 60 frames/s, no .ini file, the font atlas
// built (NewFrame needs it) and the kiosk theme. The caller destroys it
// with ImGui::DestroyContext().
void CreateHeadlessContext(float width, float height);

// Draws the whole kiosk for this frame and appends what the user did.
void DrawScreen(const AppState& state, UiScratch& scratch,
                std::vector<Action>* out);

}  // namespace relais::kiosk::ui
