#include "tests/pg/pg_cluster.h"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "tests/pg/pg_process.h"

namespace relais::pgtest {

namespace fs = std::filesystem;
using common::Result;
using common::Status;

namespace {

constexpr int kInitDbTimeoutMs = 60000;
constexpr int kPgCtlTimeoutMs = 40000;  // pg_ctl itself waits -t 30
constexpr char kFix[] = "; correctif: `bash tools/setup.sh` (en root)";

std::string Quote(const std::string& s) { return "« " + s + " »"; }

bool IsExecutable(const std::string& path) {
  return access(path.c_str(), X_OK) == 0;
}

// A port that was free on 127.0.0.1 a moment ago (0 on failure). Another
// process may take it before postgres binds: the caller retries.
int PickFreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  close(fd);
  return port;
}

// Runs one SQL command on `conninfo` through libpq.
Status ExecSql(const std::string& conninfo, const std::string& sql) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    const std::string err = PQerrorMessage(c);
    PQfinish(c);
    return Status::Unavailable("connexion PostgreSQL " + Quote(conninfo) +
                               " impossible: " + err);
  }
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
                  PQresultStatus(r) == PGRES_TUPLES_OK;
  const std::string err = ok ? "" : PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  if (!ok) return Status::Internal(Quote(sql) + " a échoué: " + err);
  return Status::OK();
}

// Checks binaries, and when root: runuser, the user, and that the user can
// traverse every ancestor of `base`.
Result<uid_t> CheckPrerequisites(const PgOptions& o, bool as_root,
                                 const std::string& base, gid_t* gid) {
  for (const char* b : {"initdb", "pg_ctl", "postgres"}) {
    const std::string p = o.bin_dir + "/" + b;
    if (!IsExecutable(p))
      return Status::FailedPrecondition(
          "PostgreSQL 15 absent: " + Quote(p) +
          " introuvable (paquet Debian postgresql-15)" + kFix);
  }
  if (!as_root) return getuid();
  if (!IsExecutable("/usr/sbin/runuser"))
    return Status::FailedPrecondition(
        "« /usr/sbin/runuser » introuvable (paquet util-linux)" +
        std::string(kFix));
  const passwd* pw = getpwnam(o.run_user.c_str());
  if (pw == nullptr)
    return Status::FailedPrecondition(
        "utilisateur système " + Quote(o.run_user) +
        " absent: PostgreSQL refuse de tourner en root et les tests le "
        "lancent sous cet utilisateur" + kFix);
  *gid = pw->pw_gid;
  for (fs::path p = base; !p.empty(); p = p.parent_path()) {
    struct stat st {};
    if (stat(p.c_str(), &st) != 0 || (st.st_mode & S_IXOTH) == 0)
      return Status::FailedPrecondition(
          "le répertoire " + Quote(p.string()) + " n'est pas traversable par " +
          Quote(o.run_user) + ": choisir un autre TMPDIR (ex. /tmp)");
    if (p == p.parent_path()) break;
  }
  return pw->pw_uid;
}

Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::Internal("écriture de " + Quote(path) + " impossible");
  return Status::OK();
}

}  // namespace

Result<bool> ParseFastEnv(const char* value) {
  if (value == nullptr) return false;
  const std::string v(value);
  if (v.empty() || v == "0") return false;
  if (v == "1") return true;
  return Status::InvalidArgument(
      "RELAIS_PG_FAST doit valoir 0 ou 1 (fsync coupé si 1), reçu " +
      Quote(v.substr(0, 40)));
}

Result<std::string> ChooseBaseDir(const char* tmpdir) {
  std::string base = (tmpdir == nullptr || *tmpdir == '\0') ? "/tmp" : tmpdir;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  // DIR = base + "/relais-pg-XXXXXX" (17), socket "/.s.PGSQL.65535" (15),
  // sun_path holds 107 bytes plus NUL.
  constexpr size_t kMaxBase = 107 - 17 - 15;
  if (base.size() > kMaxBase)
    return Status::InvalidArgument("TMPDIR trop long pour la socket unix (" +
                                   std::to_string(base.size()) + " > " +
                                   std::to_string(kMaxBase) + " octets)");
  if (base[0] != '/')
    return Status::InvalidArgument("TMPDIR doit être un chemin absolu: " +
                                   Quote(base));
  for (const char ch : base) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '/' || ch == '.' ||
                    ch == '_' || ch == '-';
    if (!ok)
      return Status::InvalidArgument(
          "TMPDIR contient un caractère refusé (seuls [A-Za-z0-9/._-]): " +
          Quote(base));
  }
  return base;
}

