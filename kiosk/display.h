#pragma once
// Glue of relais-kiosk for the walk-in queue (issue #16): the waiting-room
// display mode (`relais-kiosk --display`) and the walk-in screenshots. The
// logic lives in kiosk/app (display_state.h, walkin.h) and kiosk/ui.

#include <functional>
#include <string>

#include <GLFW/glfw3.h>

#include "common/replica/replica.h"
#include "common/util/clock.h"
#include "kiosk/app/state.h"
#include "kiosk/ui/ui.h"

namespace relais::kiosk {

struct DisplayOptions {
  Lang lang = Lang::kFr;
  std::string screenshot_dir;  // non-empty: one PNG (kiosk-affichage.png), then exit
  int frames = 4;
  int refresh_ms = 2000;       // how often the replica is read again
};

// Runs the display until the window closes (or writes the screenshot):
// reads today's tickets, appointments and practitioners from `r` every
// refresh_ms, draws ui::DrawDisplay, and hands each new call's text
// (« Ticket A12, salle 3 ») to `say` (the kiosk's speech path; the text is
// also written on stdout). `save_png(path)` captures the back buffer.
// Returns 0, or 1 if the screenshot or the first read failed.
int RunDisplay(GLFWwindow* window, common::Replica& r, common::Clock& clock,
               const ui::Fonts& fonts, const DisplayOptions& o,
               const std::function<void(const std::string&)>& say,
               const std::function<bool(const std::string&)>& save_png);

// Screenshots (main.cc): fills `s` for the ticket screen (the last waiting
// ticket shown as if just taken, or a sample « A1 ») or the staff queue.
// Writes nothing: the queued effects are dropped.
void PrepareWalkinShot(AppState& s, Screen screen);

}  // namespace relais::kiosk
