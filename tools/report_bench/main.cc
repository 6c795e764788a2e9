// report-bench: times the funder report over a year of synthetic data.
// Prints one JSON line per measurement, then a summary line per kind.
//
//   usage_report (in memory): aggregation + suppression + JSON over facts
//     already in memory (FactsFromRecords done once, outside the timing).
//   With the hub linked, the path relais-hub really takes:
//   facts_build: a SqliteHubStore holding every record; the aggregate store
//     (FactStore) built from scratch from the hub's change feed, once.
//   usage_report_from_hub: one request = catch-up (nothing new) + read the
//     facts of the sites and months from the aggregate store + aggregate +
//     suppress + JSON. This is the latency the issue targets.
//   usage_report_from_hub with "cold": the same once more after the kernel
//     dropped its page cache (root only).
//   facts_catch_up_day: a day of activity at every site (status changes of
//     that day's appointments) pushed to the hub, then the catch-up a
//     request would do.
// Usage: report-bench [sites=50] [runs=7] [appointments_per_day=30]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/report/facts.h"
#include "common/report/report.h"
#include "common/report/suppression.h"
#include "common/report/release.h"
#include "common/report/release_serve.h"
#include "common/report/usage.h"
#include "common/util/time.h"
#include "tools/report_demo/seed.h"
#ifdef RELAIS_REPORT_BENCH_HUB
#include <unistd.h>

#include <filesystem>

#include "common/model/schema.h"
#include "server/report/fact_store.h"
#include "server/sqlite_hub_store.h"
#endif

