#pragma once
// Pieces shared by the public screens' two layouts (internal to kiosk/ui):
// screen_public.cc (the usual one) and screen_public_reach.cc (« Boutons en
// bas », AppState::reach_low: every control in the lower half). Each control
// is recorded under its focus id (kiosk/app/focus.h) with MarkControl.

#include <string>
#include <vector>

#include "kiosk/app/action.h"
#include "kiosk/app/state.h"
#include "kiosk/ui/ui.h"

namespace relais::kiosk::ui::pub {

inline constexpr float kKey = 84.0f;  // keypad key size (>= 64 px touch target)
// On-screen keypads (the same strings as focus.cc's).
inline constexpr char kCodeKeys[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
inline constexpr char kDigitKeys[] = "1234567890";
inline constexpr char kLetterKeys[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

// « A+ » factor of the frame being drawn (1, 1.5 or 2; set by DrawPublic).
// Larger text takes the room of the vertical gaps and of part of the keys'
// height, so the screen keeps its layout.
void SetScale(float scale);
float Scale();

void Gap(float h);
float KeyHeight();
// Moves the cursor so a block `w` wide is centred.
void CenterBlock(float w);

// A text field drawn as `n` boxes `box` wide; touching it focuses it
// (control "field:<name>" when `control` is not empty).
void FieldBoxes(const AppState& s, UiScratch& ui, std::vector<Action>* out,
                const std::string& value, size_t n, InputField field, const char* id,
                const std::string& control, float box = 70);
// Grid of keys `key_w` wide, `cols` per row; each press emits act::Keypad
// (controls "key:<c>").
void Keys(UiScratch& ui, std::vector<Action>* out, const char* keys, int cols,
          float key_w = kKey);
// « Effacer » and « ← » side by side (controls "clear", "erase").
void ClearErase(const AppState& s, UiScratch& ui, std::vector<Action>* out);
// « Valider » (control "validate"), greyed unless `can`; true when pressed.
bool Validate(const AppState& s, UiScratch& ui, bool can);
// « Retour » (control "back") at the cursor, `w` wide.
void BackButton(const AppState& s, UiScratch& ui, std::vector<Action>* out, float w);
// The confirmation's texts (screen_public.cc), without its button.
void DrawDoneTexts(const AppState& s, UiScratch& ui);
// The « Besoin de plus de temps ? » prompt (focus.h IdlePromptShown):
// covers the form; its button (control "idle:extend") gives more time.
void DrawIdlePrompt(const AppState& s, UiScratch& ui, std::vector<Action>* out, bool reach);

// « Je suis arrivé(e) » (control "arrived"), centred, 620 x `h`, title font.
void ArrivedButton(const AppState& s, UiScratch& ui, std::vector<Action>* out, float h);
// « Je n'ai pas de rendez-vous » (control "no-appointment"), centred,
// 620 x `h`, large font; opens the walk-in ticket screen.
void NoAppointmentButton(const AppState& s, UiScratch& ui, std::vector<Action>* out, float h);
// The staff entry (control "staff") at `pos`, `w` x 56, at scale 1 (not for
// patients: it keeps its size at « A+ »); restores Scale() afterwards.
void StaffButton(const AppState& s, UiScratch& ui, std::vector<Action>* out, ImVec2 pos,
                 float w);
// « Avec ma date de naissance » (control "with-birth") at the cursor,
// `w` x kTouch+8, in the current font.
void WithBirthButton(const AppState& s, UiScratch& ui, std::vector<Action>* out, float w);
// The confirmation's « OK » (control "done"), centred, large font.
void DoneButton(UiScratch& ui, std::vector<Action>* out);
// "JJ/MM/AAAA" with the typed `digits` in place of the letters.
std::string BirthMask(const std::string& digits);

// One layout's screen functions; DrawLayout calls the one for s.screen
// (Welcome for every other screen).
using DrawFn = void (*)(const AppState&, UiScratch&, std::vector<Action>*);
struct Layout {
  DrawFn code, birth, done, choose, pin, welcome;
};
void DrawLayout(const Layout& l, const AppState& s, UiScratch& ui, std::vector<Action>* out);

}  // namespace relais::kiosk::ui::pub

namespace relais::kiosk::ui {
// « Boutons en bas » layouts (screen_public_reach.cc).
void DrawPublicReach(const AppState& s, UiScratch& ui, std::vector<Action>* out);
}  // namespace relais::kiosk::ui
