#pragma once
// A throw-away PostgreSQL 15 cluster for one test process (issue #21).
//
// Create() runs initdb in a fresh temporary directory DIR:
//   DIR/data          the cluster (initdb -U relais -E UTF8 --locale=C)
//   DIR/server.log    the server log (print it in failures: log_path())
//   DIR/commands.log  output of initdb / pg_ctl
//   DIR/.s.PGSQL.PORT the unix socket
//   DIR/owner         "PID\n" of the creating process (stale-cluster sweep)
// and starts postgres listening on 127.0.0.1:<free port> only, with trust
// authentication for loopback (TCP 127.0.0.1/32 and the unix socket) and
// nothing else, a superuser role "relais" and a database "relais".
//
// Server settings: max_connections=300, shared_buffers=64MB, fsync=on,
// synchronous_commit=on (the real durability: tests kill processes and we
// measure with it). RELAIS_PG_FAST=1 in the environment turns fsync off
// (faster, only for manual runs); "0" or unset keeps it on; any other value
// is refused (kInvalidArgument).
//
// PostgreSQL refuses to run as root: when the process is root, initdb and
// pg_ctl run as the unprivileged system user "relais-pg" (created by
// tools/setup.sh) through `runuser -u relais-pg --`, and DIR is chowned to
// it. Otherwise they run as the current user. A missing prerequisite (the
// PostgreSQL 15 binaries, runuser, the user) is a kFailedPrecondition whose
// French message names it and the fix (`bash tools/setup.sh`).
//
// Thread safety: ConnInfo/port/log_path/running and CreateDatabase may be
// called from any thread; Stop/Start must not race each other.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <sys/types.h>

#include "common/util/status.h"

namespace relais::pgtest {

// Where to find PostgreSQL and which user to run it as; overridable only so
// tests can prove the prerequisite checks.
struct PgOptions {
  std::string bin_dir = "/usr/lib/postgresql/15/bin";
  std::string run_user = "relais-pg";  // used only when the process is root
};

class PgCluster {
 public:
  // initdb + start + CREATE DATABASE relais. Bounded: initdb <= 60 s, each
  // start <= 30 s. On error nothing is left behind (server stopped,
  // directory removed).
  static common::Result<std::unique_ptr<PgCluster>> Create(
      const PgOptions& options = PgOptions());

  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;
  // Stops the server (immediate) and removes DIR. Does nothing in a process
  // forked from the creator (a forked child must not stop the parent's
  // cluster when it exits).
  ~PgCluster();

  // "postgresql://relais@127.0.0.1:PORT/DB". REQUIRES: db is a plain name
  // ([a-z0-9_]), e.g. one returned by CreateDatabase.
  std::string ConnInfo(const std::string& db = "relais") const;
  int port() const { return port_; }
  // A new empty database t1, t2, ... and its conninfo: isolates tests that
  // share one cluster. Errors: kUnavailable when the server does not answer.
  common::Result<std::string> CreateDatabase();

  // pg_ctl stop -m immediate|fast, waits (<= 30 s). After an immediate stop
  // the next Start() runs crash recovery (WAL replay).
  common::Status Stop(bool immediate);
  // Starts again on the same directory and port and waits until it accepts
  // connections (<= 30 s).
  common::Status Start();
  // True iff the postmaster recorded in DIR/data/postmaster.pid is alive.
  bool running() const;
  std::string log_path() const { return dir_ + "/server.log"; }
  // DIR (removed by the destructor).
  const std::string& dir() const { return dir_; }

 private:
  PgCluster(PgOptions options, std::string dir, bool as_root);
  common::Status InitDb();
  common::Status WriteConfig(bool fsync);
  common::Status StartOnFreePort();
  common::Status PgCtl(const std::vector<std::string>& args, int timeout_ms);
  pid_t PostmasterPid() const;
  void ForceKill();

  const PgOptions options_;
  const std::string dir_;
  const bool as_root_;
  const pid_t creator_pid_;
  int port_ = 0;
  std::atomic<int> next_db_{1};
};

// One cluster shared by every test of the process, created on first use and
// stopped at exit. A creation failure is remembered: every later call
// returns the same error at once.
common::Result<PgCluster*> SharedPgCluster();

// Removes the clusters under `base` (DIR = base/relais-pg-XXXXXX) whose
// creating process is dead: SIGQUIT (then SIGKILL after 5 s) to their
// postmaster, if it is still a postgres process on that directory, then the
// directory. Clusters of live processes and unknown directories are left
// alone. Returns how many were removed. Create() calls it first.
int SweepStaleClusters(const std::string& base);

// Parses RELAIS_PG_FAST (nullptr = unset): "1" -> true (fsync off),
// unset/""/"0" -> false; anything else -> kInvalidArgument.
common::Result<bool> ParseFastEnv(const char* value);

// The parent of the temporary cluster directories: TMPDIR when set, else
// /tmp. Refused (kInvalidArgument): a relative path, characters outside
// [A-Za-z0-9/._-] (the path goes into postgresql.conf), or a path too long
// for the unix socket (sun_path holds 107 bytes).
common::Result<std::string> ChooseBaseDir(const char* tmpdir);

}  // namespace relais::pgtest
