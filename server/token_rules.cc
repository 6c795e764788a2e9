#include "server/token_rules.h"

#include <algorithm>
#include <sstream>

#include "common/model/validate.h"

namespace relais::server {

common::Result<Scope> CheckTokenUse(Scope scope, bool revoked,
                                    const std::string& replica_id,
                                    const std::string& site_id) {
  if (revoked) return common::Status::Unauthenticated("jeton révoqué");
  if (replica_id.empty())
    return common::Status::InvalidArgument("identifiant de réplique manquant");
  if (!common::IsValidReplicaId(replica_id))
    return common::Status::InvalidArgument(
        "identifiant de réplique invalide (1 à 64 caractères parmi A-Z a-z"
        " 0-9 . _ -)");
  if (!common::IsValidSiteId(site_id))
    return common::Status::InvalidArgument(
        "identifiant de site invalide (1 à 64 caractères parmi A-Z a-z 0-9"
        " . _ -)");
  if (!scope.Contains(site_id))
    return common::Status::PermissionDenied("le site '" + site_id +
                                            "' de cette réplique est hors du"
                                            " périmètre de ce jeton");
  if (!scope.replica_id.empty() && scope.replica_id != replica_id)
    return common::Status::PermissionDenied(
        "ce jeton appartient à une autre réplique (" + scope.replica_id +
        "), pas à " + replica_id);
  return scope;
}

common::Status CheckTicketLetterArgs(const std::string& site_id,
                                     const std::string& replica_id) {
  if (!common::IsValidSiteId(site_id))
    return common::Status::InvalidArgument("identifiant de site invalide");
  if (!common::IsValidReplicaId(replica_id))
    return common::Status::InvalidArgument("identifiant de réplique invalide");
  return common::Status::OK();
}

std::string FirstFreeTicketLetter(const std::vector<std::string>& taken) {
  for (int i = 0; i < kTicketLettersPerSite; ++i) {
    const std::string letter(1, static_cast<char>('A' + i));
    if (std::find(taken.begin(), taken.end(), letter) == taken.end()) return letter;
  }
  return "";
}

common::Status CheckNewToken(const TokenInfo& token) {
  if (token.sites.empty())
    return common::Status::InvalidArgument("au moins un site est requis");
  for (const std::string& s : token.sites)
    if (!common::IsValidSiteId(s))
      return common::Status::InvalidArgument("identifiant de site invalide: '" + s + "'");
  if (!token.replica_id.empty() && !common::IsValidReplicaId(token.replica_id))
    return common::Status::InvalidArgument("identifiant de réplique invalide");
  return common::Status::OK();
}

common::Status CheckRebindArgs(const std::string& token_name,
                               const std::string& replica_id) {
  if (token_name.empty()) return common::Status::InvalidArgument("nom de jeton requis");
  if (!common::IsValidReplicaId(replica_id))
    return common::Status::InvalidArgument(
        "identifiant de réplique invalide (1 à 64 caractères parmi A-Z a-z"
        " 0-9 . _ -)");
  return common::Status::OK();
}

common::Status CheckRebindTarget(const std::string& token_name, bool revoked,
                                 const std::string& bound) {
  if (revoked)
    return common::Status::FailedPrecondition("le jeton '" + token_name +
                                              "' est révoqué; inscrivez-en un nouveau");
  if (!bound.empty())
    return common::Status::FailedPrecondition(
        "le jeton '" + token_name + "' est déjà lié à la réplique " + bound +
        "; donnez un jeton neuf (relais-hub enroll --name ...)");
  return common::Status::OK();
}

std::string JoinSites(std::vector<std::string> sites) {
  std::sort(sites.begin(), sites.end());
  sites.erase(std::unique(sites.begin(), sites.end()), sites.end());
  std::string out;
  for (const std::string& s : sites) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::vector<std::string> SplitSites(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string s; std::getline(in, s, ',');)
    if (!s.empty()) out.push_back(s);
  std::sort(out.begin(), out.end());
  return out;
}

std::string ReplicaTakenMessage(const std::string& replica_id) {
  return "identifiant de réplique déjà lié à un autre jeton; pour une borne"
         " remplacée: relais-hub rebind (--db <hub.db> | --store <postgresql://...>)"
         " --name <NOUVEAU_JETON> --replica " + replica_id;
}

}  // namespace relais::server
