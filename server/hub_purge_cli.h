#pragma once
// `relais-hub purge (--db F | --store URI) [--dry-run] [--batch N]
// [--site S ...]`: the history purge for the IT team (docs/sync-model.md
// §11, server/hub_purge.h). Prints a French summary and the log line;
// exit codes as hub_store_cli.h.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "server/hub_store_open.h"

namespace relais::server {

struct PurgeCli {
  StoreChoice store;
  bool dry_run = false;
  std::string batch = "1000";
  std::vector<std::string> sites;
  CLI::App* purge = nullptr;
};

void RegisterPurgeCommand(CLI::App& app, PurgeCli* cli);
// The exit code of purge, or -1 if it was not the command given.
int RunPurgeCommand(const PurgeCli& cli);

// `relais-hub compact --db F`: VACUUM of the SQLite hub file through its
// own connection (issue #17, common/storage/vacuum.h; `relais-hub serve`
// may keep it open). PostgreSQL has its own autovacuum: not offered.
struct CompactCli {
  std::string db;
  CLI::App* compact = nullptr;
};
void RegisterCompactCommand(CLI::App& app, CompactCli* cli);
// The exit code of compact, or -1 if it was not the command given.
int RunCompactCommand(const CompactCli& cli);

}  // namespace relais::server
