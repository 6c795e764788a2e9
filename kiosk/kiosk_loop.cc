#include "kiosk/kiosk_loop.h"

#include <stb_image_write.h>

#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "backends/imgui_impl_glfw.h"
#include "backends/imgui_impl_opengl3.h"
#include "imgui.h"
#include "kiosk/app/apply.h"
#include "kiosk/app/sync_text.h"

namespace relais::kiosk {

using common::Status;

void Frame(Kiosk& k) {
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  std::vector<Action> actions;
  ui::DrawScreen(k.state, k.scratch, &actions);
  ImGui::Render();
  int w = 0, h = 0;
  glfwGetFramebufferSize(k.window, &w, &h);
  glViewport(0, 0, w, h);
  glClearColor(0.95f, 0.96f, 0.97f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  for (const Action& a : actions) Apply(k.state, a);
}

void Settle(Kiosk& k) {
  Apply(k.state, act::Tick{k.clock->NowMillis()});
  k.input.Settle(k.state);
  if (k.worker) {
    SyncSnapshot snap = k.worker->Snapshot();
    const bool fresh = snap.last_success_ms != k.state.sync.last_success_ms;
    SyncStatus st;
    st.enabled = true;
    st.online = snap.online;
    st.last_success_ms = snap.last_success_ms;
    st.last_error = snap.last_error;
    {
      std::lock_guard<std::mutex> lock(k.hub_note->mu);
      st.last_hub = k.hub_note->hub;
      st.last_hub_ms = k.hub_note->at_ms;
    }
    Apply(k.state, act::SyncUpdate{st});
    if (fresh) k.state.effects.push_back(EffReload{});  // the hub sent changes
  }
  if (k.peer_worker) {
    SyncSnapshot snap = k.peer_worker->Snapshot();
    Apply(k.state, act::PeerSyncUpdate{snap.online, snap.last_success_ms, snap.last_error});
  }
  if (k.compactor) {
    k.compactor->NoteActivity(k.state.last_input_ms);
    Apply(k.state, act::Maintenance{k.compactor->counters().running});
  }
  Status st = k.runner->RunPending(k.state);
  if (!st.ok()) std::fprintf(stderr, "%s\n", st.ToString().c_str());
}

bool WaitForFirstSync(Kiosk& k, int seconds) {
  // Steady time: the kiosk's clock may be fixed (--now).
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  for (;;) {
    glfwPollEvents();
    Settle(k);
    const bool hub_done = !k.worker || k.worker->Snapshot().successes > 0;
    const bool peer_done = !k.peer_worker || k.peer_worker->Snapshot().successes > 0;
    if (hub_done && peer_done) {
      Settle(k);  // the snapshots taken after the rounds, and their reload
      return true;
    }
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::string SyncLine(const Kiosk& k) {
  return SyncStatusText(k.state.lang, k.state.sync, k.state.peer, k.state.now_ms);
}

bool SavePng(GLFWwindow* window, const std::string& path) {
  // (stb reports no reason; the directory was checked by EnsureOutputDir.)
  int w = 0, h = 0;
  glfwGetFramebufferSize(window, &w, &h);
  std::vector<unsigned char> px(static_cast<size_t>(w) * h * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, px.data());
  stbi_flip_vertically_on_write(1);
  return stbi_write_png(path.c_str(), w, h, 3, px.data(), w * 3) != 0;
}

void MainLoop(Kiosk& k) {
  uint64_t drawn_version = ~0ull;
  int64_t drawn_minute = -1;
  int extra_frames = 2;  // ImGui settles hover/active state over a few frames
  while (!glfwWindowShouldClose(k.window)) {
    // Typed characters are handed over once they cannot be a scanner burst.
    glfwWaitEventsTimeout(k.input.Holding() ? 0.05 : 0.25);
    Settle(k);
    const int64_t minute = k.state.now_ms / 60000;
    if (k.input_events > 0 || k.state.version != drawn_version || minute != drawn_minute)
      extra_frames = 3;
    k.input_events = 0;
    if (extra_frames <= 0) continue;  // nothing changed: no frame at all
    --extra_frames;
    Frame(k);
    glfwSwapBuffers(k.window);
    Settle(k);
    drawn_version = k.state.version;
    drawn_minute = minute;
  }
}

void CountInput(GLFWwindow* w) {
  static_cast<Kiosk*>(glfwGetWindowUserPointer(w))->input_events++;
}

}  // namespace relais::kiosk