PgCluster::PgCluster(PgOptions options, std::string dir, bool as_root)
    : options_(std::move(options)),
      dir_(std::move(dir)),
      as_root_(as_root),
      creator_pid_(getpid()) {}

Status ValidateClusterDir(const std::string& dir) {
  // The socket DIR/.s.PGSQL.65535 (15 bytes more) must fit in sun_path.
  constexpr size_t kMaxDir = 107 - 15;
  if (dir.empty() || dir[0] != '/')
    return Status::InvalidArgument("répertoire du cluster: chemin absolu requis: " +
                                   Quote(dir.substr(0, 120)));
  if (dir.size() > kMaxDir)
    return Status::InvalidArgument("répertoire du cluster trop long pour la socket unix (" +
                                   std::to_string(dir.size()) + " > " +
                                   std::to_string(kMaxDir) + " octets)");
  for (const char ch : dir) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '/' || ch == '.' ||
                    ch == '_' || ch == '-';
    if (!ok)
      return Status::InvalidArgument(
          "répertoire du cluster: caractère refusé (seuls [A-Za-z0-9/._-]): " + Quote(dir));
  }
  return Status::OK();
}

Result<int> ParseSharedConnInfo(const std::string& text) {
  static const std::string kPrefix = "postgresql://relais@127.0.0.1:";
  static const std::string kSuffix = "/relais";
  const auto bad = [&] {
    return Status::InvalidArgument(
        "fichier conninfo du cluster partagé malformé (attendu « " + kPrefix +
        "PORT" + kSuffix + " »), reçu " + Quote(text.substr(0, 80)));
  };
  if (text.size() > 100) return bad();
  std::string t = text;
  if (!t.empty() && t.back() == '\n') t.pop_back();
  if (t.size() <= kPrefix.size() + kSuffix.size() || t.compare(0, kPrefix.size(), kPrefix) != 0 ||
      t.compare(t.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0)
    return bad();
  const std::string digits =
      t.substr(kPrefix.size(), t.size() - kPrefix.size() - kSuffix.size());
  if (digits.empty() || digits.size() > 5 || digits[0] == '0') return bad();
  int port = 0;
  for (const char ch : digits) {
    if (ch < '0' || ch > '9') return bad();
    port = port * 10 + (ch - '0');
  }
  if (port < 1 || port > 65535) return bad();
  return port;
}

Result<std::unique_ptr<PgCluster>> PgCluster::Create(const PgOptions& options) {
  RELAIS_ASSIGN_OR_RETURN(const bool fast, ParseFastEnv(std::getenv("RELAIS_PG_FAST")));
  std::string base;
  if (options.fixed_dir.empty()) {
    RELAIS_ASSIGN_OR_RETURN(base, ChooseBaseDir(std::getenv("TMPDIR")));
  } else {
    RELAIS_RETURN_IF_ERROR(ValidateClusterDir(options.fixed_dir));
    base = fs::path(options.fixed_dir).parent_path().string();
  }
  const bool as_root = geteuid() == 0;
  gid_t gid = getgid();
  RELAIS_ASSIGN_OR_RETURN(const uid_t uid,
                          CheckPrerequisites(options, as_root, base, &gid));
  SweepStaleClusters(base);
  std::string tmpl = base + "/relais-pg-XXXXXX";
  if (!options.fixed_dir.empty()) {
    tmpl = options.fixed_dir;
    if (mkdir(tmpl.c_str(), 0755) != 0)
      return Status::AlreadyExists("création de " + Quote(tmpl) + " impossible (" +
                                   std::strerror(errno) + ")");
  } else if (mkdtemp(tmpl.data()) == nullptr) {
    return Status::Unavailable("mkdtemp dans " + Quote(base) + " impossible");
  }
  std::unique_ptr<PgCluster> c(new PgCluster(options, tmpl, as_root));
  // From here the destructor cleans up whatever happened.
  RELAIS_RETURN_IF_ERROR(WriteFile(c->dir_ + "/owner", std::to_string(getpid()) + "\n"));
  if (as_root && chown(c->dir_.c_str(), uid, gid) != 0)
    return Status::Internal("chown de " + Quote(c->dir_) + " impossible");
  RELAIS_RETURN_IF_ERROR(c->InitDb());
  RELAIS_RETURN_IF_ERROR(c->WriteConfig(!fast));
  RELAIS_RETURN_IF_ERROR(c->StartOnFreePort());
  RELAIS_RETURN_IF_ERROR(ExecSql(c->ConnInfo("postgres"), "CREATE DATABASE relais"));
  return c;
}

Result<std::unique_ptr<PgCluster>> PgCluster::Adopt(const std::string& dir,
                                                    const PgOptions& options) {
  RELAIS_RETURN_IF_ERROR(ValidateClusterDir(dir));
  if (!fs::exists(dir + "/data/PG_VERSION"))
    return Status::NotFound("aucun cluster dans " + Quote(dir));
  std::ifstream in(dir + "/data/relais_port.conf");
  std::string line;
  std::getline(in, line);
  int port = 0;
  if (line.rfind("port = ", 0) == 0) port = std::atoi(line.c_str() + 7);
  if (port < 1 || port > 65535)
    return Status::InvalidArgument("port illisible dans " + Quote(dir + "/data/relais_port.conf"));
  std::unique_ptr<PgCluster> c(new PgCluster(options, dir, geteuid() == 0));
  c->port_ = port;
  return c;
}

Result<std::unique_ptr<PgCluster>> PgCluster::Join(const std::string& conninfo_file) {
  std::ifstream in(conninfo_file, std::ios::binary);
  if (!in)
    return Status::NotFound("fichier conninfo du cluster partagé " + Quote(conninfo_file) +
                            " illisible (le test `pg_cluster_up` a-t-il tourné ?)");
  std::string text(101, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  RELAIS_ASSIGN_OR_RETURN(const int port, ParseSharedConnInfo(text));
  std::unique_ptr<PgCluster> c(new PgCluster(PgOptions(), "", false));
  c->mode_ = Mode::kJoined;
  c->port_ = port;
  const std::string ci = c->ConnInfo("postgres");
  if (PQping(ci.c_str()) != PQPING_OK)
    return Status::Unavailable("le cluster partagé " + Quote(ci) + " (fichier " +
                               Quote(conninfo_file) + ") ne répond pas");
  return c;
}

Status PgCluster::RefuseIfJoined(const char* what) const {
  if (mode_ != Mode::kJoined) return Status::OK();
  return Status::FailedPrecondition(std::string(what) +
                                    " refusé: ce cluster partagé appartient à un autre processus");
}

Status PgCluster::InitDb() {
  // --no-sync: initdb's own files need no fsync for a throw-away cluster
  // (only an OS crash could hurt them); the server itself keeps fsync=on.
  // --locale=C: byte order, like SQLite's BINARY collation.
  return RunCommand({options_.bin_dir + "/initdb", "-D", dir_ + "/data", "-U",
                     "relais", "-E", "UTF8", "--locale=C", "--auth=trust",
                     "--no-sync", "--no-instructions"},
                    {as_root_ ? options_.run_user : "", dir_,
                     dir_ + "/commands.log", kInitDbTimeoutMs})
      .WithContext("initdb");
}

Status PgCluster::WriteConfig(bool fsync) {
  const std::string data = dir_ + "/data";
  // Only loopback, only trust: nothing else may connect.
  RELAIS_RETURN_IF_ERROR(WriteFile(data + "/pg_hba.conf",
                                   "# relais tests: loopback only\n"
                                   "local all all trust\n"
                                   "host all all 127.0.0.1/32 trust\n"));
  std::ofstream conf(data + "/postgresql.conf", std::ios::app);
  conf << "\n# relais tests (tests/pg/pg_cluster.cc)\n"
       << "listen_addresses = '127.0.0.1'\n"
       << "unix_socket_directories = '" << dir_ << "'\n"
       << "max_connections = 300\n"
       << "shared_buffers = 64MB\n"
       << "fsync = " << (fsync ? "on" : "off") << "\n"
       << "synchronous_commit = on\n"
       << "full_page_writes = on\n"
       << "logging_collector = off\n"
       << "log_line_prefix = '%m [%p] '\n"
       << "include_if_exists = 'relais_port.conf'\n";
  conf.close();
  if (!conf) return Status::Internal("écriture de postgresql.conf impossible");
  return Status::OK();
}

Status PgCluster::StartOnFreePort() {
  Status last = Status::Unavailable("aucun port libre sur 127.0.0.1");
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = PickFreePort();
    if (port_ == 0) continue;
    // Readable by the server user (a root-created file would be 0644 too).
    RELAIS_RETURN_IF_ERROR(WriteFile(dir_ + "/data/relais_port.conf",
                                     "port = " + std::to_string(port_) + "\n"));
    last = Start();
    if (last.ok()) return last;
    // Lost a race for the port: another process bound it first.
    if (TailOfFile(log_path()).find("could not bind") == std::string::npos)
      break;
  }
  return last.WithContext("démarrage de PostgreSQL (journal " + log_path() + ")");
}

Status PgCluster::PgCtl(const std::vector<std::string>& args, int timeout_ms) {
  std::vector<std::string> argv = {options_.bin_dir + "/pg_ctl", "-D",
                                   dir_ + "/data", "-w", "-t", "30"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, {as_root_ ? options_.run_user : "", dir_,
                           dir_ + "/commands.log", timeout_ms});
}

Status PgCluster::Start() {
  RELAIS_RETURN_IF_ERROR(RefuseIfJoined("Start"));
  RELAIS_RETURN_IF_ERROR(PgCtl({"-l", log_path(), "start"}, kPgCtlTimeoutMs)
                             .WithContext("pg_ctl start"));
  // pg_ctl -w already waited for "ready"; prove it over TCP, bounded.
  const std::string ci = ConnInfo("postgres");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (PQping(ci.c_str()) != PQPING_OK) {
    if (std::chrono::steady_clock::now() >= deadline)
      return Status::Unavailable("PostgreSQL démarré mais " + Quote(ci) +
                                 " ne répond pas après 30 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Status::OK();
}

Status PgCluster::Stop(bool immediate) {
  RELAIS_RETURN_IF_ERROR(RefuseIfJoined("Stop"));
  return PgCtl({"-m", immediate ? "immediate" : "fast", "stop"}, kPgCtlTimeoutMs)
      .WithContext("pg_ctl stop");
}

pid_t PgCluster::PostmasterPid() const {
  std::ifstream in(dir_ + "/data/postmaster.pid");
  long pid = 0;
  if (!(in >> pid) || pid <= 1) return 0;
  return static_cast<pid_t>(pid);
}

bool PgCluster::running() const {
  if (mode_ == Mode::kJoined) return PQping(ConnInfo("postgres").c_str()) == PQPING_OK;
  const pid_t pid = PostmasterPid();
  return pid > 0 && kill(pid, 0) == 0;
}

void PgCluster::ForceKill() {
  const pid_t pid = PostmasterPid();
  if (pid <= 0) return;
  kill(pid, SIGQUIT);  // the postmaster's "immediate shutdown"
  for (int i = 0; i < 100 && kill(pid, 0) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (kill(pid, 0) == 0) kill(pid, SIGKILL);
}

PgCluster::~PgCluster() {
  if (getpid() != creator_pid_ || mode_ == Mode::kDetached) return;
  // A joined cluster is someone else's: its databases stay (a DROP costs
  // ~0.4 s per test; `relais_pg_cluster stop` removes them all at once).
  if (mode_ == Mode::kJoined) return;
  if (running() && !Stop(/*immediate=*/true).ok()) ForceKill();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PgCluster::ConnInfo(const std::string& db) const {
  return "postgresql://relais@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

Result<std::string> PgCluster::CreateDatabase() {
  // The pid keeps names unique across the processes sharing one cluster.
  const std::string name = "t" + std::to_string(getpid()) + "_" +
                           std::to_string(next_db_.fetch_add(1));
  RELAIS_RETURN_IF_ERROR(ExecSql(ConnInfo("postgres"), "CREATE DATABASE " + name));

  return ConnInfo(name);
}

Result<PgCluster*> SharedPgCluster() {
  static std::mutex mu;
  static std::unique_ptr<PgCluster> cluster;  // destroyed (stopped) at exit
  static Status failure;
  std::lock_guard<std::mutex> lock(mu);
  if (cluster) return cluster.get();
  if (!failure.ok()) return failure;
  const char* shared_file = std::getenv(kSharedConnInfoEnv);
  auto created = (shared_file != nullptr && *shared_file != '\0')
                     ? PgCluster::Join(shared_file)
                     : PgCluster::Create();
  if (!created.ok()) {
    failure = created.status();
    return failure;
  }
  cluster = std::move(created).value();
  return cluster.get();
}

}  // namespace relais::pgtest
