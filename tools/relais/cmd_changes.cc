// `relais export-changes --db DB --out F` and `relais import-changes --db DB
// --in R`: the sync by file of a house with no link (issue #17; thin
// wrapper over common/sync/change_file_replica.h). Both take the token like
// `relais sync` (--token-file, RELAIS_TOKEN) and refuse a damaged replica.
#ifdef RELAIS_HAVE_SYNC  // built only with the hub targets
#include <iostream>
#include <memory>

#include "common/replica/replica.h"
#include "common/sync/change_file_replica.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {

namespace {

struct ChangesArgs {
  std::string db;
  std::string file;
  TokenArgs token;
};

// Opens the replica and resolves the token; the exit code on failure.
int Prepare(const ChangesArgs& a, std::unique_ptr<Replica>* rep, std::string* token) {
  auto t = TokenFor(a.token);
  if (!t.ok()) return Report(t.status());
  *token = *t;
  auto r = Replica::Open(a.db);
  if (!r.ok()) return Report(DamagedOnOpen(r.status(), a.db));
  if (Status bad = CheckReplicaIntegrity(**r, a.db); !bad.ok()) return Report(bad);
  *rep = std::move(r).value();
  return 0;
}

int Export(const ChangesArgs& a) {
  std::unique_ptr<Replica> rep;
  std::string token;
  if (int rc = Prepare(a, &rep, &token); rc != 0) return rc;
  auto r = sync::ExportChanges(*rep, token, a.file);
  if (!r.ok()) return Report(r.status());
  std::cout << "fichier de changements écrit: " << a.file << " (" << r->records
            << " enregistrements)\n";
  if (r->remaining > 0)
    std::cout << "reste " << r->remaining
              << " changements: refaites export-changes après l'import de la réponse\n";
  std::cout << "à importer au bureau: relais-hub import-changes --in " << a.file
            << " --out REPONSE\n";
  return 0;
}

int Import(const ChangesArgs& a) {
  std::unique_ptr<Replica> rep;
  std::string token;
  if (int rc = Prepare(a, &rep, &token); rc != 0) return rc;
  auto r = sync::ImportResponse(*rep, token, a.file);
  if (!r.ok()) return Report(r.status());
  if (r->already_imported) {
    std::cout << "réponse déjà importée: rien à faire\n";
    return 0;
  }
  std::cout << "envoyés (accusés par le hub): " << r->pushed << "\n"
            << "reçus: " << r->pulled << "\n"
            << "conflits: " << r->conflicts << "\n";
  if (r->more_to_pull)
    std::cout << "le hub a encore des changements pour cette maison: refaites un échange "
                 "(export-changes puis import-changes)\n";
  if (r->resync)
    std::cout << "le hub a changé d'époque (restauration): tout est à renvoyer, refaites "
                 "export-changes\n";
  return 0;
}

}  // namespace

void RegisterChangesCommands(CLI::App& app, Context& ctx) {
  auto ex = std::make_shared<ChangesArgs>();
  auto* e = app.add_subcommand(
      "export-changes",
      "Écrit les changements locaux dans un fichier à porter au hub (maison sans liaison)");
  e->add_option("--db", ex->db, "Fichier de la réplique")->required();
  e->add_option("--out", ex->file, "Fichier de changements à écrire (0600)")->required();
  AddTokenOptions(e, &ex->token, "jeton donné par relais-hub enroll");
  e->callback([&ctx, ex] { ctx.exit_code = Export(*ex); });

  auto im = std::make_shared<ChangesArgs>();
  auto* i = app.add_subcommand(
      "import-changes", "Applique la réponse du hub (relais-hub import-changes) à la réplique");
  i->add_option("--db", im->db, "Fichier de la réplique")->required();
  i->add_option("--in", im->file, "Fichier de réponse du hub")->required();
  AddTokenOptions(i, &im->token, "jeton donné par relais-hub enroll");
  i->callback([&ctx, im] { ctx.exit_code = Import(*im); });
}

}  // namespace relais::common::cli
#endif  // RELAIS_HAVE_SYNC
