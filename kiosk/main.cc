// relais-kiosk: the house's kiosk, in the shape of Dear ImGui's
// example_glfw_opengl3 (GLFW 3.3 core profile, "#version 330 core").
//   relais-kiosk --db site.db [--hub HOST:PORT[,HOST:PORT...] [--http-hub HOST:PORT[,...]] --token-file F] [--lang fr|en]
//                [--fullscreen] [--reach-low] [--no-speech | --speech-wav-dir DIR] [--now YYYY-MM-DDTHH:MM]
//                [--screenshot-dir DIR --frames N]
//   relais-kiosk --db site.db --set-pin PRACTITIONER_ID:1234
//   relais-kiosk --db site.db --display [--fullscreen]   (waiting-room TV, display.h)
//   [--ticket-printer NAME]: walk-in receipts through CUPS lp (ticket_printer.h)
//   [--peer HOST:PORT|auto --pki DIR [--peer-name "le secrétariat"]]: a second
//   background worker syncs with the house peer over the LAN (peer_sync.h)
// The token comes from --token-file or RELAIS_TOKEN (--token still works but
// warns: it is visible in `ps`). Before each sync the worker runs PRAGMA
// quick_check and stops with « réplique endommagée » instead of syncing.
// With several hubs (over one database) each round fails over
// (common/sync/failover.h); failed rounds back off from 1 s to 60 s.
// Redraws only on input or a state change (glfwWaitEventsTimeout), so an
// idle kiosk uses almost no CPU. All logic lives in kiosk/app and kiosk/ui.
// Files: kiosk_options.h (command line), kiosk_loop.h (frame, settling,
// run loop), screenshots.h (--screenshot-dir); this file wires them: the
// workers, the window, ImGui and the mode to run.
#include <GLFW/glfw3.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "backends/imgui_impl_glfw.h"
#include "backends/imgui_impl_opengl3.h"
#include "common/replica/replica.h"
#include "imgui.h"
#include "kiosk/app/apply.h"
#include "kiosk/app/effects.h"
#include "kiosk/app/output_dir.h"
#include "kiosk/app/convocation.h"
#ifdef RELAIS_HAVE_PEER
#include "kiosk/peer_sync.h"
#endif
#include "kiosk/app/sync_worker.h"
#include "kiosk/display.h"
#include "kiosk/kiosk_loop.h"
#include "kiosk/kiosk_options.h"
#include "kiosk/nightly.h"
#include "kiosk/physical_input.h"
#include "kiosk/screenshots.h"
#include "kiosk/set_pin.h"
#include "kiosk/ui/ui.h"
#ifdef RELAIS_HAVE_SYNC_CLIENT
#include "common/sync/failover.h"
#endif

