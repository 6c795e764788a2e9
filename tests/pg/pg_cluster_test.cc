// pg_tests: the throw-away PostgreSQL cluster the hub's PostgreSQL store is
// tested against (issue #21). Oracles are independent of PgCluster: libpq
// queries, /proc/net/tcp for the listening sockets, the file system.

#include "tests/pg/pg_cluster.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace relais::pgtest {
namespace {

// A libpq connection closed at scope exit.
class Conn {
 public:
  explicit Conn(const std::string& conninfo) : c_(PQconnectdb(conninfo.c_str())) {}
  ~Conn() { PQfinish(c_); }
  bool ok() const { return PQstatus(c_) == CONNECTION_OK; }
  std::string error() const { return PQerrorMessage(c_); }
  // Runs `sql`; returns the first column of the first row ("" if none),
  // or "ERROR: ..." on failure.
  std::string Query(const std::string& sql) {
    PGresult* r = PQexec(c_, sql.c_str());
    std::string out;
    const auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
      out = std::string("ERROR: ") + PQresultErrorMessage(r);
    else if (PQntuples(r) > 0)
      out = PQgetvalue(r, 0, 0);
    PQclear(r);
    return out;
  }

 private:
  PGconn* c_;
};

std::string Describe(PgCluster* c) {
  return "journal " + c->log_path() + ":\n" + c->ConnInfo();
}

// Local addresses (hex, as in /proc/net/tcp*) of LISTEN sockets on `port`.
std::vector<std::string> ListenersOnPort(const std::string& proc_file, int port) {
  std::ifstream in(proc_file);
  std::string line;
  std::getline(in, line);  // header
  char port_hex[8];
  std::snprintf(port_hex, sizeof port_hex, "%04X", port);
  std::vector<std::string> out;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string sl, local, remote, state;
    f >> sl >> local >> remote >> state;
    const auto colon = local.rfind(':');
    if (colon == std::string::npos || state != "0A") continue;
    if (local.substr(colon + 1) == port_hex) out.push_back(local.substr(0, colon));
  }
  return out;
}

TEST(PgClusterTest, SharedClusterServesLoopbackWithTestSettings) {
  auto shared = SharedPgCluster();
  ASSERT_TRUE(shared.ok()) << shared.status().ToString();
  PgCluster* c = *shared;
  Conn conn(c->ConnInfo());
  ASSERT_TRUE(conn.ok()) << conn.error() << Describe(c);
  EXPECT_EQ(conn.Query("SELECT current_user"), "relais");
  EXPECT_EQ(conn.Query("SELECT current_database()"), "relais");
  EXPECT_EQ(conn.Query("SELECT rolsuper::text FROM pg_roles WHERE rolname='relais'"), "true");
  EXPECT_EQ(conn.Query("SHOW listen_addresses"), "127.0.0.1");
  EXPECT_EQ(conn.Query("SHOW max_connections"), "300");
  EXPECT_EQ(conn.Query("SHOW shared_buffers"), "64MB");
  EXPECT_EQ(conn.Query("SHOW synchronous_commit"), "on");
  const char* fast = std::getenv("RELAIS_PG_FAST");
  EXPECT_EQ(conn.Query("SHOW fsync"), (fast && std::string(fast) == "1") ? "off" : "on");
  EXPECT_EQ(conn.Query("SELECT host(inet_server_addr())"), "127.0.0.1");
  EXPECT_EQ(conn.Query("SHOW server_version_num").substr(0, 2), "15");
  EXPECT_EQ(SharedPgCluster().value(), c) << "one cluster per process";
}

TEST(PgClusterTest, ListensOnLoopbackOnly) {
  auto shared = SharedPgCluster();
  ASSERT_TRUE(shared.ok()) << shared.status().ToString();
  const int port = (*shared)->port();
  // The kernel's view, not the server's: every LISTEN socket on the port is
  // bound to 127.0.0.1 (0100007F little-endian), none on IPv6.
  const auto v4 = ListenersOnPort("/proc/net/tcp", port);
  ASSERT_FALSE(v4.empty()) << "aucune socket en écoute sur le port " << port;
  for (const auto& a : v4) EXPECT_EQ(a, "0100007F") << "port " << port;
  EXPECT_TRUE(ListenersOnPort("/proc/net/tcp6", port).empty());
  // pg_hba.conf: a TCP address outside 127.0.0.1/32 has no entry at all.
  Conn conn((*shared)->ConnInfo());
  ASSERT_TRUE(conn.ok()) << conn.error();
  EXPECT_EQ(conn.Query("SELECT count(*) FROM pg_hba_file_rules WHERE type = 'host' "
                       "AND address <> '127.0.0.1'"),
            "0");
}

