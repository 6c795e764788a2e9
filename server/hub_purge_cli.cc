#include "server/hub_purge_cli.h"

#include <iostream>

#include "common/model/schema.h"
#include "common/model/validate.h"
#include "common/storage/vacuum.h"
#include "server/hub_purge.h"
#include "server/hub_store_cli.h"

namespace relais::server {

void RegisterPurgeCommand(CLI::App& app, PurgeCli* cli) {
  cli->purge = app.add_subcommand(
      "purge",
      "Purge l'historique: efface les enregistrements supprimés que toutes les répliques "
      "de leur site ont reçus (aussi fait automatiquement à la synchronisation)");
  cli->purge->add_option("--db", cli->store.db, "Base SQLite du hub");
  cli->purge->add_option("--store", cli->store.store, "Base PostgreSQL du hub");
  cli->purge->add_flag("--dry-run", cli->dry_run, "Compte sans rien effacer");
  cli->purge->add_option("--batch", cli->batch,
                         "Enregistrements effacés au plus par transaction (1 à 100000)");
  cli->purge->add_option("--site", cli->sites, "Site à purger (répétable; défaut: tous)");
}

int RunPurgeCommand(const PurgeCli& cli) {
  if (!cli.purge || !cli.purge->parsed()) return -1;
  if (Status st = CheckStoreChoice(cli.store, false); !st.ok()) return ReportStatus(st);
  int64_t batch = 0;
  if (!common::ParseInt64(cli.batch, &batch) || batch < 1 || batch > 100000)
    return ReportStatus(Status::InvalidArgument(
        "--batch invalide: " + common::QuoteForMessage(cli.batch) +
        " (attendu: un nombre de 1 à 100000)"));
  for (const std::string& s : cli.sites)
    if (!common::IsValidSiteId(s))
      return ReportStatus(Status::InvalidArgument("--site invalide: " + common::QuoteForMessage(s)));
  auto store = OpenHubStore(cli.store, false);
  if (!store.ok()) return ReportStatus(store.status());
  PurgeRunOptions options;
  options.sites = cli.sites;
  options.batch = static_cast<size_t>(batch);
  options.dry_run = cli.dry_run;
  auto done = RunHubPurge(**store, options, &std::cerr);
  if (!done.ok()) return ReportStatus(done.status());
  std::cout << (cli.dry_run ? "à effacer: " : "effacés: ") << done->purged
            << " enregistrements supprimés, sur " << done->sites.size() << " sites\n";
  std::cout << (cli.dry_run ? "à compacter: " : "compactés: ") << done->compacted
            << " vecteurs de version (répliques retirées)\n";
  for (const SitePurge& s : done->sites)
    std::cout << "  site " << s.site_id << ": horizon " << s.horizon << ", " << s.purged
              << ", compactés " << s.compacted << "\n";
  if (done->more)
    std::cout << "il en reste: relancez relais-hub purge\n";
  return 0;
}

void RegisterCompactCommand(CLI::App& app, CompactCli* cli) {
  cli->compact = app.add_subcommand(
      "compact", "Compacte la base SQLite du hub (VACUUM : rend au disque la place libre)");
  cli->compact->add_option("--db", cli->db, "Base SQLite du hub")->required();
}

int RunCompactCommand(const CompactCli& cli) {
  if (!cli.compact || !cli.compact->parsed()) return -1;
  auto r = common::CompactFile(cli.db, common::kHubApplicationId, "une base de hub Relais Santé");
  if (!r.ok()) return ReportStatus(r.status());
  std::cout << "hub compacté: " << cli.db << " (" << r->bytes_before / 1024 << " Kio -> "
            << r->bytes_after / 1024 << " Kio)\n";
  return 0;
}

}  // namespace relais::server
