// relais-bench's plumbing: tokens, houses, one sync with retries, phase
// timing and JSON lines, syncing every house (threads or worker processes),
// and the convergence oracle read from hub.db.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>

#include "common/codec/record_json.h"
#include "tools/bench/bench.h"
#include "tools/bench/tls_setup.h"
#include "tools/bench/workload.h"

namespace relais::server::bench {

using relais::sync::SyncOptions;
using relais::sync::SyncReport;
using relais::sync::SyncOnce;

using common::Collection;
using common::Replica;

double Now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string Bench::NewToken(const std::string& site, const std::string& name) {
  auto t = GenerateToken();
  TokenInfo info;
  info.token_hash = HashToken(*t);
  info.name = name;
  info.sites = {site};
  if (!t.ok()) {
    Fail("jeton: " + t.status().ToString());
    return "";
  }
  Check(tokens_->AddToken(info), "jeton " + name);
  return *t;
}

common::Result<House> Bench::NewHouse(const std::string& name,
                                      const std::string& site) {
  House h;
  h.db = cfg_.workdir + "/" + name + ".db";
  auto id = Replica::Init(h.db, site);
  if (!id.ok()) return id.status();
  auto r = Replica::Open(h.db);
  if (!r.ok()) return r.status();
  h.rep = std::move(r).value();
  h.channel = "site:" + site;
  return h;
}

SyncOptions Bench::Options(const House& h) const {
  SyncOptions o;
  o.hub = hub_addrs_.empty() ? "" : hub_addrs_[static_cast<size_t>(h.hub) % hub_addrs_.size()];
  o.token = h.token;
  o.channel_key = h.channel;
  o.ca_file = ca_file_;
  if (!http_addrs_.empty()) {
    o.transport = relais::sync::Transport::kHttp;
    o.http_hub = http_addrs_[static_cast<size_t>(h.hub) % http_addrs_.size()];
  }
  return o;
}

void Bench::Fail(const std::string& what) {
  ++errors_;
  std::cerr << "bench: ERREUR " << what << "\n";
}

bool Bench::Check(const Status& s, const std::string& what) {
  if (s.ok()) return true;
  Fail(what + ": " + s.ToString());
  return false;
}

common::Result<SyncReport> Bench::Sync(House& h, int attempts, int* used,
                                       size_t batch_bytes, bool fresh) {
  SyncOptions o = Options(h);
  o.fresh_channel = fresh;
  if (batch_bytes) o.push_batch_bytes = o.pull_batch_bytes = batch_bytes;
  common::Result<SyncReport> r = Status::Unavailable("no attempt");
  SyncReport sum;
  for (int a = 1; a <= attempts; ++a) {
    if (used) *used = a;
    r = SyncOnce(*h.rep, o);
    if (r.ok()) {
      sum.round_trips += r->round_trips;
      sum.pushed += r->pushed;
      sum.pulled += r->pulled;
      sum.conflicts += r->conflicts;
      return sum;
    }
    if (r.status().code() != common::StatusCode::kUnavailable &&
        r.status().code() != common::StatusCode::kDeadlineExceeded)
      return r;
  }
  return r;
}

ProxyCounters SumCounters(const std::vector<std::unique_ptr<FaultProxy>>& proxies) {
  ProxyCounters sum;
  for (const auto& p : proxies) {
    const ProxyCounters c = p->counters();
    sum.bytes_up += c.bytes_up;
    sum.bytes_down += c.bytes_down;
    sum.connections += c.connections;
    sum.cuts += c.cuts;
    sum.bytes_dropped += c.bytes_dropped;
    sum.refused += c.refused;
  }
  return sum;
}

void Bench::Begin() {
  t0_ = Now();
  hub0_ = HubStats();
  self0_ = SelfStats();
  bytes0_ = SumCounters(proxies_);
  round_trips_ = 0;
}

json Bench::End(const std::string& phase, int sites, int64_t records,
               const json& extra) {
  const double secs = Now() - t0_;
  const ProcStats h = HubStats(), s = SelfStats();
  const ProxyCounters c = SumCounters(proxies_);
  const int64_t bytes = (c.bytes_up - bytes0_.bytes_up) + (c.bytes_down - bytes0_.bytes_down);
  json j = {{"phase", phase},
            {"sites", sites},
            {"records", records},
            {"seconds", secs},
            {"records_per_s", secs > 0 ? records / secs : 0},
            {"bytes", bytes},
            {"bytes_per_record", records ? static_cast<double>(bytes) / records : 0},
            {"round_trips", round_trips_.load()},
            {"conflicts", conflicts_},
            {"converged", converged_},
            {"hub_cpu_s", h.cpu_s - hub0_.cpu_s},
            {"client_cpu_s", s.cpu_s - self0_.cpu_s},
            {"hub_rss_mb", h.rss_mb},
            {"hub_threads", h.threads},
            {"hub_fds", h.fds},
            {"tls", !ca_file_.empty()},
            {"errors", errors_.load()},
            {"store", cfg_.store},
            {"hubs", cfg_.hubs}};
  j.update(extra);
  total_["seconds"] = total_["seconds"].get<double>() + secs;
  total_["bytes"] = total_["bytes"].get<int64_t>() + bytes;
  total_["round_trips"] = total_["round_trips"].get<int>() + round_trips_.load();
  std::cout << j.dump() << std::endl;
  return j;
}

std::string Bench::SyncAll(std::vector<House>& hs, std::atomic<int>* rts,
                           std::vector<double>* ms, bool noop) {
  if (ms) ms->assign(hs.size(), 0);
  if (pool_.size() > 0) return SyncAllInWorkers(hs, rts, ms, noop);
  std::string err = ParallelFor(static_cast<int>(hs.size()), cfg_.threads, [&](int i) {
    const double t = Now();
    auto r = Sync(hs[i], 1);
    if (ms) (*ms)[i] = (Now() - t) * 1000;
    if (!r.ok()) return "sync " + hs[i].db + ": " + r.status().ToString();
    *rts += r->round_trips;
    if (noop && (r->pushed || r->pulled))
      return "sync " + hs[i].db + ": pas une synchro à vide (" +
             std::to_string(r->pushed) + " envoyés, " + std::to_string(r->pulled) + " reçus)";
    return std::string();
  });
  if (!err.empty()) ++errors_;
  return err;
}

std::string Bench::SyncAllInWorkers(std::vector<House>& hs, std::atomic<int>* rts,
                                    std::vector<double>* ms, bool noop) {
  std::vector<SyncJob> jobs(static_cast<size_t>(std::min<int>(pool_.size(), hs.size())));
  for (SyncJob& j : jobs) {
    j.hub = hub_addrs_.empty() ? "" : hub_addrs_[0];
    j.ca_file = ca_file_;
    j.threads = cfg_.threads;
    j.noop = noop;
  }
  for (size_t i = 0; i < hs.size(); ++i)
    jobs[i % jobs.size()].houses.push_back(
        {static_cast<int>(i), hs[i].db, hs[i].token, hs[i].channel,
         hub_addrs_.empty() ? "" : hub_addrs_[static_cast<size_t>(hs[i].hub) % hub_addrs_.size()]});
  auto res = pool_.Run(jobs);
  if (!res.ok()) {
    ++errors_;
    return res.status().ToString();
  }
  std::string err;
  for (const SyncJobResult& r : *res) {
    *rts += r.round_trips;
    if (ms)
      for (const auto& [i, t] : r.ms) (*ms)[static_cast<size_t>(i)] = t;
    if (!r.error.empty() && err.empty()) err = r.error;
  }
  if (!err.empty()) ++errors_;
  return err;
}

bool Bench::Converged() {
  // Every replica's records equal the hub's, and the hub holds nothing more
  // for its site: the site's rows read at once from the hub's database
  // (read-only; a lookup per record would cost a query each).
  auto db = Reader();
  if (!db.ok()) return false;
  for (House& h : houses_) {
    auto all = h.rep->store()->ListAll();
    if (!all.ok()) return false;
    auto rows = (*db)->Query(
        "SELECT collection, id, state FROM records WHERE site_id = $1",
        {h.rep->site_id()}, 3);
    if (!rows.ok() || rows->size() != all->size()) return false;
    std::map<std::pair<std::string, std::string>, const std::string*> hub;
    for (const Row& r : *rows) hub[{r[0], r[1]}] = &r[2];
    for (const auto& r : *all) {
      auto it = hub.find({std::to_string(static_cast<int64_t>(r.collection)), r.id});
      if (it == hub.end() || r.site_id != h.rep->site_id()) return false;
      auto hub_rec = common::DecodeRecordJson(*it->second);
      if (!hub_rec.ok() || !(*hub_rec == r)) return false;
    }
  }
  return true;
}

common::Result<int64_t> Bench::HubMaxSeq(const std::string& site) {
  RELAIS_ASSIGN_OR_RETURN(auto db, Reader());
  if (site.empty()) return db->QueryInt("SELECT coalesce(max(hub_seq), 0) FROM records", {});
  return db->QueryInt("SELECT coalesce(max(hub_seq), 0) FROM records WHERE site_id = $1",
                      {site});
}

std::vector<std::string> Bench::HubArgs(const std::string& dir) {
  std::vector<std::string> args = {"--max-calls-per-peer",
                                   std::to_string(cfg_.max_calls_per_peer)};
  if (cfg_.hub_memory_quota_mb > 0)
    args.insert(args.end(), {"--memory-quota-mb", std::to_string(cfg_.hub_memory_quota_mb)});
  if (cfg_.tls) {
    auto tls = MakeTlsFiles(dir);
    if (!tls.ok()) {
      Fail(tls.status().ToString());
      return {};
    }
    ca_file_ = tls->ca_pem;
    args.insert(args.end(), {"--tls-cert", tls->hub_pem, "--tls-key", tls->hub_key});
  }
  return args;
}

}  // namespace relais::server::bench
