#include "tools/bench/hub_reader.h"

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/storage/sqlite.h"
#include "server/pg_conn.h"

namespace relais::server::bench {

using common::Result;
using common::Status;

namespace {

class SqliteReader final : public HubReader {
 public:
  explicit SqliteReader(std::unique_ptr<common::Db> db) : db_(std::move(db)) {}
  Result<std::vector<Row>> Query(const std::string& sql, const std::vector<Param>& params,
                                 int columns) override {
    std::string s = sql;  // $N -> ?N (SQLite's numbered parameter)
    for (size_t i = 0; i + 1 < s.size(); ++i)
      if (s[i] == '$' && std::isdigit(static_cast<unsigned char>(s[i + 1]))) s[i] = '?';
    RELAIS_ASSIGN_OR_RETURN(common::Stmt st, db_->Prepare(s));
    for (size_t i = 0; i < params.size(); ++i) {
      const int k = static_cast<int>(i) + 1;
      if (const auto* v = std::get_if<int64_t>(&params[i])) st.Bind(k, *v);
      else st.Bind(k, std::string_view(std::get<std::string>(params[i])));
    }
    std::vector<Row> rows;
    for (;;) {
      RELAIS_ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more) break;
      Row r;
      for (int c = 0; c < columns; ++c) r.push_back(st.ColumnText(c));
      rows.push_back(std::move(r));
    }
    return rows;
  }

 private:
  std::unique_ptr<common::Db> db_;
};

class PgReader final : public HubReader {
 public:
  explicit PgReader(std::unique_ptr<pg::PgConn> c) : c_(std::move(c)) {}
  Result<std::vector<Row>> Query(const std::string& sql, const std::vector<Param>& params,
                                 int columns) override {
    pg::Params ps;
    for (const Param& p : params) {
      if (const auto* v = std::get_if<int64_t>(&p)) ps.push_back(std::to_string(*v));
      else ps.push_back(std::get<std::string>(p));
    }
    RELAIS_RETURN_IF_ERROR(c_->EnsureConnected());
    RELAIS_ASSIGN_OR_RETURN(pg::PgResult res, c_->Exec(sql, ps));
    std::vector<Row> rows;
    rows.reserve(static_cast<size_t>(res.rows()));
    for (int i = 0; i < res.rows(); ++i) {
      Row r;
      for (int c = 0; c < columns; ++c) r.push_back(res.is_null(i, c) ? "" : res.text(i, c));
      rows.push_back(std::move(r));
    }
    return rows;
  }

 private:
  std::unique_ptr<pg::PgConn> c_;
};

// VmRSS or Pss (kB) of /proc/PID/{status,smaps_rollup}, in MB; 0 if absent.
double ReadKb(const std::string& file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::stod(line.substr(key.size())) / 1024;
  return 0;
}

}  // namespace

Result<std::unique_ptr<HubReader>> HubReader::Open(const std::string& store,
                                                   const std::string& where) {
  if (store == "pg") {
    RELAIS_ASSIGN_OR_RETURN(auto c, pg::PgConn::Connect(where));
    // The hub's tables live in schema "relais": the queries name "records".
    RELAIS_ASSIGN_OR_RETURN(pg::PgResult r, c->Exec("SET search_path TO relais"));
    (void)r;
    return std::unique_ptr<HubReader>(new PgReader(std::move(c)));
  }
  RELAIS_ASSIGN_OR_RETURN(auto db, common::Db::OpenReader(where));
  return std::unique_ptr<HubReader>(new SqliteReader(std::move(db)));
}

Result<int64_t> HubReader::QueryInt(const std::string& sql, const std::vector<Param>& params) {
  RELAIS_ASSIGN_OR_RETURN(std::vector<Row> rows, Query(sql, params, 1));
  if (rows.size() != 1 || rows[0][0].empty())
    return Status::Internal("base du hub: " + sql + ": une ligne attendue");
  try {
    return static_cast<int64_t>(std::stoll(rows[0][0]));
  } catch (const std::exception&) {
    return Status::Internal("base du hub: " + sql + ": entier attendu, reçu " + rows[0][0]);
  }
}

ServerMemory PostgresMemory(const std::string& pid_file) {
  ServerMemory m;
  std::ifstream in(pid_file);
  long pm = 0;
  if (!(in >> pm) || pm <= 1) return m;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    const long pid = std::stol(name);
    long ppid = 0;
    if (pid != pm) {
      // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces.
      std::ifstream st(it->path() / "stat");
      std::string line;
      std::getline(st, line);
      const size_t paren = line.rfind(')');
      if (paren == std::string::npos) continue;
      std::istringstream fields(line.substr(paren + 2));
      std::string state;
      fields >> state >> ppid;
      if (ppid != pm) continue;
    }
    const std::string dir = it->path().string();
    m.rss_mb += ReadKb(dir + "/status", "VmRSS:");
    m.pss_mb += ReadKb(dir + "/smaps_rollup", "Pss:");
    ++m.processes;
  }
  return m;
}

}  // namespace relais::server::bench
