// relais-slot-bench [--seed N] [--queries N] [--cli PATH [--cli-queries N]]
// Builds a replica (temp file) holding 60 practitioners x 6 sites x 8 weeks
// of plages and a realistic appointment load (bookings 85 % full in week 1
// falling to 15 % in week 8, 3 % cancelled, a few leaves and absences),
// then times `slot next`-like searches. Prints JSON lines:
//   {"bench":"slot_next","mode":"search",...}   SlotIndex::Find (index built once)
//   {"bench":"slot_next","mode":"load+search",...} SearchReplica on an open
//       replica: replica read (lean), index build and search
//   {"bench":"slot_next","mode":"open+load+search",...} the same plus
//       Replica::Open: `relais slot next` minus process start
//   {"bench":"slot_next","mode":"cli",...} (with --cli PATH to the relais
//       binary) the whole process `relais slot next`, spawned and waited for
//   {"bench":"slot_next","mode":"warm",...} SlotCache::Find, with a booking
//       of a proposed slot through the same Replica before each query (the
//       refresh is timed; a first search reading every chunk is not, its
//       time is printed as warmup_ms)
// Each line: p50/p99/max of the wall time and p50/p99 of the CPU time
// (this thread's, or the child process's for cli): on a shared machine the
// CPU time is what the search costs, the wall time what a user waited.
// Every mode checks its slots against SearchReplica's. Target (issue #19):
// p99 <= 10 ms on a replica (warm).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/domain/slots.h"
#include "common/merge/merge.h"
#include "common/domain/plage_input.h"
#include "common/model/schedule.h"
#include "common/replica/replica.h"
#include "common/replica/slot_cache.h"
#include "common/replica/slot_inputs.h"
#include "common/util/time.h"

namespace {

using namespace relais::common;

constexpr int kPractitioners = 60, kSites = 6, kWeeks = 8;

Record Make(Collection c, const std::string& id, const std::string& site,
            const std::map<std::string, std::string>& f, Hlc* hlc) {
  Record r;
  r.collection = c;
  r.id = id;
  r.site_id = site;
  ApplyLocalWrite(&r, "seed", ++*hlc, f);
  return r;
}

std::string Site(int i) { return "site" + std::to_string(i); }

// Monday 2027-01-04 (CET), start of the 8 weeks.
const CivilDate kMonday{2027, 1, 4};

std::vector<Record> Workload(std::mt19937_64& rng, int* n_plages, int* n_appts) {
  std::vector<Record> out;
  Hlc hlc = 1;
  static const char* kProf[] = {"medecin", "medecin", "medecin", "infirmier", "kine"};
  for (int p = 0; p < kPractitioners; ++p) {
    const std::string home = Site(p % kSites), other = Site((p + 1) % kSites);
    const std::string ref = "p" + std::to_string(p) + "@" + home;
    out.push_back(Make(Collection::kPractitioner, ref, home,
                       {{field::kName, "Dr " + std::to_string(p)},
                        {field::kProfession, kProf[p % 5]}},
                       &hlc));
    for (int wd = 1; wd <= 5; ++wd) {
      for (int half = 0; half < 2; ++half) {
        Schedule s;
        s.practitioner = ref;
        s.weekday = wd;
        s.start_time = half ? "14:00" : "08:30";
        s.end_time = half ? "19:00" : "12:30";
        s.kind = (wd == 3 && half) ? "visite_domicile" : "programmee";
        s.slot_min = half ? 20 : 15;
        s.valid_from = FormatDate(kMonday);
        s.valid_to = FormatDate(CivilFromDays(DaysFromCivil(kMonday) + 7 * kWeeks - 1));
        const std::string site = (wd + half) % 2 ? home : other;
        out.push_back(Make(Collection::kSchedule,
                           "plg-" + std::to_string(p) + "-" + std::to_string(wd * 2 + half),
                           site, ScheduleChanges(s), &hlc));
        ++*n_plages;
        // Bookings: each slot of each week, with a fill rate falling
        // linearly from 85 % (week 1) to 15 % (week 8).
        for (int w = 0; w < kWeeks; ++w) {
          const double fill = 0.85 - 0.10 * w;
          const CivilDate day = CivilFromDays(DaysFromCivil(kMonday) + 7 * w + wd - 1);
          const int from = half ? 14 * 60 : 8 * 60 + 30, to = half ? 19 * 60 : 12 * 60 + 30;
          for (int m = from; m + s.slot_min <= to; m += s.slot_min) {
            if (std::uniform_real_distribution<double>(0, 1)(rng) >= fill) continue;
            const std::string id = "rdv-" + std::to_string(++*n_appts);
            out.push_back(Make(
                Collection::kAppointment, id, site,
                {{field::kPractitioner, ref},
                 {field::kStart, std::to_string(ParisLocalToUtc(day, m / 60, m % 60))},
                 {field::kDuration, std::to_string(s.slot_min)},
                 {field::kStatus, rng() % 100 < 3 ? "cancelled" : "booked"}},
                &hlc));
          }
        }
      }
    }
    if (p % 10 == 0) {  // a week of leave for one practitioner in ten
      const CivilDate d = CivilFromDays(DaysFromCivil(kMonday) + 14);
      out.push_back(Make(Collection::kScheduleException, "exc-" + std::to_string(p), home,
                         {{field::kKind, "conge"}, {field::kPractitioner, ref},
                          {field::kReplacement, ""}, {field::kFirstDay, FormatDate(d)},
                          {field::kLastDay, FormatDate(CivilFromDays(DaysFromCivil(d) + 4))}},
                         &hlc));
    }
  }
  return out;
}

// CPU time of this thread (ms): what a search costs, whatever else the
// machine runs (the wall time is also printed).
double CpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double Percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))];
}

