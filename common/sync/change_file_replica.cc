#include "common/sync/change_file_replica.h"

#include <sodium.h>

#include <vector>

#include "common/sync/change_file.h"
#include "common/sync/sync_client.h"
#include "proto/sync.pb.h"

namespace relais::sync {

namespace pb = relais::sync::v1;
using common::Result;
using common::Status;

namespace {

constexpr char kImportMeta[] = "change_file_import";

Status CheckNotLoading(common::ReplicaStore* store) {
  RELAIS_ASSIGN_OR_RETURN(std::string state, store->GetMeta("snapshot_state"));
  if (state == "loading")
    return Status::FailedPrecondition(
        "chargement de l'instantané inachevé: relancez la même commande relais init "
        "--from-snapshot avant de synchroniser");
  return Status::OK();
}

// Index of the last response of export `hex` already applied, or -1.
Result<int> ImportedUpTo(common::ReplicaStore* store, const std::string& hex) {
  RELAIS_ASSIGN_OR_RETURN(std::string mark, store->GetMeta(kImportMeta));
  if (mark.size() <= hex.size() + 1 || mark.compare(0, hex.size(), hex) != 0 ||
      mark[hex.size()] != ':')
    return -1;
  const std::string idx = mark.substr(hex.size() + 1);
  if (idx.size() > 4 || idx.find_first_not_of("0123456789") != std::string::npos)
    return Status::DataLoss("méta-donnée " + std::string(kImportMeta) + " illisible");
  return std::stoi(idx);
}

}  // namespace

Result<ExportReport> ExportChanges(common::Replica& replica, const std::string& token,
                                   const std::string& out_path) {
  if (token.empty()) return Status::InvalidArgument("jeton manquant");
  common::ReplicaStore* store = replica.store();
  RELAIS_RETURN_IF_ERROR(CheckNotLoading(store));
  RELAIS_ASSIGN_OR_RETURN(uint64_t push_cursor, store->GetMetaInt("push_cursor"));
  RELAIS_ASSIGN_OR_RETURN(uint64_t pull_cursor, store->GetMetaInt("pull_cursor"));
  SyncOptions options;
  options.whole_states = true;
  ExportReport report;
  std::vector<std::string> messages;
  uint64_t after = push_cursor;
  for (;;) {
    pb::SyncRequest req;
    RELAIS_ASSIGN_OR_RETURN(uint64_t last, BuildRequest(replica, options, after, pull_cursor, &req));
    // A pull-only request when there is nothing to push; else one per batch.
    if (last == 0 && !messages.empty()) break;
    report.records += req.push_size();
    messages.push_back(req.SerializeAsString());
    if (last == 0) break;
    after = last;
    if (static_cast<int>(messages.size()) == kMaxExportRequests) break;
  }
  RELAIS_ASSIGN_OR_RETURN(report.remaining, store->CountChangesSince(after));
  report.requests = static_cast<int>(messages.size());
  ChangeFileHeader h;
  h.kind = ChangeFileKind::kChanges;
  h.replica_id = replica.replica_id();
  h.base_push_cursor = push_cursor;
  h.base_pull_cursor = pull_cursor;
  h.export_id = NewExportId();
  RELAIS_ASSIGN_OR_RETURN(std::string bytes, EncodeChangeFile(h, messages, KeysFromToken(token)));
  RELAIS_RETURN_IF_ERROR(WriteChangeFile(out_path, bytes));
  return report;
}

Result<ImportReport> ImportResponse(common::Replica& replica, const std::string& token,
                                    const std::string& in_path) {
  if (token.empty()) return Status::InvalidArgument("jeton manquant");
  common::ReplicaStore* store = replica.store();
  RELAIS_RETURN_IF_ERROR(CheckNotLoading(store));
  RELAIS_ASSIGN_OR_RETURN(std::string bytes, ReadChangeFile(in_path));
  RELAIS_ASSIGN_OR_RETURN(ChangeFileHeader h, PeekChangeFile(bytes, ChangeFileKind::kResponse));
  const FileKeys keys = KeysFromToken(token);
  if (sodium_memcmp(h.token_id.data(), keys.token_id.data(), kTokenIdBytes) != 0)
    return Status::PermissionDenied(
        "réponse écrite pour un autre jeton: elle n'est pas destinée à cette réplique (ou le "
        "jeton donné n'est pas le sien)");
  if (h.replica_id != replica.replica_id())
    return Status::PermissionDenied("réponse destinée à la réplique " + h.replica_id +
                                    ", pas à celle-ci (" + replica.replica_id() + ")");
  RELAIS_ASSIGN_OR_RETURN(std::vector<std::string> messages, OpenChangeFile(bytes, keys));
  std::vector<pb::SyncResponse> responses(messages.size());
  for (size_t i = 0; i < messages.size(); ++i) {
    if (!responses[i].ParseFromString(messages[i]))
      return Status::DataLoss("réponse du hub illisible (protobuf invalide)");
    // The hub's clock at the office, days ago perhaps: no clock correction.
    responses[i].clear_hub_time_ms();
  }

  ImportReport report;
  const std::string hex = ExportIdHex(h.export_id);
  RELAIS_ASSIGN_OR_RETURN(int done, ImportedUpTo(store, hex));
  if (done + 1 >= static_cast<int>(responses.size())) {
    report.already_imported = true;
    return report;
  }
  if (done < 0) {
    RELAIS_ASSIGN_OR_RETURN(uint64_t push_cursor, store->GetMetaInt("push_cursor"));
    RELAIS_ASSIGN_OR_RETURN(uint64_t pull_cursor, store->GetMetaInt("pull_cursor"));
    if (push_cursor != h.base_push_cursor || pull_cursor != h.base_pull_cursor)
      return Status::FailedPrecondition(
          "réponse périmée: la réplique s'est synchronisée depuis l'export de ce fichier; "
          "refaites relais export-changes");
  }
  for (size_t i = static_cast<size_t>(done + 1); i < responses.size(); ++i) {
    const pb::SyncResponse& resp = responses[i];
    RELAIS_ASSIGN_OR_RETURN(uint64_t push_cursor, store->GetMetaInt("push_cursor"));
    RELAIS_ASSIGN_OR_RETURN(uint64_t pull_cursor, store->GetMetaInt("pull_cursor"));
    RELAIS_ASSIGN_OR_RETURN(uint64_t local_seq, store->GetMetaInt("local_seq"));
    const uint64_t ack = resp.ack_seq();
    if (ack != 0 && (ack < push_cursor || ack > local_seq))
      return Status::Internal("accusé de réception du hub incohérent");
    const std::string mark = hex + ":" + std::to_string(i);
    RELAIS_ASSIGN_OR_RETURN(AppliedResponse applied,
                            ApplyResponse(replica, pull_cursor, ack, resp, {{kImportMeta, mark}}));
    if (applied.rebootstrap) {
      // As SyncOnce (docs/sync-model.md §11): below the purge horizon, the
      // scope is pulled again from 0 by the next exported file.
      RELAIS_RETURN_IF_ERROR(store->BeginRebootstrap());
      RELAIS_RETURN_IF_ERROR(
          store->SetMeta(kImportMeta, hex + ":" + std::to_string(responses.size() - 1)));
      report.resync = true;
      return report;
    }
    if (applied.resync) {
      // As SyncOnce: send everything again and pull the scope from the start.
      const std::string last = hex + ":" + std::to_string(responses.size() - 1);
      RELAIS_RETURN_IF_ERROR(
          store->MarkAllPending({{"hub_epoch", applied.new_epoch}, {kImportMeta, last}}));
      report.resync = true;
      return report;
    }
    if (ack != 0) report.pushed += static_cast<int>(resp.push_accepted());
    report.pulled += applied.pulled;
    report.conflicts += applied.conflicts;
    report.set_aside += applied.set_aside;
  }
  report.more_to_pull = responses.back().has_more();
  if (!report.more_to_pull) {
    RELAIS_ASSIGN_OR_RETURN(std::string rebootstrap, store->GetMeta("rebootstrap"));
    if (rebootstrap == "1") RELAIS_RETURN_IF_ERROR(store->FinishRebootstrap().status());
  }
  return report;
}

}  // namespace relais::sync
