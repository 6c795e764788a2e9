// `relais repair --db PATH --hub H[,H2...] --token-file F [--ca C]`: rebuilds a
// damaged replica (one that `relais status` calls « réplique endommagée »).
//
//  1. Reads what it can of the damaged file: its replica id, site and hybrid
//     clock (meta), and every local change the hub has not acknowledged
//     (seq > push_cursor), record by record: rows on unreadable pages are
//     counted and skipped, never guessed.
//  2. Moves the damaged file (and its -wal/-shm) aside to
//     PATH.endommagee-AAAAMMJJ-HHMMSS, mode 0600; nothing is deleted.
//  3. Creates a fresh replica at PATH with the SAME replica id and site, so
//     the hub's binding of that id to the token holds, pulls everything from
//     the hub, merges the recovered changes back in as local changes (the
//     merge keeps every value, a change the hub already had is harmless) and
//     pushes them. Prints the counts in French.
// Exit codes: 0 rebuilt, 2 bad arguments, 1 anything else (the damaged file
// is then left in place if step 2 was not reached).
#ifdef RELAIS_HAVE_SYNC
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <vector>

#include "common/codec/record_json.h"
#include "common/merge/merge.h"
#include "common/replica/replica.h"
#include "common/storage/replica_store.h"
#include "common/sync/failover.h"
#include "common/sync/hub_list.h"
#include "common/sync/sync_client.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {

namespace {

// Most row ids probed when the seq index itself is unreadable.
constexpr int64_t kMaxRowidProbe = 5'000'000;

struct Salvage {
  std::string replica_id, site_id;
  uint64_t hlc = 0;
  std::vector<Record> pending;  // unacknowledged local changes, readable
  int unreadable = 0;           // rows (or ranges) that could not be read
};

uint64_t ParseU64(const std::string& t) {
  uint64_t v = 0;
  for (char c : t) {
    if (c < '0' || c > '9' || v > (UINT64_MAX - 9) / 10) return 0;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

Result<std::string> MetaOf(Db& db, const std::string& key) {
  RELAIS_ASSIGN_OR_RETURN(Stmt st, db.Prepare("SELECT value FROM meta WHERE key=?"));
  st.Bind(1, key);
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.ColumnText(0) : std::string();
}

// Reads one row by rowid; false if it is not a pending change.
Result<bool> ReadRow(Db& db, int64_t rowid, uint64_t cursor, Record* out) {
  RELAIS_ASSIGN_OR_RETURN(Stmt st, db.Prepare("SELECT seq, state FROM records WHERE rowid=?"));
  st.Bind(1, rowid);
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row || st.ColumnInt(0) <= static_cast<int64_t>(cursor)) return false;
  RELAIS_ASSIGN_OR_RETURN(*out, DecodeRecordJson(st.ColumnText(1)));
  return true;
}

// Row ids of pending changes, from the seq index; if the index cannot be
// read, every row id up to max(rowid) (bounded).
std::vector<int64_t> CandidateRows(Db& db, uint64_t cursor, int* unreadable) {
  std::vector<int64_t> ids;
  auto st = db.Prepare("SELECT rowid FROM records INDEXED BY records_seq WHERE seq > ?");
  if (st.ok()) {
    st->Bind(1, static_cast<int64_t>(cursor));
    for (;;) {
      auto row = st->Step();
      if (!row.ok()) break;
      if (!*row) return ids;
      ids.push_back(st->ColumnInt(0));
    }
  }
  // The index is damaged: probe every row id of the table instead.
  ids.clear();
  auto max = db.QueryInt("SELECT coalesce(max(rowid), 0) FROM records");
  if (!max.ok()) {
    ++*unreadable;
    return ids;
  }
  for (int64_t id = 1; id <= std::min(*max, kMaxRowidProbe); ++id) ids.push_back(id);
  return ids;
}

Result<Salvage> ReadDamaged(const std::string& path) {
  RELAIS_ASSIGN_OR_RETURN(auto db, Db::OpenReader(path));
  Salvage s;
  RELAIS_ASSIGN_OR_RETURN(s.replica_id, MetaOf(*db, "replica_id"));
  RELAIS_ASSIGN_OR_RETURN(s.site_id, MetaOf(*db, "site_id"));
  if (s.replica_id.empty() || s.site_id.empty())
    return Status::FailedPrecondition(path + " : identifiant de réplique ou site illisible");
  RELAIS_ASSIGN_OR_RETURN(std::string cursor_text, MetaOf(*db, "push_cursor"));
  RELAIS_ASSIGN_OR_RETURN(std::string hlc_text, MetaOf(*db, "hlc"));
  const uint64_t cursor = ParseU64(cursor_text);
  s.hlc = ParseU64(hlc_text);
  for (int64_t rowid : CandidateRows(*db, cursor, &s.unreadable)) {
    Record r;
    auto got = ReadRow(*db, rowid, cursor, &r);
    if (!got.ok()) {
      ++s.unreadable;
    } else if (*got) {
      s.pending.push_back(std::move(r));
    }
  }
  return s;
}

std::string Stamp() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return buf;
}

// Moves path, path-wal, path-shm to `aside` (+ same suffixes), mode 0600.
Status MoveAside(const std::string& path, const std::string& aside) {
  namespace fs = std::filesystem;
  if (fs::exists(aside)) return Status::AlreadyExists(aside + " existe déjà");
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string from = path + suffix, to = aside + suffix;
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(from, ec))) continue;
    fs::rename(from, to, ec);
    if (ec) return Status::Internal("impossible de déplacer " + from + " : " + ec.message());
    ::chmod(to.c_str(), S_IRUSR | S_IWUSR);
  }
  return Status::OK();
}

