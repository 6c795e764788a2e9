#pragma once
// The patient's commune of residence at the desk (issue #20): the staff
// types a postcode in the add-appointment form, then picks one of its
// communes from the offline list (common/geo/communes.h). Pure: no ImGui,
// SQLite or gRPC. The result is an INSEE code for
// NewAppointment::patient_commune ("" = not asked).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/util/status.h"
#include "kiosk/app/state.h"

namespace relais::kiosk {

// Longest postcode text looked at (the field holds 5 digits; anything
// longer is refused without being scanned).
inline constexpr size_t kMaxPostcodeText = 16;

struct CommuneOption {
  std::string insee;  // INSEE code, what is recorded
  std::string name;   // La Poste's spelling, what is shown
};

// What the form shows under « Code postal ».
struct CommuneChoices {
  enum class Kind {
    kEmpty,       // nothing typed: the commune is not asked
    kIncomplete,  // fewer than 5 digits so far
    kInvalid,     // a character that is not a digit, or too long
    kUnknown,     // 5 digits absent from the shipped list
    kOne,         // exactly one commune: chosen automatically
    kSeveral,     // a list to pick from
  };
  Kind kind = Kind::kEmpty;
  std::vector<CommuneOption> options;  // kOne / kSeveral, in INSEE order
};

// Classifies the postcode text typed so far (leading/trailing spaces are
// ignored). Never fails: a damaged shipped list gives kUnknown.
CommuneChoices ChoicesForPostcode(std::string_view postcode_text);

// The INSEE code to record from what the desk entered: "" when the postcode
// is empty (the commune was not asked; `chosen_insee` is then ignored);
// the only commune of the postcode when `chosen_insee` is empty; otherwise
// `chosen_insee`, which must be one of the postcode's communes.
// INVALID_ARGUMENT (« code postal invalide », « choisissez la commune »,
// « commune ... hors du code postal ») or NOT_FOUND (« code postal
// inconnu ») with a French message.
common::Result<std::string> PatientCommuneFromDesk(std::string_view postcode_text,
                                                   std::string_view chosen_insee);

// Labels of the form (French / English).
enum class CommuneMsg { kPostcode, kCommune, kUnknownPostcode, kInvalidPostcode, kChoose };
const char* CommuneTr(Lang lang, CommuneMsg m);

}  // namespace relais::kiosk
