#include "common/domain/overlaps.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <map>
#include <tuple>

#include "common/util/time.h"

namespace relais::common::domain {

namespace {

// Same alphabet as Replica (no 0/O/1/I); kept here so the domain stays
// independent of the replica layer.
constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
constexpr size_t kAlphabetSize = sizeof(kAlphabet) - 1;

bool Counts(const Appointment& a) { return !a.deleted && a.status != "cancelled"; }

int64_t End(const Appointment& a) { return a.start + a.duration_min * 60; }

// The appointments that can overlap (not cancelled, not deleted), sorted by
// practitioner, then start, then id.
std::vector<const Appointment*> SortedLive(const std::vector<Appointment>& appointments) {
  std::vector<const Appointment*> live;
  for (const Appointment& a : appointments)
    if (Counts(a)) live.push_back(&a);
  std::sort(live.begin(), live.end(), [](const Appointment* a, const Appointment* b) {
    return std::tie(a->practitioner, a->start, a->id) <
           std::tie(b->practitioner, b->start, b->id);
  });
  return live;
}

}  // namespace

std::vector<Overlap> FindOverlaps(const std::vector<Appointment>& appointments) {
  const std::vector<const Appointment*> live = SortedLive(appointments);
  std::vector<Overlap> out;
  for (size_t i = 0; i < live.size(); ++i) {
    // Sorted by start: later ones overlap i only while they start before
    // i ends.
    for (size_t j = i + 1; j < live.size(); ++j) {
      if (live[j]->practitioner != live[i]->practitioner) break;
      if (live[j]->start >= End(*live[i])) break;
      out.push_back({*live[i], *live[j]});
    }
  }
  return out;
}

std::set<std::string> OverlappingIds(const std::vector<Appointment>& appointments) {
  const std::vector<const Appointment*> live = SortedLive(appointments);
  std::set<std::string> out;
  // Sorted by start within a practitioner, an appointment overlaps an
  // earlier one iff it starts before the latest end seen so far, and a later
  // one iff it ends after the next start.
  int64_t max_end = 0;
  for (size_t i = 0; i < live.size(); ++i) {
    const bool first_of_practitioner =
        i == 0 || live[i]->practitioner != live[i - 1]->practitioner;
    if (first_of_practitioner) max_end = INT64_MIN;
    const bool overlaps_earlier = !first_of_practitioner && live[i]->start < max_end;
    const bool overlaps_later = i + 1 < live.size() &&
                                live[i + 1]->practitioner == live[i]->practitioner &&
                                live[i + 1]->start < End(*live[i]);
    if (overlaps_earlier || overlaps_later) out.insert(live[i]->id);
    max_end = std::max(max_end, End(*live[i]));
  }
  return out;
}

char CodePrefix(const std::string& replica_id) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a, stable across platforms
  for (unsigned char c : replica_id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return kAlphabet[h % kAlphabetSize];
}

std::string NewCheckinCode(const std::string& replica_id,
                           const std::vector<std::string>& taken,
                           std::mt19937_64& rng) {
  const char prefix = CodePrefix(replica_id);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    std::string code(1, prefix);
    for (int i = 0; i < 5; ++i) code += kAlphabet[rng() % kAlphabetSize];
    if (std::find(taken.begin(), taken.end(), code) == taken.end()) return code;
  }
  return "";
}

std::vector<CodeClash> FindCodeClashes(const std::vector<Appointment>& appointments) {
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<std::string>>
      groups;  // (date, site, code) -> ids
  for (const Appointment& a : appointments) {
    if (!Counts(a) || a.code.empty()) continue;
    groups[{FormatDate(ParisDate(a.start)), a.site_id, a.code}].push_back(a.id);
  }
  std::vector<CodeClash> out;
  for (auto& [key, ids] : groups) {
    if (ids.size() < 2) continue;
    std::sort(ids.begin(), ids.end());
    out.push_back({std::get<0>(key), std::get<2>(key), ids});
  }
  return out;
}

}  // namespace relais::common::domain
