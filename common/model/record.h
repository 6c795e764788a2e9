#pragma once
// The record model shared by every replica and the hub. Standard library only.
//
// A Record is identified by (collection, id) and belongs to one site for its
// whole life. Its state is a map of named fields; each field holds one or more
// *siblings* (value + the write that produced it). One sibling is the normal
// case; several siblings mean concurrent writes that nobody has resolved yet
// (a conflict). The record's version vector is its causal context: it covers
// every write the holder of this state has seen. See docs/sync-model.md.

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace relais::common {

using ReplicaId = std::string;

// Identifies one write: the replica that made it and that replica's counter
// for this record after the write.
struct Dot {
  ReplicaId replica;
  uint64_t counter = 0;
  auto operator<=>(const Dot&) const = default;
  bool operator==(const Dot&) const = default;
};

// Hybrid logical clock stamp: (wall milliseconds << 16) | logical counter.
using Hlc = uint64_t;
inline int64_t HlcMillis(Hlc h) { return static_cast<int64_t>(h >> 16); }
inline Hlc MakeHlc(int64_t millis, uint32_t logical) {
  return (static_cast<uint64_t>(millis) << 16) | (logical & 0xffffu);
}

enum class Order { kEqual, kDominates, kDominated, kConcurrent };
const char* OrderName(Order o);

// Replica id -> number of writes of that replica seen for this record.
// Entries with counter 0 are never stored.
class VersionVector {
 public:
  uint64_t Get(const ReplicaId& r) const;
  void Set(const ReplicaId& r, uint64_t counter);
  // Increments the replica's counter and returns the new value.
  uint64_t Increment(const ReplicaId& r);
  // True if the write `d` is covered by this vector.
  bool Includes(const Dot& d) const { return Get(d.replica) >= d.counter; }
  // Pointwise maximum.
  void MergeFrom(const VersionVector& other);
  Order Compare(const VersionVector& other) const;
  const std::map<ReplicaId, uint64_t>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }
  bool operator==(const VersionVector&) const = default;

 private:
  std::map<ReplicaId, uint64_t> entries_;
};

struct Sibling {
  std::string value;
  Dot dot;
  Hlc hlc = 0;
  bool operator==(const Sibling&) const = default;
};

enum class Collection {
  kSite = 0,
  kPractitioner = 1,
  kAppointment = 2,
  kPresence = 3,
  kLedger = 4,
  // Append-only access log: one record per reveal of patient identities
  // (common/audit/chain.h). Written once, never edited; erased by the purge.
  kAudit = 5,
  // Weekly schedules ("plages") of a practitioner at a site, and their
  // exceptions (leave, replacement, closed site). See docs/domain.md
  // "Plages" and common/domain/slots.h.
  kSchedule = 6,
  kScheduleException = 7,
  // The organisation (docs/domain.md §6d, model/org.h): pôles (at the
  // organisation's pseudo-site) and rooms (at their site).
  kPole = 8,
  kRoom = 9,
  // Walk-in queue tickets of a site (issue #16, model/ticket.h).
  kTicket = 10,
};
constexpr int kCollectionCount = 11;
const char* CollectionName(Collection c);
std::optional<Collection> ParseCollection(const std::string& name);

// Reserved field holding the tombstone flag ("1" = deleted).
inline constexpr const char kDeletedField[] = "_deleted";

struct Record {
  Collection collection = Collection::kAppointment;
  std::string id;
  std::string site_id;
  VersionVector vv;
  // Field name -> siblings, sorted by dot, never empty.
  std::map<std::string, std::vector<Sibling>> fields;
  // In transit only (a push, see TrimToDelta): `fields` holds only the
  // fields with writes the hub may lack; the others are unchanged there.
  // Never stored, never merged as is (the hub completes it first).
  bool partial = false;

  bool operator==(const Record&) const = default;
};

}  // namespace relais::common
