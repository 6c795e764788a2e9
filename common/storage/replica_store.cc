#include "common/storage/replica_store.h"

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "common/codec/record_json.h"
#include "common/merge/accept.h"
#include "common/merge/merge.h"
#include "common/merge/vv_compact.h"
#include "common/model/schema.h"
#include "common/model/ticket.h"
#include "common/storage/vacuum.h"

namespace relais::common {

namespace {

constexpr int64_t kApplicationId = 0x52454C53;  // 'RELS'

// Migration i brings the schema from version i to i + 1.
const char* const kMigrations[] = {
    // 0 -> 1
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE records(collection INTEGER NOT NULL, id TEXT NOT NULL,"
    " site_id TEXT NOT NULL, state TEXT NOT NULL, seq INTEGER NOT NULL,"
    " k1 TEXT NOT NULL DEFAULT '', PRIMARY KEY(collection, id));"
    "CREATE INDEX records_seq ON records(seq);"
    "CREATE INDEX records_k1 ON records(collection, k1);",
    // 1 -> 2: delta pushes. Existing records send their whole state once.
    "ALTER TABLE records ADD COLUMN acked_vv TEXT NOT NULL DEFAULT '';",
    // 2 -> 3: organisations and multi-site scopes (issue #19). A replica of
    // one site is an organisation of one site: org = scope = its site.
    "INSERT OR IGNORE INTO meta(key, value)"
    " SELECT 'org', value FROM meta WHERE key = 'site_id';"
    "INSERT OR IGNORE INTO meta(key, value)"
    " SELECT 'scope', value FROM meta WHERE key = 'site_id';",
    // 3 -> 4: history purge (docs/sync-model.md §11).
    "ALTER TABLE records ADD COLUMN hub_at INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE rebootstrap_pending(collection INTEGER NOT NULL,"
    " id TEXT NOT NULL, state TEXT NOT NULL, PRIMARY KEY(collection, id));",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) ==
              kReplicaSchemaVersion);

}  // namespace

Result<std::unique_ptr<ReplicaStore>> ReplicaStore::Open(
    const std::string& path, bool create) {
  RELAIS_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path, create));
  std::unique_ptr<ReplicaStore> store(new ReplicaStore(std::move(db)));
  RELAIS_RETURN_IF_ERROR(store->Migrate().WithContext(path));
  // A file created before issue #17 is switched once (never fails the open).
  if (const std::string line = EnsureIncrementalVacuum(store->db(), path); !line.empty())
    std::clog << "relais: " << line << std::endl;
  return store;
}

Status ReplicaStore::Migrate() {
  return MigrateSchema(db_.get(), kApplicationId, kReplicaSchemaVersion, kMigrations,
                       "une réplique Relais Santé", "Relais");
}

Result<std::string> ReplicaStore::GetMeta(const std::string& key) {
  RELAIS_ASSIGN_OR_RETURN(Stmt st,
                          db_->PrepareCached("SELECT value FROM meta WHERE key=?"));
  st.Bind(1, key);
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.ColumnText(0) : std::string();
}

Result<uint64_t> ReplicaStore::GetMetaInt(const std::string& key) {
  RELAIS_ASSIGN_OR_RETURN(std::string v, GetMeta(key));
  if (v.empty()) return uint64_t{0};
  int64_t n = 0;
  if (!ParseInt64(v, &n) || n < 0)
    return Status::DataLoss("méta-donnée '" + key + "' illisible");
  return static_cast<uint64_t>(n);
}

Status ReplicaStore::SetMeta(const std::string& key, const std::string& value) {
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->PrepareCached("INSERT INTO meta(key, value) VALUES(?, ?) "
                            "ON CONFLICT(key) DO UPDATE SET value=excluded.value"
                            " WHERE value IS NOT excluded.value"));
  st.Bind(1, key).Bind(2, value);
  return st.Run();
}

Result<std::optional<Record>> ReplicaStore::Get(Collection c,
                                                const std::string& id) {
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st,
      db_->PrepareCached("SELECT state FROM records WHERE collection=? AND id=?"));
  st.Bind(1, static_cast<int64_t>(c)).Bind(2, id);
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Record>();
  auto rec = DecodeRecordJson(st.ColumnText(0));
  if (!rec.ok())
    return Status::DataLoss("enregistrement " + id + " illisible: " +
                            rec.status().message());
  return std::optional<Record>(std::move(rec).value());
}

