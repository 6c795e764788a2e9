#include "kiosk/display.h"

#include <cstdio>

#include "backends/imgui_impl_glfw.h"
#include "backends/imgui_impl_opengl3.h"
#include "common/domain/walkin_queue.h"
#include "common/replica/tickets.h"
#include "common/util/time.h"
#include "imgui.h"
#include "kiosk/app/display_state.h"
#include "kiosk/app/walkin.h"
#include "kiosk/ui/display_ui.h"

namespace relais::kiosk {

namespace {

// Reads the display's inputs and updates `d` (names of patients are read
// with the appointments but never copied: UpdateDisplay keeps times only).
common::Status Refresh(common::Replica& r, common::Clock& clock, DisplayState& d) {
  const int64_t now_ms = clock.NowMillis();
  RELAIS_ASSIGN_OR_RETURN(std::string day, common::TicketToday(r));
  RELAIS_ASSIGN_OR_RETURN(std::vector<common::Ticket> tickets, common::TicketsOn(r, day));
  RELAIS_ASSIGN_OR_RETURN(std::vector<common::Appointment> appts,
                          r.AppointmentsOn(common::ParisDate(now_ms / 1000)));
  RELAIS_ASSIGN_OR_RETURN(std::vector<common::Practitioner> practs, r.Practitioners());
  UpdateDisplay(d, tickets, appts, practs, now_ms);
  return common::Status::OK();
}

void Frame(GLFWwindow* window, const DisplayState& d, const ui::Fonts& fonts) {
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  ui::DrawDisplay(d, fonts);
  ImGui::Render();
  int w = 0, h = 0;
  glfwGetFramebufferSize(window, &w, &h);
  glViewport(0, 0, w, h);
  glClearColor(0.05f, 0.13f, 0.2f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

}  // namespace

int RunDisplay(GLFWwindow* window, common::Replica& r, common::Clock& clock,
               const ui::Fonts& fonts, const DisplayOptions& o,
               const std::function<void(const std::string&)>& say,
               const std::function<bool(const std::string&)>& save_png) {
  glfwSetWindowCloseCallback(window, nullptr);  // a TV: no PIN to close it
  DisplayState d;
  d.lang = o.lang;
  if (common::Status st = Refresh(r, clock, d); !st.ok()) {
    std::fprintf(stderr, "écran de salle d'attente : %s\n", st.message().c_str());
    return 1;
  }
  if (!o.screenshot_dir.empty()) {
    for (int i = 0; i < o.frames; ++i) {
      Frame(window, d, fonts);
      if (i + 1 == o.frames) {
        const std::string path = o.screenshot_dir + "/kiosk-affichage.png";
        if (!save_png(path)) {
          std::fprintf(stderr, "capture %s impossible à écrire (disque plein ?)\n", path.c_str());
          return 1;
        }
        std::printf("%s\n", path.c_str());
      }
      glfwSwapBuffers(window);
      glfwPollEvents();
    }
    return 0;
  }
  uint64_t said = d.speech_seq;
  int64_t last_refresh = clock.NowMillis();
  while (!glfwWindowShouldClose(window)) {
    glfwWaitEventsTimeout(0.5);
    if (clock.NowMillis() - last_refresh >= o.refresh_ms ||
        clock.NowMillis() < last_refresh) {
      last_refresh = clock.NowMillis();
      if (common::Status st = Refresh(r, clock, d); !st.ok())
        std::fprintf(stderr, "écran de salle d'attente : %s\n", st.message().c_str());
    }
    if (d.speech_seq != said) {
      said = d.speech_seq;
      std::printf("appel : %s\n", d.speech_text.c_str());
      std::fflush(stdout);
      say(d.speech_text);
    }
    Frame(window, d, fonts);
    glfwSwapBuffers(window);
  }
  return 0;
}

void PrepareWalkinShot(AppState& s, Screen screen) {
  if (screen == Screen::kTicket) {
    const std::vector<common::Ticket> queue = common::domain::QueueOrder(
        s.walkin.tickets, s.site_id, common::FormatDate(s.today));
    common::Ticket t;
    if (!queue.empty()) {
      t = queue.back();
    } else {
      t.id = "sample";
      t.site_id = s.site_id;
      t.day = common::FormatDate(s.today);
      t.number = "A1";
      t.issued_at_ms = s.now_ms;
    }
    std::vector<common::Ticket> all = s.walkin.tickets;
    if (queue.empty()) all.push_back(t);
    const std::string printer = s.walkin.printer;
    s.walkin.printer.clear();  // no receipt for a screenshot
    ApplyTicketIssued(s, t, all);
    s.walkin.printer = printer;
  }
  s.effects.clear();
}

}  // namespace relais::kiosk
