// relais-kiosk: the house's kiosk, in the shape of Dear ImGui's
// example_glfw_opengl3 (GLFW 3.3 core profile, "#version 330 core").
//   relais-kiosk --db site.db [--hub HOST:PORT[,HOST:PORT...] --token-file F] [--lang fr|en]
//                [--fullscreen] [--reach-low] [--no-speech | --speech-wav-dir DIR] [--now YYYY-MM-DDTHH:MM]
//                [--screenshot-dir DIR --frames N]
//   relais-kiosk --db site.db --set-pin PRACTITIONER_ID:1234
//   relais-kiosk --db site.db --display [--fullscreen]   (waiting-room TV, display.h)
//   [--ticket-printer NAME]: walk-in receipts through CUPS lp (ticket_printer.h)
//   [--peer HOST:PORT --pki DIR [--peer-name "le secrétariat"]]: a second
//   background worker syncs with the house peer over the LAN (peer_sync.h)
// The token comes from --token-file or RELAIS_TOKEN (--token still works but
// warns: it is visible in `ps`). Before each sync the worker runs PRAGMA
// quick_check and stops with « réplique endommagée » instead of syncing.
// With several hubs (over one database) each round fails over
// (common/sync/failover.h); failed rounds back off from 1 s to 60 s.
// Redraws only on input or a state change (glfwWaitEventsTimeout), so an
// idle kiosk uses almost no CPU. All logic lives in kiosk/app and kiosk/ui.
#include <GLFW/glfw3.h>
#include <stb_image_write.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "backends/imgui_impl_glfw.h"
#include "backends/imgui_impl_opengl3.h"
#include "common/replica/replica.h"
#include "common/util/secret.h"
#include "imgui.h"
#include "kiosk/app/apply.h"
#include "kiosk/app/effects.h"
#include "kiosk/app/output_dir.h"
#include "kiosk/app/sync_text.h"
#include "kiosk/app/convocation.h"
#ifdef RELAIS_HAVE_PEER
#include "kiosk/peer_sync.h"
#endif
#include "kiosk/app/sync_worker.h"
#include "kiosk/app/ticket_printer.h"
#include "kiosk/display.h"
#include "kiosk/physical_input.h"
#include "kiosk/set_pin.h"
#include "kiosk/ui/ui.h"
#ifdef RELAIS_HAVE_SYNC_CLIENT
#include "common/sync/failover.h"
#include "common/sync/hub_list.h"
#endif

