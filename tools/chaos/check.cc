#include "tools/chaos/check.h"

#include <map>

#include "common/replica/replica.h"
#include "common/storage/sqlite.h"

namespace relais::chaos {

using common::Replica;

std::string IntegrityProblem(const std::string& path) {
  auto db = common::Db::Open(path, false);
  if (!db.ok()) return "ouverture impossible: " + db.status().ToString();
  auto st = (*db)->Prepare("PRAGMA integrity_check");
  if (!st.ok()) return st.status().ToString();
  std::string all;
  for (int rows = 0; rows < 20; ++rows) {
    auto row = st->Step();
    if (!row.ok()) return row.status().ToString();
    if (!*row) break;
    all += (all.empty() ? "" : "; ") + st->ColumnText(0);
  }
  return all == "ok" ? "" : "integrity_check: " + all;
}

namespace {

// Where one acknowledged write shows up in one replica.
struct Seen {
  int by_id = 0;            // records with its id
  int by_unique = 0;        // records carrying its unique value
  bool value_ok = false;    // the record with its id has the right value
};

Seen Find(Replica& r, const Acked& a, std::string* error) {
  Seen s;
  if (a.op == WriteOp::kAppointment) {
    auto all = r.AllAppointments();
    if (!all.ok()) {
      *error = all.status().ToString();
      return s;
    }
    for (const auto& x : *all) {
      if (x.id == a.id) {
        ++s.by_id;
        s.value_ok = x.patient_name == a.unique;
      }
      if (x.patient_name == a.unique) ++s.by_unique;
    }
  } else {
    auto all = r.LedgerAll();
    if (!all.ok()) {
      *error = all.status().ToString();
      return s;
    }
    for (const auto& x : *all) {
      if (x.id == a.id) {
        ++s.by_id;
        s.value_ok = x.label == a.unique && x.amount_cents == a.amount_cents;
      }
      if (x.label == a.unique) ++s.by_unique;
    }
  }
  return s;
}

}  // namespace

namespace {

using Problems = std::vector<std::string>;
void Add(Problems* p, const std::string& what) {
  if (p->size() < 20) p->push_back(what);
}
std::string R(int i) { return "r" + std::to_string(i); }

// Opens every file; on failure a problem and an empty vector.
std::vector<std::unique_ptr<Replica>> OpenAll(const std::vector<std::string>& files,
                                              Problems* problems) {
  std::vector<std::unique_ptr<Replica>> reps;
  for (const auto& f : files) {
    auto r = Replica::Open(f);
    if (!r.ok()) {
      Add(problems, "réplique illisible " + f + ": " + r.status().ToString());
      return {};
    }
    reps.push_back(std::move(r).value());
  }
  return reps;
}

}  // namespace

std::vector<std::string> CheckDumps(const std::vector<std::string>& files) {
  Problems problems;
  auto reps = OpenAll(files, &problems);
  std::map<std::string, std::pair<int, std::string>> first_of_site;
  for (int i = 0; i < static_cast<int>(reps.size()); ++i) {
    auto dump = reps[i]->Dump();
    if (!dump.ok()) {
      Add(&problems, "dump " + R(i) + ": " + dump.status().ToString());
      continue;
    }
    auto [it, fresh] = first_of_site.try_emplace(SiteOf(i), i, *dump);
    if (fresh || it->second.second == *dump) continue;
    const std::string& a = it->second.second;
    size_t at = 0;
    while (at < a.size() && at < dump->size() && a[at] == (*dump)[at]) ++at;
    const size_t from = at > 60 ? at - 60 : 0;
    Add(&problems, "divergence " + R(it->second.first) + " / " + R(i) + " (site " +
                       SiteOf(i) + ") à l'octet " + std::to_string(at) + ": '" +
                       a.substr(from, 160) + "' vs '" + dump->substr(from, 160) + "'");
  }
  return problems;
}

std::vector<std::string> CheckNothingPending(const std::vector<std::string>& files) {
  Problems problems;
  auto reps = OpenAll(files, &problems);
  for (int i = 0; i < static_cast<int>(reps.size()); ++i) {
    auto pending = reps[i]->PendingCount();
    if (!pending.ok() || *pending != 0)
      Add(&problems, R(i) + ": " + (pending.ok() ? std::to_string(*pending) : std::string("?")) +
                         " changement(s) encore en attente d'acquittement");
  }
  return problems;
}

std::vector<std::string> CheckOracle(const std::vector<std::string>& files,
                                     const std::vector<Acked>& acked) {
  Problems problems;
  auto reps = OpenAll(files, &problems);
  for (const Acked& a : acked) {
    for (int i = 0; i < static_cast<int>(reps.size()); ++i) {
      std::string error;
      const Seen s = Find(*reps[i], a, &error);
      const bool same_site = std::string(SiteOf(i)) == SiteOf(a.replica);
      const std::string what = "écriture acquittée " + a.id + " (" + a.unique + ", " +
                               R(a.replica) + ") sur " + R(i);
      if (!error.empty()) {
        Add(&problems, what + ": " + error);
      } else if (same_site && (s.by_id != 1 || s.by_unique != 1 || !s.value_ok)) {
        Add(&problems, what + ": " + std::to_string(s.by_id) + " par id, " +
                           std::to_string(s.by_unique) + " par valeur" +
                           (s.value_ok ? "" : ", valeur fausse ou absente"));
      } else if (!same_site && (s.by_id != 0 || s.by_unique != 0)) {
        Add(&problems, what + ": visible hors de son site");
      }
    }
  }
  return problems;
}

}  // namespace relais::chaos
