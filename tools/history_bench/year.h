#pragma once
// A simulated year of a busy house (relais-history-bench, issue #17):
// `days` working days (Monday to Friday from Monday 2026-01-05), each cut
// into `syncs_per_day` rounds. In a round the kiosk, the secretariat and the
// practitioners' laptop each do their share of the day on their own replica
// (through the same Replica / ticket / audit calls as the kiosk and the
// `relais` CLI), then each syncs with the hub in turn. So two replicas that
// touch one record in the same round edit it concurrently.
//
// What happens (every choice drawn from one std::mt19937_64 seeded with
// `seed`, so a seed replays the same year):
//  * six practitioners (shares summing to 100 %), created on day 0;
//  * `per_day` appointments booked a day by the secretariat, 0 to 20
//    working days ahead; at booking each gets its fate: moved 1-3 times
//    (15 %), cancelled before its day (8 %), deleted as booked by mistake
//    (3 %, a tombstone), no-show (3 %), home visit (4 %, booked -> done);
//    the others are checked in at the kiosk (70 %) or by the secretariat,
//    then set in_consultation and done from the laptop;
//  * occasional concurrent edits: the laptop edits the note (2 % of the
//    moves) or moves the appointment too (1 %: a conflict on `start`) in
//    the round the secretariat moves it; the secretariat resolves the
//    conflicts it sees at the end of each day, as the kiosk's conflict
//    screen does (one write of the chosen value, its viewing logged);
//  * walk-in tickets issued at the kiosk, called and closed at the
//    secretariat; the secretariat opens the day's planning twice a day
//    (an access-log entry each time);
//  * presence: every Friday the laptop plans the next week's half-days of
//    each practitioner; 8 % are changed later (by the laptop or the
//    secretariat, sometimes both in one round), 2 % deleted;
//  * ledger: on the month's last working day the secretariat posts six
//    charges (rent by share, cleaning, energy, IT by equal parts, staff and
//    consumables by presence), and now and then reverses an older one and
//    posts its correction.
// Every failed call fails the year (the first error is returned, with the
// day and the replica); an action a replica's own view no longer allows
// (a move of an appointment it sees cancelled, ...) is skipped and counted.

#include <cstdint>
#include <string>

#include "common/util/status.h"
#include "tools/history_bench/house.h"

namespace relais::histbench {

struct YearOptions {
  int days = 250;
  int per_day = 100;
  int syncs_per_day = 4;
  uint64_t seed = 1;
  // --purge: the hub purges (auto_purge and RunPurge, purge_hook.h).
  bool purge = false;
  // --compact: each night before a working day (not after the last one, so
  // the year ends with a full day of work since the last compaction),
  // `relais compact` of every replica file and `relais-hub compact` of the
  // hub file (common::CompactFile, own connection, as a nightly timer).
  bool compact = false;
};

struct YearCounts {
  int64_t booked = 0, moved = 0, cancelled = 0, deleted = 0;
  int64_t checkin_kiosk = 0, checkin_staff = 0, done = 0, no_show = 0, visits = 0;
  int64_t note_edits = 0, concurrent_moves = 0, conflicts_resolved = 0;
  int64_t presence_writes = 0, presence_deleted = 0;
  int64_t ledger_entries = 0, ledger_reversals = 0;
  int64_t tickets = 0, tickets_closed = 0, audit_views = 0;
  int64_t skipped = 0;
  int64_t purge_calls = 0;
  int64_t compactions = 0;  // files compacted (4 per night with --compact)
};

// Runs the year on `house` (started, replicas empty). RunPurge
// (purge_hook.h) is called at the end of every simulated day, after the
// day's last syncs.
common::Status SimulateYear(SimHouse& house, const YearOptions& options, YearCounts* counts);

}  // namespace relais::histbench
