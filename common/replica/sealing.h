#pragma once
// Sealing on the replica (issue #15): where an organisation's key file
// lives, and the step between the replica's clear values and its stored
// (sealed) ones. See crypto/seal.h for the value format and
// docs/security.md for who can read what.
//
// Key location: ONE key file per organisation (issue #19: the org id; for
// a one-site house, org = site) in the replica's directory,
// KeyPathFor(db, org) = "<dir of db>/relais-<org>.cle",
// mode 0600. Replicas of one site in one directory share it. A replica at
// ":memory:" (tests only) uses a process-wide in-memory key per site
// (MemoryKeyring), created on first use.
// Thread-safety: MemoryKeyring is thread-safe; a Sealer is immutable.

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/crypto/keyring.h"
#include "common/model/record.h"
#include "common/model/schema.h"
#include "common/util/status.h"

namespace relais::common {

// "<dir of db>/relais-<site>.cle"; "" for ":memory:".
std::string KeyPathFor(const std::string& db_path, const std::string& site);
bool IsMemoryPath(const std::string& db_path);
// TEST-ONLY: the process-wide key of `site` for in-memory replicas.
std::shared_ptr<const crypto::Keyring> MemoryKeyring(const std::string& site);

// Installs `ring` as the key file of a replica at `db_path` of `site`:
// INVALID_ARGUMENT if the ring is another site's; when a key file is
// already there, it must hold a subset of `ring`'s keys (the same key, or
// the same one re-exported after a rotation), else FAILED_PRECONDITION.
// In memory: checks the site only.
Status InstallKeyFile(const std::string& db_path, const std::string& site,
                      const crypto::Keyring& ring);
// Creates a new key file for `site` beside `db_path` unless one exists.
Status CreateKeyFileIfAbsent(const std::string& db_path, const std::string& site);

class Sealer {
 public:
  // `ring` may be null: the replica has no key (nothing opens, nothing can
  // be sealed).
  explicit Sealer(std::shared_ptr<const crypto::Keyring> ring)
      : ring_(std::move(ring)) {}
  bool has_key() const { return ring_ != nullptr; }
  const crypto::Keyring* ring() const { return ring_.get(); }

  // The clear value of one stored value of field `f` of `r`: a clear
  // (unmigrated) value as is, a sealed one opened, kUnreadable if it cannot
  // be opened. Values of fields that are not sealed are returned as is.
  std::string OpenOne(const Record& r, const std::string& f,
                      const std::string& stored) const;
  // A copy of `r` with every sibling of every sealed field opened.
  Record Opened(const Record& r) const;

  // Turns validated clear `changes` to record (c, id) into what is stored:
  // each sealed field sealed (or, when the record already holds exactly that
  // clear value as its only sibling, that stored value, so an unchanged
  // value is not rewritten), and for an appointment whose name or birth
  // changes, patient_idx recomputed from the resulting clear values.
  // FAILED_PRECONDITION without a key when a sealed field is written, and
  // for the value kUnreadable (never stored as if it were clear).
  // `deterministic`: see crypto::SealValue (migration only).
  // `site`: the record's site when it is created (cur empty); the
  // associated data of every sealed value names the record's site.
  Result<std::map<std::string, std::string>> SealChanges(
      Collection c, const std::string& id, const std::string& site,
      const std::optional<Record>& cur,
      const std::map<std::string, std::string>& changes,
      bool deterministic = false) const;

  // True when `r` holds a sealed field value still in clear (a value that
  // does not start with kSealedPrefix), in its only sibling: migration
  // seals those (fields in conflict are left until someone resolves them).
  static bool NeedsSealing(const Record& r);
  // True when any value of a sealed field of `r` is sealed.
  static bool HoldsSealed(const Record& r);

 private:
  std::string Ad(const Record& r, const std::string& f) const;
  std::shared_ptr<const crypto::Keyring> ring_;
};

}  // namespace relais::common
