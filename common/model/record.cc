#include "common/model/record.h"

namespace relais::common {

const char* OrderName(Order o) {
  switch (o) {
    case Order::kEqual: return "equal";
    case Order::kDominates: return "dominates";
    case Order::kDominated: return "dominated";
    case Order::kConcurrent: return "concurrent";
  }
  return "?";
}

uint64_t VersionVector::Get(const ReplicaId& r) const {
  auto it = entries_.find(r);
  return it == entries_.end() ? 0 : it->second;
}

void VersionVector::Set(const ReplicaId& r, uint64_t counter) {
  if (counter == 0) {
    entries_.erase(r);
  } else {
    entries_[r] = counter;
  }
}

uint64_t VersionVector::Increment(const ReplicaId& r) {
  return ++entries_[r];
}

void VersionVector::MergeFrom(const VersionVector& other) {
  for (const auto& [r, c] : other.entries_) {
    uint64_t& mine = entries_[r];
    if (c > mine) mine = c;
  }
}

Order VersionVector::Compare(const VersionVector& other) const {
  bool some_greater = false, some_less = false;
  auto a = entries_.begin();
  auto b = other.entries_.begin();
  while (a != entries_.end() || b != other.entries_.end()) {
    if (b == other.entries_.end() || (a != entries_.end() && a->first < b->first)) {
      some_greater = true;  // counters are never 0, so a has more
      ++a;
    } else if (a == entries_.end() || b->first < a->first) {
      some_less = true;
      ++b;
    } else {
      if (a->second > b->second) some_greater = true;
      if (a->second < b->second) some_less = true;
      ++a;
      ++b;
    }
  }
  if (some_greater && some_less) return Order::kConcurrent;
  if (some_greater) return Order::kDominates;
  if (some_less) return Order::kDominated;
  return Order::kEqual;
}

const char* CollectionName(Collection c) {
  switch (c) {
    case Collection::kSite: return "site";
    case Collection::kPractitioner: return "practitioner";
    case Collection::kAppointment: return "appointment";
    case Collection::kPresence: return "presence";
    case Collection::kLedger: return "ledger";
    case Collection::kAudit: return "audit";
    case Collection::kSchedule: return "schedule";
    case Collection::kScheduleException: return "schedule_exception";
    case Collection::kPole: return "pole";
    case Collection::kRoom: return "room";
    case Collection::kTicket: return "ticket";
  }
  return "?";
}

std::optional<Collection> ParseCollection(const std::string& name) {
  for (int i = 0; i < kCollectionCount; ++i) {
    auto c = static_cast<Collection>(i);
    if (name == CollectionName(c)) return c;
  }
  return std::nullopt;
}

}  // namespace relais::common
