#pragma once
// Several real relais-hub processes over one throw-away PostgreSQL cluster
// (issue #21), and the replicas that sync through them, all on 127.0.0.1.
//
// Each test gets its own cluster (PgCluster::Create(): it may stop and
// restart it), hubs started as `relais-hub --store URI --listen 127.0.0.1:0`
// (hub i connects with application_name=hub<i>, so that PostgreSQL's views
// tell its sessions apart), tokens enrolled directly in the database, and
// a sync with failover done by the test: on UNAVAILABLE, the same sync is
// retried against the next hub (the lead swaps in common/sync/failover
// once merged).

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/replica/replica.h"
#include "common/sync/sync_client.h"
#include "server/pg_conn.h"
#include "server/pg_hub_store.h"
#include "server/token.h"
#include "tests/adversarial/hub_process.h"
#include "tests/common/test_util.h"
#include "tests/pg/pg_cluster.h"

namespace relais::server::multihub {

using relais::sync::SyncProgress;
using relais::sync::SyncOptions;
using relais::sync::SyncReport;
using relais::sync::SyncOnce;

using common::Collection;
using common::Record;
using common::Replica;
using common::Result;
using common::Status;
using common::StatusCode;

// Canonical dump (common::DumpJson) of the records of `site` held by `r`.
inline std::string SiteDump(Replica& r, const std::string& site) {
  auto all = r.store()->ListAll();
  EXPECT_TRUE(all.ok()) << all.status().ToString();
  std::vector<Record> mine;
  if (all.ok())
    for (auto& rec : *all)
      if (rec.site_id == site) mine.push_back(rec);
  return common::DumpJson(mine);
}

// "" if `a` == `b`, else where they first differ (line number and both
// lines): dumps are too long to print whole in a failure.
inline std::string FirstDifference(const std::string& a, const std::string& b) {
  if (a == b) return "";
  size_t line = 1, start = 0, i = 0;
  for (; i < a.size() && i < b.size() && a[i] == b[i]; ++i)
    if (a[i] == '\n') {
      ++line;
      start = i + 1;
    }
  auto line_at = [&](const std::string& s) {
    const size_t end = s.find('\n', start);
    return s.substr(start, std::min<size_t>(end == std::string::npos ? s.size() : end, start + 400) - start);
  };
  return "ligne " + std::to_string(line) + " (tailles " + std::to_string(a.size()) + " et " +
         std::to_string(b.size()) + "):\n  " + line_at(a) + "\n  " + line_at(b);
}

// Ids of every record `r` holds.
inline std::set<std::string> HeldIds(Replica& r) {
  std::set<std::string> ids;
  auto all = r.store()->ListAll();
  EXPECT_TRUE(all.ok()) << all.status().ToString();
  if (all.ok())
    for (auto& rec : *all) ids.insert(rec.id);
  return ids;
}

// The fields of a new appointment the replica and the hub accept.
inline std::map<std::string, std::string> ApptFields(const std::string& site, int i) {
  return {{"practitioner", "p1@" + site},
          {"start", std::to_string(1795500000 + 900 * (i % 500))},
          {"note", "note " + std::to_string(i)}};
}

// What a sync with failover did.
struct FailoverResult {
  Status status;          // the last attempt's
  SyncReport report;      // pushed/pulled: committed, summed over attempts
  int attempts = 0;
  std::vector<StatusCode> errors;  // codes of the failed attempts, in order
};

class MultiHubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = pgtest::PgCluster::Create();
    ASSERT_TRUE(c.ok()) << "PostgreSQL de test: " << c.status().ToString();
    cluster_ = std::move(c).value();
    auto s = PgHubStore::Open(cluster_->ConnInfo());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  void TearDown() override {
    // SIGTERM to all first: each drains for a few seconds, in parallel.
    for (auto& h : hubs_)
      if (h->pid() > 0) kill(h->pid(), SIGTERM);
    for (auto& h : hubs_) h->Stop();
    if (HasFailure() && cluster_) {
      for (size_t i = 0; i < hubs_.size(); ++i)
        std::cerr << "---- hub" << i << ".log (fin)\n" << Tail(hubs_[i]->Log());
      std::cerr << "---- PostgreSQL (fin)\n"
                << Tail(adversarial::ReadWholeFile(cluster_->log_path()));
    }
  }
  static std::string Tail(const std::string& s) {
    return s.size() > 3000 ? s.substr(s.size() - 3000) : s;
  }