namespace {

using Clock = std::chrono::steady_clock;
double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  using namespace relais;
  namespace report = common::report;
  const int sites = argc > 1 ? std::atoi(argv[1]) : 50;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 7;
  const int per_day = argc > 3 ? std::atoi(argv[3]) : 30;
  if (sites < 1 || runs < 1 || per_day < 1) {
    std::fprintf(stderr, "usage: report-bench [sites] [runs] [rdv/jour]\n");
    return 2;
  }
  const tools::SeedOptions o = tools::BenchSeedOptions(sites, per_day);
  const auto g0 = Clock::now();
  std::vector<common::Record> records = tools::SyntheticRecords(o);
  std::fprintf(stdout,
               "{\"bench\":\"seed\",\"sites\":%d,\"records\":%zu,\"ms\":%.1f}\n",
               sites, records.size(), MsSince(g0));
  report::UsageQuery q;
  q.from = "2026-01";
  q.to = "2026-12";
  for (const auto& s : o.sites) q.sites.push_back(s.id);
  q.now_s = common::ParisLocalToUtc({2027, 1, 1}, 0, 0);
  const report::FactSet in_memory = report::FactsFromRecords(records, q.sites);
  {
    // Issue #20: the year's release (joint suppression over every site x
    // month/quarter/year and the organisation), once a month at most, then
    // a request served from it.
    const auto t0 = Clock::now();
    report::YearRelease empty;
    empty.year = 2026;
    auto rel = report::ExtendRelease(empty, in_memory, q.now_s);
    if (!rel.ok()) {
      std::fprintf(stderr, "%s\n", rel.status().ToString().c_str());
      return 1;
    }
    const double build_ms = MsSince(t0);
    size_t masked = 0, cells = 0;
    for (const auto& [key, row] : rel->rows)
      for (const auto& [col, cell] : row.cells) {
        ++cells;
        masked += cell.mask != report::Mask::kNone;
      }
    const auto t1 = Clock::now();
    report::ReleaseQuery rq{"2026-01", "2026-12", report::Granularity::kMonth,
                            q.sites, q.now_s, {}};
    auto served = report::ServeRelease({{2026, *rel}}, rq);
    if (!served.ok()) return 1;
    const size_t bytes = report::RenderJson(*served).size();
    std::fprintf(stdout,
                 "{\"bench\":\"release_year\",\"sites\":%d,\"build_ms\":%.1f,"
                 "\"cells\":%zu,\"masked\":%zu,\"serve_json_ms\":%.1f,\"bytes\":%zu}\n",
                 sites, build_ms, cells, masked, MsSince(t1), bytes);
    std::fflush(stdout);
  }
  for (auto g : {report::Granularity::kMonth, report::Granularity::kWeek}) {
    q.granularity = g;
    std::vector<double> ms;
    size_t bytes = 0;
    for (int run = 1; run <= runs; ++run) {
      const auto t0 = Clock::now();
      auto r = report::BuildUsageReport(in_memory, q);
      if (!r.ok()) {
        std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
        return 1;
      }
      const double build_ms = MsSince(t0);
      const auto t1 = Clock::now();
      report::ApplySuppression(&*r);
      const double secret_ms = MsSince(t1);
      const auto t2 = Clock::now();
      bytes = report::RenderJson(*r).size();
      const double json_ms = MsSince(t2);
      ms.push_back(MsSince(t0));
      std::fprintf(stdout,
                   "{\"bench\":\"usage_report\",\"source\":\"memory\","
                   "\"sites\":%d,\"records\":%zu,\"granularity\":\"%s\","
                   "\"run\":%d,\"ms\":%.1f,\"aggregate_ms\":%.1f,"
                   "\"suppress_ms\":%.1f,\"json_ms\":%.1f}\n",
                   sites, records.size(), report::GranularityName(g), run,
                   ms.back(), build_ms, secret_ms, json_ms);
    }
    std::fprintf(stdout,
                 "{\"bench\":\"usage_report\",\"source\":\"memory\","
                 "\"summary\":true,\"sites\":%d,\"records\":%zu,"
                 "\"granularity\":\"%s\",\"runs\":%d,\"median_ms\":%.1f,"
                 "\"max_ms\":%.1f,\"json_bytes\":%zu}\n",
                 sites, records.size(), report::GranularityName(g), runs,
                 Median(ms), *std::max_element(ms.begin(), ms.end()), bytes);
  }
#ifdef RELAIS_REPORT_BENCH_HUB
  {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() /
                         ("report-bench-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    // The hub's clock after the synthetic year (its writes are not "ahead").
    static common::FakeClock hub_clock(common::ParisLocalToUtc({2027, 6, 1}, 0, 0) * 1000);
    auto store = server::SqliteHubStore::Open((dir / "hub.db").string(), true, &hub_clock);
    if (!store.ok()) return 1;
    server::Scope scope{"bench", "report-bench-loader", q.sites};
    std::sort(scope.sites.begin(), scope.sites.end());
    const auto l0 = Clock::now();
    // Each record pushed by its author (the hub takes writes only from it).
    for (const auto& [author, run] : tools::RunsByAuthor(records)) {
      server::Scope as = scope;
      as.replica_id = author;
      for (size_t i = 0; i < run.size(); i += 1000) {
        std::vector<common::Record> batch(
            run.begin() + static_cast<long>(i),
            run.begin() + static_cast<long>(std::min(run.size(), i + 1000)));
        auto p = (*store)->Push(as, batch);
        if (!p.ok()) {
          std::fprintf(stderr, "%s\n", p.status().ToString().c_str());
          return 1;
        }
      }
    }
    std::fprintf(stdout, "{\"bench\":\"hub_load\",\"records\":%zu,\"ms\":%.1f}\n",
                 records.size(), MsSince(l0));
    auto facts = server::FactStore::Open((dir / "hub-agregats.db").string(), true);
    if (!facts.ok()) return 1;
    const auto b0 = Clock::now();
    auto built = (*facts)->CatchUp(**store);
    if (!built.ok() || !built->complete) {
      std::fprintf(stderr, "catch-up failed\n");
      return 1;
    }
    const double build_ms = MsSince(b0);
    std::fprintf(stdout,
                 "{\"bench\":\"facts_build\",\"records\":%zu,\"ms\":%.1f,"
                 "\"records_per_s\":%.0f,\"facts_db_bytes\":%ju,"
                 "\"hub_db_bytes\":%ju}\n",
                 built->applied, build_ms, built->applied / (build_ms / 1000),
                 static_cast<uintmax_t>(fs::file_size(dir / "hub-agregats.db")),
                 static_cast<uintmax_t>(fs::file_size(dir / "hub.db")));
    int64_t d0 = 0, d1 = 0;
    if (!report::QueryDays(q, &d0, &d1).ok()) return 1;
    for (auto g : {report::Granularity::kMonth, report::Granularity::kWeek}) {
      q.granularity = g;
      std::vector<double> all;
      size_t bytes = 0;
      for (int run = 1; run <= runs; ++run) {
        const auto t0 = Clock::now();
        auto c = (*facts)->CatchUp(**store, 20000);
        if (!c.ok()) return 1;
        auto f = (*facts)->Read(q.sites, d0, d1);
        if (!f.ok()) return 1;
        const double read_ms = MsSince(t0);
        auto r = report::BuildUsageReport(*f, q);
        if (!r.ok()) return 1;
        report::ApplySuppression(&*r);
        bytes = report::RenderJson(*r).size();
        all.push_back(MsSince(t0));
        std::fprintf(stdout,
                     "{\"bench\":\"usage_report_from_hub\",\"sites\":%d,"
                     "\"granularity\":\"%s\",\"run\":%d,\"read_ms\":%.1f,"
                     "\"ms\":%.1f}\n",
                     sites, report::GranularityName(g), run, read_ms, all.back());
      }
      std::fprintf(stdout,
                   "{\"bench\":\"usage_report_from_hub\",\"summary\":true,"
                   "\"sites\":%d,\"records\":%zu,\"granularity\":\"%s\","
                   "\"runs\":%d,\"median_ms\":%.1f,\"max_ms\":%.1f,"
                   "\"json_bytes\":%zu}\n",
                   sites, records.size(), report::GranularityName(g), runs,
                   Median(all), *std::max_element(all.begin(), all.end()), bytes);
    }
    // One request with a cold page cache (the store reopened after the
    // kernel dropped its caches; needs root, skipped otherwise).
    {
      q.granularity = report::Granularity::kMonth;
      facts->reset();
      ::sync();
      std::FILE* drop = std::fopen("/proc/sys/vm/drop_caches", "w");
      const bool dropped = drop && std::fputs("3\n", drop) >= 0 &&
                           std::fclose(drop) == 0;
      if (!dropped && drop) std::fclose(drop);
      const auto t0 = Clock::now();
      facts = server::FactStore::Open((dir / "hub-agregats.db").string(), false);
      if (!facts.ok()) return 1;
      auto c = (*facts)->CatchUp(**store, 20000);
      auto f = (*facts)->Read(q.sites, d0, d1);
      if (!c.ok() || !f.ok()) return 1;
      auto r = report::BuildSuppressedUsageReport(*f, q);
      if (!r.ok()) return 1;
      const size_t bytes = report::RenderJson(*r).size();
      if (dropped)
        std::fprintf(stdout,
                     "{\"bench\":\"usage_report_from_hub\",\"cold\":true,"
                     "\"sites\":%d,\"granularity\":\"month\",\"ms\":%.1f,"
                     "\"json_bytes\":%zu}\n",
                     sites, MsSince(t0), bytes);
      else
        std::fprintf(stdout,
                     "{\"bench\":\"usage_report_from_hub\",\"cold\":"
                     "\"skipped: dropping the page cache needs root\"}\n");
    }
    // A day of activity everywhere: every appointment of one day changes
    // status (a new write by the loader replica), then one catch-up.
    const int64_t day = common::DaysFromCivil({2026, 6, 15});
    std::vector<common::Record> changed;
    uint64_t counter = 1u << 30;
    for (const common::Record& r : records) {
      if (r.collection != common::Collection::kAppointment) continue;
      auto f = r.fields.find(common::field::kStart);
      int64_t start = 0;
      if (f == r.fields.end() ||
          !common::ParseInt64(f->second.front().value, &start) ||
          common::DaysFromCivil(common::ParisDate(start)) != day)
        continue;
      common::Record c = r;
      const common::Dot dot{"report-bench-loader", ++counter};
      c.vv.Set(dot.replica, dot.counter);
      c.fields[common::field::kStatus] = {
          {"no_show", dot, common::MakeHlc(start * 1000 + 3600000, 0)}};
      changed.push_back(std::move(c));
    }
    auto p = (*store)->Push(scope, changed);
    if (!p.ok()) {
      std::fprintf(stderr, "%s\n", p.status().ToString().c_str());
      return 1;
    }
    const auto c0 = Clock::now();
    auto c = (*facts)->CatchUp(**store, 20000);
    if (!c.ok()) return 1;
    std::fprintf(stdout,
                 "{\"bench\":\"facts_catch_up_day\",\"sites\":%d,"
                 "\"changed_records\":%zu,\"applied\":%zu,\"ms\":%.1f}\n",
                 sites, changed.size(), c->applied, MsSince(c0));
    facts->reset();
    store->reset();
    fs::remove_all(dir);
  }
#endif
  return 0;
}
