#pragma once
// Replica: the domain operations of one house's replica over its SQLite store.
// Used by the `relais` CLI, the kiosk and the sync client. Every operation is
// one transaction: it either fully happens or leaves the file unchanged.
// Errors: INVALID_ARGUMENT for bad input (nothing written), NOT_FOUND for an
// unknown id, plus the store's errors (see storage/replica_store.h).
// Not thread-safe: one Replica per thread.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/merge/merge.h"
#include "common/model/schema.h"
#include "common/replica/inputs.h"
#include "common/storage/replica_store.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "common/util/time.h"

namespace relais::common {

// Alphabet of check-in codes: no 0/O/1/I, easy to read aloud.
inline constexpr const char kCodeAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

class Replica {
 public:
  // Creates a new replica file for `site_id` and returns its new replica id.
  // ALREADY_EXISTS if the file already holds a replica.
  static Result<std::string> Init(const std::string& path,
                                  const std::string& site_id);
  // Opens an initialised replica. FAILED_PRECONDITION if not initialised.
  // `clock` must outlive the Replica.
  static Result<std::unique_ptr<Replica>> Open(
      const std::string& path, Clock* clock = SystemClock::Default());

  const std::string& replica_id() const { return replica_id_; }
  const std::string& site_id() const { return site_id_; }
  ReplicaStore* store() { return store_.get(); }
  Clock* clock() { return clock_; }
  // Seeds the id/code generator (tests).
  void SeedForTest(uint64_t seed) { rng_.seed(seed); }

  // Generic write of `changes` to (c, id), creating the record if needed
  // (site = this replica's site). Validates every value with
  // ValidateLocalChanges, and a created record with ValidateNewRecord (its
  // RequiredFields must be among `changes`); see model/validate.h. Returns
  // the new state; unchanged state if nothing differed.
  Result<Record> Write(Collection c, const std::string& id,
                       const std::map<std::string, std::string>& changes);
  // Write for a caller that holds its own Transaction on store()->db(), so
  // that a read and the write it causes are one transaction (audit_log.h).
  // REQUIRES: an open Transaction. Same checks and result as Write.
  Result<Record> WriteInTransaction(Collection c, const std::string& id,
                                    const std::map<std::string, std::string>& changes) {
    bool changed = false;
    return WriteLocked(c, id, changes, &changed);
  }
  // Bulk import: the same as calling Write for each (id, changes) pair, but
  // in ONE transaction (all or nothing). Returns how many records changed.
  Result<int> WriteBatch(
      Collection c,
      const std::vector<std::pair<std::string, std::map<std::string, std::string>>>&
          items);

  // Offset (ms) to add to the local clock, learnt from the hub at the last
  // sync (0 until then, or when the clocks agree within 2 s). HLC stamps use
  // the corrected time, so a kiosk whose clock is a day off stops stamping
  // its writes a day off once it has reached the hub.
  Result<int64_t> CorrectedOffsetMs();

  // Practitioner ids are local to a site, so two houses can both have "p1":
  // an id without '@' is qualified as "id@site" (this replica's site); an id
  // that already has "@SITE" is kept. Every practitioner reference (record
  // id, appointment, presence, payer) goes through this.
  std::string PractitionerRef(const std::string& id) const;

  Status AddPractitioner(const std::string& id, const std::string& name,
                         const std::string& profession, int64_t share_bp = 0);
  // Validates with ValidateNewAppointment (model/validate.h) after checking
  // the practitioner exists. Returns {id, check-in code}.
  Result<std::pair<std::string, std::string>> AddAppointment(
      const NewAppointment& a);
  // Checks in by id, or by code among non-cancelled appointments (the
  // nearest to now if the code was reused on another day).
  Result<Appointment> CheckIn(const std::string& id, const std::string& code,
                              const std::string& via);
  Status SetStatus(const std::string& id, const std::string& status);
  // Validates with ValidateNewPresence (model/validate.h) after checking the
  // practitioner exists.
  Status SetPresence(const std::string& practitioner, const std::string& date,
                     const std::string& half, const std::string& state,
                     const std::string& replacement, const std::string& room);
  // Validates with ValidateNewLedgerEntry (model/validate.h: amount bounds
  // and sign, payer, category, key, month) then domain::ValidateNewEntry
  // (known payer, key usable for the month, reversal rules); nothing is
  // written on error.
  Result<std::string> AddLedgerEntry(const NewLedgerEntry& e);
  // Gives appointment `id` a new check-in code unique among this replica's
  // codes of its day (to fix a clash listed by domain::FindCodeClashes).
  Result<std::string> ReissueCode(const std::string& id);

  // Queries.
  Result<std::optional<Record>> Get(Collection c, const std::string& id);
  Result<std::vector<Appointment>> AppointmentsOn(const CivilDate& day);
  Result<std::vector<Appointment>> AllAppointments();
  Result<std::vector<Practitioner>> Practitioners();
  Result<std::vector<Presence>> PresenceOn(const std::string& date);
  Result<std::vector<Presence>> PresenceInMonth(const std::string& month);
  Result<std::vector<LedgerEntry>> LedgerAll();
  // Records with at least one field needing attention.
  Result<std::vector<Record>> Conflicts();
  // Local changes not yet acknowledged by the hub.
  Result<int64_t> PendingCount();

  // Every record as canonical JSON (see DumpJson).
  Result<std::string> Dump();

  // Unique identifier with a collection prefix: "rdv-" + 6 hex digits of
  // the replica id + 10 random hex digits.
  std::string NewId(const std::string& prefix);

 private:
  Replica(std::unique_ptr<ReplicaStore> store, Clock* clock)
      : store_(std::move(store)), clock_(clock), rng_(std::random_device{}()) {}
  Result<Hlc> NextHlc();
  // Write's body. REQUIRES: an open transaction.
  Result<Record> WriteLocked(Collection c, const std::string& id,
                             const std::map<std::string, std::string>& changes,
                             bool* changed);
  Result<std::string> NewCode(const CivilDate& day);

  std::unique_ptr<ReplicaStore> store_;
  Clock* clock_;
  std::mt19937_64 rng_;
  HlcClock hlc_;
  std::string replica_id_;
  std::string site_id_;
};

// Canonical JSON of records for `relais dump --json`: an array sorted by
// collection then id, one record per line, keys sorted. Each record carries
// its site, tombstone flag, version vector, winning field values and, for
// fields with concurrent values, every sibling. Equal states give equal bytes.
std::string DumpJson(const std::vector<Record>& records);

}  // namespace relais::common
