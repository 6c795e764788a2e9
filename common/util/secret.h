#pragma once
// Secrets (enrolment and council tokens) given to a program without putting
// them on its command line, where `ps` and shell history would show them.
//
// Sources, in order of preference: a token file (--token-file F), the
// environment variable RELAIS_TOKEN, and, kept for compatibility only, a
// --token argument (the caller prints kTokenOnCommandLineWarning).

#include <string>

#include "common/util/status.h"

namespace relais::common {

// Longest token file accepted, in bytes (tokens are 64 hex characters).
inline constexpr size_t kMaxTokenFileBytes = 4096;

// French warning printed when a token came from the command line.
inline constexpr const char* kTokenOnCommandLineWarning =
    "ATTENTION : un jeton passé par --token est visible de tous les "
    "utilisateurs (ps, historique du shell) ; utilisez --token-file FICHIER "
    "ou la variable d'environnement RELAIS_TOKEN";

// Reads a token from `path`: at most kMaxTokenFileBytes, exactly one
// trailing "\n" (or "\r\n") stripped, no other control character, not
// empty. Follows symlinks (a token file may be a link to a secrets mount).
// If the file is readable by group or others, `*warning` (when not null) is
// set to a French warning and the token is still returned.
// Errors: NOT_FOUND (missing file), PERMISSION_DENIED (unreadable),
// INVALID_ARGUMENT (not a regular file, too large, empty, control
// characters). Messages name the file, never its contents.
Result<std::string> ReadTokenFile(const std::string& path, std::string* warning);

// Where a token came from.
enum class TokenSource { kNone, kFile, kEnvironment, kCommandLine };

// Picks the token: `file` if not empty, else RELAIS_TOKEN if set, else
// `arg` (command line). At most one of `file` and `arg` may be given
// (INVALID_ARGUMENT otherwise). RELAIS_TOKEN is checked like a file's
// contents (size, control characters). `*source` says which was used
// (kNone with an empty token if none); `*warning` collects French warnings
// (group/world-readable file, token on the command line).
Result<std::string> ResolveToken(const std::string& file, const std::string& arg,
                                 TokenSource* source, std::string* warning);

}  // namespace relais::common
