// relais-bench's pull phases: fresh replicas pull their scope ("pull"), the
// original replicas catch up with nothing new, with their pull checkpoint
// ("pull_existing", pull_checkpoint: true) and without it
// ("pull_existing_nocheckpoint", pull_checkpoint: false: a fresh cursor but
// every record already present, as the PouchDB reference's replicas, which
// kept no pull checkpoint), and the same by the fresh replicas
// ("pull_existing_nocheckpoint_resend": every record came from the hub, so
// the hub sends all of it again). Only pull_existing counts in "total" (the
// reference's five phases).
#include <algorithm>
#include <iostream>

#include "tools/bench/bench.h"

namespace relais::server::bench {

using common::Replica;

namespace {

// Percentile `p` of sorted `ms` (0 if empty).
double Pct(const std::vector<double>& ms, double p) {
  return ms.empty() ? 0.0 : ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))];
}

}  // namespace

bool Bench::PullPhases(const std::vector<std::string>& fresh_tokens) {
  const int n = cfg_.sites;
  const int64_t total_records = static_cast<int64_t>(n) * cfg_.records;
  const int concurrency = std::min(cfg_.threads * std::max(1, cfg_.procs), n);
  std::string err;
  std::cerr << "bench: pull (répliques neuves)\n";
  std::vector<House> fresh;
  for (int i = 0; i < n; ++i) {
    auto h = NewHouse("fresh" + std::to_string(i), "S" + std::to_string(i));
    if (!Check(h.status(), "fresh")) return false;
    h->token = fresh_tokens[i];
    // With several hubs a fresh replica pulls through another hub than the
    // one its site's writer pushed to: what one hub committed, another serves.
    h->hub = i + 1;
    fresh.push_back(std::move(h).value());
  }
  Begin();
  err = SyncAll(fresh, &round_trips_);
  if (!err.empty()) { std::cerr << "bench: " << err << "\n"; return false; }
  const double pull_secs = Now() - t0_;
  for (int i = 0; i < n && converged_; ++i) {
    auto a = fresh[i].rep->Dump(), b = houses_[i].rep->Dump();
    if (!Check(a.status(), "dump") || !Check(b.status(), "dump")) return false;
    converged_ = *a == *b || i == 0;
  }
  t0_ = Now() - pull_secs;
  End("pull", n, total_records);

  std::cerr << "bench: pull_existing (rien de nouveau, avec point de reprise)\n";
  // Site 0's original replica still has to learn the conflict merge results
  // of its sibling; sync it once first so the phase is a true no-op.
  if (!Check(Sync(houses_[0], 1).status(), "sync site0")) return false;
  Begin();
  std::vector<double> ms;
  err = SyncAll(houses_, &round_trips_, &ms, /*noop=*/true);
  if (!err.empty()) { std::cerr << "bench: " << err << "\n"; return false; }
  // Latency of one no-op sync while every site holds its connection.
  // One connection per site, seen on the hub's side (/proc/net/tcp): each
  // site's channel holds its own TCP connection (through the proxy).
  // (--transport http: one connection per session, closed at its end.)
  const int hub_conns = HubConnections();
  if (hub_conns < n && cfg_.transport == "grpc")
    Fail("le hub tient " + std::to_string(hub_conns) + " connexions pour " +
         std::to_string(n) + " sites: connexions partagées?");
  std::sort(ms.begin(), ms.end());
  End("pull_existing", n, 0,
      {{"pull_checkpoint", true},
       {"noop_p50_ms", Pct(ms, 0.50)}, {"noop_p99_ms", Pct(ms, 0.99)},
       {"noop_max_ms", Pct(ms, 1.0)}, {"noop_concurrency", concurrency},
       {"procs", std::max(1, cfg_.procs)}, {"max_calls_per_peer", cfg_.max_calls_per_peer},
       {"hub_connections", hub_conns}});

  // The same catch-up without the checkpoint, by the replicas that wrote
  // their records (the reference's case), then by the fresh ones, which got
  // every record from the hub (so the hub sends all of it again).
  if (!NoCheckpointPull(houses_, "pull_existing_nocheckpoint", "writers")) return false;
  err = SyncAll(fresh, &round_trips_, nullptr, /*noop=*/false);  // catch up, not timed
  if (!err.empty()) { std::cerr << "bench: " << err << "\n"; return false; }
  if (!NoCheckpointPull(fresh, "pull_existing_nocheckpoint_resend", "fresh")) return false;
  return true;
}

