// relais-history-bench (issue #17): hub and replica bytes per live record
// after a simulated year of a busy house, against the bytes of the live
// data alone (goal <= 1.2x). See docs/BENCHMARKS.md « Historique d'une
// année ». Prints one JSON line {"bench":"history",...} on stdout; exit 0
// only if the whole run succeeded (1: a failure during the run, 2: bad
// arguments or --purge while the purge is not wired, nothing run).
//   relais-history-bench [--days 250] [--per-day 100] [--syncs-per-day 4]
//                        [--seed 17] [--workdir DIR] [--keep] [--purge]
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "tools/history_bench/run.h"

namespace {

namespace fs = std::filesystem;
using relais::histbench::RunOptions;

// The working directory: DIR if given (it must be absent or empty: the
// bench never deletes what it did not create), else a new temporary one.
// "" and a French message in *err on refusal.
std::string PrepareDir(const std::string& given, bool* created_tmp, std::string* err) {
  std::error_code ec;
  if (given.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "relais-history-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) {
      *err = "répertoire temporaire impossible à créer";
      return "";
    }
    *created_tmp = true;
    return tmpl;
  }
  if (fs::exists(given, ec) && (!fs::is_directory(given, ec) || !fs::is_empty(given, ec))) {
    *err = "répertoire de travail refusé (il doit être absent ou vide): " + given;
    return "";
  }
  fs::create_directories(given, ec);
  if (ec) {
    *err = "répertoire de travail impossible à créer: " + given + " (" + ec.message() + ")";
    return "";
  }
  return fs::absolute(given).string();
}

}  // namespace

int main(int argc, char** argv) {
  RunOptions o;
  std::string workdir;
  bool keep = false, purge = false, compact = false;
  CLI::App app{"relais-history-bench: octets du hub et des répliques après une année simulée"};
  app.add_option("--days", o.year.days, "Jours ouvrés simulés")->check(CLI::Range(1, 400));
  app.add_option("--per-day", o.year.per_day, "Rendez-vous pris par jour")
      ->check(CLI::Range(1, 2000));
  app.add_option("--syncs-per-day", o.year.syncs_per_day,
                 "Synchronisations de chaque réplique par jour")
      ->check(CLI::Range(1, 24));
  app.add_option("--seed", o.year.seed, "Graine du tirage (rejoue la même année)");
  app.add_option("--workdir", workdir, "Répertoire de travail (absent ou vide; gardé)");
  app.add_flag("--keep", keep, "Garder le répertoire temporaire");
  app.add_flag("--purge", purge, "Purger l'historique chaque jour (RunPurge)");
  app.add_flag("--compact", compact,
               "Compacter chaque nuit le hub et les répliques (relais compact, relais-hub compact)");
  o.year.seed = 17;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // bad arguments: exit 2, nothing run
  }
  o.year.purge = purge;
  o.year.compact = compact;
  ::umask(077);  // every file of the run (databases, keys, TLS) is 0600
  bool created_tmp = false;
  std::string err;
  o.dir = PrepareDir(workdir, &created_tmp, &err);
  if (o.dir.empty()) {
    std::cerr << "history-bench: " << err << "\n";
    return 2;
  }
  std::cerr << "history-bench: graine " << o.year.seed << ", " << o.year.days << " jours, "
            << o.year.per_day << " rendez-vous/jour, répertoire " << o.dir << "\n";
  auto line = relais::histbench::RunHistory(o);
  if (created_tmp && !keep) {
    std::error_code ec;
    fs::remove_all(o.dir, ec);
  }
  if (!line.ok()) {
    std::cerr << "history-bench: échec: " << line.status().ToString() << "\n";
    return 1;
  }
  std::cout << *line << std::endl;
  return 0;
}