domain::SlotQuery RandomQuery(std::mt19937_64& rng) {
  domain::SlotQuery q;
  const int pick = static_cast<int>(rng() % 20);
  if (pick < 5) q.sites = {Site(static_cast<int>(rng() % kSites))};
  else if (pick < 8) q.practitioner = "p" + std::to_string(rng() % kPractitioners) + "@" +
                                      Site(static_cast<int>(rng() % kSites));
  else if (pick < 10) q.profession = "kine";
  const int64_t start = ParisLocalToUtc(kMonday, 7, 0);
  q.after = start + static_cast<int64_t>(rng() % (7 * kWeeks * 86400));
  q.count = 5;
  return q;
}

// Runs `cli slot next` for `q` on `db`, output discarded; wall time in ms
// (the process's CPU time in *cpu_ms), or a negative value if it could not
// run or failed.
double TimeCli(const std::string& cli, const std::string& db, const domain::SlotQuery& q,
               double* cpu_ms) {
  std::vector<std::string> args = {cli, "slot", "next", "--db", db, "--after",
                                   FormatParisDateTime(q.after), "--count",
                                   std::to_string(q.count)};
  for (const std::string& site : q.sites) args.insert(args.end(), {"--site", site});
  if (!q.practitioner.empty()) args.insert(args.end(), {"--practitioner", q.practitioner});
  if (!q.profession.empty()) args.insert(args.end(), {"--profession", q.profession});
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, cli.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -1;
  int status = 0;
  rusage ru{};
  if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return -1;
  *cpu_ms = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
            static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

struct Args {
  uint64_t seed = 19;
  int queries = 400;
  int cli_queries = 100;
  std::string cli;
};

bool ParseArgs(int argc, char** argv, Args* a) {
  if (argc % 2 == 0) return false;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--cli") {
      struct stat st{};
      if (v.empty() || v.size() > 4096 || ::stat(v.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
          (st.st_mode & 0111) == 0)
        return false;  // not an executable file
      a->cli = v;
      continue;
    }
    int64_t n = 0;
    if (!ParseInt64(v, &n) || n < 1 || n > 1000000) return false;
    if (k == "--seed") a->seed = static_cast<uint64_t>(n);
    else if (k == "--queries") a->queries = static_cast<int>(n);
    else if (k == "--cli-queries") a->cli_queries = static_cast<int>(n);
    else return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!ParseArgs(argc, argv, &args)) {
    std::fprintf(stderr,
                 "relais-slot-bench: usage: [--seed N] [--queries 1..1000000] "
                 "[--cli CHEMIN_EXÉCUTABLE_relais [--cli-queries 1..1000000]]\n");
    return 2;
  }
  const uint64_t seed = args.seed;
  const int queries = args.queries;
  std::mt19937_64 rng(seed);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("relais-slot-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string db = (dir / "sec.db").string();
  int n_plages = 0, n_appts = 0;
  auto fail = [&](const Status& s) {
    std::fprintf(stderr, "relais-slot-bench: %s\n", s.ToString().c_str());
    std::filesystem::remove_all(dir);
    return 1;
  };
  if (auto id = Replica::Init(db, Site(0)); !id.ok()) return fail(id.status());
  auto rep = Replica::Open(db);
  if (!rep.ok()) return fail(rep.status());
  const std::vector<Record> records = Workload(rng, &n_plages, &n_appts);
  if (auto st = (*rep)->store()->ApplyRemote(records, {}); !st.ok()) return fail(st.status());

  struct Mode {
    std::string name;
    std::vector<double> wall, cpu;  // ms per query
  };
  std::vector<Mode> modes = {{"search", {}, {}}, {"load+search", {}, {}},
                             {"open+load+search", {}, {}}, {"cli", {}, {}}, {"warm", {}, {}}};
  Mode& pure = modes[0];
  Mode& full = modes[1];
  Mode& opened = modes[2];
  Mode& cli = modes[3];
  Mode& warm = modes[4];
  struct Start {
    std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
    double cpu = CpuMs();
  };
  auto record = [](const Start& t0, Mode* m) {
    m->wall.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0.wall)
            .count());
    m->cpu.push_back(CpuMs() - t0.cpu);
  };
  domain::SlotQuery wide;
  wide.after = ParisLocalToUtc(kMonday, 0, 0);
  wide.horizon_days = domain::kMaxHorizonDays;
  auto all = LoadSlotInputs(**rep, wide);
  if (!all.ok()) return fail(all.status());
  const domain::SlotIndex index(*all);
  int64_t found = 0;
  for (int i = 0; i < queries; ++i) {
    domain::SlotQuery q = RandomQuery(rng);
    q.after -= q.after % 60;  // whole minutes, as the CLI takes them
    Start t0;
    auto r = index.Find(q);
    record(t0, &pure);
    if (!r.ok()) return fail(r.status());
    found += static_cast<int64_t>(r->slots.size());
    t0 = Start();
    auto r2 = SearchReplica(**rep, q);
    record(t0, &full);
    if (!r2.ok()) return fail(r2.status());
    if (r2->slots != r->slots) return fail(Status::Internal("résultats différents"));
    t0 = Start();
    {
      auto fresh = Replica::Open(db);
      if (!fresh.ok()) return fail(fresh.status());
      auto r3 = SearchReplica(**fresh, q);
      record(t0, &opened);
      if (!r3.ok()) return fail(r3.status());
      if (r3->slots != r->slots) return fail(Status::Internal("résultats différents (ouverture)"));
    }
    if (!args.cli.empty() && i < args.cli_queries) {
      double cpu_ms = 0;
      const double ms = TimeCli(args.cli, db, q, &cpu_ms);
      if (ms < 0) return fail(Status::Internal("échec de " + args.cli + " slot next"));
      cli.wall.push_back(ms);
      cli.cpu.push_back(cpu_ms);
    }
  }

  // Warm: one SlotCache; before each query, book one of the slots the
  // previous query proposed (as a secretary would), through the same Replica.
  auto cache = SlotCache::Open(rep->get());
  if (!cache.ok()) return fail(cache.status());
  // Warm-up (reported, not in the percentiles): one search over every day
  // the timed queries can reach reads all the chunks they will use, as a
  // secretariat screen does on its first search.
  domain::SlotQuery warmup;
  warmup.after = ParisLocalToUtc(kMonday, 0, 0);
  warmup.horizon_days = 7 * kWeeks + domain::kDefaultHorizonDays + 7;
  warmup.count = domain::kMaxSlotCount;
  warmup.practitioner = "personne@" + Site(0);  // no slot: every day searched
  const auto t_w = std::chrono::steady_clock::now();
  if (auto w = (*cache)->Find(warmup); !w.ok()) return fail(w.status());
  const double warmup_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_w).count();
  domain::SlotSearch last;
  int booked = 0;
  for (int i = 1; i <= queries; ++i) {
    if (!last.slots.empty()) {
      const domain::Slot& s = last.slots[rng() % last.slots.size()];
      NewAppointment a;
      a.practitioner = s.practitioner;
      a.patient_name = "Patient Banc";
      a.patient_birth = "1960-01-01";
      a.start = s.start;
      a.duration_min = s.duration_min;
      auto added = (*rep)->AddAppointment(a);
      if (!added.ok()) return fail(added.status());
      ++booked;
    }
    const domain::SlotQuery q = RandomQuery(rng);
    Start t0;
    auto r = (*cache)->Find(q);
    record(t0, &warm);
    if (!r.ok()) return fail(r.status());
    auto check = SearchReplica(**rep, q);
    if (!check.ok()) return fail(check.status());
    if (check->slots != r->slots) return fail(Status::Internal("résultats différents (cache)"));
    last = std::move(*r);
  }
  const SlotCache::Stats& cs = (*cache)->stats();
  for (const Mode& m : modes) {
    if (m.wall.empty()) continue;
    const std::string& mode = m.name;
    std::printf("{\"bench\":\"slot_next\",\"mode\":\"%s\",\"seed\":%llu,\"n\":%zu,"
                "\"practitioners\":%d,\"sites\":%d,\"weeks\":%d,\"plages\":%d,"
                "\"appointments\":%d,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,"
                "\"cpu_p50_ms\":%.3f,\"cpu_p99_ms\":%.3f,",
                mode.c_str(), static_cast<unsigned long long>(seed), m.wall.size(),
                kPractitioners, kSites, kWeeks, n_plages, n_appts, Percentile(m.wall, 0.50),
                Percentile(m.wall, 0.99), *std::max_element(m.wall.begin(), m.wall.end()),
                Percentile(m.cpu, 0.50), Percentile(m.cpu, 0.99));
    if (mode == "search") std::printf("\"slots_found\":%lld,", static_cast<long long>(found));
    if (mode == "warm")
      std::printf("\"bookings\":%d,\"warmup_ms\":%.3f,\"full_loads\":%d,"
                  "\"chunk_loads\":%d,\"index_builds\":%d,\"index_build_ms\":%.1f,\"records_reread\":%d,",
                  booked, warmup_ms, cs.full_loads, cs.chunk_loads, cs.index_builds,
                  cs.index_build_ms, cs.records_reread);
    std::printf("\"target_ms\":10}\n");
  }
  cache->reset();
  rep->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
