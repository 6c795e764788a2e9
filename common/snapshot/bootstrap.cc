#include "common/snapshot/bootstrap.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <map>

#include "common/merge/accept.h"
#include "common/merge/merge.h"
#include "common/model/validate.h"
#include "common/replica/replica.h"
#include "common/snapshot/reader.h"
#include "common/storage/replica_store.h"

namespace relais::common::snapshot {

namespace {

Status CheckScope(const BootstrapRequest& req, const Header& h) {
  std::vector<std::string> want = req.scope;
  want.push_back(req.site);
  if (!req.org.empty()) want.push_back(req.org);
  std::sort(want.begin(), want.end());
  want.erase(std::unique(want.begin(), want.end()), want.end());
  if (want != h.sites)
    return Status::InvalidArgument(
        "l'instantané couvre les sites " + Replica::JoinScope(h.sites) + " mais cette réplique attend " +
        Replica::JoinScope(want) + ": demandez au hub un instantané de ces sites (relais-hub snapshot --site …)");
  if (!req.expected_epoch.empty() && req.expected_epoch != h.epoch)
    return Status::FailedPrecondition(
        "instantané d'une autre époque du hub (" + h.epoch + ", le hub est à " +
        req.expected_epoch + "): il date d'avant une restauration du hub; demandez un "
        "nouvel instantané");
  return Status::OK();
}

// Step 3: every record checked before anything is written. Returns the
// largest HLC seen (folded into the replica's clock at the end).
Result<Hlc> CheckRecords(const BootstrapRequest& req, const Verified& v) {
  RELAIS_ASSIGN_OR_RETURN(auto reader, Reader::Open(req.snapshot_path, v));
  Hlc max_hlc = 0;
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(std::optional<Record> r, reader->Next());
    if (!r) return max_hlc;
    const std::string where = "instantané, enregistrement n°" +
                              std::to_string(reader->records_read());
    if (!std::binary_search(v.header.sites.begin(), v.header.sites.end(), r->site_id))
      return Status::InvalidArgument(where + ": site " + QuoteForMessage(r->site_id) +
                                     " hors des sites de l'instantané (" +
                                     Replica::JoinScope(v.header.sites) + "); rien n'a été chargé");
    if (r->partial) return Status::InvalidArgument(where + ": état partiel");
    RELAIS_RETURN_IF_ERROR(CheckRecordBounds(*r).WithContext(where));
    if (const std::string err = ValidateRecord(*r); !err.empty())
      return Status::InvalidArgument(where + " invalide: " + err);
    for (const auto& [name, sibs] : r->fields)
      for (const Sibling& s : sibs) max_hlc = std::max(max_hlc, s.hlc);
  }
}

bool FileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 || errno != ENOENT;
}

Result<int64_t> CountRecords(ReplicaStore& store) {
  RELAIS_ASSIGN_OR_RETURN(Stmt st, store.db()->Prepare("SELECT COUNT(*) FROM records"));
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.ColumnInt(0) : 0;
}

// Step 4: the replica file, and how many records an earlier run loaded.
// Sets report->replica_id and, for a finished load, report->already_done.
Result<std::unique_ptr<ReplicaStore>> PrepareReplica(const BootstrapRequest& req,
                                                     const Verified& v, uint64_t* loaded,
                                                     BootstrapReport* report) {
  const std::string digest = DigestHex(v.digest);
  if (!FileExists(req.db_path)) {
    // The replica holds exactly the snapshot's sites (CheckScope), home first.
    ReplicaScope scope{req.org, {req.site}};
    for (const std::string& s : v.header.sites)
      if (s != req.site && s != req.org) scope.sites.push_back(s);
    RELAIS_RETURN_IF_ERROR(Replica::Init(req.db_path, scope, req.import).status());
  }
  RELAIS_ASSIGN_OR_RETURN(auto store, ReplicaStore::Open(req.db_path, false));
  RELAIS_ASSIGN_OR_RETURN(report->replica_id, store->GetMeta("replica_id"));
  RELAIS_ASSIGN_OR_RETURN(std::string site, store->GetMeta("site_id"));
  if (report->replica_id.empty())
    return Status::FailedPrecondition(req.db_path + " n'est pas une réplique Relais: "
                                      "choisissez un nouveau fichier");
  if (site != req.site)
    return Status::InvalidArgument(req.db_path + " est une réplique du site " + site +
                                   ", pas de " + req.site);
  RELAIS_ASSIGN_OR_RETURN(std::string state, store->GetMeta(kMetaState));
  RELAIS_ASSIGN_OR_RETURN(std::string old_digest, store->GetMeta(kMetaDigest));
  RELAIS_ASSIGN_OR_RETURN(std::string old_epoch, store->GetMeta(kMetaEpoch));
  *loaded = 0;
  if (state == "done") {
    if (old_digest != digest)
      return Status::AlreadyExists(req.db_path + " a déjà été initialisée depuis un autre "
                                   "instantané: synchronisez-la (relais sync)");
    report->already_done = true;
    return store;
  }
  if (state == "loading") {
    if (old_epoch != v.header.epoch)
      return Status::FailedPrecondition(
          "instantané d'une autre époque du hub (" + v.header.epoch +
          ") que celui dont le chargement a été interrompu (" + old_epoch +
          "): reprenez avec le même fichier, ou supprimez " + req.db_path +
          " et recommencez avec l'instantané le plus récent");
    // Another snapshot of the same epoch merges over the partial load
    // (hub states only grow), so it starts again from its first record.
    if (old_digest == digest) {
      RELAIS_ASSIGN_OR_RETURN(*loaded, store->GetMetaInt(kMetaLoaded));
      if (*loaded > v.header.record_count) *loaded = 0;
    }
  } else {
    // A replica that `relais init` just created (or a run killed right
    // after creating it): empty, never synced.
    RELAIS_ASSIGN_OR_RETURN(int64_t n, CountRecords(*store));
    RELAIS_ASSIGN_OR_RETURN(uint64_t local_seq, store->GetMetaInt("local_seq"));
    RELAIS_ASSIGN_OR_RETURN(uint64_t pull, store->GetMetaInt("pull_cursor"));
    RELAIS_ASSIGN_OR_RETURN(std::string epoch, store->GetMeta("hub_epoch"));
    if (n != 0 || local_seq != 0 || pull != 0 || !epoch.empty())
      return Status::AlreadyExists(
          req.db_path + " contient déjà des données: un instantané ne sert qu'à créer une "
          "réplique neuve (choisissez un nouveau fichier)");
  }
  if (req.ask_hub) {
    RELAIS_ASSIGN_OR_RETURN(auto hub, req.ask_hub(report->replica_id));
    if (hub.first != v.header.epoch)
      return Status::FailedPrecondition(
          "instantané d'une autre époque du hub (" + v.header.epoch + ", le hub est à " +
          hub.first + "): il date d'avant une restauration du hub; demandez un nouvel "
          "instantané (rien n'a été chargé)");
    if (hub.second < v.header.cursor)
      return Status::FailedPrecondition(
          "le hub est en deçà de l'instantané (séquence " + std::to_string(hub.second) +
          " < " + std::to_string(v.header.cursor) + "): hub restauré sans nouvelle époque? "
          "lancez relais-hub renew-epoch puis refaites l'instantané");
  }
  Transaction tx(store->db());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_RETURN_IF_ERROR(store->SetMeta(kMetaState, "loading"));
  RELAIS_RETURN_IF_ERROR(store->SetMeta(kMetaDigest, digest));
  RELAIS_RETURN_IF_ERROR(store->SetMeta(kMetaEpoch, v.header.epoch));
  RELAIS_RETURN_IF_ERROR(store->SetMeta(kMetaLoaded, std::to_string(*loaded)));
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  return store;
}

}  // namespace

