// `relais init --from-snapshot F --hub-key K`: a new replica from a signed
// site snapshot (common/snapshot/bootstrap.h).
#include <iostream>

#include "common/crypto/keyring.h"
#include "common/snapshot/bootstrap.h"
#include "common/storage/replica_store.h"
#include "common/sync/hub_caller.h"
#include "common/sync/hub_list.h"
#include "common/sync/sync_client.h"
#include "tools/relais/cli_util.h"

#ifdef RELAIS_HAVE_SYNC  // built only with the hub targets

namespace relais::common::cli {

namespace {

// --http-hub / --transport into `probe`, checked as relais sync checks them
// (INVALID_ARGUMENT in French; nothing is read or created before).
Status ProbeTransport(const SnapshotInitArgs& a, sync::SyncOptions* probe) {
  if (a.hub.empty() && (!a.http_hub.empty() || a.transport != "auto"))
    return Status::InvalidArgument(
        "--http-hub et --transport vont avec --hub (vérification de l'époque du hub)");
  RELAIS_ASSIGN_OR_RETURN(probe->transport,
                          sync::ParseTransport(a.transport));
  if (!a.http_hub.empty()) {
    auto http_hubs = sync::ParseHubList(a.http_hub);
    if (!http_hubs.ok())
      return Status::InvalidArgument("--http-hub: " + http_hubs.status().message());
    if (http_hubs->size() != 1)
      return Status::InvalidArgument(
          "--http-hub: une adresse HTTP par hub de --hub, dans le même ordre");
    probe->http_hub = http_hubs->front();
  } else if (probe->transport == sync::Transport::kHttp) {
    return Status::InvalidArgument(
        "--transport http demande --http-hub hôte:port (relais-hub --http-sync-listen)");
  }
  return Status::OK();
}

// The probe reached the hub over HTTP/1.1 in auto mode: the first relais
// sync starts there too (sync_transport.h), best effort, one transaction.
void RememberHttp(const std::string& db) {
  auto store = ReplicaStore::Open(db, false);
  if (!store.ok()) return;
  Transaction tx((*store)->db());
  (void)(*store)->SetMeta(sync::kSyncTransportMeta, "http");
  (void)(*store)->SetMeta(sync::kSyncTransportMsMeta,
                          std::to_string(SystemClock::Default()->NowMillis()));
  (void)tx.Commit();
}

}  // namespace

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
  if (Status bad = ProbeTransport(a, &probe); !bad.ok()) return Report(bad);
  std::string answered_by;  // the probe's transport
  if (!a.hub.empty()) {
    auto token = TokenFor(a.token);
    if (!token.ok()) return Report(token.status());
    probe.hub = a.hub;
    probe.token = *token;
    probe.ca_file = a.ca;
    req.ask_hub = [&probe, &a, &answered_by](const std::string& replica_id)
        -> Result<std::pair<std::string, uint64_t>> {
      RELAIS_ASSIGN_OR_RETURN(sync::HubIdentity id, sync::ProbeHub(replica_id, a.site, probe));
      answered_by = id.transport;
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
  if (answered_by == "http" && probe.transport == sync::Transport::kAuto)
    RememberHttp(a.db);
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
