// PgHubStore::ImportFrom: `relais-hub migrate --from hub.db --to
// postgresql://...`. Every record keeps its state, hub sequence and origin,
// every token its hash, scope, binding and revocation, every replica its
// ticket letter, the agenda tokens (through `in_tx`, hub_store_cli.cc) their
// rows as they are, and the hub keeps its epoch; seq_base becomes the source's
// last sequence, so every position the new store hands out is above every
// cursor a replica holds: no replica re-sends or re-pulls anything.
#include <nlohmann/json.hpp>

#include "common/codec/record_json.h"

#include "server/pg_hub_store.h"

namespace relais::server {

using pg::Params;
using pg::PgResult;
using pg::PgTransaction;

namespace {
constexpr size_t kImportBatch = 1000;
}

Status PgHubStore::ImportFrom(HubStore& from,
                              const std::function<void(size_t)>& progress,
                              const std::function<Status(pg::PgConn&)>& in_tx) {
  RELAIS_ASSIGN_OR_RETURN(std::string epoch, from.Epoch());
  RELAIS_ASSIGN_OR_RETURN(uint64_t last_seq, from.LastSeq());
  RELAIS_ASSIGN_OR_RETURN(std::vector<TokenInfo> tokens, from.ListTokens());
  RELAIS_ASSIGN_OR_RETURN(std::vector<std::string> sites, from.Sites());
  RELAIS_ASSIGN_OR_RETURN(std::vector<TicketLetter> letters, from.ListTicketLetters());

  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  PgTransaction tx(c.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  // The whole import is one transaction: no hub may write meanwhile.
  RELAIS_ASSIGN_OR_RETURN(PgResult lock,
                          c->Exec("LOCK TABLE relais.records, relais.tokens,"
                                  " relais.ticket_letters, relais.meta IN EXCLUSIVE MODE"));
  (void)lock;
  RELAIS_ASSIGN_OR_RETURN(
      PgResult used, c->Exec("SELECT (SELECT count(*) FROM relais.records) +"
                             " (SELECT count(*) FROM relais.tokens)"));
  if (used.int64(0, 0) != 0)
    return Status::FailedPrecondition(
        "la base PostgreSQL de destination contient déjà des données: la"
        " migration se fait vers une base neuve");

  for (const TokenInfo& t : tokens) {
    std::string list;
    for (const std::string& s : t.sites) list += (list.empty() ? "" : ",") + s;
    RELAIS_ASSIGN_OR_RETURN(
        PgResult ins,
        c->Exec("INSERT INTO relais.tokens(token_hash, sites, replica_id, revoked,"
                " name, created) VALUES ($1, $2, $3, $4, $5, $6)",
                Params{t.token_hash, list, t.replica_id, t.revoked ? "true" : "false",
                       t.name, std::to_string(t.created_ms)}));
    (void)ins;
  }

  // Revoked tokens: revoked at the latest at the source's last sequence
  // (compaction of retired replicas, docs/sync-model.md §11).
  {
    RELAIS_ASSIGN_OR_RETURN(
        PgResult rs, c->Exec("UPDATE relais.tokens SET revoked_seq = $1::bigint WHERE revoked",
                             Params{std::to_string(last_seq)}));
    (void)rs;
  }

  // Ticket letters: every replica keeps its letter.
  for (const TicketLetter& l : letters) {
    RELAIS_ASSIGN_OR_RETURN(
        PgResult ins, c->Exec("INSERT INTO relais.ticket_letters(site_id, letter, replica_id)"
                              " VALUES ($1, $2, $3)",
                              Params{l.site_id, l.letter, l.replica_id}));
    (void)ins;
  }

  // Records: every site's whole history through the store's own pull
  // (echo suppression off), then each record's sequence and origin.
  Scope all{"migrate", "", sites};
  uint64_t cursor = 0;
  size_t copied = 0;
  for (bool more = !sites.empty(); more;) {
    RELAIS_ASSIGN_OR_RETURN(PullResult page,
                            from.Pull(all, cursor, kImportBatch, size_t{64} << 20));
    nlohmann::json rows = nlohmann::json::array();
    for (const Record& r : page.records) {
      RELAIS_ASSIGN_OR_RETURN(std::optional<StoredRecord> stored,
                              from.Get(r.site_id, r.collection, r.id));
      if (!stored) return Status::DataLoss("enregistrement disparu pendant la migration");
      rows.push_back({{"s", r.site_id}, {"c", static_cast<int>(r.collection)},
                      {"i", r.id}, {"st", common::EncodeRecordJson(stored->record)},
                      {"q", stored->hub_seq}, {"o", stored->origin}});
    }
    if (!rows.empty()) {
      RELAIS_ASSIGN_OR_RETURN(
          PgResult ins,
          c->Exec("INSERT INTO relais.records(site_id, collection, id, state, hub_seq,"
                  " origin) SELECT x.s, x.c, x.i, x.st, x.q, x.o FROM"
                  " json_to_recordset($1::json) AS x(s text, c int, i text, st text,"
                  " q bigint, o text)",
                  Params{rows.dump()}));
      (void)ins;
    }
    copied += page.records.size();
    if (progress) progress(copied);
    more = page.has_more;
    cursor = page.cursor;
  }
  RELAIS_ASSIGN_OR_RETURN(
      PgResult meta,
      c->Exec("UPDATE relais.meta SET value = CASE key WHEN 'epoch' THEN $1"
              " ELSE $2 END WHERE key IN ('epoch', 'seq_base')",
              Params{epoch, std::to_string(last_seq)}));
  (void)meta;
  if (in_tx) RELAIS_RETURN_IF_ERROR(in_tx(*c.get()));
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  return Status::OK();
}

}  // namespace relais::server
