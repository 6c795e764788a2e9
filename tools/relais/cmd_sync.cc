// `relais sync`: one sync session of a replica with the hub (thin wrapper
// over relais::server::SyncOnce, see server/client/sync_client.h).
#include <iostream>
#include <memory>

#include "common/replica/replica.h"
#include "server/client/sync_client.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {

void RegisterSyncCommands(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("sync", "Synchronise la réplique avec le hub");
  auto db = std::make_shared<std::string>();
  auto opts = std::make_shared<server::SyncOptions>();
  auto quiet = std::make_shared<bool>(false);
  cmd->add_option("--db", *db, "Fichier de la réplique")->required();
  cmd->add_option("--hub", opts->hub, "Adresse du hub hôte:port")->required();
  cmd->add_option("--token", opts->token, "Jeton donné par relais-hub enroll")->required();
  cmd->add_option("--ca", opts->ca_file, "Certificat de l'autorité du hub (PEM): TLS");
  cmd->add_option("--tls-name", opts->tls_server_name,
                  "Nom attendu dans le certificat du hub (si différent de l'hôte)");
  cmd->add_flag("--quiet", *quiet, "N'affiche pas la progression");
  cmd->callback([&ctx, db, opts, quiet] {
    auto r = Replica::Open(*db);
    if (!r.ok()) {
      ctx.exit_code = Report(r.status());
      return;
    }
    server::SyncOptions o = *opts;
    if (!*quiet)
      o.progress = [](const server::SyncProgress& p) {
        if (p.pending_push > 0 || p.more_to_pull)
          std::cerr << "… envoyés " << p.pushed << ", reçus " << p.pulled
                    << ", reste à envoyer " << p.pending_push << "\n";
      };
    auto report = server::SyncOnce(**r, o);
    if (!report.ok()) {
      ctx.exit_code = Report(report.status());
      return;
    }
    std::cout << "envoyés: " << report->pushed << "\n"
              << "reçus: " << report->pulled << "\n"
              << "conflits: " << report->conflicts << "\n";
  });
}

}  // namespace relais::common::cli
