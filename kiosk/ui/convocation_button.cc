#include "kiosk/ui/convocation_button.h"

#include <string>

#include "imgui.h"
#include "kiosk/ui/ui.h"
#include "kiosk/ui/widgets.h"

namespace relais::kiosk::ui {

void ConvocationButton(const AppState& s, UiScratch& ui, std::vector<Action>* out,
                       const common::Appointment& a) {
  if (a.status != "booked" || a.code.empty()) return;
  const std::string label =
      std::string(s.lang == Lang::kFr ? "Convocation" : "Appointment letter") + "##conv" + a.id;
  ImGui::SameLine(0, 6);
  const float w = ImGui::CalcTextSize(label.c_str(), nullptr, true).x + 22;
  if (Button(ui, label.c_str(), ImVec2(w, 44), 0x3D5A80))
    out->push_back(act::PrintConvocation{a.id});
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s", s.lang == Lang::kFr ? "Imprimer la convocation"
                                                : "Print the appointment letter");
}

}  // namespace relais::kiosk::ui
