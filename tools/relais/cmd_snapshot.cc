// `relais init --from-snapshot F --hub-key K`: a new replica from a signed
// site snapshot (common/snapshot/bootstrap.h).
#include <iostream>

#include "common/crypto/keyring.h"
#include "common/snapshot/bootstrap.h"
#include "common/sync/sync_client.h"
#include "tools/relais/cli_util.h"

#ifdef RELAIS_HAVE_SYNC  // built only with the hub targets

namespace relais::common::cli {

int InitFromSnapshotCommand(const SnapshotInitArgs& a, const crypto::Keyring* ring) {
  if (a.snapshot.empty())
    return Report(Status::InvalidArgument("--hub-key, --scope-site et --hub vont avec --from-snapshot"));
  if (a.hub_key.empty() == a.hub_key_file.empty())
    return Report(Status::InvalidArgument(
        "--from-snapshot demande la clé publique du hub: --hub-key CLÉ ou --hub-key-file F "
        "(relais-hub snapshot-key --print-public)"));
  auto key = a.hub_key.empty() ? snapshot::ReadPublicKeyFile(a.hub_key_file)
                               : snapshot::ParsePublicKey(a.hub_key);
  if (!key.ok()) return Report(key.status());
  snapshot::BootstrapRequest req;
  req.db_path = a.db;
  req.site = a.site;
  req.org = a.org;
  req.scope = a.scope;
  req.snapshot_path = a.snapshot;
  req.hub_key = *key;
  req.import = ring;
  sync::SyncOptions probe;
  if (!a.hub.empty()) {
    auto token = TokenFor(a.token);
    if (!token.ok()) return Report(token.status());
    probe.hub = a.hub;
    probe.token = *token;
    probe.ca_file = a.ca;
    req.ask_hub = [&probe, &a](const std::string& replica_id)
        -> Result<std::pair<std::string, uint64_t>> {
      RELAIS_ASSIGN_OR_RETURN(sync::HubIdentity id, sync::ProbeHub(replica_id, a.site, probe));
      return std::make_pair(id.epoch, id.last_seq);
    };
  }
  snapshot::BootstrapOptions opts;
  uint64_t shown = 0;
  opts.progress = [&shown](uint64_t done, uint64_t total) {
    if (done >= shown + 10000 || done == total) {
      std::cerr << "chargement de l'instantané: " << done << "/" << total
                << " enregistrements\n";
      shown = done;
    }
  };
  auto report = snapshot::InitFromSnapshot(req, opts);
  if (!report.ok()) return Report(report.status());
  std::cout << report->replica_id << "\n";
  if (report->already_done) {
    std::cerr << "réplique déjà initialisée depuis cet instantané: lancez relais sync\n";
  } else {
    std::cerr << "instantané chargé: " << report->records << " enregistrements"
              << (report->resumed_at ? " (reprise après " + std::to_string(report->resumed_at) +
                                           ")"
                                     : "")
              << ", séquence du hub " << report->cursor
              << "; relais sync rattrapera la suite à partir de là\n";
  }
  return 0;
}

}  // namespace relais::common::cli

#endif  // RELAIS_HAVE_SYNC
