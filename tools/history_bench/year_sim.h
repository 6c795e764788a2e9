#pragma once
// Internals of SimulateYear (year.h): the plan the bench keeps of what it
// booked, the actions it scheduled, and the three actors. year.cc holds the
// calendar, the day loop and the booking; actors.cc what each replica does
// in a round; chores.cc the presence, ledger, walk-in and conflict work.
// Time: working day d, round r (0..R-1) is "slot" d*R + r; round r covers
// the Paris minutes [480 + r*600/R, 480 + (r+1)*600/R) of the day and its
// work happens at the end of that window (the simulation clock). Round
// r = -1 is the evening pass (18:30): late no-shows, the last walk-in
// tickets and the last consultations only.

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/model/schema.h"
#include "common/util/status.h"
#include "common/util/time.h"
#include "tools/history_bench/house.h"
#include "tools/history_bench/year.h"

namespace relais::histbench {

inline constexpr int kPractitioners = 6;

// What the bench decided for an appointment when booking it.
struct Plan {
  std::string id;
  bool kiosk = false;    // checked in at the kiosk (else by the secretariat)
  bool no_show = false;  // never comes: the secretariat marks it no_show
  bool visit = false;    // home visit: booked -> done from the laptop
};

enum class Act {
  kMove,             // secretariat: new start
  kCancel,           // secretariat: status cancelled
  kDelete,           // secretariat: tombstone (booked by mistake)
  kNote,             // laptop: edits the note (concurrent with a move)
  kLaptopMove,       // laptop: new start (concurrent with a move: conflict)
  kPresenceChange,   // laptop or secretariat: another state
  kPresenceDelete,   // secretariat: tombstone
};

struct Action {
  Act act = Act::kMove;
  int who = kSecretariat;
  size_t plan = 0;  // index in YearSim::plans_ (appointment actions)
  // Presence actions.
  std::string practitioner, date, half, state;
};

class YearSim {
 public:
  YearSim(SimHouse& house, const YearOptions& options, YearCounts* counts);
  common::Status Run();

 private:
  // --- year.cc: calendar, clock, loop, booking.
  common::Status Setup();
  common::Status Round(int d, int r);
  // Working day d (d may go past the simulated year, for bookings ahead).
  common::CivilDate Day(int d) const;
  int Rounds() const { return options_.syncs_per_day; }
  int WindowStart(int r) const { return 480 + r * 600 / Rounds(); }
  // Sets the clock to Paris minute `minute` of working day d.
  void SetClock(int d, int minute);
  // Moves the clock one second on (each user action takes a moment).
  void Tick() { house_.clock()->Advance(1000); }
  int64_t NowS() const { return house_.clock()->NowMillis() / 1000; }
  // The slot (d*R + r) whose window holds UTC second `start` on day d.
  int SlotOf(int d, int64_t start) const;
  // A random start on day d not before `after` (UTC s): {start, ok}.
  std::optional<int64_t> RandomStart(int d, int64_t after);
  void Schedule(int slot, Action a) { actions_[slot].push_back(std::move(a)); }
  int RandomSlot(int lo, int hi);  // uniform in [lo, hi]
  bool Chance(double p) { return std::uniform_real_distribution<>(0, 1)(rng_) < p; }
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<>(lo, hi)(rng_); }
  common::Status Book(int d, int r, int n);
  void PlanFate(size_t plan, int d, int r, int day_ahead, int64_t start);

  // --- actors.cc: each replica's share of a round.
  common::Status Kiosk(int d, int r);
  common::Status Secretariat(int d, int r);
  common::Status Laptop(int d, int r);
  common::Status RunActions(int slot, int who);
  common::Status RunAppointmentAction(const Action& a);
  // The appointment `id` as replica `who` sees it; nullopt if absent or
  // deleted there.
  common::Result<std::optional<common::Appointment>> Look(int who, const std::string& id);
  // Today's appointments of replica `who` whose start is in round r's
  // window (or before its end when `until_end`), sorted by (start, id).
  common::Result<std::vector<common::Appointment>> Window(int who, int d, int r,
                                                          bool until_end);
  const Plan* PlanOf(const std::string& id) const;

  // --- chores.cc: presence, ledger, walk-ins, conflicts.
  common::Status PlanPresence(int d);
  common::Status RunPresenceAction(const Action& a);
  common::Status PostLedger(int d);
  common::Status IssueTickets(int n);
  common::Status CloseTickets(int d);
  common::Status ResolveConflicts();
  common::Status OpenPlanning(int d);

  common::Replica& R(int who) { return house_.replica(who); }
  // Wraps an error with the simulated day and the replica.
  common::Status Fail(const common::Status& s, int who) const;

  SimHouse& house_;
  YearOptions options_;
  YearCounts* counts_;
  std::mt19937_64 rng_;
  std::vector<common::CivilDate> calendar_;  // working days, with margin
  std::vector<Plan> plans_;
  std::unordered_map<std::string, size_t> plan_of_;
  std::map<int, std::vector<Action>> actions_;  // by slot
  std::vector<std::pair<std::string, std::string>> patients_;  // name, birth
  std::vector<std::string> patient_refs_;
  struct Posted {
    std::string id, category, payer, key, label;
    int64_t amount = 0;
    bool reversed = false;
  };
  std::vector<Posted> ledger_;
  int day_ = 0;  // the day being simulated (for messages)
};

}  // namespace relais::histbench