std::string ReplicaStore::SortKey(const Record& r) {
  // Only the one field that orders the collection is resolved (not the whole
  // view): this runs for every stored record.
  auto get = [&](const char* f) -> std::string {
    auto it = r.fields.find(f);
    return it == r.fields.end() ? std::string()
                                : Winner(r.collection, f, it->second).value;
  };
  switch (r.collection) {
    case Collection::kAppointment: {
      int64_t start = 0;
      ParseInt64(get(field::kStart), &start);
      char buf[24];
      std::snprintf(buf, sizeof buf, "%012lld", static_cast<long long>(start));
      return buf;
    }
    case Collection::kPresence: return get(field::kDate);
    case Collection::kLedger: return get(field::kMonth);
    case Collection::kTicket: return get(field::kTicketDay);
    default: return "";
  }
}

Status ReplicaStore::Upsert(const Record& r, uint64_t seq) {
  // acked_vv (see the header): a state from the hub (seq 0) is merged
  // there; otherwise the previous state's vv if it was acknowledged.
  uint64_t push_cursor = 0;
  if (seq != 0) {
    RELAIS_ASSIGN_OR_RETURN(push_cursor, GetMetaInt("push_cursor"));
  }
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st,
      db_->PrepareCached(
          "INSERT INTO records(collection, id, site_id, state, seq, k1, acked_vv)"
          " VALUES(?1,?2,?3,?4,?5,?6,?8)"
          " ON CONFLICT(collection, id) DO UPDATE SET site_id=excluded.site_id,"
          " state=excluded.state, seq=excluded.seq, k1=excluded.k1, hub_at=0,"
          " acked_vv = CASE WHEN excluded.seq = 0 THEN excluded.acked_vv"
          " WHEN records.seq <= ?7 THEN json_extract(records.state, '$.vv')"
          " ELSE records.acked_vv END"));
  st.Bind(1, static_cast<int64_t>(r.collection))
      .Bind(2, r.id)
      .Bind(3, r.site_id)
      .Bind(4, EncodeRecordJson(r))
      .Bind(5, static_cast<int64_t>(seq))
      .Bind(6, SortKey(r))
      .Bind(7, static_cast<int64_t>(push_cursor))
      .Bind(8, seq == 0 ? EncodeVersionVectorJson(r.vv) : std::string());
  return st.Run();
}

Status ReplicaStore::PutLocal(const Record& r) {
  RELAIS_ASSIGN_OR_RETURN(uint64_t seq, GetMetaInt("local_seq"));
  ++seq;
  RELAIS_RETURN_IF_ERROR(SetMeta("local_seq", std::to_string(seq)));
  return Upsert(r, seq);
}

