#include "common/merge/merge.h"

#include <algorithm>
#include <cassert>
#include <tuple>

#include "common/merge/policy.h"

namespace relais::common {

namespace {

bool Contains(const std::vector<Sibling>& v, const Sibling& s) {
  // Siblings are sorted by dot; a dot identifies one write.
  auto it = std::lower_bound(
      v.begin(), v.end(), s.dot,
      [](const Sibling& x, const Dot& d) { return x.dot < d; });
  return it != v.end() && it->dot == s.dot;
}

}  // namespace

Record Merge(const Record& a, const Record& b) {
  assert(a.collection == b.collection && a.id == b.id);
  Record out;
  out.collection = a.collection;
  out.id = a.id;
  out.site_id = a.site_id;
  out.vv = a.vv;
  out.vv.MergeFrom(b.vv);

  auto merge_field = [&](const std::vector<Sibling>* sa,
                         const std::vector<Sibling>* sb) {
    std::vector<Sibling> kept;
    static const std::vector<Sibling> kEmpty;
    const auto& va = sa ? *sa : kEmpty;
    const auto& vb = sb ? *sb : kEmpty;
    for (const Sibling& s : va)
      if (Contains(vb, s) || !b.vv.Includes(s.dot)) kept.push_back(s);
    for (const Sibling& s : vb)
      if (!Contains(va, s) && !a.vv.Includes(s.dot)) kept.push_back(s);
    std::sort(kept.begin(), kept.end(),
              [](const Sibling& x, const Sibling& y) { return x.dot < y.dot; });
    // Two siblings with one dot but different payloads can only come from a
    // forged or corrupt state; keep one deterministically.
    kept.erase(std::unique(kept.begin(), kept.end(),
                           [](const Sibling& x, const Sibling& y) {
                             return x.dot == y.dot;
                           }),
               kept.end());
    return kept;
  };

  auto ia = a.fields.begin();
  auto ib = b.fields.begin();
  while (ia != a.fields.end() || ib != b.fields.end()) {
    std::vector<Sibling> kept;
    std::string name;
    if (ib == b.fields.end() ||
        (ia != a.fields.end() && ia->first < ib->first)) {
      name = ia->first;
      kept = merge_field(&ia->second, nullptr);
      ++ia;
    } else if (ia == a.fields.end() || ib->first < ia->first) {
      name = ib->first;
      kept = merge_field(nullptr, &ib->second);
      ++ib;
    } else {
      name = ia->first;
      kept = merge_field(&ia->second, &ib->second);
      ++ia;
      ++ib;
    }
    if (!kept.empty()) out.fields.emplace(std::move(name), std::move(kept));
  }
  return out;
}

bool ApplyLocalWrite(Record* r, const ReplicaId& me, Hlc hlc,
                     const std::map<std::string, std::string>& changes) {
  std::vector<const std::pair<const std::string, std::string>*> effective;
  for (const auto& kv : changes) {
    auto it = r->fields.find(kv.first);
    if (it == r->fields.end() || it->second.size() != 1 ||
        it->second[0].value != kv.second) {
      effective.push_back(&kv);
    }
  }
  if (effective.empty()) return false;
  const uint64_t n = r->vv.Increment(me);
  for (const auto* kv : effective) {
    r->fields[kv->first] = {Sibling{kv->second, Dot{me, n}, hlc}};
  }
  return true;
}

const Sibling& Winner(Collection c, const std::string& field,
                      const std::vector<Sibling>& siblings) {
  assert(!siblings.empty());
  const Sibling* best = &siblings[0];
  for (size_t i = 1; i < siblings.size(); ++i) {
    if (policy::Beats(c, field, siblings[i], *best)) best = &siblings[i];
  }
  return *best;
}

bool NeedsAttention(Collection c, const std::string& field,
                    const std::vector<Sibling>& siblings) {
  if (siblings.size() < 2) return false;
  bool distinct = false;
  for (size_t i = 1; i < siblings.size(); ++i)
    if (siblings[i].value != siblings[0].value) distinct = true;
  if (!distinct) return false;
  return !policy::Settles(c, field, siblings);
}

FieldView View(const Record& r) {
  FieldView v;
  for (const auto& [name, sibs] : r.fields)
    v.emplace(name, Winner(r.collection, name, sibs).value);
  policy::HarmonizeView(r, &v);  // fields that belong together
  return v;
}

std::vector<std::string> ConflictFields(const Record& r) {
  std::vector<std::string> out;
  for (const auto& [name, sibs] : r.fields)
    if (NeedsAttention(r.collection, name, sibs)) out.push_back(name);
  return out;
}

bool IsDeleted(const Record& r) {
  auto it = r.fields.find(kDeletedField);
  return it != r.fields.end() &&
         Winner(r.collection, kDeletedField, it->second).value == "1";
}

Hlc HlcClock::Now(int64_t wall_ms) {
  const Hlc wall = MakeHlc(wall_ms, 0);
  last_ = (wall > last_) ? wall : last_ + 1;
  return last_;
}

void HlcClock::Observe(Hlc remote, int64_t wall_ms) {
  const Hlc cap = MakeHlc(wall_ms + max_drift_ms_, 0);
  if (remote > cap) remote = cap;
  if (remote > last_) last_ = remote;
}

bool TrimToDelta(Record* r, const VersionVector& acked) {
  if (acked.empty() || r->partial) return false;
  std::vector<std::string> old;
  for (const auto& [name, sibs] : r->fields) {
    bool fresh = false;
    for (const Sibling& s : sibs) fresh = fresh || !acked.Includes(s.dot);
    if (!fresh) old.push_back(name);
  }
  if (old.empty() || old.size() == r->fields.size()) return false;
  for (const std::string& name : old) r->fields.erase(name);
  r->partial = true;
  return true;
}

Record CompleteDelta(const Record& partial, const Record& have) {
  Record out = partial;
  out.partial = false;
  for (const auto& [name, sibs] : have.fields) out.fields.emplace(name, sibs);
  return out;
}

}  // namespace relais::common
