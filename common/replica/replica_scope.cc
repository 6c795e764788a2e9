// Replica scope (issue #19): which sites a replica holds, where it writes,
// and the check of the hub token's scope. See ReplicaScope in replica.h.
#include <algorithm>
#include <random>
#include <set>

#include "common/replica/random_id.h"
#include "common/replica/replica.h"

namespace relais::common {

namespace {

Status BadSite(const std::string& s) {
  return Status::InvalidArgument("identifiant de site invalide: " + QuoteForMessage(s) +
                                 " (1 à 64 caractères parmi A-Z a-z 0-9 . _ -)");
}

}  // namespace

std::string Replica::JoinScope(const std::vector<std::string>& sites) {
  std::string out;
  for (const std::string& s : sites) out += (out.empty() ? "" : ",") + s;
  return out;
}

Result<std::vector<std::string>> Replica::ParseScope(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  size_t pos = 0;
  for (;;) {
    const size_t comma = text.find(',', pos);
    std::string s = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (!IsValidSiteId(s) || (!out.empty() && s <= out.back()) || out.size() >= kMaxScopeSites)
      return Status::DataLoss("méta-donnée scope illisible");
    out.push_back(std::move(s));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

Result<std::string> Replica::Init(const std::string& path, const ReplicaScope& scope,
                                  const crypto::Keyring* import) {
  if (scope.sites.empty() && scope.org.empty())
    return Status::InvalidArgument("indiquez au moins un site (--site) ou une organisation (--org)");
  if (!scope.org.empty() && !IsValidSiteId(scope.org)) return BadSite(scope.org);
  std::set<std::string> held;
  for (const std::string& s : scope.sites) {
    if (!IsValidSiteId(s)) return BadSite(s);
    if (!held.insert(s).second)
      return Status::InvalidArgument("site " + s + " indiqué deux fois");
  }
  const std::string home = scope.sites.empty() ? scope.org : scope.sites.front();
  const std::string org = scope.org.empty() ? home : scope.org;
  held.insert(org);
  if (held.size() > kMaxScopeSites)
    return Status::InvalidArgument("trop de sites pour une réplique (maximum " +
                                   std::to_string(kMaxScopeSites) + ")");
  // `--org O` alone: the scope is learnt from the token (AcceptHubScope).
  const std::string scope_text =
      scope.sites.empty() ? "" : JoinScope(std::vector<std::string>(held.begin(), held.end()));
  if (import) RELAIS_RETURN_IF_ERROR(InstallKeyFile(path, org, *import));
  RELAIS_ASSIGN_OR_RETURN(auto store, ReplicaStore::Open(path, true));
  Transaction tx(store->db());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_ASSIGN_OR_RETURN(std::string existing, store->GetMeta("replica_id"));
  if (!existing.empty())
    return Status::AlreadyExists(path + " est déjà la réplique " + existing);
  std::mt19937_64 rng(std::random_device{}());
  const std::string id = RandomHex(rng, 16);
  RELAIS_RETURN_IF_ERROR(store->SetMeta("replica_id", id));
  RELAIS_RETURN_IF_ERROR(store->SetMeta("site_id", home));
  RELAIS_RETURN_IF_ERROR(store->SetMeta("org", org));
  RELAIS_RETURN_IF_ERROR(store->SetMeta("scope", scope_text));
  RELAIS_RETURN_IF_ERROR(store->SetMeta("local_seq", "0"));
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  if (!import) RELAIS_RETURN_IF_ERROR(CreateKeyFileIfAbsent(path, org));
  return id;
}

bool Replica::InScope(const std::string& site) const {
  if (scope_.empty()) return site == site_id_;  // not learnt yet: home only
  return std::binary_search(scope_.begin(), scope_.end(), site);
}

const std::string& Replica::DefaultSite(Collection c) const {
  return c == Collection::kPractitioner || c == Collection::kPole ? org_id_ : site_id_;
}

Status Replica::CheckWritableSite(const std::string& site) const {
  if (InScope(site)) return Status::OK();
  return Status::InvalidArgument("site " + QuoteForMessage(site) +
                                 " hors de la portée de cette réplique (" +
                                 (scope_.empty() ? site_id_ : JoinScope(scope_)) + ")");
}

Status Replica::AcceptHubScope(const std::vector<std::string>& token_sites) {
  std::vector<std::string> got = token_sites;
  std::sort(got.begin(), got.end());
  got.erase(std::unique(got.begin(), got.end()), got.end());
  if (got == scope_) return Status::OK();
  if (scope_.empty() && std::binary_search(got.begin(), got.end(), org_id_) &&
      got.size() <= kMaxScopeSites &&
      std::all_of(got.begin(), got.end(), [](const std::string& s) { return IsValidSiteId(s); })) {
    RELAIS_RETURN_IF_ERROR(store_->SetMeta("scope", JoinScope(got)));
    scope_ = std::move(got);
    return Status::OK();
  }
  const std::string mine = scope_.empty() ? "l'organisation " + org_id_ : JoinScope(scope_);
  return Status::FailedPrecondition(
      "le jeton donne accès aux sites " + (got.empty() ? std::string("(aucun)") : JoinScope(got)) +
      " mais cette réplique tient " + mine +
      ": demandez un jeton pour exactement ces sites (relais-hub enroll --site ...)"
      " ou créez une réplique pour la portée du jeton (relais init --site ...)");
}

}  // namespace relais::common
