// relais-slot-bench [--seed N] [--queries N]
// Builds a replica (temp file) holding 60 practitioners x 6 sites x 8 weeks
// of plages and a realistic appointment load (bookings 85 % full in week 1
// falling to 15 % in week 8, 3 % cancelled, a few leaves and absences),
// then times `slot next`-like searches. Prints JSON lines:
//   {"bench":"slot_next","mode":"search",...}   SlotIndex::Find (index built once)
//   {"bench":"slot_next","mode":"load+search",...} SearchReplica: replica read,
//       index build and search, as `relais slot next` minus process start
// Target (issue #19): p99 of the search <= 10 ms.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include "common/domain/slots.h"
#include "common/merge/merge.h"
#include "common/domain/plage_input.h"
#include "common/model/schedule.h"
#include "common/replica/replica.h"
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

}  // namespace

int main(int argc, char** argv) {
  uint64_t seed = 19;
  int queries = 400;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    int64_t v = 0;
    if (!ParseInt64(argv[i + 1], &v) || v < 1 || v > 1000000 ||
        (k != "--seed" && k != "--queries")) {
      std::fprintf(stderr, "relais-slot-bench: usage: [--seed N] [--queries 1..1000000]\n");
      return 2;
    }
    if (k == "--seed") seed = static_cast<uint64_t>(v);
    else queries = static_cast<int>(v);
  }
  if (argc % 2 == 0) {
    std::fprintf(stderr, "relais-slot-bench: usage: [--seed N] [--queries 1..1000000]\n");
    return 2;
  }
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

  std::vector<double> pure, full;
  domain::SlotQuery wide;
  wide.after = ParisLocalToUtc(kMonday, 0, 0);
  wide.horizon_days = domain::kMaxHorizonDays;
  auto all = LoadSlotInputs(**rep, wide);
  if (!all.ok()) return fail(all.status());
  const domain::SlotIndex index(*all);
  int64_t found = 0;
  for (int i = 0; i < queries; ++i) {
    const domain::SlotQuery q = RandomQuery(rng);
    auto t0 = std::chrono::steady_clock::now();
    auto r = index.Find(q);
    auto t1 = std::chrono::steady_clock::now();
    if (!r.ok()) return fail(r.status());
    found += static_cast<int64_t>(r->slots.size());
    pure.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    auto r2 = SearchReplica(**rep, q);
    auto t2 = std::chrono::steady_clock::now();
    if (!r2.ok()) return fail(r2.status());
    if (r2->slots != r->slots) return fail(Status::Internal("résultats différents"));
    full.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
  }
  for (const auto& [mode, v] : {std::pair{"search", &pure}, {"load+search", &full}})
    std::printf("{\"bench\":\"slot_next\",\"mode\":\"%s\",\"seed\":%llu,\"queries\":%d,"
                "\"practitioners\":%d,\"sites\":%d,\"weeks\":%d,\"plages\":%d,"
                "\"appointments\":%d,\"slots_found\":%lld,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
                "\"target_ms\":10}\n",
                mode, static_cast<unsigned long long>(seed), queries, kPractitioners, kSites,
                kWeeks, n_plages, n_appts, static_cast<long long>(found),
                Percentile(*v, 0.50), Percentile(*v, 0.99));
  rep->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
