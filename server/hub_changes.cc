#include "server/hub_changes.h"

#include <sodium.h>

#include <vector>

#include "common/sync/change_file.h"
#include "proto/sync.pb.h"

namespace relais::server {

namespace pb = relais::sync::v1;
using common::Result;
using common::Status;
using sync::ChangeFileKind;

namespace {

// Responses stop pulling past this many bytes, so that the response file
// stays within sync::kMaxRawBytes whatever the pushed batches ask.
constexpr size_t kResponseBudgetBytes = sync::kMaxRawBytes / 2;

struct FoundToken {
  TokenInfo info;
  sync::FileKeys keys;
};

// The token whose id the file names. O(tokens): one key derivation each.
Result<FoundToken> FindToken(HubStore& store, const sync::ChangeFileHeader& h) {
  RELAIS_ASSIGN_OR_RETURN(std::vector<TokenInfo> tokens, store.ListTokens());
  for (TokenInfo& t : tokens) {
    auto keys = sync::KeysFromTokenHash(t.token_hash);
    if (!keys.ok()) continue;
    if (sodium_memcmp(keys->token_id.data(), h.token_id.data(), sync::kTokenIdBytes) != 0)
      continue;
    if (t.revoked)
      return Status::Unauthenticated("fichier de changements refusé: le jeton de la réplique " +
                                     h.replica_id + " est révoqué");
    return FoundToken{std::move(t), *keys};
  }
  return Status::Unauthenticated("fichier de changements refusé: jeton inconnu de ce hub "
                                 "(réplique " + h.replica_id + ")");
}

}  // namespace

Result<ChangesImport> ImportChanges(HubStore& store, common::Clock& clock,
                                    const HubServiceOptions& options,
                                    const std::string& bytes) {
  RELAIS_ASSIGN_OR_RETURN(sync::ChangeFileHeader h,
                          sync::PeekChangeFile(bytes, ChangeFileKind::kChanges));
  RELAIS_ASSIGN_OR_RETURN(FoundToken token, FindToken(store, h));
  RELAIS_ASSIGN_OR_RETURN(std::vector<std::string> messages,
                          sync::OpenChangeFile(bytes, token.keys));
  if (messages.size() > static_cast<size_t>(sync::kMaxMessages))
    return Status::DataLoss("fichier de changements: trop de requêtes");
  std::vector<pb::SyncRequest> requests(messages.size());
  for (size_t i = 0; i < messages.size(); ++i) {
    if (!requests[i].ParseFromString(messages[i]))
      return Status::DataLoss("fichier de changements illisible (protobuf invalide)");
    if (requests[i].replica_id() != h.replica_id)
      return Status::DataLoss("fichier de changements incohérent: une requête nomme une autre "
                              "réplique que l'en-tête");
    if (static_cast<size_t>(requests[i].push_size()) > options.max_push_records)
      return Status::InvalidArgument("lot trop grand dans le fichier de changements");
  }
  messages.clear();

  ChangesImport out;
  out.replica_id = h.replica_id;
  out.token_name = token.info.name;
  out.requests = static_cast<int>(requests.size());
  // Further pull pages are asked as the client would: its identity and
  // bounds, nothing to push.
  pb::SyncRequest pull_only;
  pull_only.set_protocol_version(requests.front().protocol_version());
  pull_only.set_replica_id(requests.front().replica_id());
  pull_only.set_site_id(requests.front().site_id());
  pull_only.set_include_own(requests.front().include_own());
  pull_only.set_max_pull_records(requests.front().max_pull_records());
  pull_only.set_max_pull_bytes(requests.front().max_pull_bytes());
  std::vector<std::string> responses;
  size_t response_bytes = 0;
  auto within_budget = [&] { return response_bytes < kResponseBudgetBytes; };
  pb::SyncResponse last;
  for (size_t i = 0;
       i < requests.size() ||
       (last.has_more() && responses.size() < sync::kMaxMessages && within_budget());
       ++i) {
    pb::SyncRequest req = i < requests.size() ? std::move(requests[i]) : pull_only;
    // The hub chains its own pages: each pull resumes where the last one
    // stopped (the replica applies the responses in this order).
    if (i > 0) req.set_pull_cursor(last.pull_cursor());
    // Past the budget, the remaining batches are still merged but pull the
    // smallest page: the rest comes with the next exchange.
    if (!within_budget()) {
      req.set_max_pull_records(1);
      req.set_max_pull_bytes(1);
    }
    pb::SyncResponse resp;
    PushResult pushed;
    RELAIS_RETURN_IF_ERROR(
        ServeSync(store, clock, options, token.info.token_hash, req, &resp, &pushed, nullptr));
    out.pushed += req.push_size();
    out.changed += pushed.changed;
    out.ignored += pushed.ignored;
    out.pulled += resp.pull_size();
    responses.push_back(resp.SerializeAsString());
    response_bytes += responses.back().size() + 4;
    last = std::move(resp);
  }
  out.more_to_pull = last.has_more();
  sync::ChangeFileHeader rh = h;
  rh.kind = ChangeFileKind::kResponse;
  RELAIS_ASSIGN_OR_RETURN(out.response, sync::EncodeChangeFile(rh, responses, token.keys));
  return out;
}

}  // namespace relais::server
