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
  // Non-empty: the cluster lives in this fixed directory (which must not
  // exist yet) instead of a new temporary one; see ValidateClusterDir.
  std::string fixed_dir;
};

// The environment variable naming the conninfo file of a cluster started
// once for a whole ctest run (the `pg_cluster_up` fixture, tools
// relais_pg_cluster). When set, SharedPgCluster() joins that cluster instead
// of starting its own.
inline constexpr char kSharedConnInfoEnv[] = "RELAIS_TEST_PG_CONNINFO_FILE";

class PgCluster {
 public:
  // initdb + start + CREATE DATABASE relais. Bounded: initdb <= 60 s, each
  // start <= 30 s. On error nothing is left behind (server stopped,
  // directory removed).
  static common::Result<std::unique_ptr<PgCluster>> Create(
      const PgOptions& options = PgOptions());

  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;
  // Adopts the cluster a previous process created in `dir` (with
  // fixed_dir) and left running or stopped: the returned object owns it
  // (its destructor stops it and removes `dir`). The port is read from
  // DIR/data/relais_port.conf. Errors: kNotFound when `dir` holds no
  // cluster, kInvalidArgument for a malformed port file.
  static common::Result<std::unique_ptr<PgCluster>> Adopt(
      const std::string& dir, const PgOptions& options = PgOptions());

  // Joins the cluster another process runs, whose conninfo file (written by
  // `relais_pg_cluster start`) is at `conninfo_file`. The object does NOT
  // own the server: Stop()/Start() are refused (kFailedPrecondition) and the
  // destructor leaves it (and the databases this process made) alone.
  // dir() and log_path() are empty. Errors:
  // kNotFound (no file), kInvalidArgument (malformed file, see
  // ParseSharedConnInfo), kUnavailable (the server does not answer).
  static common::Result<std::unique_ptr<PgCluster>> Join(
      const std::string& conninfo_file);

  // Stops the server (immediate) and removes DIR. Does nothing in a process
  // forked from the creator (a forked child must not stop the parent's
  // cluster when it exits), nor after Detach(), nor for a joined cluster.
  ~PgCluster();

  // Leaves the server running and DIR in place when this object dies (for
  // `relais_pg_cluster start`; `relais_pg_cluster stop` adopts it later).
  void Detach() { mode_ = Mode::kDetached; }
  // False for a joined cluster (Join): this process must not stop it.
  bool owned() const { return mode_ == Mode::kOwned; }

  // "postgresql://relais@127.0.0.1:PORT/DB". REQUIRES: db is a plain name
  // ([a-z0-9_]), e.g. one returned by CreateDatabase.
  std::string ConnInfo(const std::string& db = "relais") const;
  int port() const { return port_; }
  // A new empty database tPID_1, tPID_2, ... and its conninfo: isolates
  // tests that share one cluster, also across processes. Errors: kUnavailable when the server does not answer.
  common::Result<std::string> CreateDatabase();

  // pg_ctl stop -m immediate|fast, waits (<= 30 s). Refused
  // (kFailedPrecondition) on a joined cluster, as is Start(). After an immediate stop
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
  enum class Mode { kOwned, kDetached, kJoined };
  PgCluster(PgOptions options, std::string dir, bool as_root);
  common::Status RefuseIfJoined(const char* what) const;
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
  Mode mode_ = Mode::kOwned;
  int port_ = 0;
  std::atomic<int> next_db_{1};
};

// One cluster shared by every test of the process. When the environment
// variable kSharedConnInfoEnv is set (by ctest, see tests/CMakeLists.txt),
// it joins the cluster its file names (PgCluster::Join; a bad file or a
// silent server is an error, never a silent fallback); otherwise it creates
// its own on first use and stops it at exit. A failure is remembered: every
// later call returns the same error at once.
common::Result<PgCluster*> SharedPgCluster();

// Parses the text of a conninfo file: exactly
// "postgresql://relais@127.0.0.1:PORT/relais" with PORT in 1..65535 and an
// optional final newline, at most 100 bytes. Returns PORT; anything else is
// kInvalidArgument (the file is input: nothing else may reach libpq).
common::Result<int> ParseSharedConnInfo(const std::string& text);

// Checks a fixed cluster directory: absolute, only [A-Za-z0-9/._-] (it goes
// into postgresql.conf), short enough for the unix socket in it.
common::Status ValidateClusterDir(const std::string& dir);

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
