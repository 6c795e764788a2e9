#pragma once
// relais-kiosk's run loop: the state the loop owns (Kiosk), one ImGui frame,
// the per-iteration settling (time, typed input, the sync workers' status
// through Apply, pending effects) and the redraw-on-change loop. GLFW +
// OpenGL3 glue only: the logic lives in kiosk/app and kiosk/ui.

#include <GLFW/glfw3.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "common/storage/nightly_compactor.h"
#include "common/util/clock.h"
#include "kiosk/app/effects.h"
#include "kiosk/app/state.h"
#include "kiosk/app/sync_worker.h"
#include "kiosk/physical_input.h"
#include "kiosk/ui/ui.h"

namespace relais::kiosk {

// The hub that last completed a session, for the status bar: written by the
// worker thread after each success, read by the UI thread in Settle().
struct HubNote {
  std::mutex mu;
  std::string hub;     // GUARDED_BY(mu)
  int64_t at_ms = 0;   // GUARDED_BY(mu)
};

// Everything the loop needs, owned by main.
struct Kiosk {
  GLFWwindow* window = nullptr;
  AppState state;
  ui::UiScratch scratch;
  std::unique_ptr<EffectRunner> runner;
  common::Clock* clock = nullptr;
  SyncWorker* worker = nullptr;
  SyncWorker* peer_worker = nullptr;  // --peer
  std::shared_ptr<HubNote> hub_note;
  int input_events = 0;
  PhysicalInput input;  // scanner bursts, speech keys, « Écouter »
  // Nightly compaction (kiosk/nightly.h); nullptr with --sans-compactage.
  common::NightlyCompactor* compactor = nullptr;
};

// One ImGui frame: draw from k.state, render, then Apply what the user did.
void Frame(Kiosk& k);
// Ticks the clock, hands typed input over, copies both sync workers'
// snapshots through Apply (act::SyncUpdate, act::PeerSyncUpdate), tells the
// nightly compactor the last input and copies whether it runs
// (act::Maintenance), and runs the pending effects (errors on stderr).
void Settle(Kiosk& k);
// Waits, up to `seconds` (glfwPollEvents and Settle every 100 ms), until
// every enabled sync worker (k.worker, k.peer_worker) has completed a
// successful round; the pulled changes are reloaded through Settle. True
// if all did in time. REQUIRES: the workers are started.
bool WaitForFirstSync(Kiosk& k, int seconds);
// The status bar's sync sentence (kiosk/app/sync_text.h) for k.state.
std::string SyncLine(const Kiosk& k);
// Writes the window's back buffer as a PNG at `path`; false if it cannot.
bool SavePng(GLFWwindow* window, const std::string& path);
// Until the window closes: waits for input (or 0.25 s), settles, and draws
// only when something changed (input, AppState::version, the minute).
void MainLoop(Kiosk& k);
// GLFW callbacks: counts an input event of the Kiosk in `w`'s user pointer.
void CountInput(GLFWwindow* w);

}  // namespace relais::kiosk
