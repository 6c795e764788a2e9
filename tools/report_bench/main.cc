// report-bench: times the funder report over a year of synthetic data.
// Prints one JSON line per measurement, then a summary line:
//   {"bench":"usage_report","sites":50,"records":N,"granularity":"month",
//    "run":1,"ms":123.4}
//   {"bench":"usage_report","summary":true,...,"median_ms":...,"max_ms":...}
// With the hub store linked, a last line times the whole path the hub takes
// for a request: read every record of the sites from a SqliteHubStore file
// (indexed pull + decode) and aggregate, suppress, render:
//   {"bench":"usage_report_from_hub",...,"read_ms":...,"ms":...}
// Usage: report-bench [sites=50] [runs=7] [appointments_per_day=30]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/report/report.h"
#include "common/report/suppression.h"
#include "common/report/usage.h"
#include "common/util/time.h"
#include "tools/report_demo/seed.h"
#ifdef RELAIS_REPORT_BENCH_HUB
#include <filesystem>
#include "server/sqlite_hub_store.h"
#endif

int main(int argc, char** argv) {
  using namespace relais;
  const int sites = argc > 1 ? std::atoi(argv[1]) : 50;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 7;
  const int per_day = argc > 3 ? std::atoi(argv[3]) : 30;
  if (sites < 1 || runs < 1 || per_day < 1) {
    std::fprintf(stderr, "usage: report-bench [sites] [runs] [rdv/jour]\n");
    return 2;
  }
  tools::SeedOptions o;
  o.months = 12;
  for (int i = 0; i < sites; ++i)
    o.sites.push_back({"site-" + std::to_string(i), per_day, 3, 2});
  const auto g0 = std::chrono::steady_clock::now();
  const std::vector<common::Record> records = tools::SyntheticRecords(o);
  const double gen_ms = std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - g0).count();
  std::fprintf(stdout,
               "{\"bench\":\"seed\",\"sites\":%d,\"records\":%zu,\"ms\":%.1f}\n",
               sites, records.size(), gen_ms);
  common::report::UsageQuery q;
  q.from = "2026-01";
  q.to = "2026-12";
  for (const auto& s : o.sites) q.sites.push_back(s.id);
  q.now_s = common::ParisLocalToUtc({2027, 1, 1}, 0, 0);
  for (auto g : {common::report::Granularity::kMonth,
                 common::report::Granularity::kWeek}) {
    q.granularity = g;
    std::vector<double> ms;
    size_t bytes = 0;
    for (int run = 1; run <= runs; ++run) {
      using Clock = std::chrono::steady_clock;
      auto since = [](Clock::time_point t) {
        return std::chrono::duration<double, std::milli>(Clock::now() - t)
            .count();
      };
      const auto t0 = Clock::now();
      auto r = common::report::BuildUsageReport(records, q);
      if (!r.ok()) {
        std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
        return 1;
      }
      const double build_ms = since(t0);
      const auto t1 = Clock::now();
      common::report::ApplySuppression(&*r);
      const double secret_ms = since(t1);
      const auto t2 = Clock::now();
      bytes = common::report::RenderJson(*r).size();
      const double json_ms = since(t2);
      ms.push_back(since(t0));
      std::fprintf(stdout,
                   "{\"bench\":\"usage_report\",\"sites\":%d,\"records\":%zu,"
                   "\"granularity\":\"%s\",\"run\":%d,\"ms\":%.1f,"
                   "\"aggregate_ms\":%.1f,\"suppress_ms\":%.1f,"
                   "\"json_ms\":%.1f}\n",
                   sites, records.size(), common::report::GranularityName(g),
                   run, ms.back(), build_ms, secret_ms, json_ms);
    }
    std::sort(ms.begin(), ms.end());
    std::fprintf(stdout,
                 "{\"bench\":\"usage_report\",\"summary\":true,\"sites\":%d,"
                 "\"records\":%zu,\"granularity\":\"%s\",\"runs\":%d,"
                 "\"median_ms\":%.1f,\"max_ms\":%.1f,\"json_bytes\":%zu}\n",
                 sites, records.size(), common::report::GranularityName(g), runs,
                 ms[ms.size() / 2], ms.back(), bytes);
  }
#ifdef RELAIS_REPORT_BENCH_HUB
  {
    namespace fs = std::filesystem;
    const fs::path db = fs::temp_directory_path() / "report-bench-hub.db";
    fs::remove(db);
    auto store = server::SqliteHubStore::Open(db.string(), true);
    if (!store.ok()) return 1;
    server::Scope scope{"bench", "report-bench-loader", q.sites};
    std::sort(scope.sites.begin(), scope.sites.end());
    for (size_t i = 0; i < records.size(); i += 1000) {
      std::vector<common::Record> batch(
          records.begin() + static_cast<long>(i),
          records.begin() + static_cast<long>(std::min(records.size(), i + 1000)));
      auto p = (*store)->Push(scope, batch);
      if (!p.ok()) {
        std::fprintf(stderr, "%s\n", p.status().ToString().c_str());
        return 1;
      }
    }
    server::Scope reader{"council", "council-report", scope.sites};
    q.granularity = common::report::Granularity::kMonth;
    std::vector<double> all;
    for (int run = 1; run <= 3; ++run) {
      using Clock = std::chrono::steady_clock;
      const auto t0 = Clock::now();
      std::vector<common::Record> read;
      uint64_t after = 0;
      for (;;) {
        auto p = (*store)->Pull(reader, after, 10000, 64 << 20);
        if (!p.ok()) return 1;
        read.insert(read.end(), std::make_move_iterator(p->records.begin()),
                    std::make_move_iterator(p->records.end()));
        after = p->cursor;
        if (!p->has_more) break;
      }
      const double read_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      auto r = common::report::BuildUsageReport(read, q);
      if (!r.ok()) return 1;
      common::report::ApplySuppression(&*r);
      const size_t bytes = common::report::RenderJson(*r).size();
      all.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      std::fprintf(stdout,
                   "{\"bench\":\"usage_report_from_hub\",\"sites\":%d,\"records\":%zu,"
                   "\"run\":%d,\"read_ms\":%.1f,\"ms\":%.1f,\"json_bytes\":%zu}\n",
                   sites, read.size(), run, read_ms, all.back(), bytes);
    }
    store->reset();
    fs::remove(db);
  }
#endif
  return 0;
}
