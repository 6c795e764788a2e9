// kiosk_bench: how fast the kiosk is on a big replica. Prints one JSON line
// per measure:
//   {"bench":"kiosk_frame","screen":"planning","appointments":10000,...}
//   {"bench":"kiosk_local_write","median_ms":...,"p95_ms":...}
// Frames are headless ImGui frames (no GL), i.e. the CPU cost of building
// the UI; the GPU side is a few draw calls. Usage:
//   kiosk_bench [--appointments N] [--frames N] [--writes N] [--keep 1]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "common/replica/replica.h"
#include "imgui.h"
#include "kiosk/app/apply.h"
#include "kiosk/app/effects.h"
#include "kiosk/ui/ui.h"

namespace {

using Clock = std::chrono::steady_clock;
using relais::common::Collection;

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

struct Stats {
  double median = 0, p95 = 0, max = 0;
};
Stats Summarise(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return {};
  return {v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 95 / 100)], v.back()};
}

int Arg(int argc, char** argv, const char* name, int def) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  return def;
}

// n appointments today over 4 practitioners, in one transaction.
bool Seed(relais::common::Replica& r, int n, int64_t now_s) {
  for (int p = 0; p < 4; ++p)
    if (!r.AddPractitioner("p" + std::to_string(p), "Praticien " + std::to_string(p),
                           "medecin").ok())
      return false;
  // The replica may qualify ids (e.g. "p0@site"): use the stored ones.
  auto pracs = r.Practitioners();
  if (!pracs.ok() || pracs->size() != 4) return false;
  const auto day = relais::common::ParisDate(now_s);
  const int64_t t0 = relais::common::ParisLocalToUtc(day, 7, 0);
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> items;
  const char* statuses[] = {"booked", "checked_in", "done", "in_consultation"};
  for (int i = 0; i < n; ++i) {
    items.push_back({"rdv-b" + std::to_string(i),
                     {{"practitioner", (*pracs)[i % 4].id},
                      {"patient_name", "PATIENT " + std::to_string(i)},
                      {"patient_birth", "1970-01-01"},
                      {"start", std::to_string(t0 + (i / 4) * 4)},
                      {"duration", "15"},
                      {"kind", "consultation"},
                      {"status", statuses[i % 4]},
                      {"room", "Cabinet " + std::to_string(i % 4 + 1)},
                      {"code", "B" + std::to_string(100000 + i).substr(1)}}});
  }
  return r.WriteBatch(Collection::kAppointment, items).ok();
}

void FrameBench(relais::kiosk::AppState& s, relais::kiosk::Screen screen, int frames,
                int appointments) {
  relais::kiosk::ui::UiScratch scratch;
  s.screen = screen;
  std::vector<double> t;
  for (int i = 0; i < frames; ++i) {
    std::vector<relais::kiosk::Action> out;
    const auto a = Clock::now();
    ImGui::NewFrame();
    relais::kiosk::ui::DrawScreen(s, scratch, &out);
    ImGui::Render();
    t.push_back(Ms(Clock::now() - a));
  }
  Stats st = Summarise(t);
  std::printf("{\"bench\":\"kiosk_frame\",\"screen\":\"%s\",\"appointments\":%d,"
              "\"frames\":%d,\"buttons\":%zu,\"vertices\":%d,\"median_ms\":%.3f,\"p95_ms\":%.3f,"
              "\"max_ms\":%.3f}\n",
              screen == relais::kiosk::Screen::kPlanning ? "planning" : "accueil",
              appointments, frames, scratch.rects.size(), ImGui::GetDrawData()->TotalVtxCount, st.median,
              st.p95, st.max);
}

}  // namespace

int main(int argc, char** argv) {
  const int n = Arg(argc, argv, "--appointments", 10000);
  const int frames = Arg(argc, argv, "--frames", 200);
  const int writes = Arg(argc, argv, "--writes", 200);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("kiosk-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string db = (dir / "bench.db").string();
  auto* clock = relais::common::SystemClock::Default();
  if (!relais::common::Replica::Init(db, "bench").ok()) return 1;
  auto rep = relais::common::Replica::Open(db, clock);
  if (!rep.ok() || !Seed(**rep, n, clock->NowMillis() / 1000)) return 1;

  relais::kiosk::AppState s = relais::kiosk::InitialState(clock->NowMillis(),
                                                          relais::kiosk::Lang::kFr);
  relais::kiosk::EffectRunner runner(rep->get(), nullptr);
  const auto a = Clock::now();
  if (!runner.RunPending(s).ok()) return 1;
  std::printf("{\"bench\":\"kiosk_reload\",\"appointments\":%zu,\"practitioners\":%zu,"
              "\"ms\":%.3f}\n",
              s.day_appointments.size(), s.practitioners.size(), Ms(Clock::now() - a));

  relais::kiosk::ui::CreateHeadlessContext(1280, 800);
  s.staff_unlocked = true;
  FrameBench(s, relais::kiosk::Screen::kPlanning, frames, n);
  FrameBench(s, relais::kiosk::Screen::kWelcome, frames, n);
  ImGui::DestroyContext();

  // Local write commit: one status change = one SQLite transaction.
  std::vector<double> t;
  for (int i = 0; i < writes; ++i) {
    const auto b = Clock::now();
    if (!(*rep)->SetStatus("rdv-b" + std::to_string(i % n), i % 2 ? "done" : "booked").ok())
      return 1;
    t.push_back(Ms(Clock::now() - b));
  }
  Stats st = Summarise(t);
  std::printf("{\"bench\":\"kiosk_local_write\",\"writes\":%d,\"median_ms\":%.3f,"
              "\"p95_ms\":%.3f,\"max_ms\":%.3f}\n", writes, st.median, st.p95, st.max);
  rep->reset();
  if (Arg(argc, argv, "--keep", 0) == 0) std::filesystem::remove_all(dir);
  else std::fprintf(stderr, "replica kept: %s\n", db.c_str());
  return 0;
}
