// report-demo: serves the funder dashboard over synthetic data (README
// demo), or over the hand-written fixture of tools/report_demo/fixture.h
// (--fixture, headless-browser test). Prints the dashboard URL on stdout
// (a one-time login code for the demo token, never the token itself; the
// code works for one browser, once, for 10 minutes), then serves until --seconds elapse or SIGINT/SIGTERM.
//
//   report-demo [--host 127.0.0.1] [--port 0] [--seconds 0] [--fixture] [--codes N]
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include "common/util/time.h"
#include "server/report/memory_backend.h"
#include "server/report/report_server.h"
#include "tools/report_demo/fixture.h"
#include "tools/report_demo/seed.h"

namespace {
std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }
}  // namespace

int main(int argc, char** argv) {
  using namespace relais;
  CLI::App app{"report-demo — tableau de bord financeurs sur données fictives"};
  std::string host = "127.0.0.1";
  int port = 0, seconds = 0;
  bool fixture = false;
  int codes = 1;
  app.add_option("--host", host, "Adresse d'écoute");
  app.add_option("--port", port, "Port (0 = choisi par le système)");
  app.add_option("--seconds", seconds, "Durée de service (0 = jusqu'à Ctrl-C)");
  app.add_option("--codes", codes, "Liens de connexion à usage unique à afficher (1 à 10)")
      ->check(CLI::Range(1, 10));
  app.add_flag("--fixture", fixture,
               "Petit jeu de données écrit à la main (test navigateur)");
  CLI11_PARSE(app, argc, argv);

  tools::SeedOptions o;
  o.sites = {{"aubrac", 30, 3, 2}, {"causses", 22, 4, 1},
             {"petite-vallee", 2, 1, 0}};
  server::MemoryReportBackend backend;
  if (fixture) {
    backend.SetRecords(tools::BrowserFixtureRecords());
    backend.AddToken("demo-conseil", {"aubrac", "causses"});
  } else {
    backend.SetRecords(tools::SyntheticRecords(o));
    backend.AddToken("demo-conseil", {"aubrac", "causses", "petite-vallee"});
  }
  backend.AddToken("demo-causses", {"causses"});
  backend.SetMetrics(
      "# HELP relais_demo_up Démonstration.\n# TYPE relais_demo_up gauge\n"
      "relais_demo_up 1\n");
  // A fixed "now" (1 July 2026) so the page is the same on every run.
  common::FakeClock clock(common::ParisLocalToUtc({2026, 7, 1}, 9, 0) * 1000);
  server::ReportServer srv(backend, clock);
  auto bound = srv.Start(host, port);
  if (!bound.ok()) {
    std::cerr << "report-demo: " << bound.status().ToString() << "\n";
    return 1;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  // One-time codes, not the token, go in the URLs (sessions.h): one per
  // browser that will open the page.
  for (int i = 0; i < codes; ++i) {
    auto code = srv.IssueLoginCode("demo-conseil");
    if (!code.ok()) {
      std::cerr << "report-demo: " << code.status().ToString() << "\n";
      return 1;
    }
    std::cout << "URL: http://" << host << ":" << *bound << "/login?code=" << *code
              << "&from=2026-01&to=2026-06" << std::endl;
  }
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!g_stop && (seconds == 0 || std::chrono::steady_clock::now() < end))
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  srv.Stop();
  return 0;
}
