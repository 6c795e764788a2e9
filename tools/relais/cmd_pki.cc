// `relais pki init --dir D --org O`: the house CA of organisation O (key
// and self-signed certificate, 0600). `relais pki issue --dir D
// --replica-db F`: a certificate of that CA for the replica of F (its
// organisation, id and scope), written beside it as F.pair.crt / F.pair.key
// (0600). Thin: see common/peer/pki.h.
#ifdef RELAIS_HAVE_SYNC
#include <iostream>
#include <memory>

#include "common/peer/peer_tls.h"
#include "common/peer/pki.h"
#include "common/replica/replica.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {

void RegisterPkiCommands(CLI::App& app, Context& ctx) {
  auto* pki = app.add_subcommand("pki", "Autorité de la maison pour la synchronisation entre pairs");
  pki->require_subcommand(1);

  auto dir = std::make_shared<std::string>();
  auto org = std::make_shared<std::string>();
  auto* init = pki->add_subcommand("init", "Crée l'autorité (clé et certificat) de l'organisation");
  init->add_option("--dir", *dir, "Répertoire de l'autorité (ca.key, ca.crt)")->required();
  init->add_option("--org", *org, "Organisation")->required();
  init->callback([&ctx, dir, org] {
    Status s = peer::InitCaDir(*dir, *org);
    if (s.ok()) std::cout << "autorité de « " << *org << " » créée dans " << *dir << "\n";
    ctx.exit_code = Report(s);
  });

  auto idir = std::make_shared<std::string>();
  auto db = std::make_shared<std::string>();
  auto days = std::make_shared<int>(3 * 365);
  auto* issue = pki->add_subcommand("issue", "Délivre le certificat d'une réplique");
  issue->add_option("--dir", *idir, "Répertoire de l'autorité")->required();
  issue->add_option("--replica-db", *db, "Fichier de la réplique")->required();
  issue->add_option("--days", *days, "Durée de validité en jours (défaut 1095)")
      ->check(CLI::Range(1, 3650));
  issue->callback([&ctx, idir, db, days] {
    auto rep = Replica::Open(*db);
    if (!rep.ok()) {
      ctx.exit_code = Report(DamagedOnOpen(rep.status(), *db));
      return;
    }
    if ((*rep)->scope().empty()) {
      ctx.exit_code = Report(Status::FailedPrecondition(
          "portée de la réplique pas encore connue: synchronisez avec le hub d'abord"));
      return;
    }
    auto ca = peer::LoadCa(*idir, /*need_key=*/true);
    if (!ca.ok()) {
      ctx.exit_code = Report(ca.status());
      return;
    }
    peer::CertIdentity id{(*rep)->org_id(), (*rep)->replica_id(), (*rep)->scope()};
    auto issued = peer::IssueReplicaCert(*ca, id, peer::Validity{-300, int64_t{*days} * 86400});
    if (!issued.ok()) {
      ctx.exit_code = Report(issued.status());
      return;
    }
    Status s = peer::WritePrivateFile(*db + peer::kReplicaKeySuffix, issued->key_pem);
    if (s.ok()) s = peer::WritePrivateFile(*db + peer::kReplicaCertSuffix, issued->cert_pem);
    if (s.ok())
      std::cout << "certificat de la réplique " << id.replica_id << " (" << id.org
                << ") écrit dans " << *db << peer::kReplicaCertSuffix << "\n";
    ctx.exit_code = Report(s);
  });
}

}  // namespace relais::common::cli
#endif  // RELAIS_HAVE_SYNC
