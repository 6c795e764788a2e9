// `relais compact --db PATH`: the maintenance compaction of a replica file
// (issue #17, common/storage/vacuum.h): VACUUM through its own connection,
// the kiosk may keep the file open meanwhile. The kiosk also runs it by
// itself each night (kiosk/nightly.h, docs/deploy.md « Compactage de
// nuit »); this is the manual command. Prints the sizes before and after.
// Exit codes: 0 done, 2 bad arguments, 1 anything else (file unchanged).
#include <iostream>
#include <memory>

#include "common/storage/vacuum.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {

void RegisterCompactCommand(CLI::App& app, Context& ctx) {
  auto db = std::make_shared<std::string>();
  auto* c = app.add_subcommand(
      "compact", "Compacte le fichier de la réplique (VACUUM : rend au disque la place libre)");
  c->add_option("--db", *db, "Fichier de la réplique")->required();
  c->callback([&ctx, db] {
    auto r = CompactFile(*db, kReplicaApplicationId, "une réplique Relais Santé");
    if (!r.ok()) {
      ctx.exit_code = Report(r.status());
      return;
    }
    std::cout << "réplique compactée: " << *db << " (" << r->bytes_before / 1024 << " Kio -> "
              << r->bytes_after / 1024 << " Kio)\n";
    ctx.exit_code = 0;
  });
}

}  // namespace relais::common::cli
