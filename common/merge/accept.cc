#include "common/merge/accept.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "common/merge/merge.h"
#include "common/merge/purge.h"
#include "common/model/schema.h"
#include "common/model/ticket.h"
#include "common/model/validate.h"

namespace relais::common {

namespace {

std::string Describe(const Record& r) {
  return std::string(CollectionName(r.collection)) + " '" + r.id + "'";
}

std::string DotText(const Dot& d) {
  return d.replica + ":" + std::to_string(d.counter);
}

// Bounds that keep every later step cheap. Checked on sizes only.
}  // namespace

Status CheckRecordBounds(const Record& in, const AcceptLimits& limits) {
  if (in.vv.entries().size() > limits.max_vv_entries)
    return Status::InvalidArgument(
        Describe(in) + ": vecteur de version trop long (" +
        std::to_string(in.vv.entries().size()) + " entrées, maximum " +
        std::to_string(limits.max_vv_entries) + ")");
  size_t bytes = 0;
  for (const auto& [name, sibs] : in.fields) {
    if (sibs.size() > limits.max_siblings)
      return Status::InvalidArgument(
          Describe(in) + ": champ '" + name + "': trop de valeurs concurrentes (" +
          std::to_string(sibs.size()) + ", maximum " +
          std::to_string(limits.max_siblings) + ")");
    for (const Sibling& s : sibs) bytes += s.value.size() + s.dot.replica.size();
    if (bytes > limits.max_record_value_bytes)
      return Status::InvalidArgument(
          Describe(in) + ": enregistrement trop volumineux (plus de " +
          std::to_string(limits.max_record_value_bytes) + " octets de valeurs)");
  }
  return Status::OK();
}

namespace {

// The new state's siblings of one field, sorted by dot, with the write of
// `s` reused: INVALID_ARGUMENT if a dot of `have` comes back with another
// payload. Linear: both lists are sorted by dot.
Status CheckSameDots(const Record& in, const std::string& name,
                     const std::vector<Sibling>& mine,
                     const std::vector<Sibling>& theirs) {
  auto a = mine.begin();
  auto b = theirs.begin();
  while (a != mine.end() && b != theirs.end()) {
    if (a->dot < b->dot) {
      ++a;
    } else if (b->dot < a->dot) {
      ++b;
    } else {
      if (!(*a == *b))
        return Status::InvalidArgument(
            Describe(in) + ": champ '" + name + "': écriture " + DotText(a->dot) +
            " déjà connue avec une autre valeur");
      ++a;
      ++b;
    }
  }
  return Status::OK();
}

bool HoldsDot(const std::vector<Sibling>& sibs, const Dot& d) {
  auto it = std::lower_bound(
      sibs.begin(), sibs.end(), d,
      [](const Sibling& x, const Dot& dot) { return x.dot < dot; });
  return it != sibs.end() && it->dot == d;
}

// Step 4: keeps of `in` what `author` can vouch for, given the hub's vector.
Record Project(const Record& in, const VersionVector& hub_vv,
               const ReplicaId& author, int* ignored) {
  Record p;
  p.collection = in.collection;
  p.id = in.id;
  p.site_id = in.site_id;
  for (const auto& [replica, n] : in.vv.entries()) {
    uint64_t keep = n;
    if (replica != author) keep = std::min(n, hub_vv.Get(replica));
    if (keep < n) ++*ignored;
    if (keep > 0) p.vv.Set(replica, keep);
  }
  for (const auto& [name, sibs] : in.fields) {
    std::vector<Sibling> kept;
    kept.reserve(sibs.size());
    for (const Sibling& s : sibs) {
      if (p.vv.Includes(s.dot)) {
        kept.push_back(s);
      } else {
        ++*ignored;
      }
    }
    if (!kept.empty()) p.fields.emplace(name, std::move(kept));
  }
  return p;
}

// Step 9: a walk-in ticket's shown status never goes back (merge/policy.h).
// Honest replicas only write forward from what they show, so the join of
// their state with the hub's never shows less than the hub did.
Status CheckTicketForward(const Record& in, const Record& have, const Record& merged) {
  if (in.collection != Collection::kTicket) return Status::OK();
  auto before = have.fields.find(field::kStatus);
  auto after = merged.fields.find(field::kStatus);
  if (before == have.fields.end() || after == merged.fields.end()) return Status::OK();
  const std::string& was = Winner(in.collection, field::kStatus, before->second).value;
  const std::string& now = Winner(in.collection, field::kStatus, after->second).value;
  if (TicketStatusRank(now) >= TicketStatusRank(was)) return Status::OK();
  return Status::InvalidArgument(Describe(in) + ": statut de ticket en recul (" +
                                 QuoteForMessage(was) + " -> " + QuoteForMessage(now) +
                                 "): un ticket ne revient jamais en arrière");
}

}  // namespace

Status CheckSameWrites(const Record& a, const Record& b) {
  for (const auto& [name, sibs] : a.fields) {
    auto it = b.fields.find(name);
    if (it == b.fields.end()) continue;
    RELAIS_RETURN_IF_ERROR(CheckSameDots(a, name, sibs, it->second));
  }
  return Status::OK();
}

Result<Acceptance> Accept(const Record& in, const Record* have,
                          const ReplicaId& author, int64_t hub_now_ms,
                          const AcceptLimits& limits) {
  // 1. Bounds, then validation (linear once bounded).
  RELAIS_RETURN_IF_ERROR(CheckRecordBounds(in, limits));
  if (std::string err = ValidateRecord(in); !err.empty())
    return Status::InvalidArgument(Describe(in) + ": " + err);
  if (have && (have->collection != in.collection || have->id != in.id ||
               have->site_id != in.site_id))
    return Status::Internal(Describe(in) + ": état du hub d'un autre enregistrement");

  // The state under judgement: `in` itself until something must change, so
  // an honest push of a new record is never copied.
  Acceptance out;
  std::optional<Record>& owned = out.owned_;
  const Record* cur = &in;
  // 2. A delta is completed with the hub's other fields.
  if (in.partial) {
    if (!have)
      return Status::Aborted(Describe(in) +
                             ": état partiel d'un enregistrement que le hub ne"
                             " connaît pas; renvoyez l'état complet");
    owned = CompleteDelta(in, *have);
    cur = &*owned;
  }

  // 3. The author's own counter.
  const uint64_t theirs = cur->vv.Get(author);
  const uint64_t ours = have ? have->vv.Get(author) : 0;
  if (theirs < ours)
    return Status::InvalidArgument(
        Describe(in) + ": vecteur de version en recul pour la réplique " + author +
        " (" + std::to_string(theirs) + " < " + std::to_string(ours) +
        "); réplique restaurée d'une sauvegarde ?");
  if (theirs > limits.max_counter)
    return Status::InvalidArgument(Describe(in) + ": compteur d'écritures absurde (" +
                                   std::to_string(theirs) + ")");

  // 4. Projection onto what the author can vouch for. Needed only if some
  // entry of another replica exceeds the hub's: otherwise every dot is
  // covered by the hub's vector already.
  static const VersionVector kNone;
  const VersionVector& hub_vv = have ? have->vv : kNone;
  bool beyond = false;
  for (const auto& [replica, n] : cur->vv.entries())
    if (replica != author && n > hub_vv.Get(replica)) beyond = true;
  const bool as_sent = !beyond;  // `cur` is what the author holds
  if (beyond) {
    Record p = Project(*cur, hub_vv, author, &out.ignored);
    owned = std::move(p);
    cur = &*owned;
  }

  // 5-7, reading only; the repairs of 6 are collected, then applied.
  std::vector<std::pair<std::string, Sibling>> repairs;
  const Hlc max_hlc = MakeHlc(hub_now_ms + limits.max_clock_ahead_ms, 0xffff);
  for (const auto& [name, sibs] : cur->fields) {
    bool new_write = false;
    for (const Sibling& s : sibs) {
      if (s.dot.replica != author || s.dot.counter <= ours) continue;
      new_write = true;
      // 7. Clock bound on new writes only: older ones were judged already.
      if (s.hlc > max_hlc)
        return Status::InvalidArgument(
            Describe(in) + ": champ '" + name + "': horodatage " +
            std::to_string(HlcMillis(s.hlc)) + " ms en avance de plus de " +
            std::to_string(limits.max_clock_ahead_ms / 3600000) +
            " h sur l'horloge du hub; corrigez la date et l'heure de ce poste");
    }
    if (!have) continue;
    auto h = have->fields.find(name);
    if (h == have->fields.end()) continue;
    // 5. Reused write ids.
    RELAIS_RETURN_IF_ERROR(CheckSameDots(in, name, sibs, h->second));
    // 6. Removal needs a new write by the author in this field.
    if (new_write) continue;
    for (const Sibling& s : h->second)
      if (cur->vv.Includes(s.dot) && !HoldsDot(sibs, s.dot)) repairs.push_back({name, s});
  }
  // 6 (continued): fields the state omits entirely while covering their writes.
  if (have) {
    for (const auto& [name, sibs] : have->fields) {
      if (cur->fields.count(name)) continue;
      for (const Sibling& s : sibs)
        if (cur->vv.Includes(s.dot)) repairs.push_back({name, s});
    }
  }
  if (!repairs.empty()) {
    if (!owned) owned = in;
    cur = &*owned;
    out.ignored += static_cast<int>(repairs.size());
    for (auto& [name, s] : repairs) {
      std::vector<Sibling>& sibs = owned->fields[name];
      sibs.insert(std::upper_bound(sibs.begin(), sibs.end(), s,
                                   [](const Sibling& x, const Sibling& y) {
                                     return x.dot < y.dot;
                                   }),
                  std::move(s));
    }
  }

  if (cur->fields.empty() || cur->vv.empty()) {
    // Only parts the author cannot vouch for (e.g. another replica's record
    // that a restored hub lacks): nothing to store from this replica.
    out.skipped = true;
    owned.reset();
    return out;
  }
  if (!have) {
    // A creation must be whole (ValidateRecord passed above, and projection
    // only removes); a fragment of another replica's creation (after a hub
    // restore) waits for its author.
    for (const std::string& f : RequiredFields(cur->collection)) {
      if (cur->fields.count(f)) continue;
      if (out.ignored > 0) {
        out.skipped = true;
        owned.reset();
        return out;
      }
      return Status::InvalidArgument(Describe(in) + ": champ obligatoire manquant: " + f);
    }
    // A settled tombstone of a record the hub does not hold (purged,
    // docs/sync-model.md §11, or created and deleted before its first
    // push) brings nothing: not stored, so a late push cannot bring a
    // purged record back. Judged after every check above, so such a push
    // is refused exactly when any other would be.
    if (IsPurgeableTombstone(*cur)) {
      out.skipped = true;
      out.ignored += 1;
      owned.reset();
      return out;
    }
    out.state_ = owned ? nullptr : &in;
    out.changed = true;
    out.exact = as_sent && repairs.empty();
    return out;
  }
  // 8. The join.
  Record merged = Merge(*have, *cur);
  // 9. Domain invariant the join alone cannot hold against a writer.
  RELAIS_RETURN_IF_ERROR(CheckTicketForward(in, *have, merged));
  out.changed = !(merged == *have);
  out.exact = as_sent && repairs.empty() && merged == (in.partial ? *owned : in);
  owned = std::move(merged);
  return out;
}

}  // namespace relais::common
