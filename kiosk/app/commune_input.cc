#include "kiosk/app/commune_input.h"

#include "common/geo/communes.h"

namespace relais::kiosk {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

CommuneChoices ChoicesForPostcode(std::string_view postcode_text) {
  CommuneChoices out;
  if (postcode_text.size() > kMaxPostcodeText) {
    out.kind = CommuneChoices::Kind::kInvalid;
    return out;
  }
  const std::string_view cp = Trim(postcode_text);
  if (cp.empty()) return out;
  for (char c : cp)
    if (c < '0' || c > '9' || cp.size() > 5) {
      out.kind = CommuneChoices::Kind::kInvalid;
      return out;
    }
  if (cp.size() < 5) {
    out.kind = CommuneChoices::Kind::kIncomplete;
    return out;
  }
  out.kind = CommuneChoices::Kind::kUnknown;
  const auto& list = common::geo::ShippedCommunes();
  if (!list.ok()) return out;
  for (const common::geo::Commune& c : list->ByPostcode(cp))
    out.options.push_back({c.insee, c.name});
  if (out.options.size() == 1)
    out.kind = CommuneChoices::Kind::kOne;
  else if (out.options.size() > 1)
    out.kind = CommuneChoices::Kind::kSeveral;
  return out;
}

common::Result<std::string> PatientCommuneFromDesk(std::string_view postcode_text,
                                                   std::string_view chosen_insee) {
  using common::Status;
  const CommuneChoices c = ChoicesForPostcode(postcode_text);
  switch (c.kind) {
    case CommuneChoices::Kind::kEmpty:
      return std::string();
    case CommuneChoices::Kind::kIncomplete:
    case CommuneChoices::Kind::kInvalid:
      return Status::InvalidArgument("code postal invalide : 5 chiffres attendus (ex. 71160)");
    case CommuneChoices::Kind::kUnknown:
      return Status::NotFound("code postal inconnu de la liste des communes");
    case CommuneChoices::Kind::kOne:
    case CommuneChoices::Kind::kSeveral:
      break;
  }
  if (chosen_insee.empty()) {
    if (c.options.size() == 1) return c.options[0].insee;
    return Status::InvalidArgument("choisissez la commune du patient dans la liste");
  }
  for (const CommuneOption& o : c.options)
    if (o.insee == chosen_insee) return o.insee;
  return Status::InvalidArgument("commune choisie hors du code postal saisi : choisissez-la "
                                 "à nouveau dans la liste");
}

const char* CommuneTr(Lang lang, CommuneMsg m) {
  const bool fr = lang == Lang::kFr;
  switch (m) {
    case CommuneMsg::kPostcode: return fr ? "Code postal" : "Postcode";
    case CommuneMsg::kCommune: return fr ? "Commune" : "Town";
    case CommuneMsg::kUnknownPostcode: return fr ? "code postal inconnu" : "unknown postcode";
    case CommuneMsg::kInvalidPostcode: return fr ? "5 chiffres attendus" : "5 digits expected";
    case CommuneMsg::kChoose: return fr ? "Choisir la commune" : "Choose the town";
  }
  return "";
}

}  // namespace relais::kiosk
