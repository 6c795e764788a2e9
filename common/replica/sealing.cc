#include "common/replica/sealing.h"

#include <mutex>

#include "common/crypto/seal.h"
#include "common/merge/merge.h"

namespace relais::common {

std::string KeyPathFor(const std::string& db_path, const std::string& site) {
  if (IsMemoryPath(db_path)) return "";
  const size_t slash = db_path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : db_path.substr(0, slash);
  return (dir.empty() ? std::string("/") : dir + "/") + "relais-" + site + ".cle";
}

bool IsMemoryPath(const std::string& db_path) {
  return db_path.empty() || db_path == ":memory:" || db_path.rfind("file::memory:", 0) == 0;
}

std::shared_ptr<const crypto::Keyring> MemoryKeyring(const std::string& site) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const crypto::Keyring>> rings;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = rings[site];
  if (!slot) {
    auto k = crypto::Keyring::Generate(site);
    if (k.ok()) slot = std::make_shared<const crypto::Keyring>(std::move(k).value());
  }
  return slot;
}

std::string Sealer::Ad(const Record& r, const std::string& f) const {
  return crypto::SealAd(CollectionName(r.collection), r.site_id, r.id, f);
}

std::string Sealer::OpenOne(const Record& r, const std::string& f,
                            const std::string& stored) const {
  if (!IsSealedField(r.collection, f) || !crypto::LooksSealed(stored)) return stored;
  if (!ring_) return kUnreadable;
  auto clear = crypto::OpenValue(*ring_, Ad(r, f), stored);
  return clear ? *clear : std::string(kUnreadable);
}

Record Sealer::Opened(const Record& r) const {
  Record out = r;
  for (auto& [f, sibs] : out.fields) {
    if (!IsSealedField(r.collection, f)) continue;
    for (Sibling& s : sibs) s.value = OpenOne(r, f, s.value);
  }
  return out;
}

Result<std::map<std::string, std::string>> Sealer::SealChanges(
    Collection c, const std::string& id, const std::string& site,
    const std::optional<Record>& cur,
    const std::map<std::string, std::string>& changes, bool deterministic) const {
  std::map<std::string, std::string> out = changes;
  Record place;
  place.collection = c;
  place.id = id;
  place.site_id = cur ? cur->site_id : site;
  bool touches_index = false;
  for (auto& [f, v] : out) {
    if (!IsSealedField(c, f)) continue;
    if (!ring_)
      return Status::FailedPrecondition(
          "clé d'organisation absente: importez-la (relais key import) avant d'écrire '" +
          f + "'");
    if (v == kUnreadable)  // e.g. a conflict sibling that could not be opened
      return Status::FailedPrecondition("valeur illisible (clé absente): '" + f +
                                        "' non modifié");
    touches_index |= f == field::kPatientName || f == field::kPatientBirth;
    if (cur) {
      auto it = cur->fields.find(f);
      if (it != cur->fields.end() && it->second.size() == 1 &&
          crypto::LooksSealed(it->second[0].value) &&
          OpenOne(*cur, f, it->second[0].value) == v) {
        v = it->second[0].value;
        continue;
      }
    }
    RELAIS_ASSIGN_OR_RETURN(v, crypto::SealValue(*ring_, Ad(place, f), v, deterministic));
  }
  if (c == Collection::kAppointment && touches_index) {
    // The clear name and birth after this write.
    auto clear = [&](const char* f) -> std::string {
      auto ch = changes.find(f);
      if (ch != changes.end()) return ch->second;
      if (!cur) return "";
      const FieldView view = View(*cur);
      auto it = view.find(f);
      return it == view.end() ? "" : OpenOne(*cur, f, it->second);
    };
    const std::string name = clear(field::kPatientName);
    const std::string birth = clear(field::kPatientBirth);
    if (name != kUnreadable && birth != kUnreadable)
      out[field::kPatientIdx] = crypto::BlindIndex(*ring_, name, birth);
  }
  return out;
}

bool Sealer::NeedsSealing(const Record& r) {
  for (const auto& [f, sibs] : r.fields)
    if (IsSealedField(r.collection, f) && sibs.size() == 1 &&
        !crypto::LooksSealed(sibs[0].value))
      return true;
  return false;
}

bool Sealer::HoldsSealed(const Record& r) {
  for (const auto& [f, sibs] : r.fields)
    if (IsSealedField(r.collection, f))
      for (const Sibling& s : sibs)
        if (crypto::LooksSealed(s.value)) return true;
  return false;
}

}  // namespace relais::common