Result<ApplyStats> ReplicaStore::ApplyRemote(
    const std::vector<Record>& incoming,
    const std::map<std::string, std::string>& meta, const HubBatchInfo* hub) {
  Transaction tx(db_.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  ApplyStats stats;
  std::vector<std::pair<Collection, std::string>> at_hub;  // equal to a pulled state
  for (const Record& in : incoming) {
    // What arrives is checked like what the hub accepts (bounds, fields,
    // values, dots): a broken or hostile sender cannot store garbage here.
    RELAIS_RETURN_IF_ERROR(CheckRecordBounds(in).WithContext("état reçu"));
    if (const std::string err = ValidateRecord(in); !err.empty())
      return Status::InvalidArgument("état reçu invalide (" + in.id + "): " + err);
    if (in.partial)
      return Status::InvalidArgument("état reçu partiel (" + in.id + ")");
    RELAIS_ASSIGN_OR_RETURN(std::optional<Record> local,
                            Get(in.collection, in.id));
    if (local && local->site_id != in.site_id) {
      ++stats.set_aside;
      continue;
    }
    if (local) {
      RELAIS_RETURN_IF_ERROR(CheckSameWrites(*local, in).WithContext("état reçu incohérent"));
      // Compaction (§11): entries the hub's state has lost go here too,
      // before the merge, or the join would keep them and push them back.
      if (hub && !hub->compacted.empty() &&
          CompactAgainst(&*local, in, hub->compacted) > 0) {
        RELAIS_RETURN_IF_ERROR(RewriteState(*local));
        ++stats.compacted;
      }
    }
    Record merged = local ? Merge(*local, in) : in;
    // Two states that cannot both be true (e.g. one write id in different
    // fields) can join into a record no hub would accept: refuse the batch.
    if (local && !(merged == *local) && !(merged == in)) {
      if (const std::string err = ValidateRecord(merged); !err.empty())
        return Status::InvalidArgument("état reçu incohérent avec l'état local (" +
                                       in.id + "): " + err);
    }
    if (local && merged == *local) {
      if (merged == in) at_hub.emplace_back(in.collection, in.id);
      if (!(merged == in)) {
        // The hub lacks part of a state counted as delivered, or keeps a
        // value this replica superseded: send it again (see the header;
        // never happens while the hub took whole pushes and kept history).
        RELAIS_ASSIGN_OR_RETURN(Record again, ReassertOver(merged, in));
        RELAIS_ASSIGN_OR_RETURN(std::optional<PushState> ps, GetPushState(in.collection, in.id));
        RELAIS_ASSIGN_OR_RETURN(uint64_t cursor, GetMetaInt("push_cursor"));
        if (!(again == merged) || (ps && ps->seq <= cursor))
          RELAIS_RETURN_IF_ERROR(PutLocal(again));
      }
      ++stats.unchanged;
      continue;
    }
    if (merged == in) {
      RELAIS_RETURN_IF_ERROR(Upsert(merged, 0));
      at_hub.emplace_back(in.collection, in.id);
    } else {
      RELAIS_ASSIGN_OR_RETURN(Record again, ReassertOver(merged, in));
      RELAIS_RETURN_IF_ERROR(PutLocal(again));
    }
    ++stats.applied;
    if (!ConflictFields(merged).empty()) ++stats.conflicts;
  }
  for (const auto& [k, v] : meta) RELAIS_RETURN_IF_ERROR(SetMeta(k, v));
  if (stats.set_aside > 0) {
    RELAIS_ASSIGN_OR_RETURN(uint64_t before, GetMetaInt("set_aside"));
    RELAIS_RETURN_IF_ERROR(
        SetMeta("set_aside", std::to_string(before + static_cast<uint64_t>(stats.set_aside))));
  }
  // After the meta: push_cursor already says what was acknowledged.
  if (hub) RELAIS_RETURN_IF_ERROR(ApplyHubBookkeeping(*hub, at_hub, &stats));
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  // Outside the purge transaction, bounded. Best effort: the batch is
  // committed, so a failed release (busy file) must not fail the apply;
  // the pages stay free and the next release takes them.
  Result<int64_t> released = ReleaseFreePages(db_.get(), stats.purged > 0);
  if (released.ok()) stats.released_pages = *released;
  return stats;
}

Result<std::vector<PendingChange>> ReplicaStore::ChangesSince(
    uint64_t after, size_t max_records, size_t max_bytes) {
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->Prepare("SELECT seq, state, acked_vv, hub_at FROM records"
                            " WHERE seq > ? ORDER BY seq LIMIT ?"));
  st.Bind(1, static_cast<int64_t>(after))
      .Bind(2, static_cast<int64_t>(max_records));
  std::vector<PendingChange> out;
  size_t bytes = 0;
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    std::string state = st.ColumnText(1);
    if (!out.empty() && bytes + state.size() > max_bytes) break;
    bytes += state.size();
    auto rec = DecodeRecordJson(state);
    if (!rec.ok()) return Status::DataLoss("enregistrement illisible");
    PendingChange change{static_cast<uint64_t>(st.ColumnInt(0)),
                         std::move(rec).value(), {},
                         static_cast<uint64_t>(st.ColumnInt(3))};
    const std::string acked = st.ColumnText(2);
    if (!acked.empty()) {
      // Unreadable: send the whole state (always correct).
      auto vv = DecodeVersionVectorJson(acked);
      if (vv.ok()) change.acked = std::move(vv).value();
    }
    out.push_back(std::move(change));
  }
  return out;
}

Result<int64_t> ReplicaStore::CountChangesSince(uint64_t after) {
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->Prepare("SELECT count(*) FROM records WHERE seq > ?"));
  st.Bind(1, static_cast<int64_t>(after));
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.ColumnInt(0) : 0;
}

Result<Record> ReplicaStore::ReassertOver(const Record& local, const Record& hub) {
  RELAIS_ASSIGN_OR_RETURN(std::string me, GetMeta("replica_id"));
  std::vector<std::string> stale;
  for (const auto& [name, sibs] : hub.fields) {
    auto l = local.fields.find(name);
    if (l == local.fields.end() || l->second.size() != 1 || l->second[0].dot.replica != me)
      continue;
    // Only once the hub holds this replica's write: before, pushing it
    // removes what it superseded (a new write, Accept step 6).
    if (hub.vv.Get(me) < l->second[0].dot.counter) continue;
    for (const Sibling& s : sibs) {
      if (local.vv.Includes(s.dot) && !(s.dot == l->second[0].dot)) {
        stale.push_back(name);
        break;
      }
    }
  }
  if (stale.empty()) return local;
  Record out = local;
  const uint64_t n = out.vv.Get(me) + 1;
  RELAIS_ASSIGN_OR_RETURN(uint64_t hlc, GetMetaInt("hlc"));
  ++hlc;
  RELAIS_RETURN_IF_ERROR(SetMeta("hlc", std::to_string(hlc)));
  out.vv.Set(me, n);
  for (const std::string& name : stale) {
    Sibling& s = out.fields[name][0];
    s.dot = Dot{me, n};
    s.hlc = hlc;
  }
  return out;
}