namespace relais::kiosk {
namespace {

using common::Status;

constexpr const char kFont[] = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

ui::Fonts LoadFonts(ImGuiIO& io) {
  static const ImWchar kRanges[] = {0x0020, 0x00FF, 0x0152, 0x0153, 0x2013, 0x2014,
                                    0x2019, 0x2019, 0x2022, 0x2022, 0x2026, 0x2026,
                                    0x20AC, 0x20AC, 0x2190, 0x2193, 0};
  ui::Fonts f;
  if (std::FILE* probe = std::fopen(kFont, "rb")) {
    std::fclose(probe);
    f.body = io.Fonts->AddFontFromFileTTF(kFont, 22.0f, nullptr, kRanges);
    f.large = io.Fonts->AddFontFromFileTTF(kFont, 32.0f, nullptr, kRanges);
    f.title = io.Fonts->AddFontFromFileTTF(kFont, 52.0f, nullptr, kRanges);
    // Ticket numbers and the waiting-room display's calls (rooms: Latin-1).
    static const ImWchar kHugeRanges[] = {0x0020, 0x007E, 0x00C0, 0x00FF, 0x2192, 0x2192, 0};
    f.huge = io.Fonts->AddFontFromFileTTF(kFont, 140.0f, nullptr, kHugeRanges);
  } else {
    std::fprintf(stderr, "police %s absente: police par défaut (sans accents)\n", kFont);
  }
  return f;
}

GLFWwindow* OpenWindow(bool fullscreen) {
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  GLFWmonitor* mon = fullscreen ? glfwGetPrimaryMonitor() : nullptr;
  const GLFWvidmode* mode = mon ? glfwGetVideoMode(mon) : nullptr;
  GLFWwindow* w = glfwCreateWindow(mode ? mode->width : 1280, mode ? mode->height : 800,
                                   "Relais Santé — borne", mon, nullptr);
  if (!w) return nullptr;
  glfwMakeContextCurrent(w);
  glfwSwapInterval(1);
  return w;
}

std::unique_ptr<SyncWorker> MakeWorker(const Options& o, common::Clock* clock,
                                       std::shared_ptr<HubNote> note, FileMutex file_mu) {
#ifdef RELAIS_HAVE_SYNC_CLIENT
  if (o.hubs.empty()) return nullptr;
  // The worker thread owns its own Replica (a Replica is not thread-safe).
  auto holder = std::make_shared<std::unique_ptr<common::Replica>>();
  auto fn = [o, holder, note](SyncCounts* c) -> Status {
    if (!*holder) {
      RELAIS_ASSIGN_OR_RETURN(*holder, common::Replica::Open(o.db));
    }
    // A damaged file must not be synced (it could push garbage or lose
    // local changes); the message tells the staff what to run.
    if (Status bad = (*holder)->store()->db()->QuickCheck(); !bad.ok())
      return Status::DataLoss("réplique endommagée : lancez relais repair --db " + o.db);
    sync::SyncOptions so;
    so.hubs = o.hubs;
    so.hub = o.hubs.front();
    so.token = o.token;
    so.ca_file = o.ca;
    // Auto: gRPC, HTTP/1.1 after a gRPC failure a proxy causes (remembered).
    so.transport = sync::Transport::kAuto;
    so.http_hubs = o.http_hubs;
    if (!so.http_hubs.empty()) so.http_hub = so.http_hubs.front();
    RELAIS_ASSIGN_OR_RETURN(sync::FailoverReport r, sync::SyncWithFailover(**holder, so));
    *c = SyncCounts{r.sync.pushed, r.sync.pulled, r.sync.conflicts};
    auto last = sync::ReadLastHub(*(*holder)->store());
    if (last.ok()) {
      std::lock_guard<std::mutex> lock(note->mu);
      note->hub = last->hub;
      note->at_ms = last->at_ms;
    }
    return Status::OK();
  };
  return std::make_unique<SyncWorker>(SerialiseWithFile(fn, file_mu), clock,
                                      sync::FailoverWorkerOptions(o.sync_interval_s * 1000LL));
#else
  if (!o.hub.empty())
    std::fprintf(stderr, "--hub ignoré: construit sans le client de synchronisation\n");
  (void)clock;
  (void)note;
  (void)file_mu;
  return nullptr;
#endif
}

int Run(const Options& o) {
  std::unique_ptr<common::FakeClock> fake;
  common::Clock* clock = common::SystemClock::Default();
  if (!o.now.empty()) {
    auto t = common::ParseParisDateTime(o.now);
    if (!t.ok()) return std::fprintf(stderr, "%s\n", t.status().ToString().c_str()), 2;
    fake = std::make_unique<common::FakeClock>(*t * 1000);
    clock = fake.get();
  }
  auto rep = common::Replica::Open(o.db, clock);
  if (!rep.ok()) return std::fprintf(stderr, "%s\n", rep.status().ToString().c_str()), 1;
  // The status bar names the last hub reached from the first frame on.
  auto note = std::make_shared<HubNote>();
#ifdef RELAIS_HAVE_SYNC_CLIENT
  if (auto last = sync::ReadLastHub(*(*rep)->store()); last.ok()) {
    note->hub = last->hub;
    note->at_ms = last->at_ms;
  }
#endif
  // Sync rounds and the nightly compaction take this lock (nightly.h).
  FileMutex file_mu = std::make_shared<std::mutex>();
  std::unique_ptr<SyncWorker> worker = MakeWorker(o, clock, note, file_mu);
  std::unique_ptr<SyncWorker> peer_worker;
#ifdef RELAIS_HAVE_PEER
  if (!o.peer.empty())
    peer_worker = std::make_unique<SyncWorker>(
        SerialiseWithFile(MakePeerSyncFn(PeerWorkerConfig{o.db, o.pki, o.peer}), file_mu),
        clock, PeerWorkerOptions(o.sync_interval_s * 1000LL));
#else
  if (!o.peer.empty())
    std::fprintf(stderr, "--peer ignoré: construit sans la synchronisation locale\n");
#endif

  // Output directories are checked (or created, 0700) before any window.
  for (const auto& [flag, dir] : {std::pair<const char*, const std::string*>{
                                      "--screenshot-dir", &o.screenshot_dir},
                                  {"--speech-wav-dir", &o.speech_wav_dir}}) {
    if (dir->empty()) continue;
    Status st = EnsureOutputDir(*dir);
    if (!st.ok()) {
      std::fprintf(stderr, "%s : %s\n", flag, st.message().c_str());
      return st.code() == common::StatusCode::kInvalidArgument ? 2 : 1;
    }
  }
  if (!o.convocation_dir.empty()) {
    Status st = EnsureOutputDir(o.convocation_dir);
    if (!st.ok()) {
      std::fprintf(stderr, "--convocation-dir : %s\n", st.message().c_str());
      return st.code() == common::StatusCode::kInvalidArgument ? 2 : 1;
    }
  }
  if (!o.printer.empty()) {
    Status st = ValidatePrinterName(o.printer);
    if (!st.ok()) return std::fprintf(stderr, "--printer : %s\n", st.message().c_str()), 2;
    if (o.convocation_dir.empty())
      return std::fprintf(stderr, "--printer demande --convocation-dir (où garder les "
                                  "convocations imprimées)\n"), 2;
  }
  glfwSetErrorCallback([](int e, const char* d) { std::fprintf(stderr, "GLFW %d: %s\n", e, d); });
  if (!glfwInit()) return std::fprintf(stderr, "GLFW n'a pas pu démarrer (pas d'écran ? essayez xvfb-run)\n"), 1;
  Kiosk k;
  k.window = OpenWindow(o.fullscreen);
  if (!k.window) {
    std::fprintf(stderr, "fenêtre OpenGL 3.3 impossible à ouvrir (pilote graphique ?)\n");
    return glfwTerminate(), 1;
  }
  glfwSetWindowUserPointer(k.window, &k);
  // Installed before ImGui's, which chains to them: they only count input.
  glfwSetCursorPosCallback(k.window, [](GLFWwindow* w, double, double) { CountInput(w); });
  glfwSetMouseButtonCallback(k.window, [](GLFWwindow* w, int, int, int) { CountInput(w); });
  glfwSetKeyCallback(k.window, [](GLFWwindow* w, int key, int, int action, int mods) {
    CountInput(w);
    static_cast<Kiosk*>(glfwGetWindowUserPointer(w))->input.OnGlfwKey(key, action, mods);
  });
  // Locked-down kiosk: no key combination closes it without a staff PIN.
  glfwSetWindowCloseCallback(k.window, [](GLFWwindow* w) {
    if (!PhysicalInput::MayClose(static_cast<Kiosk*>(glfwGetWindowUserPointer(w))->state))
      glfwSetWindowShouldClose(w, GLFW_FALSE);
  });
  glfwSetCharCallback(k.window, [](GLFWwindow* w, unsigned cp) {
    CountInput(w);
    static_cast<Kiosk*>(glfwGetWindowUserPointer(w))->input.OnGlfwChar(cp);
  });
  glfwSetScrollCallback(k.window, [](GLFWwindow* w, double, double) { CountInput(w); });
  glfwSetWindowSizeCallback(k.window, [](GLFWwindow* w, int, int) { CountInput(w); });

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  k.scratch.fonts = LoadFonts(io);
  ui::ApplyTheme();
  ImGui_ImplGlfw_InitForOpenGL(k.window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");

  k.clock = clock;
  k.worker = worker.get();
  k.peer_worker = peer_worker.get();
  k.hub_note = note;
  k.state = InitialState(clock->NowMillis(), o.lang == "en" ? Lang::kEn : Lang::kFr);
  k.state.reach_low = o.reach_low;
  k.state.peer.enabled = peer_worker != nullptr;
  k.state.peer.name = o.peer_name;
  k.state.walkin.printer = o.ticket_printer;
  k.state.convocation.out_dir = o.convocation_dir;
  k.state.convocation.printer = o.printer;
  SyncWorker* wp = worker.get();
  SyncWorker* pp = peer_worker.get();
  k.runner = std::make_unique<EffectRunner>(rep->get(), [wp, pp] {
    if (wp) wp->Nudge();
    if (pp) pp->Nudge();
  });
  k.input.OpenSpeaker(o.speech_wav_dir, o.no_speech || !o.screenshot_dir.empty());
  Settle(k);
  if (worker) worker->Start();
  if (peer_worker) peer_worker->Start();
  // Not in capture mode (a one-shot run); the last run is in the replica.
  std::unique_ptr<common::NightlyCompactor> compactor;
  if (o.no_compact) {
    std::fprintf(stderr, "compactage de nuit désactivé (--sans-compactage)\n");
  } else if (o.screenshot_dir.empty()) {
    auto last = common::ReadLastCompaction((*rep)->store()->db());
    if (!last.ok()) std::fprintf(stderr, "%s\n", last.status().ToString().c_str());
    compactor = MakeReplicaCompactor(o.db, o.compact, clock, file_mu, last.ok() ? *last : 0);
    k.compactor = compactor.get();
    compactor->Start();
    std::fprintf(stderr, "compactage de nuit de la réplique entre %s (heure locale, borne "
                         "inactive)\n", common::FormatCompactWindow(o.compact).c_str());
  }

  int rc = 0;
  if (o.display) {  // the waiting-room TV (display.h): speech through k.input
    DisplayOptions d{k.state.lang, o.screenshot_dir, o.frames};
    auto say = [&k](const std::string& text) {
      k.state.speech = AppState::SpeechRequest{text, k.state.lang, k.state.speech.seq + 1};
      k.input.Settle(k.state);
    };
    rc = RunDisplay(k.window, **rep, *clock, k.scratch.fonts, d, say,
                    [&k](const std::string& path) { return SavePng(k.window, path); });
  } else if (!o.screenshot_dir.empty()) rc = Screenshots(k, o);
  else MainLoop(k);

  if (compactor) compactor->Stop();
  if (worker) worker->Stop();
  if (peer_worker) peer_worker->Stop();
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(k.window);
  glfwTerminate();
  return rc;
}

}  // namespace
}  // namespace relais::kiosk

int main(int argc, char** argv) {
  relais::kiosk::Options o;
  if (int rc = relais::kiosk::ParseOptions(argc, argv, &o); rc != relais::kiosk::kContinue)
    return rc;
  if (!o.set_pin.empty()) return relais::kiosk::SetPin(o.db, o.set_pin);
  if (int rc = relais::kiosk::ResolveHubAndToken(&o); rc != relais::kiosk::kContinue) return rc;
  return relais::kiosk::Run(o);
}
