#pragma once
// The rules every HubStore applies when a replica token is used or listed,
// shared so that SQLite and PostgreSQL cannot drift apart. Pure (no
// database): the stores read the token's row, then call these.

#include <string>
#include <vector>

#include "common/util/status.h"
#include "server/hub_store.h"

namespace relais::server {

// `scope` is the token's row (name, bound replica id or "", sorted sites).
// UNAUTHENTICATED if `revoked`; INVALID_ARGUMENT if `replica_id` or
// `site_id` is malformed (never echoed: it may carry anything);
// PERMISSION_DENIED if `site_id` is out of scope or the token is bound to
// another replica. Returns `scope` unchanged otherwise.
common::Result<Scope> CheckTokenUse(Scope scope, bool revoked,
                                    const std::string& replica_id,
                                    const std::string& site_id);

// AddToken's argument checks (INVALID_ARGUMENT): at least one site, valid
// site ids, a valid replica id when one is given.
common::Status CheckNewToken(const TokenInfo& token);

// Rebind's argument checks (INVALID_ARGUMENT): a token name, a valid
// replica id.
common::Status CheckRebindArgs(const std::string& token_name,
                               const std::string& replica_id);
// Rebind's target token, read under the store's lock: FAILED_PRECONDITION
// if it is revoked or already bound (`bound` = its replica id, "" if none).
common::Status CheckRebindTarget(const std::string& token_name, bool revoked,
                                 const std::string& bound);

// The stored form of a site list: sorted, unique, comma-separated.
std::string JoinSites(std::vector<std::string> sites);
std::vector<std::string> SplitSites(const std::string& list);

// AssignTicketLetter's argument checks (INVALID_ARGUMENT): valid site and
// replica ids.
common::Status CheckTicketLetterArgs(const std::string& site_id,
                                     const std::string& replica_id);
// The first letter of "A".."Z" not in `taken` (a site's assigned letters);
// "" when all kTicketLettersPerSite are taken.
std::string FirstFreeTicketLetter(const std::vector<std::string>& taken);

// What an administrator does when a replica id is already taken.
std::string ReplicaTakenMessage(const std::string& replica_id);

}  // namespace relais::server