Result<BootstrapReport> InitFromSnapshot(const BootstrapRequest& req,
                                         const BootstrapOptions& options) {
  if (!IsValidSiteId(req.site))
    return Status::InvalidArgument("identifiant de site invalide: " + QuoteForMessage(req.site));
  RELAIS_ASSIGN_OR_RETURN(Verified v, VerifyFile(req.snapshot_path, req.hub_key));
  RELAIS_RETURN_IF_ERROR(CheckScope(req, v.header));
  RELAIS_ASSIGN_OR_RETURN(Hlc max_hlc, CheckRecords(req, v));

  BootstrapReport report;
  report.records = v.header.record_count;
  report.cursor = v.header.cursor;
  report.epoch = v.header.epoch;
  uint64_t loaded = 0;
  RELAIS_ASSIGN_OR_RETURN(auto store, PrepareReplica(req, v, &loaded, &report));
  if (report.already_done) return report;
  report.resumed_at = loaded;

  RELAIS_ASSIGN_OR_RETURN(auto reader, Reader::Open(req.snapshot_path, v));
  const size_t batch_max = std::max<size_t>(1, options.batch_records);
  std::vector<Record> batch;
  int batches = 0;
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(std::optional<Record> r, reader->Next());
    if (r && reader->records_read() <= loaded) continue;  // loaded by an earlier run
    if (r) batch.push_back(std::move(*r));
    if (batch.size() < batch_max && r) continue;
    if (!batch.empty()) {
      loaded += batch.size();
      // hub_at (history purge, §11): each state in the file is a hub state
      // read by a pull that ended at or below the snapshot's cursor, a
      // header field the signature covers; without it the replica would
      // never purge the snapshot's tombstones. No horizons: nothing purged.
      HubBatchInfo at_cursor;
      at_cursor.received_at = v.header.cursor;
      RELAIS_RETURN_IF_ERROR(
          store->ApplyRemote(batch, {{kMetaLoaded, std::to_string(loaded)}}, &at_cursor)
              .status());
      batch.clear();
      if (options.progress) options.progress(loaded, v.header.record_count);
      if (options.stop_after_batches > 0 && ++batches >= options.stop_after_batches)
        return Status::Aborted("chargement interrompu (test)");
    }
    if (!r) break;  // the reader re-checked the whole file: it is the verified one
  }
  RELAIS_ASSIGN_OR_RETURN(uint64_t last, store->GetMetaInt("hlc"));
  HlcClock clock;
  clock.set_last(last);
  if (max_hlc != 0) clock.Observe(max_hlc, options.clock->NowMillis());
  std::map<std::string, std::string> meta = {
      {"pull_cursor", std::to_string(v.header.cursor)},
      {"hub_epoch", v.header.epoch},
      {"hlc", std::to_string(clock.last())},
      {kMetaState, "done"},
  };
  RELAIS_RETURN_IF_ERROR(store->ApplyRemote({}, meta).status());
  return report;
}

}  // namespace relais::common::snapshot