  // The conninfo hub `i` uses: the database, with its own application_name.
  std::string HubConnInfo(size_t i) const {
    return cluster_->ConnInfo() + "?application_name=hub" + std::to_string(i);
  }
  // Starts `n` more hubs; ASSERTs they came up.
  void StartHubs(size_t n) {
    for (size_t k = 0; k < n; ++k) {
      const size_t i = hubs_.size();
      auto h = std::make_unique<adversarial::HubProcess>();
      const std::string log = dir_.File("hub" + std::to_string(i) + ".log");
      const bool up = h->StartWithArgs(
          RELAIS_HUB_BINARY, {"--store", HubConnInfo(i), "--listen", "127.0.0.1:0"}, log);
      ASSERT_TRUE(up) << "hub" << i << " n'a pas démarré:\n" << adversarial::ReadWholeFile(log);
      hubs_.push_back(std::move(h));
    }
  }
  std::string HubAddress(size_t i) const { return hubs_[i]->address(); }

  // A new token for `sites` (home: sites[0]), written to the database.
  std::string Enroll(const std::vector<std::string>& sites) {
    auto token = GenerateToken();
    EXPECT_TRUE(token.ok());
    TokenInfo info;
    info.token_hash = HashToken(*token);
    info.sites = sites;
    const Status s = store_->AddToken(info);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return *token;
  }
  std::unique_ptr<Replica> NewReplica(const std::string& file, const std::string& site,
                                      uint64_t seed) {
    return NewReplica(file, common::ReplicaScope{"", {site}}, seed);
  }
  // A replica holding `scope` (its token must cover exactly those sites).
  std::unique_ptr<Replica> NewReplica(const std::string& file, const common::ReplicaScope& scope,
                                      uint64_t seed) {
    auto id = Replica::Init(dir_.File(file), scope);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    auto r = Replica::Open(dir_.File(file));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return nullptr;
    (*r)->SeedForTest(seed);
    return std::move(r).value();
  }

  SyncOptions Options(const std::string& token, size_t hub) const {
    SyncOptions o;
    o.hub = HubAddress(hub);
    o.token = token;
    o.deadline_ms = 10000;
    return o;
  }

  // SyncOnce against hub `first`, then, after each UNAVAILABLE, against the
  // next hub (round robin) after `backoff_ms`; at most `max_attempts`
  // attempts. Any other error ends at once. `base` gives the batch sizes.
  // Thread-safe (each thread its own replica).
  FailoverResult SyncWithFailover(Replica& r, const SyncOptions& base, size_t first,
                                  int max_attempts = 20, int backoff_ms = 100) {
    FailoverResult out;
    for (int a = 0; a < max_attempts; ++a) {
      SyncOptions o = base;
      o.hub = HubAddress((first + static_cast<size_t>(a)) % hubs_.size());
      // Counts what each attempt committed, failed attempts included (their
      // earlier batches are applied and acknowledged for good).
      SyncProgress last;
      o.progress = [&last, &base](const SyncProgress& p) {
        last = p;
        if (base.progress) base.progress(p);
      };
      ++out.attempts;
      auto rep = SyncOnce(r, o);
      out.report.pushed += last.pushed;
      out.report.pulled += last.pulled;
      if (rep.ok()) {
        out.status = Status::OK();
        out.report.round_trips += rep->round_trips;
        return out;
      }
      out.status = rep.status();
      out.errors.push_back(rep.status().code());
      if (rep.status().code() != StatusCode::kUnavailable) return out;
      std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
    }
    return out;
  }

  // One integer from `sql` run on the database by a connection of the test
  // (not a hub's); -1 (and a test failure) if it cannot run.
  int64_t SqlInt(const std::string& sql, const pg::Params& params = {}) {
    auto c = pg::PgConn::Connect(cluster_->ConnInfo() + "?application_name=test");
    if (!c.ok()) {
      ADD_FAILURE() << c.status().ToString();
      return -1;
    }
    auto r = (*c)->Exec(sql, params);
    if (!r.ok() || r->rows() != 1) {
      ADD_FAILURE() << sql << ": " << (r.ok() ? "pas une ligne" : r.status().ToString());
      return -1;
    }
    return r->int64(0, 0);
  }

  // The hub's canonical dump of the records listed in `like` (same ids,
  // read with Get), for comparison with a replica's SiteDump.
  std::string HubDump(const std::string& site, Replica& like) {
    auto all = like.store()->ListAll();
    EXPECT_TRUE(all.ok());
    std::vector<Record> at_hub;
    if (!all.ok()) return "";
    for (const Record& rec : *all) {
      if (rec.site_id != site) continue;
      auto got = store_->Get(site, rec.collection, rec.id);
      EXPECT_TRUE(got.ok()) << got.status().ToString();
      if (got.ok() && got->has_value()) at_hub.push_back((*got)->record);
      else ADD_FAILURE() << "absent du hub: " << rec.id;
    }
    return common::DumpJson(at_hub);
  }

  common::testing::TempDir dir_;
  std::unique_ptr<pgtest::PgCluster> cluster_;
  std::unique_ptr<PgHubStore> store_;  // the test's own view of the database
  std::vector<std::unique_ptr<adversarial::HubProcess>> hubs_;
};

}  // namespace relais::server::multihub