bool Bench::NoCheckpointPull(std::vector<House>& hs, const std::string& phase,
                             const std::string& replicas) {
  const int n = static_cast<int>(hs.size());
  const int concurrency = std::min(cfg_.threads * std::max(1, cfg_.procs), n);
  std::cerr << "bench: " << phase << " (rien de nouveau, sans point de reprise)\n";
  // Each replica's pull_cursor back to 0 (not timed). What the hub will send
  // again, read from hub.db: the scope's records this replica did not write
  // last (the hub never echoes a replica's own writes).
  std::vector<std::string> dumps(static_cast<size_t>(n)), cursors(static_cast<size_t>(n));
  int64_t in_scopes = 0, resent = 0;
  {
    auto db = Reader();
    if (!Check(db.status(), "base du hub")) return false;
    for (int i = 0; i < n; ++i) {
      Replica& rep = *hs[i].rep;
      auto in_scope = (*db)->QueryInt("SELECT count(*) FROM records WHERE site_id = $1",
                                      {rep.site_id()});
      auto others = (*db)->QueryInt(
          "SELECT count(*) FROM records WHERE origin <> $1 AND site_id = $2",
          {rep.replica_id(), rep.site_id()});
      if (!Check(in_scope.status(), "base du hub") || !Check(others.status(), "base du hub"))
        return false;
      in_scopes += *in_scope;
      resent += *others;
      auto d = rep.Dump();
      auto c = rep.store()->GetMeta("pull_cursor");
      if (!Check(d.status(), "dump") || !Check(c.status(), "pull_cursor") ||
          !Check(rep.store()->SetMeta("pull_cursor", "0"), "pull_cursor"))
        return false;
      dumps[i] = *d;
      cursors[i] = *c;
    }
  }
  auto hub_seq0 = HubMaxSeq();
  if (!Check(hub_seq0.status(), "hub.db")) return false;
  std::vector<double> ms;
  Begin();
  std::string err = SyncAll(hs, &round_trips_, &ms);
  if (!err.empty()) { std::cerr << "bench: " << err << "\n"; return false; }
  const double secs = Now() - t0_;
  // Not timed: nothing changed on either side, and each replica is back at
  // the cursor it had (oracles: hub.db's sequence, the replicas' dumps).
  auto hub_seq1 = HubMaxSeq();
  if (!Check(hub_seq1.status(), "hub.db")) return false;
  if (*hub_seq1 != *hub_seq0)
    Fail(phase + ": le hub a reçu des écritures (hub_seq " + std::to_string(*hub_seq0) +
         " -> " + std::to_string(*hub_seq1) + ")");
  bool same = true;
  int cursor_moves = 0;
  for (int i = 0; i < n; ++i) {
    auto d = hs[i].rep->Dump();
    auto c = hs[i].rep->store()->GetMeta("pull_cursor");
    auto pending = hs[i].rep->PendingCount();
    if (!Check(d.status(), "dump") || !Check(c.status(), "pull_cursor") ||
        !Check(pending.status(), "en attente"))
      return false;
    // On both stores a pull that finds nothing new ends where the last one
    // did (PostgreSQL: at the scope's top, not at the transaction-id
    // horizon; issue #17, §11 of docs/sync-model.md): any move is a
    // failure, counted in cursor_moves (0 expected).
    if (*c != cursors[i]) ++cursor_moves;
    if (*d != dumps[i] || *c != cursors[i] || *pending != 0) {
      same = false;
      Fail(phase + ": " + hs[i].db + " a changé (curseur " + cursors[i] + " -> " + *c +
           ", en attente " + std::to_string(*pending) + ")");
    }
  }
  std::sort(ms.begin(), ms.end());
  t0_ = Now() - secs;
  json row = End(phase, n, in_scopes,
                 {{"pull_checkpoint", false}, {"replicas", replicas},
                  {"records_resent_by_hub", resent}, {"unchanged", same},
                  {"cursor_moves", cursor_moves},
                  {"sync_p50_ms", Pct(ms, 0.50)}, {"sync_p99_ms", Pct(ms, 0.99)},
                  {"sync_max_ms", Pct(ms, 1.0)}, {"concurrency", concurrency},
                  {"procs", std::max(1, cfg_.procs)},
                  {"max_calls_per_peer", cfg_.max_calls_per_peer}});
  // Not in "total" (which sums the reference's five phases).
  total_["seconds"] = total_["seconds"].get<double>() - row["seconds"].get<double>();
  total_["bytes"] = total_["bytes"].get<int64_t>() - row["bytes"].get<int64_t>();
  total_["round_trips"] = total_["round_trips"].get<int>() - row["round_trips"].get<int>();
  return true;
}

}  // namespace relais::server::bench