TEST(PgOwnClusterTest, CommittedRowSurvivesImmediateStop) {
  // A private cluster: stopping the shared one would disturb other tests.
  auto created = PgCluster::Create();
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  PgCluster* c = created->get();
  {
    Conn conn(c->ConnInfo());
    ASSERT_TRUE(conn.ok()) << conn.error();
    ASSERT_EQ(conn.Query("CREATE TABLE t (id int PRIMARY KEY, v text)"), "");
    ASSERT_EQ(conn.Query("INSERT INTO t VALUES (1, 'validé avant l''arrêt')"), "");
  }  // committed (autocommit) before the stop
  ASSERT_TRUE(c->running());
  const auto stopped = c->Stop(/*immediate=*/true);
  ASSERT_TRUE(stopped.ok()) << stopped.ToString();
  EXPECT_FALSE(c->running());
  {
    Conn refused(c->ConnInfo());
    EXPECT_FALSE(refused.ok()) << "le serveur arrêté accepte encore des connexions";
  }
  const auto started = c->Start();
  ASSERT_TRUE(started.ok()) << started.ToString() << "\n" << Describe(c);
  EXPECT_TRUE(c->running());
  Conn conn(c->ConnInfo());
  ASSERT_TRUE(conn.ok()) << conn.error();
  EXPECT_EQ(conn.Query("SELECT v FROM t WHERE id = 1"), "validé avant l'arrêt");
  // The restart replayed WAL: the log records the crash recovery.
  std::ifstream log(c->log_path());
  std::stringstream text;
  text << log.rdbuf();
  EXPECT_NE(text.str().find("was not properly shut down"), std::string::npos)
      << text.str();
}

TEST(PgOwnClusterTest, FastStopThenStartKeepsPort) {
  auto created = PgCluster::Create();
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  PgCluster* c = created->get();
  const int port = c->port();
  ASSERT_TRUE(c->Stop(/*immediate=*/false).ok());
  EXPECT_FALSE(c->running());
  ASSERT_TRUE(c->Start().ok()) << Describe(c);
  EXPECT_EQ(c->port(), port);
  Conn conn(c->ConnInfo());
  EXPECT_TRUE(conn.ok()) << conn.error();
}

TEST(PgClusterTest, CreateDatabaseGivesIsolatedDatabases) {
  auto shared = SharedPgCluster();
  ASSERT_TRUE(shared.ok()) << shared.status().ToString();
  auto a = (*shared)->CreateDatabase();
  auto b = (*shared)->CreateDatabase();
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_NE(*a, *b);
  Conn ca(*a), cb(*b);
  ASSERT_TRUE(ca.ok()) << ca.error();
  ASSERT_TRUE(cb.ok()) << cb.error();
  EXPECT_NE(ca.Query("SELECT current_database()"), cb.Query("SELECT current_database()"));
  ASSERT_EQ(ca.Query("CREATE TABLE only_in_a (x int)"), "");
  EXPECT_EQ(ca.Query("SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'"), "1");
  EXPECT_EQ(cb.Query("SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'"), "0");
}

TEST(PgOwnClusterTest, DestructorStopsServerAndRemovesDirectory) {
  std::string dir, conninfo;
  {
    auto created = PgCluster::Create();
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    dir = (*created)->dir();
    conninfo = (*created)->ConnInfo();
    ASSERT_TRUE(std::filesystem::exists(dir + "/data/PG_VERSION"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir)) << dir;
  EXPECT_EQ(PQping(conninfo.c_str()), PQPING_NO_RESPONSE) << conninfo;
}

TEST(PgOwnClusterTest, ClusterOfADeadProcessIsSweptByTheNextCreate) {
  // A child creates a cluster and dies without its destructor (as a crashed
  // or SIGKILLed test would): its server keeps running, orphaned.
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);  // not CLOEXEC: RunCommand must not leak it
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    auto c = PgCluster::Create();
    std::string msg = c.ok() ? (*c)->dir() + "\n" + (*c)->ConnInfo() : "ERR " + c.status().ToString();
    (void)!write(fds[1], msg.data(), msg.size());
    _exit(0);  // no destructors
  }
  close(fds[1]);
  std::string msg;
  char buf[512];
  // Bounded: EOF comes when the child exits, unless a descriptor leaked
  // into the server it started (then this fails after 90 s, not hangs).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  for (;;) {
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, 1000) == 1) {
      const ssize_t n = read(fds[0], buf, sizeof buf);
      if (n <= 0) break;
      msg.append(buf, n);
    }
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << "pas d'EOF: un descripteur a fui dans le serveur? " << msg;
  }
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  const auto nl = msg.find('\n');
  ASSERT_NE(nl, std::string::npos) << msg;
  const std::string dir = msg.substr(0, nl), conninfo = msg.substr(nl + 1);
  ASSERT_EQ(PQping(conninfo.c_str()), PQPING_OK) << "orphan expected running";
  ASSERT_TRUE(std::filesystem::exists(dir));

  auto mine = PgCluster::Create();  // sweeps first
  ASSERT_TRUE(mine.ok()) << mine.status().ToString();
  EXPECT_FALSE(std::filesystem::exists(dir)) << dir;
  EXPECT_EQ(PQping(conninfo.c_str()), PQPING_NO_RESPONSE) << conninfo;
  // A live process's cluster is never swept.
  EXPECT_EQ(SweepStaleClusters(std::filesystem::path((*mine)->dir()).parent_path()), 0);
  EXPECT_TRUE((*mine)->running());
}

