// relais-chaos: one randomized fault run of Relais Santé, driven by a seed.
//   relais-chaos --seed S --dir DIR [--hub-dir HDIR] --relais PATH --hub PATH [--log-dir D]
//                [--budget-ms N] [--verbose]
//   relais-chaos --seed S --print-plan
// DIR and HDIR must be on small file systems of their own (tools/chaos.sh
// mounts two tmpfs): the disk-full step fills one of them. Prints one line "seed=... result=ok"
// (exit 0) or "result=FAIL" followed by the problems and the plan (exit 1).
// Exit 2 for bad arguments. See docs/reliability.md, "Long randomized run".
#include <CLI/CLI.hpp>
#include <iostream>

#include "tools/chaos/plan.h"
#include "tools/chaos/run.h"

int main(int argc, char** argv) {
  using namespace relais::chaos;
  CLI::App app{"relais-chaos — un run aléatoire de pannes (graine → plan déterministe)"};
  uint64_t seed = 0;
  RunConfig cfg;
  bool print_plan = false;
  app.add_option("--seed", seed, "Graine du run (0 .. 10^15-1)")
      ->required()
      ->check(CLI::Range(uint64_t{0}, uint64_t{999999999999999}));
  app.add_flag("--print-plan", print_plan, "Affiche le plan de la graine et s'arrête");
  app.add_option("--dir", cfg.dir, "Répertoire du run (sur un petit système de fichiers)");
  app.add_option("--hub-dir", cfg.hub_dir,
                 "Répertoire du hub, sur un autre petit système de fichiers (défaut: DIR)");
  app.add_option("--log-dir", cfg.log_dir, "Répertoire du journal du hub (défaut: DIR.log)");
  app.add_option("--relais", cfg.relais_bin, "Chemin de relais")->check(CLI::ExistingFile);
  app.add_option("--hub", cfg.hub_bin, "Chemin de relais-hub")->check(CLI::ExistingFile);
  app.add_option("--budget-ms", cfg.budget_ms, "Durée max du run")
      ->check(CLI::Range(int64_t{1000}, int64_t{600000}));
  app.add_flag("--verbose", cfg.verbose, "Une ligne par étape sur stderr");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "relais-chaos: " << e.what() << "\n";
    return 2;
  }
  const Plan plan = MakePlan(seed);
  if (print_plan) {
    std::cout << DescribePlan(plan);
    return 0;
  }
  if (cfg.dir.empty() || cfg.relais_bin.empty() || cfg.hub_bin.empty() ||
      cfg.dir.size() > 512 || cfg.hub_dir.size() > 512) {
    std::cerr << "relais-chaos: --dir, --relais et --hub sont requis pour un run\n";
    return 2;
  }
  if (cfg.log_dir.empty()) cfg.log_dir = cfg.dir + ".log";
  const RunResult r = RunPlan(cfg, plan);
  const RunCounters& c = r.c;
  std::cout << "seed=" << seed << " steps=" << c.steps << " writes=" << c.writes
            << " acked=" << c.acked << " syncs=" << c.syncs << "(" << c.syncs_failed
            << " failed) kills=replica " << c.replica_kills_live << "/" << c.replica_kills
            << " hub " << c.hub_kills_live << "/" << c.hub_kills
            << " indb=" << c.replica_kills_in_db << " cuts=" << c.cuts
            << " diskfull=" << c.disk_full_reached << "/" << c.disk_full
            << " enospc=" << c.enospc << "(io " << c.enospc_io << ") skew=";
  for (int i = 0; i < kReplicas; ++i)
    std::cout << (i ? "," : "") << plan.skew_s[i] / 86400 << "d";
  std::cout << " final_rounds=" << c.final_rounds << " ms=" << c.ms
            << " result=" << (r.problems.empty() ? "ok" : "FAIL") << std::endl;
  if (r.problems.empty()) return 0;
  for (const auto& p : r.problems) std::cout << "  problème: " << p << "\n";
  std::cout << "plan:\n" << DescribePlan(plan);
  return 1;
}