// A new replica file at `path` carrying `s`'s identity and clock.
Status CreateWithIdentity(const std::string& path, const Salvage& s) {
  RELAIS_ASSIGN_OR_RETURN(auto store, ReplicaStore::Open(path, true));
  Transaction tx(store->db());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_RETURN_IF_ERROR(store->SetMeta("replica_id", s.replica_id));
  RELAIS_RETURN_IF_ERROR(store->SetMeta("site_id", s.site_id));
  RELAIS_RETURN_IF_ERROR(store->SetMeta("local_seq", "0"));
  RELAIS_RETURN_IF_ERROR(store->SetMeta("hlc", std::to_string(s.hlc)));
  return tx.Commit();
}

// Merges the recovered changes into the rebuilt replica as local changes.
// Returns how many records changed.
Result<int> Reapply(Replica& rep, const std::vector<Record>& pending) {
  ReplicaStore* st = rep.store();
  Transaction tx(st->db());
  RELAIS_RETURN_IF_ERROR(tx.status());
  int changed = 0;
  for (const Record& rec : pending) {
    RELAIS_ASSIGN_OR_RETURN(std::optional<Record> cur, st->Get(rec.collection, rec.id));
    const Record merged = cur ? Merge(*cur, rec) : rec;
    if (cur && merged == *cur) continue;
    RELAIS_RETURN_IF_ERROR(st->PutLocal(merged));
    ++changed;
  }
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  return changed;
}

struct RepairArgs {
  std::string db;
  std::string hub_spec;  // --hub: one address or a list (hub_list.h)
  TokenArgs token;
  sync::SyncOptions opts;
};

Status RunRepair(RepairArgs a) {
  // A bad hub list is refused before the file is touched.
  RELAIS_ASSIGN_OR_RETURN(a.opts.hubs, sync::ParseHubList(a.hub_spec));
  a.opts.hub = a.opts.hubs.front();
  RELAIS_ASSIGN_OR_RETURN(a.opts.token, TokenFor(a.token));
  if (!std::filesystem::exists(a.db)) return Status::NotFound(a.db + " introuvable");
  RELAIS_ASSIGN_OR_RETURN(Salvage s, ReadDamaged(a.db));
  const std::string aside = a.db + ".endommagee-" + Stamp();
  RELAIS_RETURN_IF_ERROR(MoveAside(a.db, aside));
  std::cout << "réplique endommagée mise de côté : " << aside << "\n"
            << "changements locaux non envoyés récupérés : " << s.pending.size() << "\n"
            << "lignes illisibles ignorées : " << s.unreadable << "\n";
  RELAIS_RETURN_IF_ERROR(CreateWithIdentity(a.db, s));
  RELAIS_ASSIGN_OR_RETURN(auto rep, Replica::Open(a.db));
  sync::SyncOptions pull_all = a.opts;
  pull_all.include_own = true;  // its own past writes too: the file lost them
  RELAIS_ASSIGN_OR_RETURN(sync::FailoverReport pulled,
                          sync::SyncWithFailover(*rep, pull_all));
  std::cout << "reçus du hub : " << pulled.sync.pulled << "\n";
  RELAIS_ASSIGN_OR_RETURN(int reapplied, Reapply(*rep, s.pending));
  RELAIS_ASSIGN_OR_RETURN(sync::FailoverReport pushed,
                          sync::SyncWithFailover(*rep, a.opts));
  std::cout << "changements locaux réappliqués : " << reapplied << "\n"
            << "envoyés au hub : " << pushed.sync.pushed << "\n"
            << "réplique " << s.replica_id << " (site " << s.site_id << ") reconstruite\n";
  return Status::OK();
}

}  // namespace

void RegisterRepairCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "repair", "Reconstruit une réplique endommagée depuis le hub (garde l'ancienne de côté)");
  auto a = std::make_shared<RepairArgs>();
  cmd->add_option("--db", a->db, "Fichier de la réplique endommagée")->required();
  cmd->add_option("--hub", a->hub_spec,
                  "Adresse du hub hôte:port, ou plusieurs séparées par des virgules (au plus 8)")
      ->required();
  AddTokenOptions(cmd, &a->token, "jeton de cette réplique");
  auto* ca = cmd->add_option("--ca", a->opts.ca_file,
                             "Certificat de l'autorité du hub (PEM): TLS");
  cmd->add_option("--tls-name", a->opts.tls_server_name,
                  "Nom attendu dans le certificat du hub (si différent de l'hôte)");
  cmd->callback([&ctx, a, ca] {
    if (ca->count() > 0 && a->opts.ca_file.empty()) {
      ctx.exit_code = Report(Status::InvalidArgument(
          "--ca vide: donnez le fichier PEM de l'autorité du hub"));
      return;
    }
    ctx.exit_code = Report(RunRepair(*a));
  });
}

}  // namespace relais::common::cli
#endif  // RELAIS_HAVE_SYNC
