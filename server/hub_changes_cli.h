#pragma once
// `relais-hub import-changes (--db F | --store URI) --in CHANGES --out RESPONSE`
// (server/hub_changes.h; docs/protocol.md « Synchronisation par fichier »).
// Prints a summary on stdout; exit codes as hub_store_cli.h.

#include <string>

#include <CLI/CLI.hpp>

#include "server/hub_store_open.h"

namespace relais::server {

struct ChangesCli {
  StoreChoice store;
  std::string in;
  std::string out;
  CLI::App* import = nullptr;
};

void RegisterChangesCommand(CLI::App& app, ChangesCli* cli);
// The exit code of import-changes, or -1 if it was not the command given.
int RunChangesCommand(const ChangesCli& cli);

}  // namespace relais::server
