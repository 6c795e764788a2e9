#include "tools/chaos/run.h"

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "common/replica/replica.h"
#include "server/sqlite_hub_store.h"
#include "server/token.h"
#include "tools/chaos/check.h"
#include "tools/chaos/proc.h"
#include "tools/chaos/sys.h"
#include "tools/faultproxy/fault_proxy.h"

namespace relais::chaos {

namespace fs = std::filesystem;

namespace {

constexpr int64_t kCommandTimeoutMs = 20000;  // no single command may hang
constexpr int kMaxFinalRounds = 6;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string FirstLine(const std::string& s) {
  std::string l = s.substr(0, s.find('\n'));
  return l.size() > 300 ? l.substr(0, 300) : l;
}

class Runner {
 public:
  Runner(const RunConfig& c, const Plan& p) : cfg_(c), plan_(p) {}

  RunResult Run() {
    const int64_t t0 = NowMs();
    deadline_ = t0 + cfg_.budget_ms;
    if (Setup()) {
      for (const Step& s : plan_.steps) {
        if (!res_.problems.empty()) break;
        if (NowMs() > deadline_) {
          Problem("budget de temps du run dépassé (" + std::to_string(cfg_.budget_ms) + " ms)");
          break;
        }
        if (cfg_.verbose) std::cerr << "  step " << DescribeStep(s) << "\n";
        DoStep(s);
        ++res_.c.steps;
        HubMustBeAlive(s);
      }
      Finish();
    }
    res_.c.ms = NowMs() - t0;
    return res_;
  }

 private:
  std::string ReplicaFile(int i) const { return cfg_.dir + "/r" + std::to_string(i) + ".db"; }
  const std::string& HubDir() const { return cfg_.hub_dir.empty() ? cfg_.dir : cfg_.hub_dir; }
  std::string HubFile() const { return HubDir() + "/hub.db"; }
  static std::string Filler(const std::string& dir) { return dir + "/filler"; }
  void Problem(const std::string& p) {
    if (res_.problems.size() < 20) res_.problems.push_back(p);
  }

  bool Setup() {
    std::error_code ec;
    for (const std::string& d : {cfg_.dir, HubDir()}) {
      fs::remove_all(d, ec);
      fs::create_directories(d, ec);
    }
    fs::create_directories(cfg_.log_dir, ec);
    {
      auto store = server::SqliteHubStore::Open(HubFile(), true);
      if (!store.ok()) return Setupfail("hub.db: " + store.status().ToString());
      for (int i = 0; i < kReplicas; ++i) {
        auto token = server::GenerateToken();
        if (!token.ok()) return Setupfail(token.status().ToString());
        tokens_[i] = *token;
        server::TokenInfo t;
        t.token_hash = server::HashToken(*token);
        t.name = "chaos-r" + std::to_string(i);
        t.sites = {SiteOf(i)};
        if (auto s = (*store)->AddToken(t); !s.ok()) return Setupfail(s.ToString());
      }
    }
    for (int i = 0; i < kReplicas; ++i) {
      if (auto id = common::Replica::Init(ReplicaFile(i), SiteOf(i)); !id.ok())
        return Setupfail(id.status().ToString());
    }
    hub_port_ = FreePort();
    if (!StartHub()) return false;
    proxy_ = std::make_unique<server::FaultProxy>("127.0.0.1:" + std::to_string(hub_port_),
                                                  server::LinkProfile{}, plan_.seed);
    auto port = proxy_->Start(0);
    if (!port.ok()) return Setupfail("proxy: " + port.status().ToString());
    proxy_port_ = *port;
    // One practitioner per site, then a clean sync so that every replica
    // knows it (writes name it). Through the CLI, with each clock's skew.
    for (int i : {0, 2, 4}) {
      auto r = RunRelais(i, {"practitioner", "add", "--db", ReplicaFile(i), "--id", "p1",
                             "--name", "Dr Chaos", "--profession", "medecin"});
      if (r.code != 0) return Setupfail("practitioner add: " + FirstLine(r.err));
    }
    for (int i = 0; i < kReplicas; ++i) {
      auto r = RunRelais(i, SyncArgs(i, hub_port_));
      if (r.code != 0) return Setupfail("sync initiale r" + std::to_string(i) + ": " + FirstLine(r.err));
    }
    return true;
  }
  bool Setupfail(const std::string& why) {
    Problem("préparation: " + why);
    return false;
  }

