// tools/pg_cluster.sh (benchmarks, manual runs): same settings as PgCluster,
// checked over libpq; hostile arguments are refused before anything is made.

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <stdlib.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tests/pg/pg_process.h"

#ifndef RELAIS_PG_CLUSTER_SH
#error "RELAIS_PG_CLUSTER_SH must name tools/pg_cluster.sh"
#endif

namespace relais::pgtest {
namespace {

namespace fs = std::filesystem;

// A fresh directory removed at scope exit (after stopping any cluster in it).
class ScriptRun {
 public:
  ScriptRun() {
    std::string tmpl = "/tmp/relais-pgsh-XXXXXX";
    if (mkdtemp(tmpl.data()) != nullptr) base_ = tmpl;
    // relais-pg (when root) must traverse it to reach the cluster.
    fs::permissions(base_, fs::perms::others_exec | fs::perms::group_exec,
                    fs::perm_options::add);
    out_ = base_ + "/script.out";
  }
  ~ScriptRun() {
    if (fs::exists(cluster() + "/data/postmaster.pid"))
      (void)Run({"stop", cluster(), "immediate"});
    std::error_code ec;
    fs::remove_all(base_, ec);
  }
  std::string cluster() const { return base_ + "/c"; }
  // Runs the script; on success *conninfo gets the line it printed.
  common::Status Run(std::vector<std::string> args, std::string* conninfo = nullptr) {
    std::error_code ec;
    fs::remove(out_, ec);
    args.insert(args.begin(), {"/bin/bash", RELAIS_PG_CLUSTER_SH});
    common::Status s = RunCommand(args, {"", base_, out_, 90000});
    if (s.ok() && conninfo != nullptr) {
      std::istringstream in(TailOfFile(out_, 1 << 16));
      for (std::string line; std::getline(in, line);)
        if (line.rfind("postgresql://", 0) == 0) *conninfo = line;
    }
    return s;
  }

 private:
  std::string base_, out_;
};

std::string Show(const std::string& conninfo, const std::string& sql) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  std::string out = "<no connection>";
  if (PQstatus(c) == CONNECTION_OK) {
    PGresult* r = PQexec(c, sql.c_str());
    out = PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : PQresultErrorMessage(r);
    PQclear(r);
  }
  PQfinish(c);
  return out;
}

TEST(PgClusterScriptTest, StartPrintsConnInfoStopAndRestartKeepData) {
  ScriptRun run;
  std::string ci;
  auto s = run.Run({"start", run.cluster()}, &ci);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(ci.rfind("postgresql://relais@127.0.0.1:", 0), 0u) << ci;
  EXPECT_EQ(Show(ci, "SHOW listen_addresses"), "127.0.0.1");
  EXPECT_EQ(Show(ci, "SHOW max_connections"), "300");
  EXPECT_EQ(Show(ci, "SELECT current_user || '/' || current_database()"), "relais/relais");
  const char* fast = getenv("RELAIS_PG_FAST");
  EXPECT_EQ(Show(ci, "SHOW fsync"), (fast && std::string(fast) == "1") ? "off" : "on");
  EXPECT_EQ(Show(ci, "CREATE TABLE t AS SELECT 42 AS v; SELECT v FROM t"), "42");

  std::string again;  // start on a running cluster: same conninfo
  ASSERT_TRUE(run.Run({"start", run.cluster()}, &again).ok());
  EXPECT_EQ(again, ci);

  ASSERT_TRUE(run.Run({"stop", run.cluster(), "immediate"}).ok());
  EXPECT_EQ(PQping(ci.c_str()), PQPING_NO_RESPONSE);
  std::string restarted;
  ASSERT_TRUE(run.Run({"start", run.cluster()}, &restarted).ok());
  EXPECT_EQ(restarted, ci) << "the port is kept";
  EXPECT_EQ(Show(ci, "SELECT v FROM t"), "42");
  ASSERT_TRUE(run.Run({"stop", run.cluster()}).ok());
  EXPECT_EQ(PQping(ci.c_str()), PQPING_NO_RESPONSE);
}

TEST(PgClusterScriptTest, HostileArgumentsAreRefused) {
  ScriptRun run;
  const std::string c = run.cluster();
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"start"},
      {"start", c, "abc"},
      {"start", c, "80"},
      {"start", c, "70000"},
      {"start", c, "5432 "},
      {"start", c, "1", "2"},
      {"start", c + "'; touch x"},
      {"start", c + "\nlisten_addresses='*'"},
      {"start", "/" + std::string(120, 'a')},
      {"stop", c},  // no cluster there
      {"stop", c, "now"},
      {"reboot", c},
  };
  for (const auto& args : bad) {
    std::string joined;
    for (const auto& a : args) joined += "[" + a + "]";
    EXPECT_FALSE(run.Run(args).ok()) << joined;
    EXPECT_FALSE(fs::exists(c)) << joined;
  }
}

}  // namespace
}  // namespace relais::pgtest