TEST(PgOwnClusterTest, MissingBinariesAreAClearFailure) {
  PgOptions o;
  o.bin_dir = "/nonexistent/postgresql/15/bin";
  auto created = PgCluster::Create(o);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), common::StatusCode::kFailedPrecondition);
  EXPECT_NE(created.status().message().find("/nonexistent/postgresql/15/bin/initdb"),
            std::string::npos) << created.status().message();
  EXPECT_NE(created.status().message().find("tools/setup.sh"), std::string::npos);
}

TEST(PgOwnClusterTest, MissingServerUserIsAClearFailureWhenRoot) {
  PgOptions o;
  o.run_user = "relais-pg-absent";
  auto created = PgCluster::Create(o);
  if (geteuid() != 0) {
    // Not root: the user is never needed, the cluster runs as ourselves.
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return;
  }
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), common::StatusCode::kFailedPrecondition);
  EXPECT_NE(created.status().message().find("relais-pg-absent"), std::string::npos);
  EXPECT_NE(created.status().message().find("tools/setup.sh"), std::string::npos);
}

TEST(PgOwnClusterTest, FastEnvAcceptsOnlyZeroOrOne) {
  EXPECT_FALSE(ParseFastEnv(nullptr).value());
  EXPECT_FALSE(ParseFastEnv("").value());
  EXPECT_FALSE(ParseFastEnv("0").value());
  EXPECT_TRUE(ParseFastEnv("1").value());
  for (const char* bad : {"yes", "true", "1 ", " 1", "01", "11", "-1", "on"}) {
    auto r = ParseFastEnv(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), common::StatusCode::kInvalidArgument);
  }
  const std::string huge(1 << 20, '1');
  auto r = ParseFastEnv(huge.c_str());
  ASSERT_FALSE(r.ok());
  EXPECT_LT(r.status().message().size(), 200u) << "message bounded";
}

TEST(PgOwnClusterTest, BaseDirRefusesHostileTmpdir) {
  EXPECT_EQ(ChooseBaseDir(nullptr).value(), "/tmp");
  EXPECT_EQ(ChooseBaseDir("").value(), "/tmp");
  EXPECT_EQ(ChooseBaseDir("/var/tmp/").value(), "/var/tmp");
  for (const char* bad : {"relative/dir", "/tmp/it's", "/tmp/a b", "/tmp/a\nb",
                          "/tmp/$(reboot)", "/tmp/x'\ninclude '/etc/passwd"}) {
    auto r = ChooseBaseDir(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
  EXPECT_FALSE(ChooseBaseDir(("/" + std::string(200, 'a')).c_str()).ok());
  EXPECT_TRUE(ChooseBaseDir(("/" + std::string(70, 'a')).c_str()).ok());
}


TEST(PgOwnClusterTest, SharedConnInfoFileRefusesHostileText) {
  EXPECT_EQ(ParseSharedConnInfo("postgresql://relais@127.0.0.1:5432/relais\n").value(), 5432);
  EXPECT_EQ(ParseSharedConnInfo("postgresql://relais@127.0.0.1:1/relais").value(), 1);
  EXPECT_EQ(ParseSharedConnInfo("postgresql://relais@127.0.0.1:65535/relais").value(), 65535);
  for (const char* bad :
       {"", "\n", "postgresql://relais@127.0.0.1:/relais", "postgresql://relais@127.0.0.1:0/relais",
        "postgresql://relais@127.0.0.1:65536/relais", "postgresql://relais@127.0.0.1:05432/relais",
        "postgresql://relais@127.0.0.1:-1/relais", "postgresql://relais@127.0.0.1:5432/relais\n\n",
        "postgresql://relais@10.0.0.1:5432/relais", "postgresql://evil@127.0.0.1:5432/relais",
        "postgresql://relais@127.0.0.1:5432/relais?sslmode=disable",
        "postgresql://relais@127.0.0.1:5432/postgres", " postgresql://relais@127.0.0.1:5432/relais",
        "postgresql://relais@127.0.0.1:99999999999999999999/relais",
        "host=127.0.0.1 port=5432 dbname=relais"}) {
    auto r = ParseSharedConnInfo(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), common::StatusCode::kInvalidArgument) << bad;
    }
  }
  auto huge = ParseSharedConnInfo(std::string(1 << 20, '1'));
  ASSERT_FALSE(huge.ok());
  EXPECT_LT(huge.status().message().size(), 300u) << "message bounded";
  // A fixed cluster directory goes into postgresql.conf: the same checks.
  EXPECT_TRUE(ValidateClusterDir("/tmp/relais-pg-shared").ok());
  for (const char* bad : {"", "relative", "/tmp/a b", "/tmp/it's", "/tmp/a\nb"})
    EXPECT_FALSE(ValidateClusterDir(bad).ok()) << bad;
  EXPECT_FALSE(ValidateClusterDir("/" + std::string(100, 'a')).ok());
}

