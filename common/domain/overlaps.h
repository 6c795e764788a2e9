#pragma once
// Appointment-level queries that span several records, so they cannot be
// per-record conflicts: double bookings and duplicate check-in codes. Both
// can be created offline at two replicas; both records are kept and these
// queries list the problem until staff move or reissue one. Pure functions.

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/model/schema.h"

namespace relais::common::domain {

struct Overlap {
  Appointment first;   // the earlier start (then smaller id)
  Appointment second;
};

// Pairs of appointments of the same practitioner whose [start, start +
// duration) intervals intersect (UTC, so the DST change cannot hide or fake
// an overlap). Cancelled and deleted appointments are ignored. Sorted by
// practitioner, then first.start, then ids. O(n log n + pairs).
std::vector<Overlap> FindOverlaps(const std::vector<Appointment>& appointments);

// Ids of the appointments that take part in at least one overlap of
// FindOverlaps, in O(n log n) whatever the number of pairs (a day view needs
// only the flags, and a pathological day can hold millions of pairs).
std::set<std::string> OverlappingIds(const std::vector<Appointment>& appointments);

// Check-in codes.
// Scheme: the first character is derived from the replica id, the other
// five are random and checked unique among the codes this replica knows for
// the day. Two replicas of one site therefore collide only if their prefixes
// are equal (1 chance in 32 per pair) and then 1 in 32^5 per code pair; any
// remaining duplicate is listed by FindCodeClashes and fixed by reissuing.
char CodePrefix(const std::string& replica_id);
// A new 6-character code from kCodeAlphabet, not in `taken`.
// Returns "" if 1000 attempts found none (the day is saturated).
std::string NewCheckinCode(const std::string& replica_id,
                           const std::vector<std::string>& taken,
                           std::mt19937_64& rng);

struct CodeClash {
  std::string date;  // Paris date, YYYY-MM-DD
  std::string code;
  std::vector<std::string> appointment_ids;  // sorted, >= 2
};

// Codes shared by several non-cancelled, non-deleted appointments of the same
// site on the same Paris date. Sorted by date, site, code.
std::vector<CodeClash> FindCodeClashes(const std::vector<Appointment>& appointments);

}  // namespace relais::common::domain
