#include "kiosk/app/a11y_text.h"

#include <iterator>

namespace relais::kiosk {

namespace {

struct Entry {
  A11yMsg id;
  const char* fr;
  const char* en;
};

// Kept in enum order; TrA11y() checks the id.
constexpr Entry kTable[] = {
    {A11yMsg::kListen, "Écouter", "Listen"},
    {A11yMsg::kTextLarger, "A+", "A+"},
    {A11yMsg::kContrast, "Contraste", "Contrast"},
    {A11yMsg::kChoices, "Choix :", "Choices:"},
    {A11yMsg::kSpeakKey, "Pour réécouter, touche étoile ou F1.",
     "To listen again, press star or F1."},
    {A11yMsg::kScanHint,
     "Vous pouvez aussi présenter le QR code de votre convocation au lecteur.",
     "You can also show the QR code of your appointment letter to the reader."},
    {A11yMsg::kTypedOf, "%d caractères tapés sur %d.", "%d of %d characters typed."},
    {A11yMsg::kPinTyped, "%d chiffres tapés.", "%d digits typed."},
    {A11yMsg::kNumberedChoice, "Choix %d : %s, à %s.", "Choice %d: %s, at %s."},
    {A11yMsg::kStaffNames, "Noms proposés :", "Names offered:"},
    {A11yMsg::kMoreTimeTitle, "Besoin de plus de temps ?", "Do you need more time?"},
    {A11yMsg::kMoreTimeSub,
     "Touchez l'écran ou appuyez sur une touche. Sinon, retour à l'accueil dans %d s.",
     "Touch the screen or press a key. Otherwise, back to the start in %d s."},
    {A11yMsg::kMoreTimeYes, "Oui, continuer", "Yes, continue"},
    {A11yMsg::kReachLow, "Borne : boutons en bas (personne assise)",
     "Kiosk: buttons at the bottom (seated user)"},
};

}  // namespace

const char* TrA11y(Lang lang, A11yMsg m) {
  const auto i = static_cast<size_t>(m);
  if (i >= std::size(kTable) || kTable[i].id != m) return "???";
  return lang == Lang::kFr ? kTable[i].fr : kTable[i].en;
}

}  // namespace relais::kiosk