TEST(PgOwnClusterTest, JoinFailsLoudlyOnMissingOrDeadFile) {
  const std::string file = "/tmp/relais-pg-join-" + std::to_string(getpid());
  auto missing = PgCluster::Join(file);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), common::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("pg_cluster_up"), std::string::npos);
  {
    std::ofstream(file) << "host=127.0.0.1 port=1 dbname=relais\n";
  }
  EXPECT_EQ(PgCluster::Join(file).status().code(), common::StatusCode::kInvalidArgument);
  {
    // Well-formed, but nothing listens on port 1.
    std::ofstream(file) << "postgresql://relais@127.0.0.1:1/relais\n";
  }
  EXPECT_EQ(PgCluster::Join(file).status().code(), common::StatusCode::kUnavailable);
  std::filesystem::remove(file);
}

// Runs `relais_pg_cluster VERB DIR`; returns its exit status.
int ClusterTool(const std::string& verb, const std::string& dir) {
  const std::string cmd = std::string(RELAIS_PG_CLUSTER_BIN) + " " + verb + " " + dir +
                          " >/dev/null 2>&1";
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(PgOwnClusterTest, OneClusterPerRunIsJoinedNotOwnedByTests) {
  const std::string dir = "/tmp/relais-pg-tool-" + std::to_string(getpid());
  ASSERT_EQ(ClusterTool("start", dir), 0);
  const std::string file = dir + "/conninfo";
  std::string first_conninfo;
  std::getline(std::ifstream(file), first_conninfo);
  // A second start over the running one (an aborted run's leftover)
  // replaces it: the old server is gone, the new one answers.
  ASSERT_EQ(ClusterTool("start", dir), 0);
  std::string conninfo;
  std::getline(std::ifstream(file), conninfo);
  ASSERT_TRUE(ParseSharedConnInfo(conninfo).ok()) << conninfo;
  if (conninfo != first_conninfo) {
    EXPECT_EQ(PQping(first_conninfo.c_str()), PQPING_NO_RESPONSE) << first_conninfo;
  }
  ASSERT_EQ(PQping(conninfo.c_str()), PQPING_OK) << conninfo;
  std::string db;
  {
    auto joined = PgCluster::Join(file);
    ASSERT_TRUE(joined.ok()) << joined.status().ToString();
    EXPECT_FALSE((*joined)->owned());
    EXPECT_EQ((*joined)->ConnInfo(), conninfo);
    EXPECT_EQ((*joined)->Stop(/*immediate=*/true).code(), common::StatusCode::kFailedPrecondition);
    EXPECT_EQ((*joined)->Start().code(), common::StatusCode::kFailedPrecondition);
    auto made = (*joined)->CreateDatabase();
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    db = made->substr(made->rfind('/') + 1);
    EXPECT_NE(db.find(std::to_string(getpid())), std::string::npos) << "nom unique entre processus";
  }
  // The joining object is gone: the server still answers, with its database.
  EXPECT_EQ(PQping(conninfo.c_str()), PQPING_OK);
  {
    Conn conn(conninfo);
    ASSERT_TRUE(conn.ok()) << conn.error();
    EXPECT_EQ(conn.Query("SELECT count(*) FROM pg_database WHERE datname = '" + db + "'"), "1");
  }
  ASSERT_EQ(ClusterTool("stop", dir), 0);
  EXPECT_EQ(PQping(conninfo.c_str()), PQPING_NO_RESPONSE);
  EXPECT_FALSE(std::filesystem::exists(dir));
  EXPECT_EQ(ClusterTool("stop", dir), 0) << "stop sans cluster: rien à faire";
  EXPECT_EQ(ClusterTool("start", "relative/dir"), 1);
  EXPECT_EQ(ClusterTool("restart", dir), 2);
}

}  // namespace
}  // namespace relais::pgtest
