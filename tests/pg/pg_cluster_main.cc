// relais_pg_cluster: one throw-away PostgreSQL cluster for a whole ctest run
// (the `pg_cluster_up` / `pg_cluster_down` fixture, tests/CMakeLists.txt).
//
//   relais_pg_cluster start DIR   stops and removes a cluster left in DIR by
//                                 an aborted run, creates a new one in DIR,
//                                 leaves it running and writes its conninfo
//                                 to DIR/conninfo (atomically)
//   relais_pg_cluster stop DIR    stops the cluster in DIR and removes DIR
//                                 (nothing to do if DIR holds no cluster)
//
// Test processes join the cluster through RELAIS_TEST_PG_CONNINFO_FILE=
// DIR/conninfo (tests/pg/pg_cluster.h, SharedPgCluster). Exit 0 on success,
// 1 with a French message on stderr otherwise, 2 on a usage error.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "tests/pg/pg_cluster.h"

namespace {

using relais::pgtest::PgCluster;
using relais::pgtest::PgOptions;

int Fail(const std::string& what, const relais::common::Status& s) {
  std::cerr << "relais_pg_cluster: " << what << ": " << s.ToString() << "\n";
  return 1;
}

// Stops and removes the cluster in `dir`; OK when there is none.
relais::common::Status StopIn(const std::string& dir) {
  auto adopted = PgCluster::Adopt(dir);
  if (!adopted.ok() && adopted.status().code() != relais::common::StatusCode::kNotFound)
    return adopted.status();
  // The adopted object stops the server and removes dir when it dies.
  std::error_code ec;
  if (!adopted.ok()) std::filesystem::remove_all(dir, ec);
  return relais::common::Status::OK();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::string(argv[1]) != "start" && std::string(argv[1]) != "stop")) {
    std::cerr << "usage: relais_pg_cluster start|stop DIR\n";
    return 2;
  }
  const std::string verb = argv[1], dir = argv[2];
  if (auto s = relais::pgtest::ValidateClusterDir(dir); !s.ok()) return Fail(dir, s);
  if (auto s = StopIn(dir); !s.ok()) return Fail("arrêt de l'ancien cluster", s);
  if (verb == "stop") return 0;

  PgOptions options;
  options.fixed_dir = dir;
  auto created = PgCluster::Create(options);
  if (!created.ok()) return Fail("création du cluster", created.status());
  std::unique_ptr<PgCluster> cluster = std::move(created).value();
  const std::string tmp = dir + "/conninfo.tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << cluster->ConnInfo() << "\n";
    out.close();
    if (!out) return Fail("écriture de " + tmp, relais::common::Status::Internal("échec"));
  }
  if (std::rename(tmp.c_str(), (dir + "/conninfo").c_str()) != 0)
    return Fail("renommage de " + tmp, relais::common::Status::Internal("échec"));
  cluster->Detach();
  std::cout << cluster->ConnInfo() << " (" << dir << ")\n";
  return 0;
}
