#include "server/pg_conn.h"

#include <poll.h>

#include <cstdlib>
#include <cstring>

namespace relais::server::pg {

namespace {

Status FromResult(PGconn* c, const PGresult* r) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  const std::string sql_state = state ? state : "";
  const std::string text = "PostgreSQL: " + msg;
  if (PQstatus(c) != CONNECTION_OK || sql_state.rfind("08", 0) == 0 ||
      sql_state == "57P01" || sql_state == "57P02" || sql_state == "57P03" ||
      sql_state == "55P03" || sql_state == "40P01" || sql_state == "40001" ||
      sql_state == "53300" || sql_state == "25P03")
    return Status::Unavailable("base PostgreSQL indisponible (" + text + ")");
  if (sql_state == "53100" || sql_state == "53200")
    return Status::ResourceExhausted("base PostgreSQL pleine (" + text + ")");
  if (sql_state == "23505") return Status::AlreadyExists(text);
  return Status::Internal(text);
}

}  // namespace

PgResult& PgResult::operator=(PgResult&& o) noexcept {
  if (this != &o) {
    if (r_) PQclear(r_);
    r_ = o.r_;
    o.r_ = nullptr;
  }
  return *this;
}

std::string PgResult::text(int row, int col) const {
  return std::string(PQgetvalue(r_, row, col),
                     static_cast<size_t>(PQgetlength(r_, row, col)));
}

int64_t PgResult::int64(int row, int col) const {
  if (is_null(row, col)) return 0;
  return std::strtoll(PQgetvalue(r_, row, col), nullptr, 10);
}

Result<std::unique_ptr<PgConn>> PgConn::Connect(const std::string& conninfo) {
  // Defaults first: the caller's conninfo (expanded from "dbname") comes
  // last and overrides them.
  const char* keys[] = {"connect_timeout", "keepalives", "keepalives_idle",
                        "keepalives_interval", "keepalives_count",
                        "application_name", "dbname", nullptr};
  const char* values[] = {"5", "1", "30", "10", "3", "relais-hub",
                          conninfo.c_str(), nullptr};
  PGconn* c = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (c == nullptr) return Status::ResourceExhausted("libpq: mémoire insuffisante");
  std::unique_ptr<PgConn> conn(new PgConn(c));
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    return Status::Unavailable("base PostgreSQL injoignable (" +
                               RedactConnInfo(conninfo) + "): " + msg);
  }
  RELAIS_RETURN_IF_ERROR(conn->SessionSetup());
  return conn;
}

PgConn::~PgConn() { PQfinish(c_); }

Status PgConn::SessionSetup() {
  // A push waits at most 20 s for its site's lock (the replica retries); a
  // hub stuck inside a transaction cannot hold back every pull's horizon
  // (see docs/protocol.md) for more than 60 s.
  RELAIS_ASSIGN_OR_RETURN(
      PgResult r, Exec("SET lock_timeout = '20s';"
                       " SET idle_in_transaction_session_timeout = '60s';"
                       " SET statement_timeout = '120s'"));
  (void)r;
  return Status::OK();
}

bool PgConn::broken() const { return PQstatus(c_) != CONNECTION_OK; }

// An idle connection has no query outstanding, so it has nothing to read:
// a readable (or hung-up) socket means the server closed it (restart,
// crash, pg_terminate_backend), which libpq only notices at the next
// query. Checked without blocking.
static bool IdleSocketSignalled(PGconn* c) {
  const int fd = PQsocket(c);
  if (fd < 0) return true;
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 0) != 0;
}

Status PgConn::EnsureConnected() {
  if (!broken() && !IdleSocketSignalled(c_)) return Status::OK();
  PQreset(c_);
  if (broken()) {
    std::string msg = PQerrorMessage(c_);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    return Status::Unavailable("base PostgreSQL injoignable: " + msg);
  }
  return SessionSetup();
}

Result<PgResult> PgConn::Exec(const std::string& sql, const Params& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  PGresult* raw =
      params.empty()
          ? PQexec(c_, sql.c_str())
          : PQexecParams(c_, sql.c_str(), static_cast<int>(params.size()),
                         nullptr, values.data(), nullptr, nullptr, 0);
  PgResult r(raw);
  const ExecStatusType st = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
  return FromResult(c_, raw);
}

PgTransaction::PgTransaction(PgConn* c, const char* begin) : c_(c) {
  auto r = c_->Exec(begin);
  status_ = r.status();
  if (!status_.ok()) done_ = true;
}

PgTransaction::~PgTransaction() {
  if (!done_ && !c_->broken()) (void)c_->Exec("ROLLBACK");
}

Status PgTransaction::Commit() {
  if (done_) return status_.ok() ? Status::Internal("transaction déjà close") : status_;
  done_ = true;
  // No statement timeout on COMMIT: a COMMIT waiting for a synchronous
  // standby that is cancelled stays committed on the primary alone (with a
  // mere WARNING), and the hub would acknowledge a write the standby may
  // not have. Waiting is the synchronous replication's own contract; a
  // dropped connection still reports the outcome as unknown (UNAVAILABLE).
  auto r = c_->Exec("SET LOCAL statement_timeout = 0; COMMIT");
  return r.status();
}

Result<PgPool::Lease> PgPool::Acquire(std::chrono::milliseconds wait) {
  std::unique_ptr<PgConn> c;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, wait, [&] { return !idle_.empty() || open_ < size_; }))
      return Status::Unavailable("hub saturé: aucune connexion PostgreSQL libre");
    if (!idle_.empty()) {
      c = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_;
    }
  }
  if (!c) {
    auto made = PgConn::Connect(conninfo_);
    if (!made.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      --open_;
      cv_.notify_one();
      return made.status();
    }
    c = std::move(made).value();
  } else if (Status s = c->EnsureConnected(); !s.ok()) {
    Release(std::move(c));
    return s;
  }
  return Lease(this, std::move(c));
}

void PgPool::Release(std::unique_ptr<PgConn> c) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(c));
  cv_.notify_one();
}

std::string TextArray(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char ch : items[i]) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  return out + "}";
}

std::string RedactConnInfo(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (err) PQfreemem(err);
  if (!opts) return "(adresse PostgreSQL illisible)";
  std::string out;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (!o->val || !*o->val) continue;
    const std::string key = o->keyword;
    if (key != "host" && key != "hostaddr" && key != "port" && key != "dbname" &&
        key != "user")
      continue;  // never the password, nor anything else
    out += (out.empty() ? "" : " ") + key + "=" + o->val;
  }
  PQconninfoFree(opts);
  return out;
}

}  // namespace relais::server::pg