  bool StartHub() {
    hub_ = std::make_unique<Child>();
    if (!hub_->Start({cfg_.hub_bin, "--db", HubFile(), "--listen",
                      "127.0.0.1:" + std::to_string(hub_port_)},
                     {}, cfg_.log_dir + "/hub.log"))
      return Setupfail("lancement de relais-hub impossible: " + cfg_.hub_bin);
    for (int i = 0; i < 400; ++i) {  // at most 10 s
      if (CanConnect(hub_port_)) return true;
      if (!hub_->Running()) return Setupfail("relais-hub s'est arrêté au démarrage (voir hub.log)");
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return Setupfail("relais-hub n'écoute pas après 10 s");
  }

  void HubMustBeAlive(const Step& s) {
    if (hub_ && !hub_->Running())
      Problem("relais-hub s'est arrêté seul pendant l'étape " + DescribeStep(s));
  }

  std::vector<std::string> SyncArgs(int i, int port) {
    return {"sync", "--db", ReplicaFile(i), "--hub", "127.0.0.1:" + std::to_string(port),
            "--token", tokens_[i], "--quiet"};
  }
  std::vector<std::string> WriteArgs(int i, const Write& w) {
    return WriteCommand(ReplicaFile(i), w);
  }
  bool StartRelais(Child& c, int i, std::vector<std::string> args) {
    args.insert(args.begin(), cfg_.relais_bin);
    return c.Start(args, {"RELAIS_TEST_CLOCK_OFFSET_S=" + std::to_string(plan_.skew_s[i])});
  }
  ChildResult RunRelais(int i, const std::vector<std::string>& args) {
    Child c;
    StartRelais(c, i, args);
    auto r = c.Wait(kCommandTimeoutMs);
    if (r.timed_out) Problem("commande bloquée plus de 20 s: relais " + args[0]);
    return r;
  }

  // A finished write command: acknowledged if it exited 0 and printed an id.
  void Account(int i, const Write& w, const ChildResult& r, bool must_succeed) {
    ++res_.c.writes;
    if (r.exited && r.code == 0) {
      if (w.op == WriteOp::kPresence) return;  // a merge may overwrite it: not in the oracle
      const std::string id = r.out.substr(0, r.out.find_first_of(" \n"));
      if (id.empty()) {
        Problem("écriture acquittée sans identifiant: " + w.unique);
        return;
      }
      acked_.push_back({i, w.op, id, w.unique, w.amount_cents});
      ++res_.c.acked;
      return;
    }
    NoteDiskFull(r.err);
    if (must_succeed && !r.killed)
      Problem("écriture refusée (r" + std::to_string(i) + ", " + w.unique + "): " + FirstLine(r.err));
  }
  void AccountSync(int i, const ChildResult& r, bool must_succeed) {
    ++res_.c.syncs;
    if (r.exited && r.code == 0) return;
    ++res_.c.syncs_failed;
    NoteDiskFull(r.err);
    if (must_succeed)
      Problem("sync r" + std::to_string(i) + " sur lien direct échouée: " + FirstLine(r.err));
  }
  void NoteDiskFull(const std::string& err) {
    const int said = SaysDiskFull(err);
    if (said) ++res_.c.enospc;
    if (said == 1) ++res_.c.enospc_io;
    if (cfg_.verbose && !err.empty()) std::cerr << "    -> " << FirstLine(err) << "\n";
  }
  void CheckFile(const std::string& f, const std::string& when) {
    const std::string p = IntegrityProblem(f);
    if (!p.empty()) Problem(f + " après " + when + ": " + p);
  }

  // Waits until `c` has its replica open (at most 5 s), then `delay_us`,
  // then kill -9.
  void KillAfter(Child& c, int64_t delay_us, int replica) {
    const int64_t end = NowMs() + 5000;
    while (c.Running() && !c.HoldsFileUnder(ReplicaFile(replica)) && NowMs() < end)
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
    ++res_.c.replica_kills;
    const bool in_db = c.HoldsFileUnder(ReplicaFile(replica));
    if (c.Kill9()) {
      ++res_.c.replica_kills_live;
      if (in_db) ++res_.c.replica_kills_in_db;
    }
  }

  void DoStep(const Step& s) {
    const int i = s.replica;
    switch (s.kind) {
      case StepKind::kWrite:
        Account(i, s.write, RunRelais(i, WriteArgs(i, s.write)), true);
        break;
      case StepKind::kWriteKilled: {
        Child c;
        StartRelais(c, i, WriteArgs(i, s.write));
        KillAfter(c, s.delay_us, i);
        Account(i, s.write, c.Wait(kCommandTimeoutMs), true);
        CheckFile(ReplicaFile(i), "kill -9 d'une écriture");
        break;
      }
      case StepKind::kSync:
        AccountSync(i, RunRelais(i, SyncArgs(i, proxy_port_)), true);
        break;
      case StepKind::kSyncCut: {
        server::LinkProfile p;
        p.name = "chaos-cut";
        p.latency_ms = 1;
        p.cut_after_bytes = s.cut_after_bytes;
        p.cut_probability = s.cut_probability;
        const int64_t before = proxy_->counters().cuts;
        proxy_->SetProfile(p);
        AccountSync(i, RunRelais(i, SyncArgs(i, proxy_port_)), false);
        proxy_->SetProfile(server::LinkProfile{});
        res_.c.cuts += proxy_->counters().cuts - before;
        break;
      }
      case StepKind::kSyncKilled: {
        Child c;
        StartRelais(c, i, SyncArgs(i, proxy_port_));
        KillAfter(c, s.delay_us, i);
        auto r = c.Wait(kCommandTimeoutMs);
        AccountSync(i, r, !r.killed);
        CheckFile(ReplicaFile(i), "kill -9 d'une sync");
        break;
      }
      case StepKind::kHubKill:
        HubKill(s);
        break;
      case StepKind::kDiskFull:
        DiskFull(s);
        break;
    }
  }

  void HubKill(const Step& s) {
    const int64_t bytes_before = proxy_->counters().bytes_up;
    std::vector<std::unique_ptr<Child>> syncs;
    for (int r : s.others) {
      syncs.push_back(std::make_unique<Child>());
      StartRelais(*syncs.back(), r, SyncArgs(r, proxy_port_));
    }
    // Wait for the first bytes of a sync to reach the hub (at most 5 s).
    const int64_t end = NowMs() + 5000;
    auto any_running = [&] {
      for (auto& c : syncs)
        if (c->Running()) return true;
      return false;
    };
    while (proxy_->counters().bytes_up == bytes_before && any_running() && NowMs() < end)
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    std::this_thread::sleep_for(std::chrono::microseconds(s.delay_us));
    std::vector<bool> in_flight;
    for (auto& c : syncs) in_flight.push_back(c->Running());
    ++res_.c.hub_kills;
    const bool reached = proxy_->counters().bytes_up > bytes_before;
    const bool hub_live = hub_->Kill9() && reached;
    hub_->Wait(kCommandTimeoutMs);
    bool hit = false;
    for (size_t k = 0; k < syncs.size(); ++k) {
      auto r = syncs[k]->Wait(kCommandTimeoutMs);
      if (r.timed_out) Problem("sync bloquée après kill -9 du hub");
      AccountSync(s.others[k], r, !in_flight[k]);
      if (in_flight[k] && !(r.exited && r.code == 0)) hit = true;
    }
    if (hub_live && hit) ++res_.c.hub_kills_live;
    CheckFile(HubFile(), "kill -9 du hub");
    for (int r : s.others) CheckFile(ReplicaFile(r), "kill -9 du hub");
    StartHub();
  }

  void DiskFull(const Step& s) {
    ++res_.c.disk_full;
    const std::string& dir = s.hub_disk ? HubDir() : cfg_.dir;
    if (FillFileSystem(Filler(dir), s.slack_kb)) {
      ++res_.c.disk_full_reached;
    } else {
      Problem("le disque n'a pas pu être rempli (ENOSPC jamais vu): " + dir);
    }
    Write w = s.write;
    for (int k = 0; k < 2; ++k) {
      w.unique = s.write.unique + "-" + std::to_string(k);
      Account(s.replica, w, RunRelais(s.replica, WriteArgs(s.replica, w)), false);
    }
    for (int r : {s.replica, s.others[0]})
      AccountSync(r, RunRelais(r, SyncArgs(r, proxy_port_)), false);
    std::error_code ec;
    fs::remove(Filler(dir), ec);
    CheckFile(ReplicaFile(s.replica), "disque plein");
    CheckFile(HubFile(), "disque plein");
  }

  // Clean rounds direct to the hub until one moves nothing, then checks.
  void Finish() {
    std::error_code ec;
    fs::remove(Filler(cfg_.dir), ec);
    fs::remove(Filler(HubDir()), ec);
    if (proxy_) proxy_->Stop();
    if (hub_ && !hub_->Running() && res_.problems.empty()) StartHub();
    if (res_.problems.empty()) {
      bool quiet = false;
      for (int round = 0; round < kMaxFinalRounds && !quiet && res_.problems.empty(); ++round) {
        ++res_.c.final_rounds;
        quiet = round > 0;
        for (int i = 0; i < kReplicas; ++i) {
          auto r = RunRelais(i, {"sync", "--db", ReplicaFile(i), "--hub",
                                 "127.0.0.1:" + std::to_string(hub_port_), "--token",
                                 tokens_[i]});
          if (r.code != 0) {
            Problem("sync finale r" + std::to_string(i) + " échouée: " + FirstLine(r.err));
            break;
          }
          if (r.out.find("envoyés: 0\n") == std::string::npos ||
              r.out.find("reçus: 0\n") == std::string::npos)
            quiet = false;
        }
      }
      if (!quiet && res_.problems.empty())
        Problem("pas de point fixe après " + std::to_string(kMaxFinalRounds) + " tours de sync");
    }
    if (hub_) {
      hub_->Terminate();
      hub_->Wait(10000);
    }
    CheckFile(HubFile(), "la fin du run");
    std::vector<std::string> files;
    for (int i = 0; i < kReplicas; ++i) {
      files.push_back(ReplicaFile(i));
      CheckFile(ReplicaFile(i), "la fin du run");
    }
    if (!res_.problems.empty()) return;
    for (auto* check : {&CheckDumps, &CheckNothingPending})
      for (auto& p : (*check)(files)) Problem(p);
    for (auto& p : CheckOracle(files, acked_)) Problem(p);
  }

  const RunConfig& cfg_;
  const Plan& plan_;
  RunResult res_;
  int64_t deadline_ = 0;
  std::string tokens_[kReplicas];
  int hub_port_ = 0, proxy_port_ = 0;
  std::unique_ptr<Child> hub_;
  std::unique_ptr<server::FaultProxy> proxy_;
  std::vector<Acked> acked_;
};

}  // namespace

RunResult RunPlan(const RunConfig& config, const Plan& plan) {
  return Runner(config, plan).Run();
}

}  // namespace relais::chaos
