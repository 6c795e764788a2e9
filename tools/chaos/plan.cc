#include "tools/chaos/plan.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <sstream>

namespace relais::chaos {

const char* SiteOf(int replica) {
  static const char* kSites[kReplicas] = {"S1", "S1", "S2", "S2", "S3"};
  return kSites[replica];
}

const char* KindName(StepKind k) {
  switch (k) {
    case StepKind::kWrite: return "write";
    case StepKind::kWriteKilled: return "write-kill9";
    case StepKind::kSync: return "sync";
    case StepKind::kSyncCut: return "sync-cut";
    case StepKind::kSyncKilled: return "sync-kill9";
    case StepKind::kHubKill: return "hub-kill9";
    case StepKind::kDiskFull: return "disk-full";
  }
  return "?";
}

namespace {

Write RandomWrite(std::mt19937_64& rng, uint64_t seed, int index) {
  Write w;
  const int r = std::uniform_int_distribution<int>(0, 9)(rng);
  w.op = r < 5 ? WriteOp::kAppointment : r < 8 ? WriteOp::kLedger : WriteOp::kPresence;
  w.unique = "C" + std::to_string(seed) + "-" + std::to_string(index);
  w.amount_cents = std::uniform_int_distribution<int64_t>(1, 500000)(rng);
  w.day = std::uniform_int_distribution<int>(23, 27)(rng);  // few keys: conflicts
  w.minute = 15 * std::uniform_int_distribution<int>(0, 35)(rng);
  w.pm = std::uniform_int_distribution<int>(0, 1)(rng) == 1;
  w.state = std::uniform_int_distribution<int>(0, 2)(rng);
  return w;
}

Step MakeStep(StepKind kind, std::mt19937_64& rng, uint64_t seed, int index) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  Step s;
  s.kind = kind;
  s.replica = pick(0, kReplicas - 1);
  s.write = RandomWrite(rng, seed, index);
  switch (kind) {
    case StepKind::kWriteKilled:
      s.delay_us = pick(0, 3000);  // a write holds its replica ~1-5 ms
      break;
    case StepKind::kSyncKilled:
      s.delay_us = pick(0, 15000);
      break;
    case StepKind::kSyncCut:
      if (pick(0, 1)) {
        s.cut_after_bytes = pick(200, 6000);
      } else {
        s.cut_probability = 0.05 * pick(1, 6);
      }
      break;
    case StepKind::kHubKill: {
      s.delay_us = pick(0, 8000);
      std::vector<int> all = {0, 1, 2, 3, 4};
      std::shuffle(all.begin(), all.end(), rng);
      s.others.assign(all.begin(), all.begin() + pick(2, 4));
      break;
    }
    case StepKind::kDiskFull: {
      s.others = {pick(0, kReplicas - 1)};
      s.hub_disk = pick(0, 1) == 1;
      static const int kSlack[] = {0, 0, 16, 48, 96};
      s.slack_kb = kSlack[pick(0, 4)];
      break;
    }
    default:
      break;
  }
  return s;
}

}  // namespace

Plan MakePlan(uint64_t seed) {
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 1);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  Plan p;
  p.seed = seed;
  for (int i = 0; i < kReplicas; ++i) {
    const int r = pick(0, 3);
    p.skew_s[i] = r == 0 ? -86400 : r == 1 ? 86400 : 0;
  }
  const int forced = pick(0, kReplicas - 1);  // at least one skewed clock
  if (p.skew_s[forced] == 0) p.skew_s[forced] = pick(0, 1) ? 86400 : -86400;
  // Every fault at least once, then random steps; shuffled together.
  std::vector<StepKind> kinds = {StepKind::kWriteKilled, StepKind::kSyncKilled,
                                 StepKind::kSyncCut, StepKind::kHubKill,
                                 StepKind::kDiskFull};
  const int extra = pick(12, 18);
  for (int i = 0; i < extra; ++i) {
    const int r = pick(0, 99);
    kinds.push_back(r < 50 ? StepKind::kWrite
                    : r < 72 ? StepKind::kSync
                    : r < 84 ? StepKind::kSyncCut
                    : r < 90 ? StepKind::kWriteKilled
                    : r < 96 ? StepKind::kSyncKilled
                             : StepKind::kHubKill);
  }
  std::shuffle(kinds.begin(), kinds.end(), rng);
  for (size_t i = 0; i < kinds.size() && i < static_cast<size_t>(kMaxSteps); ++i)
    p.steps.push_back(MakeStep(kinds[i], rng, seed, static_cast<int>(i)));
  return p;
}

std::vector<std::string> WriteCommand(const std::string& db, const Write& w) {
  char day[16];
  std::snprintf(day, sizeof day, "2026-11-%02d", w.day);
  switch (w.op) {
    case WriteOp::kAppointment: {
      char start[32];
      std::snprintf(start, sizeof start, "%sT%02d:%02d", day, 8 + w.minute / 60, w.minute % 60);
      return {"appt", "add", "--db", db, "--practitioner", "p1", "--start", start,
              "--duration", "15", "--patient", w.unique, "--birth", "1950-03-02"};
    }
    case WriteOp::kLedger: {
      char amount[32];
      std::snprintf(amount, sizeof amount, "%lld.%02lld",
                    static_cast<long long>(w.amount_cents / 100),
                    static_cast<long long>(w.amount_cents % 100));
      return {"ledger", "add", "--db", db, "--amount", amount, "--category",
              "loyer", "--payer", "p1", "--key", "equal", "--label", w.unique,
              "--month", "2026-11"};
    }
    case WriteOp::kPresence: {
      static const char* kStates[] = {"present", "absent", "en_visite"};
      return {"presence", "set", "--db", db, "--practitioner", "p1", "--date",
              day, "--half", w.pm ? "pm" : "am", "--state", kStates[w.state % 3]};
    }
  }
  return {};
}

std::string DescribeStep(const Step& s) {
  std::ostringstream o;
  o << KindName(s.kind);
  if (s.kind != StepKind::kHubKill) o << " r" << s.replica;
  if (s.kind == StepKind::kWrite || s.kind == StepKind::kWriteKilled ||
      s.kind == StepKind::kDiskFull)
    o << " " << (s.write.op == WriteOp::kAppointment ? "appt"
                 : s.write.op == WriteOp::kLedger    ? "ledger"
                                                     : "presence")
      << " " << s.write.unique;
  if (s.delay_us) o << " delay_us=" << s.delay_us;
  if (s.cut_after_bytes) o << " cut_after_bytes=" << s.cut_after_bytes;
  if (s.cut_probability > 0) o << " cut_prob=" << s.cut_probability;
  if (s.kind == StepKind::kDiskFull)
    o << (s.hub_disk ? " disk=hub" : " disk=replicas") << " slack_kb=" << s.slack_kb;
  if (!s.others.empty()) {
    o << " with";
    for (int r : s.others) o << " r" << r;
  }
  return o.str();
}

std::string DescribePlan(const Plan& p) {
  std::ostringstream o;
  o << "seed " << p.seed << "\nskew_s";
  for (int i = 0; i < kReplicas; ++i) o << " r" << i << "(" << SiteOf(i) << ")=" << p.skew_s[i];
  o << "\n";
  for (size_t i = 0; i < p.steps.size(); ++i) o << i << ": " << DescribeStep(p.steps[i]) << "\n";
  return o.str();
}

}  // namespace relais::chaos
