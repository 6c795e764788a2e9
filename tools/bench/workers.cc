#include "tools/bench/workers.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "common/replica/replica.h"
#include "common/sync/sync_client.h"
#include "tools/bench/workload.h"

namespace relais::server::bench {

using relais::sync::SyncOptions;
using relais::sync::SyncOnce;

namespace {

using nlohmann::json;

bool WriteAll(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    ssize_t w = write(fd, s.data() + done, s.size() - done);
    if (w <= 0) return false;
    done += static_cast<size_t>(w);
  }
  return true;
}

bool ReadLine(int fd, std::string* line) {
  line->clear();
  char c;
  while (read(fd, &c, 1) == 1) {
    if (c == '\n') return true;
    *line += c;
  }
  return false;
}

json RunJob(const json& job,
            std::map<std::string, std::unique_ptr<common::Replica>>& reps) {
  json out = {{"ms", json::array()}, {"round_trips", 0}, {"error", ""}};
  const auto& houses = job["houses"];
  for (const auto& h : houses) {  // opened here, single-threaded
    const std::string db = h["db"];
    if (reps.count(db)) continue;
    auto r = common::Replica::Open(db);
    if (!r.ok()) {
      out["error"] = db + ": " + r.status().ToString();
      return out;
    }
    reps[db] = std::move(r).value();
  }
  std::mutex mu;
  std::vector<double> ms(houses.size(), 0);
  int rts = 0;
  const bool noop = job["noop"];
  std::string err =
      ParallelFor(static_cast<int>(houses.size()), job["threads"], [&](int i) {
        const json& h = houses[static_cast<size_t>(i)];
        SyncOptions o;
        o.hub = h.contains("hub") ? h["hub"] : job["hub"];
        o.ca_file = job["ca_file"];
        o.token = h["token"];
        o.channel_key = h["channel"];
        const std::string db = h["db"];
        const auto t0 = std::chrono::steady_clock::now();
        auto r = SyncOnce(*reps.at(db), o);
        ms[static_cast<size_t>(i)] = std::chrono::duration<double, std::milli>(
                                         std::chrono::steady_clock::now() - t0)
                                         .count();
        if (!r.ok()) return "sync " + db + ": " + r.status().ToString();
        {
          std::lock_guard<std::mutex> l(mu);
          rts += r->round_trips;
        }
        if (noop && (r->pushed || r->pulled))
          return "sync " + db + ": pas une synchro à vide";
        return std::string();
      });
  for (size_t i = 0; i < houses.size(); ++i)
    out["ms"].push_back({houses[i]["index"], ms[i]});
  out["round_trips"] = rts;
  out["error"] = err;
  return out;
}

[[noreturn]] void WorkerMain(int in, int out) {
  std::map<std::string, std::unique_ptr<common::Replica>> reps;
  std::string line;
  while (ReadLine(in, &line)) {
    json job = json::parse(line, nullptr, false);
    json res = job.is_discarded() ? json{{"error", "tâche illisible"}}
                                  : RunJob(job, reps);
    if (!WriteAll(out, res.dump() + "\n")) break;
  }
  reps.clear();
  _exit(0);
}

}  // namespace

common::Status WorkerPool::Start(int procs) {
  for (int k = 0; k < procs; ++k) {
    int down[2], up[2];
    // Close-on-exec: relais-hub (spawned later) must not hold the pipes.
    if (pipe2(down, O_CLOEXEC) != 0 || pipe2(up, O_CLOEXEC) != 0)
      return common::Status::Internal("pipe");
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) return common::Status::Internal("fork");
    if (pid == 0) {
      close(down[1]);
      close(up[0]);
      for (const Worker& w : workers_) {  // the earlier workers' parent ends
        close(w.to);
        close(w.from);
      }
      WorkerMain(down[0], up[1]);
    }
    close(down[0]);
    close(up[1]);
    workers_.push_back({pid, down[1], up[0]});
  }
  return common::Status::OK();
}

WorkerPool::~WorkerPool() {
  for (Worker& w : workers_) close(w.to);
  for (Worker& w : workers_) {
    int st;
    waitpid(w.pid, &st, 0);
    close(w.from);
  }
}

common::Result<std::vector<SyncJobResult>> WorkerPool::Run(
    const std::vector<SyncJob>& jobs) {
  if (jobs.size() > workers_.size())
    return common::Status::InvalidArgument("trop de tâches");
  for (size_t k = 0; k < jobs.size(); ++k) {
    const SyncJob& j = jobs[k];
    json line = {{"hub", j.hub},
                 {"ca_file", j.ca_file},
                 {"threads", j.threads},
                 {"noop", j.noop},
                 {"houses", json::array()}};
    for (const WorkerHouse& h : j.houses)
      line["houses"].push_back({{"index", h.index},
                                {"db", h.db},
                                {"token", h.token},
                                {"channel", h.channel},
                                {"hub", h.hub.empty() ? j.hub : h.hub}});
    if (!WriteAll(workers_[k].to, line.dump() + "\n"))
      return common::Status::Internal("processus " + std::to_string(k) +
                                      " injoignable");
  }
  std::vector<SyncJobResult> out(jobs.size());
  for (size_t k = 0; k < jobs.size(); ++k) {
    std::string line;
    if (!ReadLine(workers_[k].from, &line))
      return common::Status::Internal("processus " + std::to_string(k) +
                                      " arrêté");
    json r = json::parse(line, nullptr, false);
    if (r.is_discarded())
      return common::Status::Internal("réponse illisible: " + line);
    out[k].error = r.value("error", "");
    out[k].round_trips = r.value("round_trips", 0);
    for (const auto& p : r.value("ms", json::array()))
      out[k].ms.emplace_back(p[0].get<int>(), p[1].get<double>());
  }
  return out;
}

}  // namespace relais::server::bench
