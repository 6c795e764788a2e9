#pragma once
// One draw function per screen (internal to kiosk/ui). Each draws into the
// current window's content region and appends Actions to `out`.

#include <vector>

#include "kiosk/app/action.h"
#include "kiosk/app/state.h"
#include "kiosk/ui/ui.h"

namespace relais::kiosk::ui {

void DrawPublic(const AppState& s, UiScratch& ui, std::vector<Action>* out);
void DrawPlanning(const AppState& s, UiScratch& ui, std::vector<Action>* out);
void DrawPresence(const AppState& s, UiScratch& ui, std::vector<Action>* out);
void DrawLedger(const AppState& s, UiScratch& ui, std::vector<Action>* out);
void DrawConflicts(const AppState& s, UiScratch& ui, std::vector<Action>* out);
void DrawSecretariat(const AppState& s, UiScratch& ui, std::vector<Action>* out);
// Walk-in queue (issue #16): the public ticket screen and « File d'attente ».
void DrawTicket(const AppState& s, UiScratch& ui, std::vector<Action>* out);
void DrawQueue(const AppState& s, UiScratch& ui, std::vector<Action>* out);

// Display name of a practitioner id ("" -> the id itself).
std::string PractitionerName(const AppState& s, const std::string& id);

}  // namespace relais::kiosk::ui