namespace relais::kiosk {
namespace {

using common::Status;

struct Options {
  std::string db, hub, token, token_file, ca, lang = "fr", now, set_pin, screenshot_dir;
  std::vector<std::string> hubs;  // --hub parsed (ParseHubList)
  bool fullscreen = false;
  bool no_speech = false;
  bool reach_low = false;  // --reach-low: public controls in the lower half
  std::string speech_wav_dir;  // --speech-wav-dir: « Écouter » writes WAV files
  int frames = 4;
  int sync_interval_s = 30;
  bool display = false;        // --display: the waiting-room screen (display.h)
  std::string ticket_printer;  // --ticket-printer: CUPS queue for walk-in receipts
  // « Imprimer la convocation » (kiosk/app/convocation.h).
  std::string convocation_dir, printer;
  // LAN sync with the house peer (--peer, kiosk/peer_sync.h).
  std::string peer, pki, peer_name = "le secrétariat";
};

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
};

// One ImGui frame: draw, render, then apply what the user did.
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
  Status st = k.runner->RunPending(k.state);
  if (!st.ok()) std::fprintf(stderr, "%s\n", st.ToString().c_str());
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

// The secretariat screenshot: a search from now (a read: no effect that
// writes runs), the second proposal picked and a patient being typed.
void ScreenshotSearch(Kiosk& k) {
  AppState& st = k.state;
  st.effects.clear();
  Apply(st, act::SearchSlots{SlotFilter{}});
  Status s = k.runner->RunPending(st);
  if (!s.ok()) std::fprintf(stderr, "%s\n", s.ToString().c_str());
  if (st.secretariat.slots.size() > 1) Apply(st, act::SelectSlot{1});
  std::snprintf(k.scratch.sec.patient.data(), k.scratch.sec.patient.size(), "LEROY Maëlle");
  std::snprintf(k.scratch.sec.birth.data(), k.scratch.sec.birth.size(), "14/02/1987");
}

// Renders each screen for a few frames and writes docs-style PNGs.
int Screenshots(Kiosk& k, const Options& o) {
  struct Shot {
    const char* name;
    Screen screen;
    int scale_pct = 100;
    bool high_contrast = false;
  };
  const Shot shots[] = {{"accueil", Screen::kWelcome},     {"code", Screen::kCheckInCode},
                        {"confirmation", Screen::kCheckInDone}, {"planning", Screen::kPlanning},
                        {"presences", Screen::kPresence},  {"charges", Screen::kLedger},
                        {"conflits", Screen::kConflicts},
                        {"secretariat", Screen::kSecretariat},
                        // Accessibility (docs/kiosk.md « Accessibilité »).
                        {"accueil-contraste", Screen::kWelcome, 100, true},
                        {"code-contraste", Screen::kCheckInCode, 100, true},
                        {"accueil-200", Screen::kWelcome, 200, false},
                        {"code-200", Screen::kCheckInCode, 200, false},
                        {"naissance-200", Screen::kCheckInBirth, 200, false},
                        {"confirmation-200", Screen::kCheckInDone, 200, true},
                        // Walk-in queue (docs/kiosk.md « Sans rendez-vous »).
                        {"ticket", Screen::kTicket},
                        {"file-attente", Screen::kQueue},
                        // The other public screens at « A+ » 200 % too.
                        {"ticket-200", Screen::kTicket, 200, false},
                        {"pin", Screen::kStaffPin},
                        {"pin-200", Screen::kStaffPin, 200, false}};
  int failures = 0;
  for (const Shot& s : shots) {
    AppState& st = k.state;
    st.staff_unlocked = IsStaffScreen(s.screen);  // screenshots skip the PIN
    if (st.staff_unlocked && st.staff_user.empty() && !st.practitioners.empty())
      st.staff_user = st.practitioners[0].id;
    st.screen = s.screen;
    st.message.clear();
    st.text_scale_pct = s.scale_pct;
    st.high_contrast = s.high_contrast;
    if (s.screen == Screen::kCheckInCode) {
      st.form = CheckInForm{};
      st.form.code = "K7M";
      st.form.active = InputField::kCode;
    }
    if (s.screen == Screen::kCheckInBirth) {
      st.form = CheckInForm{};
      st.form.birth = "0203";
      st.form.active = InputField::kBirth;
    }
    if (s.screen == Screen::kCheckInDone) {
      // Check in the first appointment that a patient could check in now;
      // the write is dropped: screenshots never change the replica.
      for (const common::Appointment& a : st.today_appointments) {
        if (a.status != "booked") continue;
        AppState probe = st;
        Apply(probe, act::CheckInByCode{a.code});
        if (probe.checkin.ok) {
          probe.effects.clear();
          st = probe;
          break;
        }
      }
    }
    if (s.screen == Screen::kSecretariat) ScreenshotSearch(k);
    if (s.screen == Screen::kTicket || s.screen == Screen::kQueue) PrepareWalkinShot(st, s.screen);
    for (int i = 0; i < o.frames; ++i) {
      Frame(k);
      if (i + 1 == o.frames) {
        const std::string path = o.screenshot_dir + "/kiosk-" + s.name + ".png";
        if (!SavePng(k.window, path)) {
          std::fprintf(stderr, "capture %s impossible à écrire (disque plein ?)\n", path.c_str());
          ++failures;
        } else {
          std::printf("%s\n", path.c_str());
        }
      }
      glfwSwapBuffers(k.window);
      glfwPollEvents();
    }
  }
  return failures == 0 ? 0 : 1;
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
                                       std::shared_ptr<HubNote> note) {
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
  return std::make_unique<SyncWorker>(
      fn, clock, sync::FailoverWorkerOptions(o.sync_interval_s * 1000LL));
#else
  if (!o.hub.empty())
    std::fprintf(stderr, "--hub ignoré: construit sans le client de synchronisation\n");
  (void)clock;
  (void)note;
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
  std::unique_ptr<SyncWorker> worker = MakeWorker(o, clock, note);
  std::unique_ptr<SyncWorker> peer_worker;
#ifdef RELAIS_HAVE_PEER
  if (!o.peer.empty())
    peer_worker = std::make_unique<SyncWorker>(
        MakePeerSyncFn(PeerWorkerConfig{o.db, o.pki, o.peer}), clock,
        PeerWorkerOptions(o.sync_interval_s * 1000LL));
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
  CLI::App app{"Relais Santé — borne d'accueil et poste de l'équipe"};
  app.set_version_flag("--version", std::string("relais-kiosk ") + RELAIS_VERSION,
                       "Affiche la version et quitte");
  app.add_option("--db", o.db, "Fichier SQLite de la réplique de la maison")->required();
  app.add_option("--hub", o.hub,
                 "Serveur de synchronisation HOTE:PORT, ou plusieurs séparés par des virgules");
  app.add_option("--token-file", o.token_file,
                 "Fichier du jeton de la réplique (relais-hub enroll ; sinon RELAIS_TOKEN)");
  app.add_option("--token", o.token,
                 "Jeton en clair (déconseillé : visible dans ps ; préférez --token-file)");
  auto* ca = app.add_option("--ca", o.ca, "Certificat de l'autorité du hub (PEM): TLS");
  app.add_option("--lang", o.lang, "Langue: fr | en")->check(CLI::IsMember({"fr", "en"}));
  app.add_flag("--fullscreen", o.fullscreen, "Plein écran sur l'écran principal");
  app.add_flag("--reach-low", o.reach_low,
               "Boutons publics dans la moitié basse de l'écran (personne assise)");
  app.add_flag("--no-speech", o.no_speech, "Sans synthèse vocale (bouton « Écouter » muet)");
  app.add_option("--speech-wav-dir", o.speech_wav_dir,
                 "« Écouter » écrit DIR/parole-N.wav au lieu de parler (essai sans casque)");
  app.add_option("--now", o.now, "Heure fixe AAAA-MM-JJTHH:MM (démo, captures)");
  app.add_option("--sync-interval", o.sync_interval_s, "Secondes entre deux synchronisations")
      ->check(CLI::Range(1, 3600));
  app.add_option("--set-pin", o.set_pin,
                 "PRATICIEN:CODE ou secretariat:CODE enregistre un code personnel haché");
  app.add_option("--screenshot-dir", o.screenshot_dir, "Écrit une capture PNG par écran puis quitte");
  app.add_option("--convocation-dir", o.convocation_dir,
                 "Dossier des convocations (PNG 0600) de « Imprimer la convocation »");
  app.add_option("--printer", o.printer,
                 "Imprimante CUPS des convocations (lp -d NOM) ; sinon elles sont seulement enregistrées");
  app.add_option("--frames", o.frames, "Images rendues par écran en mode capture")
      ->check(CLI::Range(2, 100));
  app.add_flag("--display", o.display,
               "Écran de salle d'attente : appels des tickets et prochains rendez-vous");
  app.add_option("--ticket-printer", o.ticket_printer,
                 "File CUPS (lp -d NOM) pour imprimer les tickets sans rendez-vous");
  app.add_option("--peer", o.peer,
                 "Poste de la maison à synchroniser en tâche de fond HOTE:PORT (relais peer serve)");
  app.add_option("--pki", o.pki, "Dossier de l'autorité de la maison (ca.crt ; relais pki)");
  app.add_option("--peer-name", o.peer_name,
                 "Nom du poste dans la barre d'état (défaut : « le secrétariat »)");
  CLI11_PARSE(app, argc, argv);
  if (!o.peer.empty()) {
    if (relais::common::Status v = relais::kiosk::CheckPeerOptions(o.peer, o.pki, o.peer_name); !v.ok())
      return std::fprintf(stderr, "%s\n", v.message().c_str()), 2;
  }
  if (!o.ticket_printer.empty() && !relais::kiosk::IsValidPrinterName(o.ticket_printer))
    return std::fprintf(stderr, "--ticket-printer : nom d'imprimante invalide (lettres, chiffres, _ . -)\n"), 2;
  // An explicit but empty --ca must not quietly mean "no TLS".
  if (ca->count() > 0 && o.ca.empty())
    return std::fprintf(stderr, "--ca vide: donnez le fichier PEM de l'autorité du hub\n"), 2;
  if (!o.set_pin.empty()) return relais::kiosk::SetPin(o.db, o.set_pin);
  if (!o.hub.empty()) {
#ifdef RELAIS_HAVE_SYNC_CLIENT
    // A bad list is refused before any connection (hub_list.h).
    auto hubs = relais::sync::ParseHubList(o.hub);
    if (!hubs.ok()) return std::fprintf(stderr, "%s\n", hubs.status().message().c_str()), 2;
    o.hubs = *hubs;
#endif
    relais::common::TokenSource source;
    std::string warning;
    auto token = relais::common::ResolveToken(o.token_file, o.token, &source, &warning);
    if (!token.ok()) return std::fprintf(stderr, "%s\n", token.status().message().c_str()), 2;
    if (!warning.empty()) std::fprintf(stderr, "%s\n", warning.c_str());
    if (source == relais::common::TokenSource::kNone)
      return std::fprintf(stderr, "--hub sans jeton : --token-file FICHIER ou RELAIS_TOKEN\n"), 2;
    o.token = *token;
  }
  return relais::kiosk::Run(o);
}
