#pragma once
// Replica: the domain operations of one house's replica over its SQLite store.
// Used by the `relais` CLI, the kiosk and the sync client. Every operation is
// one transaction: it either fully happens or leaves the file unchanged.
// Errors: INVALID_ARGUMENT for bad input (nothing written), NOT_FOUND for an
// unknown id, plus the store's errors (see storage/replica_store.h).
// Not thread-safe: one Replica per thread.
//
// Sealed fields (issue #15, model/schema.h IsSealedField): writes validate
// the clear value, then store it sealed with the organisation key
// (replica/sealing.h: key file "<dir>/relais-<site>.cle"); typed reads
// (AppointmentsOn, AllAppointments, Practitioners, CheckIn, Conflicts,
// OpenView, Opened) return opened values, and kUnreadable for a value
// that cannot be opened (no key, another organisation's key, tampered) --
// never the sealed text. Get, Write's result, Dump and the store hold what
// is stored (sealed), so they can be merged and sent as they are.
// Writing a sealed field without a key is FAILED_PRECONDITION; everything
// else (status, sync) works without it.

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
#include "common/replica/sealing.h"
#include "common/storage/replica_store.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "common/util/time.h"

namespace relais::common {

// Alphabet of check-in codes: no 0/O/1/I, easy to read aloud.
inline constexpr const char kCodeAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
// Most sites one replica may hold (organisation included).
inline constexpr size_t kMaxScopeSites = 64;

// What a replica holds (issue #19, docs/domain.md §6d). An organisation
// (a centre de santé with several sites, or a one-site MSP whose org id is
// its site id) keeps its shared records (practitioners, pôles) at the
// pseudo-site `org`; each site keeps its own (appointments, presence,
// plages, rooms, its site record). A house holds {org, its site}; a remote
// secretariat holds {org, S1, S2, ...}.
struct ReplicaScope {
  // Organisation id; "" = the home site (a one-site house).
  std::string org;
  // The sites held, home site first (where writes go by default). Empty
  // only with `org`: the scope is then learnt from the hub's token at the
  // first sync (`relais init --org O`), the home site being `org`.
  std::vector<std::string> sites;
};

class Replica {
 public:
  // Creates a new replica file for `scope` and returns its new replica id.
  // INVALID_ARGUMENT for a malformed or duplicated site id or more than
  // kMaxScopeSites sites. The key file is the organisation's.
  static Result<std::string> Init(const std::string& path,
                                  const ReplicaScope& scope,
                                  const crypto::Keyring* import = nullptr);
  // Creates a new replica file for `site_id` and returns its new replica id.
  // ALREADY_EXISTS if the file already holds a replica. Key: with `import`
  // (an organisation key read from an exported file), installs it as the
  // key file first (FAILED_PRECONDITION if a different key file is already
  // there, INVALID_ARGUMENT if it is another site's; nothing created);
  // without, creates a new key file when none exists (see sealing.h).
  static Result<std::string> Init(const std::string& path,
                                  const std::string& site_id,
                                  const crypto::Keyring* import = nullptr);
  // Opens an initialised replica. FAILED_PRECONDITION if not initialised.
  // `clock` must outlive the Replica. Loads the key file; when there is
  // none and the replica holds no sealed value, creates one (an upgraded
  // replica); when there is none but sealed values are present, opens
  // without a key (key_state() says so). With a key, seals the clear values
  // of sealed fields in one transaction (SealClearValues).
  static Result<std::unique_ptr<Replica>> Open(
      const std::string& path, Clock* clock = SystemClock::Default());

  // Key status for `relais status`: has_key, the key file path, and why
  // there is no key ("" when there is one).
  struct KeyState {
    bool has_key = false;
    std::string path;
    std::string problem;
    std::string current_key_id;
    size_t key_count = 0;
  };
  KeyState key_state() const;
  // Whether this replica holds its organisation's key (cheap; key_state()
  // also builds the key file's path for `relais status`).
  bool has_key() const { return sealer_.has_key(); }
  // The organisation keyring, nullptr without a key.
  const crypto::Keyring* keyring() const { return sealer_.ring(); }
  // Installs `ring` as this replica's key file (it must contain every key
  // of an existing key file: a re-export after a rotation), then seals the
  // clear values. FAILED_PRECONDITION for a key that would make existing
  // sealed values unreadable, INVALID_ARGUMENT for another site's key.
  Status ImportKey(const crypto::Keyring& ring);
  // Adds a new current key to the key file; older values stay readable.
  // FAILED_PRECONDITION without a key or for an in-memory replica.
  Status RotateKey();
  // Seals, in one transaction of ordinary local writes, every sealed field
  // still in clear (only sibling); returns how many records changed.
  Result<int> SealClearValues();
  // The blind indexes (every key) of a typed name/letters and birth date,
  // for check-in matching; empty without a key.
  std::vector<std::string> BlindIndexes(const std::string& letters,
                                        const std::string& birth) const;
  // The winning values of `r` with sealed fields opened.
  FieldView OpenView(const Record& r) const;
  // A copy of `r` with every sibling of its sealed fields opened.
  Record Opened(const Record& r) const { return sealer_.Opened(r); }

