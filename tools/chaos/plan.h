#pragma once
// The plan of one chaos run, derived only from its seed: the clock skew of
// each replica and a list of steps (writes, syncs, kills, cuts, disk full).
// Same seed => same plan (printed by `relais-chaos --seed S --print-plan`);
// what the processes do within each step depends on timing.
//
// Topology (fixed): 5 replicas of 3 sites: r0,r1 -> S1; r2,r3 -> S2; r4 -> S3.

#include <cstdint>
#include <string>
#include <vector>

namespace relais::chaos {

inline constexpr int kReplicas = 5;
inline constexpr int kMaxSteps = 40;  // bound on steps per run
const char* SiteOf(int replica);

enum class StepKind {
  kWrite,        // one `relais` write command, waited for
  kWriteKilled,  // a write, kill -9 delay_us after it opened its replica
  kSync,         // `relais sync` through the proxy (direct link)
  kSyncCut,      // `relais sync` through the proxy with cuts
  kSyncKilled,   // `relais sync`, kill -9 delay_us after it opened its replica
  kHubKill,      // syncs of `others`; kill -9 of the hub delay_us after the
                 // proxy forwarded their first bytes to it
  kDiskFull,     // fill the hub's or the replicas' file system (leaving
                 // slack_kb), writes + syncs, free it
};
const char* KindName(StepKind k);

enum class WriteOp { kAppointment, kLedger, kPresence };

struct Write {
  WriteOp op = WriteOp::kAppointment;
  std::string unique;     // appointment patient name / ledger label
  int64_t amount_cents = 0;
  int day = 1;            // of 2026-11
  int minute = 0;         // appointment start, minutes after 08:00
  bool pm = false;        // presence half
  int state = 0;          // presence state index
};

struct Step {
  StepKind kind = StepKind::kWrite;
  int replica = 0;
  Write write;                // kWrite, kWriteKilled, kDiskFull
  int64_t delay_us = 0;       // kills
  int64_t cut_after_bytes = 0;  // kSyncCut (0: probability instead)
  double cut_probability = 0;
  std::vector<int> others;    // kHubKill: replicas syncing; kDiskFull: syncer
  bool hub_disk = false;      // kDiskFull: the hub's file system, else the replicas'
  int slack_kb = 0;           // kDiskFull: free space left
};

struct Plan {
  uint64_t seed = 0;
  int64_t skew_s[kReplicas] = {};  // -86400, 0 or +86400
  std::vector<Step> steps;
};

// REQUIRES: nothing; every plan has >= 1 of each fault kind and at most
// kMaxSteps steps.
Plan MakePlan(uint64_t seed);
// The `relais` arguments (without the program) of write `w` on replica
// file `db`: practitioner p1, November 2026, ledger key "equal".
std::vector<std::string> WriteCommand(const std::string& db, const Write& w);
std::string DescribeStep(const Step& s);
std::string DescribePlan(const Plan& p);

}  // namespace relais::chaos
