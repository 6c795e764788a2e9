#include "server/hub_snapshot_cli.h"

#include <iostream>

#include "common/snapshot/signing_key.h"
#include "server/hub_snapshot.h"
#include "server/hub_store_cli.h"

namespace relais::server {

void RegisterSnapshotCommands(CLI::App& app, SnapshotCli* cli) {
  cli->snapshot = app.add_subcommand(
      "snapshot", "Écrit un instantané signé des sites donnés (nouvelle borne: relais init "
                  "--from-snapshot)");
  cli->snapshot->add_option("--db", cli->store.db, "Base SQLite du hub");
  cli->snapshot->add_option("--store", cli->store.store, "Base PostgreSQL du hub");
  cli->snapshot->add_option("--site", cli->sites, "Site à inclure (répétable)")->required();
  cli->snapshot->add_option("--out", cli->out, "Fichier de l'instantané")->required();
  cli->snapshot->add_option("--key", cli->key,
                            "Clé de signature du hub (créée au premier usage, 0600)")
      ->capture_default_str();
  cli->snapshot->add_flag("--no-compress", cli->no_compress, "Corps non compressé (zstd sinon)");

  cli->snapshot_key = app.add_subcommand(
      "snapshot-key", "Clé de signature des instantanés (créée au premier usage)");
  cli->snapshot_key->add_option("--key", cli->key, "Fichier de la clé de signature")
      ->capture_default_str();
  cli->snapshot_key->add_flag("--print-public", cli->print_public,
                              "Affiche la clé publique à donner à relais init --hub-key")
      ->required();
}

int RunSnapshotCommands(const SnapshotCli& cli) {
  if (cli.snapshot_key && cli.snapshot_key->parsed()) {
    bool created = false;
    auto key = common::snapshot::LoadOrCreateSigningKey(cli.key, &created);
    if (!key.ok()) return ReportStatus(key.status());
    if (created) std::cerr << "relais-hub: nouvelle clé de signature créée: " << cli.key << "\n";
    std::cout << common::snapshot::FormatPublicKey(key->pub) << "\n";
    return 0;
  }
  if (!cli.snapshot || !cli.snapshot->parsed()) return -1;
  if (Status st = CheckStoreChoice(cli.store, false); !st.ok()) return ReportStatus(st);
  auto store = OpenHubStore(cli.store, false);
  if (!store.ok()) return ReportStatus(store.status());
  SnapshotRequest req;
  req.sites = cli.sites;
  req.out_path = cli.out;
  req.key_path = cli.key;
  req.compress = !cli.no_compress;
  uint64_t shown = 0;
  req.progress = [&shown](uint64_t n) {
    if (n >= shown + 10000) {
      std::cerr << "instantané: " << n << " enregistrements écrits\n";
      shown = n;
    }
  };
  auto summary = WriteSnapshot(**store, req, *common::SystemClock::Default());
  if (!summary.ok()) return ReportStatus(summary.status());
  if (summary->key_created)
    std::cerr << "relais-hub: nouvelle clé de signature créée: " << cli.key << "\n";
  std::cout << "instantané écrit: " << cli.out << " (" << summary->records
            << " enregistrements, séquence " << summary->cursor << ", époque "
            << summary->epoch << ")\n"
            << "clé publique du hub: " << summary->public_key << "\n";
  return 0;
}

}  // namespace relais::server
