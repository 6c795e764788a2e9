#pragma once
// `relais key ...` (organisation key, issue #15) and the helpers `relais
// init --key-file` shares with it. See docs/deploy.md.

#include <CLI/CLI.hpp>
#include <string>

#include "common/crypto/keyring.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {

// The passphrase: first line of `file` (at most 4 KiB read), or, when
// `file` is empty, one line read from stdin (echo off on a terminal).
// INVALID_ARGUMENT when unreadable or outside the accepted length.
Result<std::string> ReadPassphrase(const std::string& file);
// Reads an exported key file (at most 256 KiB) and opens it with the
// passphrase from `passphrase_file` (see ReadPassphrase).
Result<crypto::Keyring> ReadExportedKey(const std::string& key_file,
                                        const std::string& passphrase_file);

// key export | import | rotate | show.
void RegisterKeyCommands(CLI::App& app, Context& ctx);

}  // namespace relais::common::cli
