#include "common/audit/chain.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>

#include "common/merge/merge.h"
#include "common/model/schema.h"

namespace relais::common::audit {

namespace {

constexpr const char kPrefix[] = "aud-";
constexpr size_t kSeqDigits = 12;

void Put(std::string* out, const std::string& item) {
  *out += std::to_string(item.size());
  *out += ':';
  *out += item;
}

std::string Hex(const unsigned char* p, size_t n) {
  std::string out(2 * n + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

std::string Where(const Entry& e) {
  return "réplique " + e.replica + ", entrée " + std::to_string(e.seq) + " : ";
}

// Fields an erase may rewrite (by any replica of the site).
bool ErasableField(const std::string& f) {
  return f == field::kAuditWho || f == field::kAuditRecords || f == kDeletedField;
}

}  // namespace

std::string EntryId(const std::string& replica, uint64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%012llu", static_cast<unsigned long long>(seq));
  return kPrefix + replica + "-" + buf;
}

bool ParseEntryId(const std::string& id, std::string* replica, uint64_t* seq) {
  const size_t p = sizeof kPrefix - 1;
  if (id.rfind(kPrefix, 0) != 0 || id.size() < p + 2 + kSeqDigits) return false;
  const size_t dash = id.size() - kSeqDigits - 1;
  if (id[dash] != '-') return false;
  int64_t n = 0;
  const std::string digits = id.substr(dash + 1);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      !ParseInt64(digits, &n) || n < 1)
    return false;
  const std::string rep = id.substr(p, dash - p);
  if (!IsValidReplicaId(rep) || EntryId(rep, static_cast<uint64_t>(n)) != id) return false;
  *replica = rep;
  *seq = static_cast<uint64_t>(n);
  return true;
}

std::string EntryHash(const Entry& e) {
  if (sodium_init() < 0) return "";
  std::string in;
  Put(&in, "relais-audit-v1");
  Put(&in, e.replica);
  Put(&in, std::to_string(e.seq));
  Put(&in, std::to_string(e.at));
  Put(&in, e.who);
  Put(&in, e.what);
  Put(&in, e.records);
  Put(&in, e.prev);
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(in.data()),
                     in.size(), nullptr, 0);
  return Hex(h, sizeof h);
}

std::vector<std::string> ChunkIds(const std::vector<std::string>& ids) {
  std::vector<std::string> out(1);
  for (const std::string& id : ids) {
    std::string& last = out.back();
    if (!last.empty() && last.size() + 1 + id.size() > kMaxRecordsBytes) out.emplace_back();
    if (!out.back().empty()) out.back() += ',';
    out.back() += id;
  }
  return out;
}

Entry EntryFromRecord(const Record& r, std::string* problem) {
  Entry e;
  problem->clear();
  if (!ParseEntryId(r.id, &e.replica, &e.seq)) {
    *problem = "identifiant d'entrée invalide " + QuoteForMessage(r.id);
    return e;
  }
  const FieldView v = View(r);
  auto get = [&](const char* f) {
    auto it = v.find(f);
    return it == v.end() ? std::string() : it->second;
  };
  e.erased = get(kDeletedField) == "1";
  for (const auto& [name, sibs] : r.fields) {
    if (e.erased && ErasableField(name)) continue;
    if (sibs.size() != 1 || sibs[0].dot.replica != e.replica) {
      *problem = Where(e) + "champ '" + name + "' modifié par une autre réplique";
      return e;
    }
  }
  int64_t seq = 0;
  if (!ParseInt64(get(field::kAuditSeq), &seq) || static_cast<uint64_t>(seq) != e.seq) {
    *problem = Where(e) + "numéro d'ordre différent de l'identifiant";
    return e;
  }
  if (!ParseInt64(get(field::kAuditAt), &e.at)) {
    *problem = Where(e) + "date illisible";
    return e;
  }
  e.who = get(field::kAuditWho);
  e.what = get(field::kAuditWhat);
  e.records = get(field::kAuditRecords);
  e.prev = get(field::kAuditPrev);
  if (e.erased && (!e.who.empty() || !e.records.empty()))
    *problem = Where(e) + "entrée effacée qui garde des données";
  return e;
}

namespace {

// Checks one replica's entries, sorted by seq.
void CheckChain(const std::vector<Entry>& chain, int64_t now_s, const std::string& head,
                std::vector<std::string>* problems) {
  const int64_t cutoff = now_s - kAuditRetentionDays * 86400;
  uint64_t expect = 1;
  const Entry* kept_before = nullptr;
  for (const Entry& e : chain) {
    if (e.seq > expect)
      problems->push_back(Where(e) + "entrée(s) " + std::to_string(expect) + " à " +
                          std::to_string(e.seq - 1) + " manquante(s)");
    expect = e.seq + 1;
    if (e.erased) {
      if (kept_before)
        problems->push_back(Where(e) + "entrée effacée au milieu de la chaîne");
      else if (e.at >= cutoff)
        problems->push_back(Where(e) + "entrée effacée avant l'échéance de 12 mois");
      continue;
    }
    if (kept_before) {
      if (e.prev != EntryHash(*kept_before))
        problems->push_back(Where(e) + "ne suit pas l'entrée " +
                            std::to_string(kept_before->seq) +
                            " (entrée modifiée, remplacée ou déplacée)");
    } else if (e.seq == 1 && !e.prev.empty()) {
      problems->push_back(Where(e) + "première entrée avec un prédécesseur");
    }
    kept_before = &e;
  }
  if (head.empty() || chain.empty()) return;
  const Entry& last = chain.back();
  // An erased last entry can no longer be hashed: only its place is checked.
  const std::string want = last.erased ? head.substr(0, head.find(':')) : head;
  const std::string mine =
      last.erased ? std::to_string(last.seq) : std::to_string(last.seq) + ":" + EntryHash(last);
  if (mine != want)
    problems->push_back("réplique " + last.replica +
                        " : la chaîne ne finit pas où cette réplique l'a laissée (" + head +
                        ")");
}

}  // namespace

ChainReport VerifyChains(const std::vector<Record>& records, int64_t now_s,
                         const std::map<std::string, std::string>& heads) {
  ChainReport rep;
  std::map<std::string, std::vector<Entry>> chains;
  for (const Record& r : records) {
    if (r.collection != Collection::kAudit) continue;
    std::string problem;
    Entry e = EntryFromRecord(r, &problem);
    if (!problem.empty()) {
      rep.problems.push_back(problem);
      continue;
    }
    ++rep.entries;
    rep.erased += e.erased ? 1 : 0;
    chains[e.replica].push_back(std::move(e));
  }
  for (const auto& [replica, head] : heads)
    if (!head.empty() && !chains.count(replica))
      rep.problems.push_back("réplique " + replica + " : toutes ses entrées manquent");
  for (auto& [replica, chain] : chains) {
    std::sort(chain.begin(), chain.end(),
              [](const Entry& a, const Entry& b) { return a.seq < b.seq; });
    auto h = heads.find(replica);
    CheckChain(chain, now_s, h == heads.end() ? "" : h->second, &rep.problems);
  }
  rep.chains = static_cast<int>(chains.size());
  return rep;
}

}  // namespace relais::common::audit
