#pragma once
// Strings of the accessibility features (buttons, spoken sentences), French
// first, English second. Kept apart from i18n.cc's table so both grow
// without merge clashes; same contract as Tr(). No ImGui.

#include "kiosk/app/state.h"

namespace relais::kiosk {

enum class A11yMsg {
  kListen,          // « Écouter » button
  kTextLarger,      // « A+ » button
  kContrast,        // high-contrast toggle
  kChoices,         // "Choix :" before the list of buttons
  kSpeakKey,        // how to hear the screen again
  kScanHint,        // the QR code can be shown to the reader
  kTypedOf,         // "%d caractères tapés sur %d"
  kPinTyped,        // "%d chiffres tapés" (never the digits)
  kNumberedChoice,  // "Choix %d : %s à %s"
  kStaffNames,      // "Noms proposés :"
  kMoreTimeTitle,   // « Besoin de plus de temps ? »
  kMoreTimeSub,     // "Retour à l'accueil dans %d s"
  kMoreTimeYes,     // the prompt's button
  kReachLow,        // staff toggle of the « Boutons en bas » layout
};

const char* TrA11y(Lang lang, A11yMsg m);

}  // namespace relais::kiosk
