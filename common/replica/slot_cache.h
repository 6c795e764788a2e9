#pragma once
// SlotCache: the next-free-slot search for a long-lived process (the
// secretariat screen, a kiosk in staff mode) that searches many times
// while the replica changes a little between searches.
//
// Find(q) returns what SearchReplica(r, q) (replica/slot_inputs.h) would
// return on the replica's current state: the first kFirstSearchDays days,
// then the whole horizon if they hold fewer than q.count free slots.
//
// How it stays exact and cheap:
// - Plages, exceptions and practitioners are kept whole; appointments
//   (lean, SlotAppointmentFromState) and presence are kept by chunks of
//   kSlotCacheChunkDays Paris days, each with its own domain::SlotIndex.
//   A query is answered chunk by chunk, in day order, as one search would
//   be (a chunk holds the appointments of its days and those of the day
//   before that run into them). Chunks are read from the replica when a
//   query first needs them; at most kSlotCacheMaxChunks are kept (least
//   recently used dropped).
// - Every change made through the replica's own connection (a booking,
//   a cancellation, a sync applying the hub's records through this same
//   Replica) is journaled by SQLite TEMP triggers (storage/change_journal.h)
//   in the writer's transaction. The next Find re-reads only those records
//   and rebuilds only the chunks they touch; a changed plage, exception or
//   practitioner rebuilds every chunk's index from memory (no read).
// - A change committed by ANOTHER connection (another process, a sync
//   thread with its own Replica) is detected with PRAGMA data_version and
//   makes the next Find reload everything it needs (exact, not incremental).
//
// Appointments in to_move carry the fields SlotAppointmentFromRecord keeps
// (id, site, practitioner, start, duration, status, kind); read the record
// by id for the rest.
//
// Not thread-safe: use it on the thread that uses the Replica. REQUIRES:
// the Replica outlives the cache; no transaction is open on the replica's
// connection when Find is called.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "common/domain/slots.h"
#include "common/replica/replica.h"
#include "common/storage/change_journal.h"

namespace relais::common {

// A booking makes the next search rebuild its chunk's index: small chunks
// keep that cheap (the search itself costs little per chunk).
inline constexpr int kSlotCacheChunkDays = 4;
inline constexpr int kSlotCacheMaxChunks = 96;  // > kMaxHorizonDays / 4 + 2
// More changed records than this at once (a big sync, MarkAllPending):
// reload instead of re-reading them one by one.
inline constexpr size_t kSlotCacheMaxJournal = 2000;

class SlotCache {
 public:
  // Starts watching `r`'s connection (nothing is read yet). Errors: the
  // database's.
  static Result<std::unique_ptr<SlotCache>> Open(Replica* r);
  ~SlotCache();
  SlotCache(const SlotCache&) = delete;
  SlotCache& operator=(const SlotCache&) = delete;

  // See the class comment. INVALID_ARGUMENT for a bad query; the store's
  // errors (DATA_LOSS for an unreadable record), after which the next Find
  // reloads everything.
  Result<domain::SlotSearch> Find(const domain::SlotQuery& q);

  // What the cache did, for tests and the benchmark.
  struct Stats {
    int full_loads = 0;         // calendars (re)read: first Find, other connection
    int chunk_loads = 0;        // chunks read from the replica
    int index_builds = 0;       // SlotIndex built for a chunk
    int records_reread = 0;     // records re-read from the journal
    double index_build_ms = 0;  // wall time spent building chunk indexes
  };
  const Stats& stats() const { return stats_; }

 private:
  struct Chunk;
  explicit SlotCache(Replica* r, std::unique_ptr<ChangeJournal> j);
  Status Refresh();
  Status LoadCalendars();
  Status ApplyChange(const ChangeJournal::Entry& e);
  Result<Chunk*> ChunkFor(int64_t k);
  Status SearchWindow(const domain::SlotQuery& q, domain::SlotSearch* out);
  void Evict();

  Replica* r_;
  std::unique_ptr<ChangeJournal> journal_;
  bool loaded_ = false;
  int64_t data_version_ = 0;
  uint64_t tick_ = 0;
  std::map<std::string, Schedule> schedules_;
  std::map<std::string, ScheduleException> exceptions_;
  std::map<std::string, Practitioner> practitioners_;
  std::map<std::string, SiteInfo> sites_;  // opening hours (model/org.h)
  std::map<int64_t, std::unique_ptr<Chunk>> chunks_;  // by chunk number
  Stats stats_;
};

}  // namespace relais::common
