// The walk-in ticket screen (public, issue #16): the number very large, the
// estimated wait, « Gardez ce numéro… », a printer failure, and « OK ».
// Never a name: the ticket has none.
#include "kiosk/app/walkin.h"
#include "kiosk/app/walkin_text.h"
#include "kiosk/ui/public_parts.h"
#include "kiosk/ui/screens.h"
#include "kiosk/ui/widgets.h"

namespace relais::kiosk::ui {

namespace {

// `text` centred at the cursor in `font` scaled to `px` high.
void HugeCentered(const std::string& text, ImFont* font, float px, unsigned colour) {
  ImFont* f = font ? font : ImGui::GetFont();
  const ImVec2 size = f->CalcTextSizeA(px, 1e9f, 0, text.c_str());
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float x = ImGui::GetWindowPos().x + (ImGui::GetWindowWidth() - size.x) / 2;
  ImGui::GetWindowDrawList()->AddText(f, px, ImVec2(x, pos.y), Col(colour), text.c_str());
  ImGui::Dummy(ImVec2(1, size.y));
}

}  // namespace

void DrawTicket(const AppState& s, UiScratch& ui, std::vector<Action>* out) {
  pub::SetScale(static_cast<float>(s.text_scale_pct) / 100);
  const IssuedTicket& t = s.walkin.issued;
  pub::Gap(30);
  if (t.number.empty()) {
    CenteredText(WalkTr(s.lang, WalkMsg::kTicketPending), ui.fonts.title, Pal().muted);
  } else {
    CenteredText(WalkTr(s.lang, WalkMsg::kTicketTitle), ui.fonts.large, Pal().ink);
    pub::Gap(6);
    HugeCentered(t.number, ui.fonts.huge, 160.0f, Pal().accent_text);
    pub::Gap(10);
    CenteredText(WaitText(s.lang, t.wait_ms), ui.fonts.large, Pal().ink);
    pub::Gap(6);
    CenteredText(WalkTr(s.lang, WalkMsg::kKeepNumber), ui.fonts.large, Pal().muted);
    if (t.print_failed) {
      pub::Gap(10);
      CenteredText(WalkTr(s.lang, WalkMsg::kPrinterDown), ui.fonts.large, Pal().warn_text);
    }
  }
  PushFontOr(ui.fonts.large);
  ImGui::SetCursorPos(ImVec2((ImGui::GetWindowWidth() - FitWidth("OK##ticket", 360)) / 2,
                             ImGui::GetWindowHeight() - 90 - 24));
  if (Button(ui, "OK##ticket", ImVec2(360, 90), Pal().primary, Pal().on_primary))
    out->push_back(act::Navigate{Screen::kWelcome});
  MarkControl(ui, "ticket:ok");
  PopFontOr(ui.fonts.large);
}

}  // namespace relais::kiosk::ui
