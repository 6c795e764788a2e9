#include "server/hub_snapshot.h"

#include <algorithm>

#include "common/model/validate.h"
#include "common/snapshot/signing_key.h"
#include "common/snapshot/writer.h"

namespace relais::server {

namespace snap = common::snapshot;

namespace {

common::Result<std::vector<std::string>> CheckSites(std::vector<std::string> sites) {
  if (sites.empty() || sites.size() > snap::kMaxSites)
    return Status::InvalidArgument("de 1 à 64 --site par instantané");
  for (const std::string& s : sites)
    if (!common::IsValidSiteId(s))
      return Status::InvalidArgument("identifiant de site invalide: " +
                                     common::QuoteForMessage(s) +
                                     " (1 à 64 caractères parmi A-Z a-z 0-9 . _ -)");
  std::sort(sites.begin(), sites.end());
  sites.erase(std::unique(sites.begin(), sites.end()), sites.end());
  return sites;
}

}  // namespace

common::Result<SnapshotSummary> WriteSnapshot(HubStore& store, const SnapshotRequest& req,
                                              common::Clock& clock) {
  if (req.out_path.empty()) return Status::InvalidArgument("--out requis");
  if (req.key_path.empty()) return Status::InvalidArgument("--key requis");
  RELAIS_ASSIGN_OR_RETURN(std::vector<std::string> sites, CheckSites(req.sites));
  SnapshotSummary summary;
  RELAIS_ASSIGN_OR_RETURN(snap::SigningKey key,
                          snap::LoadOrCreateSigningKey(req.key_path, &summary.key_created));
  summary.public_key = snap::FormatPublicKey(key.pub);
  RELAIS_ASSIGN_OR_RETURN(
      auto writer, snap::Writer::Create(req.out_path, req.compress ? snap::Compression::kZstd
                                                                   : snap::Compression::kNone));
  Scope scope;
  scope.sites = sites;  // replica_id "": every record of the scope
  uint64_t after = 0;
  for (bool first = true;; first = false) {
    RELAIS_ASSIGN_OR_RETURN(PullResult page,
                            store.Pull(scope, after, std::max<size_t>(1, req.page_records),
                                       4 << 20));
    if (first) summary.epoch = page.epoch;
    if (page.epoch != summary.epoch)
      return Status::Aborted("l'époque du hub a changé pendant l'instantané (restauration ?): "
                             "relancez relais-hub snapshot");
    for (const common::Record& r : page.records) RELAIS_RETURN_IF_ERROR(writer->Add(r));
    after = page.cursor;
    if (req.progress) req.progress(writer->count());
    if (!page.has_more) break;
  }
  snap::Header header;
  header.sites = sites;
  header.epoch = summary.epoch;
  header.cursor = after;
  header.created_ms = clock.NowMillis();
  RELAIS_RETURN_IF_ERROR(writer->Finish(header, key));
  summary.records = writer->count();
  summary.cursor = after;
  return summary;
}

}  // namespace relais::server