  const std::string& replica_id() const { return replica_id_; }
  // The home site: where records are created unless another site is named.
  const std::string& site_id() const { return site_id_; }
  // The organisation (= site_id() for a one-site house).
  const std::string& org_id() const { return org_id_; }
  // The sites held, sorted (org included); empty while an org-wide scope
  // has not been learnt from the hub yet.
  const std::vector<std::string>& scope() const { return scope_; }
  bool InScope(const std::string& site) const;
  // The scope as stored in meta "scope": sites sorted, comma-separated.
  // DATA_LOSS for a stored value that is not such a list.
  static Result<std::vector<std::string>> ParseScope(const std::string& text);
  // `sites` comma-separated, in the given order (meta "scope" when sorted;
  // also how messages name a list of sites).
  static std::string JoinScope(const std::vector<std::string>& sites);
  // Checks the token's scope sent by the hub against this replica's scope
  // before anything pulled is applied: equal, or (scope not learnt yet)
  // one that holds org_id(), which is then stored as the scope.
  // FAILED_PRECONDITION with the fix in French when they differ.
  Status AcceptHubScope(const std::vector<std::string>& token_sites);
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
  // Write creating the record at `site` (which must be in scope()); an
  // existing record must already be at `site` (INVALID_ARGUMENT if not).
  // `site` "" is Write: create at DefaultSite(c), edit where it is.
  // `site` "" is Write: create at DefaultSite(c), edit where it is.
  Result<Record> WriteAt(const std::string& site, Collection c, const std::string& id,
                         const std::map<std::string, std::string>& changes);
  // Write for a caller that holds its own Transaction on store()->db(), so
  // that a read and the write it causes are one transaction (audit_log.h).
  // REQUIRES: an open Transaction. Same checks and result as Write.
  Result<Record> WriteInTransaction(Collection c, const std::string& id,
                                    const std::map<std::string, std::string>& changes) {
    bool changed = false;
    return WriteLocked("", c, id, changes, &changed);
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

  // Practitioner ids are local to an organisation, so two houses can both
  // have "p1": an id without '@' is qualified as "id@org" (this replica's
  // organisation: its site for a one-site house); an id that already has
  // "@X" is kept. Every practitioner reference (record id, appointment,
  // presence, payer) goes through this. Practitioner records live at the
  // organisation's pseudo-site.
  std::string PractitionerRef(const std::string& id) const;

  Status AddPractitioner(const std::string& id, const std::string& name,
                         const std::string& profession, int64_t share_bp = 0);
  // The organisation fields of a practitioner (model/org.h); nullopt =
  // left as they are (an older hub never sees them unless they are set).
  struct PractitionerOrg {
    std::optional<std::string> sites;  // "S1,S2" or "" (= the record's site)
    std::optional<std::string> pole;   // a pôle id held here, or ""
  };
  // AddPractitioner plus `org`. INVALID_ARGUMENT for a malformed sites
  // list or a pôle that is not a live pôle record of this replica.
  Status AddPractitioner(const std::string& id, const std::string& name,
                         const std::string& profession, int64_t share_bp,
                         const PractitionerOrg& org);
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
  // `site`: where (in scope; "" = the home site).
  Status SetPresence(const std::string& practitioner, const std::string& date,
                     const std::string& half, const std::string& state,
                     const std::string& replacement, const std::string& room,
                     const std::string& site = "");
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

  // Every record as canonical JSON (see DumpJson), values as stored
  // (sealed ones sealed): equal states give equal bytes on every replica.
  Result<std::string> Dump();
  // The same with sealed values opened (`relais dump --clair`).
  Result<std::string> DumpClear();

  // Unique identifier with a collection prefix: "rdv-" + 6 hex digits of
  // the replica id + 10 random hex digits.
  std::string NewId(const std::string& prefix);

 private:
  Replica(std::unique_ptr<ReplicaStore> store, Clock* clock)
      : store_(std::move(store)), clock_(clock), rng_(std::random_device{}()),
        sealer_(nullptr) {}
  // Loads (or, when allowed and safe, creates) the key; see Open.
  Status LoadKey();
  Result<bool> HoldsAnySealed();
  Result<Hlc> NextHlc();
  // Write's body; `site` "" = Write's rule (create at DefaultSite, edit
  // where the record is). REQUIRES: an open transaction.
  Result<Record> WriteLocked(const std::string& site, Collection c, const std::string& id,
                             const std::map<std::string, std::string>& changes,
                             bool* changed);
  // Where a record of `c` is created by Write: the organisation for
  // practitioners and pôles, the home site for everything else.
  const std::string& DefaultSite(Collection c) const;
  // `site` if it is in scope, else INVALID_ARGUMENT naming the scope.
  Status CheckWritableSite(const std::string& site) const;
  Result<std::string> NewCode(const CivilDate& day);

  std::unique_ptr<ReplicaStore> store_;
  Clock* clock_;
  std::mt19937_64 rng_;
  HlcClock hlc_;
  std::string replica_id_;
  std::string site_id_;
  std::string org_id_;
  std::vector<std::string> scope_;
  std::string db_path_;
  Sealer sealer_;
  std::string key_problem_;
};

// Canonical JSON of records for `relais dump --json`: an array sorted by
// collection then id, one record per line, keys sorted. Each record carries
// its site, tombstone flag, version vector, winning field values and, for
// fields with concurrent values, every sibling. Equal states give equal bytes.
std::string DumpJson(const std::vector<Record>& records);

}  // namespace relais::common
