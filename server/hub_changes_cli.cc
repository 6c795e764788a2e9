#include "server/hub_changes_cli.h"

#include <iostream>

#include "common/sync/change_file.h"
#include "server/hub_changes.h"
#include "server/hub_store_cli.h"

namespace relais::server {

void RegisterChangesCommand(CLI::App& app, ChangesCli* cli) {
  cli->import = app.add_subcommand(
      "import-changes",
      "Importe le fichier de changements d'une maison sans liaison (relais export-changes) "
      "et écrit sa réponse (relais import-changes)");
  cli->import->add_option("--db", cli->store.db, "Base SQLite du hub");
  cli->import->add_option("--store", cli->store.store, "Base PostgreSQL du hub");
  cli->import->add_option("--in", cli->in, "Fichier de changements de la maison")->required();
  cli->import->add_option("--out", cli->out, "Fichier de réponse à rapporter à la maison (0600)")
      ->required();
}

int RunChangesCommand(const ChangesCli& cli) {
  if (!cli.import || !cli.import->parsed()) return -1;
  if (Status st = CheckStoreChoice(cli.store, false); !st.ok()) return ReportStatus(st);
  if (cli.in == cli.out)
    return ReportStatus(Status::InvalidArgument("--out doit différer de --in"));
  auto bytes = sync::ReadChangeFile(cli.in);
  if (!bytes.ok()) return ReportStatus(bytes.status());
  auto store = OpenHubStore(cli.store, false);
  if (!store.ok()) return ReportStatus(store.status());
  auto done = ImportChanges(**store, *common::SystemClock::Default(), HubServiceOptions{}, *bytes);
  if (!done.ok()) return ReportStatus(done.status());
  if (Status st = sync::WriteChangeFile(cli.out, done->response); !st.ok())
    return ReportStatus(st);
  std::cout << "changements de la réplique " << done->replica_id << " importés: " << done->pushed
            << " enregistrements reçus (" << done->changed << " nouveaux pour le hub), "
            << done->pulled << " renvoyés\n"
            << "réponse écrite: " << cli.out << " (à importer avec relais import-changes)\n";
  if (done->more_to_pull)
    std::cout << "le hub a encore des changements pour cette maison: après l'import de la "
                 "réponse, refaites un échange (export-changes, import-changes)\n";
  return 0;
}

}  // namespace relais::server
