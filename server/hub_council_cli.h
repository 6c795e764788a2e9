#pragma once
// `relais-hub council-enroll | council-list | council-revoke`: the funding
// office's tokens (server/report/council_tokens.h) from the command line.
// Each prints its result (French) on stdout, its error on stderr prefixed
// "relais-hub: ", and returns the exit code: 0 ok, 2 bad arguments, 1 other
// failures. The token is printed once, as the last word, by enroll only.

#include <string>
#include <vector>

namespace relais::server {

// `expires`: "" (never), "AAAA-MM-JJ" (last valid Paris day) or days.
int CouncilEnroll(const std::string& db, const std::string& name,
                  const std::vector<std::string>& sites, const std::string& expires);
// One line per token: hash prefix, name, sites, creation and expiry days.
int CouncilList(const std::string& db);
int CouncilRevoke(const std::string& db, const std::string& name);

}  // namespace relais::server
