#pragma once
// Next free slot search over plages (model/schedule.h). Pure: no storage,
// no network; the caller loads the records (replica/slot_inputs.h).
//
// Rules (docs/domain.md "Recherche du prochain créneau libre"):
// - A plage of weekday W, valid on day D (valid_from <= D <= valid_to), is
//   cut on D into slots of slot_min minutes from start_time while a whole
//   slot fits before end_time (no slot_min: one slot, the whole plage).
//   Times are Paris wall clock: a plage at 09:00 gives 09:00 Paris on both
//   sides of a DST change. A wall time that does not exist (spring gap,
//   02:00-02:59 on the last Sunday of March) gives no slot; a repeated one
//   (autumn) is taken at its first (summer-time) instant.
// - A slot is free unless an appointment of its practitioner (at any site),
//   not cancelled and not deleted, intersects it: [start, start+duration)
//   intervals in UTC, so touching intervals do not intersect.
// - Opening hours (model/org.h): when the plage's site has a site record
//   (id = its site) with `hours`, the plage is clipped to them: slots are
//   cut from the start of each part of the plage inside an opening
//   interval, and a one-slot plage becomes one slot per such part. No
//   hours = no restriction.
// - A closed site (exception "fermeture"), a practitioner's leave
//   ("conge") or absence (presence "absent" for that date and half-day:
//   am before 13:00 Paris, pm from 13:00) removes the free slots; the
//   booked appointments they cover are listed in `to_move`, never removed.
//   A partial-day exception (start_time/end_time, model/schedule.h) does
//   so only for the slots and appointments whose wall-clock interval
//   intersects it (touching does not: a 14:00-15:00 leave keeps the 15:00
//   slot and the 13:45-14:00 one).
// - A replacement (exception "remplacement", or presence "remplace" with a
//   name) offers the replaced practitioner's slots as the replacement's
//   (practitioner = the replacement, replaces = the replaced one); a slot
//   is then busy if either has an appointment intersecting it. A
//   partial-day replacement applies to the slots inside its interval; a
//   slot only partly inside it is not offered.
// - "sans_rdv" plages (walk-in hours) are offered only when kind is asked
//   for explicitly, as one block, and appointments do not fill them.
// - Slots start at or after `after`, within horizon_days Paris days from
//   after's day; sorted by start, then practitioner, then site, then plage
//   id; the same (practitioner, start) is offered once (smallest site).
// Malformed records (unreadable time, end before start...) are skipped.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/model/org.h"
#include "common/model/schedule.h"
#include "common/model/schema.h"
#include "common/util/status.h"

namespace relais::common::domain {

inline constexpr int kMaxSlotCount = 100;
inline constexpr int kDefaultSlotCount = 5;
inline constexpr int kMaxHorizonDays = 366;
inline constexpr int kDefaultHorizonDays = 62;

struct SlotQuery {
  std::vector<std::string> sites;  // empty = every site held
  std::string profession;          // "" = any
  std::string practitioner;        // reference ("id" or "id@site"), "" = any
  std::string pole;                // pôle id of the practitioner who works the slot, "" = any
  std::string kind;                // "" = every kind but sans_rdv
  int64_t after = 0;               // UTC seconds
  int count = kDefaultSlotCount;   // 1..kMaxSlotCount
  int horizon_days = kDefaultHorizonDays;  // 1..kMaxHorizonDays
};

struct Slot {
  std::string practitioner;  // qualified "id@site"
  std::string site;
  std::string kind;
  std::string schedule_id;
  std::string replaces;  // qualified id of the replaced practitioner, or ""
  int64_t start = 0;     // UTC seconds
  int duration_min = 0;
  bool operator==(const Slot&) const = default;
};

struct SlotToMove {
  Appointment appointment;
  std::string reason;  // "fermeture" | "conge" | "absence"
};

struct SlotInputs {
  std::vector<Schedule> schedules;
  std::vector<ScheduleException> exceptions;
  std::vector<Appointment> appointments;
  std::vector<Presence> presence;
  std::vector<Practitioner> practitioners;  // for the profession and pôle filters
  std::vector<SiteInfo> sites;              // opening hours
};

struct SlotSearch {
  std::vector<Slot> slots;         // at most query.count
  std::vector<SlotToMove> to_move; // booked appointments in [after, horizon)
};

// "" if `q` is acceptable, else a French message (count, horizon, after in
// [0, kMaxTimestamp], known kind, site ids and practitioner reference
// well-formed, profession at most 64 printable bytes, pôle "" or a short id).
std::string ValidateSlotQuery(const SlotQuery& q);

// "id" qualified with `site` ("id@site"); a reference with '@' is kept.
std::string QualifyRef(const std::string& ref, const std::string& site);

// The records indexed once (O(records log records)) for many searches: a
// secretariat screen keeps one per refresh. Immutable after construction,
// so Find may run from several threads.
class SlotIndex {
 public:
  explicit SlotIndex(SlotInputs in);
  ~SlotIndex();
  SlotIndex(const SlotIndex&) = delete;
  SlotIndex& operator=(const SlotIndex&) = delete;

  // The search described above. INVALID_ARGUMENT if ValidateSlotQuery
  // fails. O(days searched x plages of the day x slots per plage x
  // log appointments of the practitioner) + O(appointments) for to_move.
  Result<SlotSearch> Find(const SlotQuery& q) const;

  struct Data;

 private:
  std::unique_ptr<Data> d_;
};

// SlotIndex(in).Find(q).
Result<SlotSearch> FindFreeSlots(const SlotInputs& in, const SlotQuery& q);

}  // namespace relais::common::domain
