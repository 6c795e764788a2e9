#include "kiosk/ui/commune_picker.h"

#include "imgui.h"
#include "kiosk/app/commune_input.h"
#include "kiosk/ui/ui.h"
#include "kiosk/ui/widgets.h"

namespace relais::kiosk::ui {

void DrawCommunePicker(const AppState& s, UiScratch& ui, CommunePickerScratch& pick) {
  ImGui::InputText(CommuneTr(s.lang, CommuneMsg::kPostcode), pick.postcode.data(),
                   pick.postcode.size(), ImGuiInputTextFlags_CharsDecimal);
  RememberRect(ui, "##appt_postcode");
  const CommuneChoices c = ChoicesForPostcode(pick.postcode.data());
  using K = CommuneChoices::Kind;
  switch (c.kind) {
    case K::kEmpty:
    case K::kIncomplete:
      pick.insee.clear();
      return;
    case K::kInvalid:
      pick.insee.clear();
      ImGui::TextColored(Rgb(kDanger), "%s", CommuneTr(s.lang, CommuneMsg::kInvalidPostcode));
      return;
    case K::kUnknown:
      pick.insee.clear();
      ImGui::TextColored(Rgb(kDanger), "%s", CommuneTr(s.lang, CommuneMsg::kUnknownPostcode));
      return;
    case K::kOne:
      pick.insee = c.options[0].insee;
      ImGui::Text("%s : %s (%s)", CommuneTr(s.lang, CommuneMsg::kCommune),
                  c.options[0].name.c_str(), c.options[0].insee.c_str());
      return;
    case K::kSeveral:
      break;
  }
  // A pick from another postcode is dropped: the desk chooses again.
  std::string preview = CommuneTr(s.lang, CommuneMsg::kChoose);
  bool still_valid = false;
  for (const CommuneOption& o : c.options)
    if (o.insee == pick.insee) {
      preview = o.name;
      still_valid = true;
    }
  if (!still_valid) pick.insee.clear();
  if (ImGui::BeginCombo(CommuneTr(s.lang, CommuneMsg::kCommune), preview.c_str())) {
    for (const CommuneOption& o : c.options) {
      ImGui::PushID(o.insee.c_str());
      if (ImGui::Selectable(o.name.c_str(), o.insee == pick.insee)) pick.insee = o.insee;
      ImGui::PopID();
    }
    ImGui::EndCombo();
  }
  RememberRect(ui, "##appt_commune");
}

}  // namespace relais::kiosk::ui
