// Replica: the organisation key (load, create, import, rotate) and the
// in-place sealing of clear values (issue #15). See replica.h, sealing.h.
#include <sys/stat.h>

#include <algorithm>
#include <utility>

#include "common/codec/record_json.h"
#include "common/crypto/seal.h"
#include "common/replica/replica.h"

namespace relais::common {

namespace {

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

Status InstallKeyFile(const std::string& db_path, const std::string& site,
                      const crypto::Keyring& ring) {
  if (ring.site() != site)
    return Status::InvalidArgument("cette clé est celle du site " + ring.site() +
                                   ", pas de " + site);
  if (IsMemoryPath(db_path)) return Status::OK();
  const std::string path = KeyPathFor(db_path, site);
  auto existing = crypto::LoadKeyFile(path, site);
  if (existing.ok()) {
    for (const crypto::Key& k : existing->keys()) {
      const crypto::Key* same = ring.Find(k.id);
      if (!same || same->master != k.master)
        return Status::FailedPrecondition(
            "un autre fichier de clé est déjà là (" + path +
            "): il rendrait illisibles des valeurs; déplacez-le d'abord");
    }
  } else if (existing.status().code() != StatusCode::kNotFound) {
    return existing.status();
  }
  return crypto::SaveKeyFile(path, ring, /*overwrite=*/true);
}

Status CreateKeyFileIfAbsent(const std::string& db_path, const std::string& site) {
  if (IsMemoryPath(db_path)) return Status::OK();
  const std::string path = KeyPathFor(db_path, site);
  if (FileExists(path)) return Status::OK();
  RELAIS_ASSIGN_OR_RETURN(crypto::Keyring ring, crypto::Keyring::Generate(site));
  Status st = crypto::SaveKeyFile(path, ring, /*overwrite=*/false);
  if (st.code() == StatusCode::kAlreadyExists) return Status::OK();  // raced
  return st;
}

Result<bool> Replica::HoldsAnySealed() {
  for (Collection c : {Collection::kAppointment, Collection::kPractitioner,
                       Collection::kSite}) {
    RELAIS_ASSIGN_OR_RETURN(std::vector<Record> recs, store_->List(c));
    for (const Record& r : recs)
      if (Sealer::HoldsSealed(r)) return true;
  }
  return false;
}

Status Replica::LoadKey() {
  if (IsMemoryPath(db_path_)) {
    sealer_ = Sealer(MemoryKeyring(org_id_));
    return Status::OK();
  }
  const std::string path = KeyPathFor(db_path_, org_id_);
  auto ring = crypto::LoadKeyFile(path, org_id_);
  if (ring.status().code() == StatusCode::kNotFound) {
    // An upgraded replica creates its key, unless values sealed by another
    // replica are here: then a new key would be the wrong one.
    RELAIS_ASSIGN_OR_RETURN(bool sealed, HoldsAnySealed());
    if (sealed) {
      key_problem_ = "clé d'organisation absente (" + path +
                     "): importez-la avec 'relais key import --db " + db_path_ +
                     " --key-file FICHIER' (exportée par une autre réplique de l'organisation)";
      return Status::OK();
    }
    RELAIS_RETURN_IF_ERROR(CreateKeyFileIfAbsent(db_path_, org_id_));
    ring = crypto::LoadKeyFile(path, org_id_);
  }
  if (!ring.ok()) {
    key_problem_ = ring.status().message();
    return Status::OK();
  }
  sealer_ = Sealer(std::make_shared<const crypto::Keyring>(std::move(ring).value()));
  key_problem_.clear();
  return Status::OK();
}

Replica::KeyState Replica::key_state() const {
  KeyState k;
  k.has_key = has_key();
  k.path = IsMemoryPath(db_path_) ? "(mémoire)" : KeyPathFor(db_path_, org_id_);
  k.problem = key_problem_;
  if (const crypto::Keyring* ring = sealer_.ring()) {
    k.current_key_id = ring->current().id;
    k.key_count = ring->keys().size();
  }
  return k;
}

Status Replica::ImportKey(const crypto::Keyring& ring) {
  RELAIS_RETURN_IF_ERROR(InstallKeyFile(db_path_, org_id_, ring));
  if (IsMemoryPath(db_path_))
    return Status::FailedPrecondition("réplique en mémoire: pas de fichier de clé");
  RELAIS_RETURN_IF_ERROR(LoadKey());
  if (!sealer_.has_key()) return Status::DataLoss(key_problem_);
  return SealClearValues().status();
}

Status Replica::RotateKey() {
  if (!sealer_.has_key())
    return Status::FailedPrecondition(key_problem_.empty() ? "pas de clé" : key_problem_);
  if (IsMemoryPath(db_path_))
    return Status::FailedPrecondition("réplique en mémoire: pas de fichier de clé");
  crypto::Keyring ring = *sealer_.ring();
  RELAIS_RETURN_IF_ERROR(ring.Rotate());
  RELAIS_RETURN_IF_ERROR(
      crypto::SaveKeyFile(KeyPathFor(db_path_, org_id_), ring, /*overwrite=*/true));
  sealer_ = Sealer(std::make_shared<const crypto::Keyring>(std::move(ring)));
  return Status::OK();
}

Result<int> Replica::SealClearValues() {
  if (!sealer_.has_key()) return 0;
  // Runs at every Open: each record is first decoded lean, sealed fields
  // only (NeedsSealing reads nothing else), and whole only if it needs it.
  static constexpr std::string_view kSealed[] = {field::kPatientName, field::kPatientBirth,
                                                 field::kNote, field::kPinHash};
  std::vector<Record> todo;
  for (Collection c : {Collection::kAppointment, Collection::kPractitioner,
                       Collection::kSite}) {
    const size_t from = todo.size();
    RELAIS_RETURN_IF_ERROR(store_->ForEachState(c, "", "", [&](std::string_view state) -> Status {
      auto lean = DecodeRecordJsonFields(state, kSealed);
      if (!lean.ok()) return Status::DataLoss("enregistrement illisible");
      if (!Sealer::NeedsSealing(*lean)) return Status::OK();
      auto whole = DecodeRecordJson(state);
      if (!whole.ok()) return Status::DataLoss("enregistrement illisible");
      todo.push_back(std::move(whole).value());
      return Status::OK();
    }));
    // List's order (k1, id), so the writes below happen as before.
    std::sort(todo.begin() + static_cast<std::ptrdiff_t>(from), todo.end(),
              [](const Record& a, const Record& b) {
                return std::make_pair(ReplicaStore::SortKey(a), a.id) <
                       std::make_pair(ReplicaStore::SortKey(b), b.id);
              });
  }
  if (todo.empty()) return 0;
  Transaction tx(store_->db());
  RELAIS_RETURN_IF_ERROR(tx.status());
  int n = 0;
  for (Record& r : todo) {
    std::map<std::string, std::string> changes;
    for (const auto& [f, sibs] : r.fields)
      if (IsSealedField(r.collection, f) && sibs.size() == 1 &&
          !crypto::LooksSealed(sibs[0].value) &&
          sibs[0].value.size() <= crypto::kMaxSealableLen)
        changes[f] = sibs[0].value;
    if (changes.empty()) continue;  // only values too long to seal
    RELAIS_ASSIGN_OR_RETURN(auto stored, sealer_.SealChanges(r.collection, r.id, r.site_id, r, changes,
                                                              /*deterministic=*/true));
    RELAIS_ASSIGN_OR_RETURN(Hlc h, NextHlc());
    if (!ApplyLocalWrite(&r, replica_id_, h, stored)) continue;
    RELAIS_RETURN_IF_ERROR(store_->PutLocal(r));
    ++n;
  }
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  return n;
}

std::vector<std::string> Replica::BlindIndexes(const std::string& letters,
                                               const std::string& birth) const {
  if (!sealer_.has_key()) return {};
  return crypto::BlindIndexes(*sealer_.ring(), letters, birth);
}

FieldView Replica::OpenView(const Record& r) const { return View(sealer_.Opened(r)); }

}  // namespace relais::common