Result<std::optional<ReplicaStore::PushState>> ReplicaStore::GetPushState(
    Collection c, const std::string& id) {
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st,
      db_->PrepareCached("SELECT seq, acked_vv FROM records WHERE collection=? AND id=?"));
  st.Bind(1, static_cast<int64_t>(c)).Bind(2, id);
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<PushState>();
  PushState ps;
  ps.seq = static_cast<uint64_t>(st.ColumnInt(0));
  const std::string acked = st.ColumnText(1);
  if (!acked.empty()) {
    auto vv = DecodeVersionVectorJson(acked);
    if (vv.ok()) ps.acked = std::move(vv).value();  // unreadable: none
  }
  return std::optional<PushState>(std::move(ps));
}

Status ReplicaStore::MarkAllPending(
    const std::map<std::string, std::string>& meta) {
  Transaction tx(db_.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_ASSIGN_OR_RETURN(uint64_t seq, GetMetaInt("local_seq"));
  RELAIS_ASSIGN_OR_RETURN(int64_t max_rowid,
                          db_->QueryInt("SELECT coalesce(max(rowid), 0) FROM records"));
  RELAIS_RETURN_IF_ERROR(
      db_->Exec("UPDATE records SET seq = " + std::to_string(seq) +
                " + rowid, acked_vv = ''"));
  RELAIS_RETURN_IF_ERROR(SetMeta("local_seq", std::to_string(seq + max_rowid)));
  RELAIS_RETURN_IF_ERROR(SetMeta("push_cursor", std::to_string(seq)));
  RELAIS_RETURN_IF_ERROR(SetMeta("pull_cursor", "0"));
  for (const auto& [k, v] : meta) RELAIS_RETURN_IF_ERROR(SetMeta(k, v));
  return tx.Commit();
}

Result<std::vector<Record>> ReplicaStore::Collect(Stmt& st) {
  std::vector<Record> out;
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    auto rec = DecodeRecordJson(st.ColumnText(0));
    if (!rec.ok()) return Status::DataLoss("enregistrement illisible");
    out.push_back(std::move(rec).value());
  }
  return out;
}

Result<std::vector<Record>> ReplicaStore::List(Collection c,
                                               const std::string& lo,
                                               const std::string& hi) {
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->Prepare("SELECT state FROM records WHERE collection=?"
                            " AND k1 >= ? AND (? = '' OR k1 < ?)"
                            " ORDER BY k1, id"));
  st.Bind(1, static_cast<int64_t>(c)).Bind(2, lo).Bind(3, hi).Bind(4, hi);
  return Collect(st);
}

Status ReplicaStore::ForEachState(Collection c, const std::string& lo, const std::string& hi,
                                  const std::function<Status(std::string_view)>& fn) {
  // No ORDER BY: the records_k1 range is read in index order, no sort.
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->PrepareCached("SELECT state FROM records WHERE collection=?"
                                  " AND k1 >= ? AND (? = '' OR k1 < ?)"));
  st.Bind(1, static_cast<int64_t>(c)).Bind(2, lo).Bind(3, hi).Bind(4, hi);
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::OK();
    RELAIS_RETURN_IF_ERROR(fn(st.ColumnTextView(0)));
  }
}

Result<std::optional<std::string>> ReplicaStore::GetState(Collection c, const std::string& id) {
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->PrepareCached("SELECT state FROM records WHERE collection=? AND id=?"));
  st.Bind(1, static_cast<int64_t>(c)).Bind(2, id);
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st.ColumnText(0));
}

Result<std::vector<Record>> ReplicaStore::ListAll() {
  RELAIS_ASSIGN_OR_RETURN(Stmt st, db_->Prepare("SELECT state FROM records"));
  return SortedForDump(st);
}

Result<std::vector<Record>> ReplicaStore::ListWithSiblings() {
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->Prepare("SELECT state FROM records WHERE instr(state, '],[') > 0"));
  return SortedForDump(st);
}

Result<std::vector<Record>> ReplicaStore::SortedForDump(Stmt& st) {
  RELAIS_ASSIGN_OR_RETURN(std::vector<Record> all, Collect(st));
  std::sort(all.begin(), all.end(), [](const Record& a, const Record& b) {
    const std::string ca = CollectionName(a.collection);
    const std::string cb = CollectionName(b.collection);
    return ca != cb ? ca < cb : a.id < b.id;
  });
  return all;
}

}  // namespace relais::common
