#pragma once
// `relais-hub snapshot (--db F | --store URI) --site S [--site S2 …] --out F
//                      [--key hub-sign.key] [--no-compress]`
// `relais-hub snapshot-key [--key hub-sign.key] --print-public`
// (server/hub_snapshot.h; docs/deploy.md « Nouvelle borne par instantané »).
// Progress on stderr; exit codes as hub_store_cli.h.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "server/hub_store_open.h"

namespace relais::server {

struct SnapshotCli {
  StoreChoice store;
  std::vector<std::string> sites;
  std::string out;
  std::string key = "hub-sign.key";
  bool no_compress = false;
  bool print_public = false;
  CLI::App* snapshot = nullptr;
  CLI::App* snapshot_key = nullptr;
};

void RegisterSnapshotCommands(CLI::App& app, SnapshotCli* cli);
// The exit code of the parsed snapshot command, or -1 if neither was given.
int RunSnapshotCommands(const SnapshotCli& cli);

}  // namespace relais::server
