// report-demo: serves the funder dashboard over synthetic data, for the
// README demo and the headless-browser test. Prints the dashboard URL on
// stdout, then serves until --seconds elapse or SIGINT/SIGTERM.
//
//   report-demo [--host 127.0.0.1] [--port 0] [--seconds 0]
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include "common/report/usage.h"
#include "common/util/time.h"
#include "server/report/memory_backend.h"
#include "server/report/report_server.h"
#include "tools/report_demo/seed.h"

namespace {
std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }
// Prints "CHECK <data-site> <data-row> <table> <column> <display>" for a few
// cells of the page's report: the browser test looks for them in the DOM.
void PrintChecks(const std::vector<relais::common::Record>& records,
                 int64_t now_s) {
  namespace report = relais::common::report;
  report::UsageQuery q{"2026-01", "2026-06", report::Granularity::kMonth,
                       {"aubrac", "causses", "petite-vallee"}, now_s};
  auto r = report::BuildSuppressedUsageReport(records, q);
  if (!r.ok()) return;
  const std::pair<const char*, const char*> cells[] = {
      {"site:aubrac", "2026-01"}, {"site:causses", "total"},
      {"site:petite-vallee", "2026-02"}, {"synthese", "total"}};
  for (const auto& [table, row] : cells)
    for (const report::Table& t : r->tables)
      if (t.key == table)
        for (const report::Row& rw : t.rows)
          if (rw.key == row)
            for (const char* col : {"honores", "non_venus", "rdv_total"}) {
              const int c = t.ColumnIndex(col);
              std::cout << "CHECK " << (t.site.empty() ? rw.key : t.site) << " "
                        << (t.site.empty() ? "total" : rw.key) << " " << t.key
                        << " " << col << " "
                        << report::DisplayCell(t.columns[c], rw.cells[c])
                        << "\n";
            }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace relais;
  CLI::App app{"report-demo — tableau de bord financeurs sur données fictives"};
  std::string host = "127.0.0.1";
  int port = 0, seconds = 0;
  app.add_option("--host", host, "Adresse d'écoute");
  app.add_option("--port", port, "Port (0 = choisi par le système)");
  app.add_option("--seconds", seconds, "Durée de service (0 = jusqu'à Ctrl-C)");
  CLI11_PARSE(app, argc, argv);

  tools::SeedOptions o;
  o.sites = {{"aubrac", 30, 3, 2}, {"causses", 22, 4, 1},
             {"petite-vallee", 2, 1, 0}};
  server::MemoryReportBackend backend;
  std::vector<common::Record> records = tools::SyntheticRecords(o);
  backend.SetRecords(records);
  backend.AddToken("demo-conseil", {"aubrac", "causses", "petite-vallee"});
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
  PrintChecks(records, clock.NowMillis() / 1000);
  std::cout << "URL: http://" << host << ":" << *bound
            << "/?token=demo-conseil&from=2026-01&to=2026-06" << std::endl;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!g_stop && (seconds == 0 || std::chrono::steady_clock::now() < end))
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  srv.Stop();
  return 0;
}
