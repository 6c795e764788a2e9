#pragma once
// Keyboard-only path of the public screens (issue #16; docs/kiosk.md
// « Clavier seul »). Focus is app-owned: AppState::focus holds an index into
// FocusableControls(state), the list of every control the current public
// screen draws, in reading order, each with the Action a touch on it emits.
// The UI records each control's rectangle under Control::id and draws the
// focus ring around FocusedControlId(); Apply (apply.cc) calls the Apply*
// functions below for act::MoveFocus / Activate / Back / TypeChar /
// EraseChar. Pure: no ImGui, no I/O.
//
// Also here: the « Besoin de plus de temps ? » prompt (WCAG 2.2.1), derived
// from the idle time only (IdlePromptShown), and the window-close rule of
// the locked-down kiosk (WindowCloseAllowed).

#include <string>
#include <utility>
#include <vector>

#include "kiosk/app/action.h"
#include "kiosk/app/state.h"

namespace relais::kiosk {

struct Control {
  std::string id;  // stable key, e.g. "arrived", "key:A", "validate", "a11y:listen"
  Action action;   // what activating it does (same as touching it)
  bool enabled = true;  // false: drawn greyed, Activate does nothing
  // Part of a keypad grid `cols` wide starting at index `grid_start` and
  // `grid_len` long (0 cols = not in a grid): Up/Down move by a row.
  int cols = 0, grid_start = 0, grid_len = 0;
};

// Controls of the current screen in focus order; empty on the staff screens
// (and on a staff screen requested while locked, which is never drawn).
std::vector<Control> FocusableControls(const AppState& s);

// Index of the focused control in FocusableControls(s) (clamped), -1 when
// the list is empty.
int FocusedIndex(const AppState& s);
// Its id, "" when there is none.
std::string FocusedControlId(const AppState& s);

// Staff members offered on the PIN screen's « Qui êtes-vous ? » (id, name):
// practitioners with a PIN, then the secretariat if it has one.
std::vector<std::pair<std::string, std::string>> PinUsers(const AppState& s);

// True on the public screens (welcome, check-in, choice, confirmation, PIN
// pad): the keyboard actions apply. False on unlocked staff screens.
bool KeyboardScreen(const AppState& s);

// The prompt covers a public input screen (code, birth date, choice, PIN)
// once kPublicIdleMs have passed without input, until kIdlePromptMs later.
bool IdlePromptShown(const AppState& s);

// The GLFW window (Alt+F4, the compositor's close) may close only while a
// staff member is unlocked: on public screens nobody leaves the kiosk
// without a staff PIN.
bool WindowCloseAllowed(const AppState& s);

// act::MoveFocus: kNext/kPrev wrap around the list; kUp/kDown move a row
// within a keypad grid, else behave as kPrev/kNext.
void ApplyMoveFocus(AppState& s, FocusDir dir);
// act::Activate: applies the focused control's action (nothing if disabled).
void ApplyActivate(AppState& s);
// act::Back (Esc): the screen's « Retour »; on the PIN pad after a name was
// chosen, back to the list of names. Nothing on the welcome screen.
void ApplyBack(AppState& s);
// act::TypeChar / act::EraseChar: into the active field of the code, birth
// date or PIN screen (as the on-screen keypad); ignored elsewhere.
void ApplyTypeChar(AppState& s, char c);
void ApplyEraseChar(AppState& s);

// Sets the focus of the current screen to its first control (screen entry,
// keypad switch between birth date and letters).
void ResetFocus(AppState& s);

}  // namespace relais::kiosk
