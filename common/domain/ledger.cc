#include "common/domain/ledger.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "common/domain/presence.h"

namespace relais::common::domain {

namespace {

std::string PercentText(int64_t bp) {
  std::string s = std::to_string(bp / 100) + ",";
  const int64_t frac = bp % 100;
  if (frac < 10) s += "0";
  return s + std::to_string(frac) + " %";
}

std::string MonthOf(const std::string& date) { return date.substr(0, 7); }

const LedgerEntry* FindEntry(const std::vector<LedgerEntry>& all,
                             const std::string& id) {
  for (const LedgerEntry& e : all)
    if (e.id == id) return &e;
  return nullptr;
}

}  // namespace

Result<MemberAmounts> Allocate(int64_t amount_cents, const MemberAmounts& weights) {
  __int128 total_weight = 0;
  std::set<std::string> seen;
  for (const auto& [member, w] : weights) {
    if (member.empty()) return Status::InvalidArgument("membre sans identifiant");
    if (!seen.insert(member).second)
      return Status::InvalidArgument("membre en double dans la clé: " + member);
    if (w < 0)
      return Status::InvalidArgument("poids négatif pour " + member);
    total_weight += w;
  }
  if (total_weight == 0) return Status::InvalidArgument("clé vide");
  const bool negative = amount_cents < 0;
  // |A| fits in unsigned 64 bits even for INT64_MIN; products use 128 bits.
  const unsigned __int128 abs_amount =
      negative ? static_cast<unsigned __int128>(-(amount_cents + 1)) + 1
               : static_cast<unsigned __int128>(amount_cents);
  const unsigned __int128 w_total = static_cast<unsigned __int128>(total_weight);
  std::vector<unsigned __int128> base(weights.size()), frac(weights.size());
  unsigned __int128 handed = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const unsigned __int128 product =
        abs_amount * static_cast<unsigned __int128>(weights[i].second);
    base[i] = product / w_total;
    frac[i] = product % w_total;
    handed += base[i];
  }
  // r < member count: one extra cent each for the r largest remainders.
  const size_t r = static_cast<size_t>(abs_amount - handed);
  std::vector<size_t> order(weights.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (frac[a] != frac[b]) return frac[a] > frac[b];
    return weights[a].first < weights[b].first;
  });
  for (size_t k = 0; k < r; ++k) base[order[k]] += 1;
  MemberAmounts out;
  out.reserve(weights.size());
  for (size_t i = 0; i < weights.size(); ++i) {
    const int64_t part = static_cast<int64_t>(base[i]);
    out.emplace_back(weights[i].first, negative ? -part : part);
  }
  return out;
}

Result<MemberAmounts> KeyWeights(const std::string& key, const std::string& month,
                                 const std::vector<Practitioner>& practitioners,
                                 const std::vector<Presence>& presence) {
  std::vector<const Practitioner*> members;
  for (const Practitioner& p : practitioners)
    if (!p.deleted) members.push_back(&p);
  std::sort(members.begin(), members.end(),
            [](const Practitioner* a, const Practitioner* b) { return a->id < b->id; });
  if (members.empty())
    return Status::InvalidArgument("clé vide: aucun praticien dans l'annuaire");
  MemberAmounts w;
  int64_t total = 0;
  if (key == "equal") {
    for (const Practitioner* p : members) w.emplace_back(p->id, 1);
  } else if (key == "share") {
    for (const Practitioner* p : members) w.emplace_back(p->id, p->share_bp);
  } else if (key == "presence") {
    std::map<std::string, int64_t> half_days;
    for (const Presence& pr : presence) {
      if (pr.deleted || MonthOf(pr.date) != month) continue;
      if (OccupiesPremises(pr.state)) ++half_days[pr.practitioner];
    }
    for (const Practitioner* p : members) w.emplace_back(p->id, half_days[p->id]);
  } else {
    return Status::InvalidArgument("clé de répartition inconnue: '" + key + "'");
  }
  for (const auto& [id, x] : w) total += x;
  if (key == "share" && total != 10000)
    return Status::InvalidArgument("les parts de la clé 'share' font " +
                                   PercentText(total) + " au lieu de 100 %");
  if (total == 0) {
    std::string why = key == "presence" ? " (aucune demi-journée de présence en " + month + ")"
                                        : "";
    return Status::InvalidArgument("clé vide" + why);
  }
  return w;
}

Status ValidateNewEntry(const LedgerEntry& e, const std::vector<LedgerEntry>& all,
                        const std::vector<Practitioner>& practitioners,
                        const std::vector<Presence>& presence_of_month) {
  const bool known_payer =
      std::any_of(practitioners.begin(), practitioners.end(),
                  [&](const Practitioner& p) { return !p.deleted && p.id == e.payer; });
  if (!known_payer) return Status::InvalidArgument("payeur inconnu: '" + e.payer + "'");
  if (e.reverses.empty()) {
    if (e.amount_cents <= 0)
      return Status::InvalidArgument(
          "montant nul ou négatif: seule une contre-passation peut l'être");
    auto w = KeyWeights(e.key, e.month, practitioners, presence_of_month);
    if (!w.ok()) return w.status().WithContext("clé '" + e.key + "' pour " + e.month);
    return Status::OK();
  }
  const LedgerEntry* orig = FindEntry(all, e.reverses);
  if (!orig)
    return Status::InvalidArgument("écriture à contre-passer inconnue: " + e.reverses);
  if (!orig->reverses.empty())
    return Status::InvalidArgument("on ne contre-passe pas une contre-passation (" +
                                   orig->id + ")");
  for (const LedgerEntry& x : all)
    if (x.reverses == e.reverses)
      return Status::AlreadyExists("écriture déjà contre-passée par " + x.id);
  if (e.amount_cents != -orig->amount_cents)
    return Status::InvalidArgument(
        "une contre-passation porte le montant opposé de l'écriture (" +
        std::to_string(-orig->amount_cents) + " centimes)");
  if (e.payer != orig->payer || e.key != orig->key)
    return Status::InvalidArgument("une contre-passation garde le payeur (" +
                                   orig->payer + ") et la clé (" + orig->key +
                                   ") de l'écriture");
  return Status::OK();
}

Result<MemberAmounts> AllocateEntry(const LedgerEntry& e,
                                    const std::vector<LedgerEntry>& entries,
                                    const std::vector<Practitioner>& practitioners,
                                    const std::vector<Presence>& presence) {
  // A reversal is allocated with the key and month of the entry it reverses,
  // so both net to exactly zero for every member.
  const LedgerEntry* basis = &e;
  if (!e.reverses.empty()) {
    basis = FindEntry(entries, e.reverses);
    if (!basis)
      return Status::InvalidArgument("écriture " + e.id +
                                     ": contre-passe une écriture inconnue " + e.reverses);
  }
  auto w = KeyWeights(basis->key, basis->month, practitioners, presence);
  if (!w.ok()) return w.status().WithContext("écriture " + e.id);
  return Allocate(e.amount_cents, *w);
}

Result<std::vector<Balance>> MonthlyBalances(
    const std::vector<LedgerEntry>& entries,
    const std::vector<Practitioner>& practitioners,
    const std::vector<Presence>& presence, const std::string& month) {
  std::map<std::string, Balance> by_id;
  for (const Practitioner& p : practitioners) {
    if (p.deleted) continue;
    by_id[p.id].practitioner = p.id;
    by_id[p.id].name = p.name;
  }
  for (const LedgerEntry& e : entries) {
    if (e.deleted || e.month != month) continue;
    RELAIS_ASSIGN_OR_RETURN(MemberAmounts parts,
                            AllocateEntry(e, entries, practitioners, presence));
    Balance& payer = by_id[e.payer];
    payer.practitioner = e.payer;
    payer.paid += e.amount_cents;
    for (const auto& [id, cents] : parts) by_id[id].owed += cents;
  }
  std::vector<Balance> out;
  for (auto& [id, b] : by_id) out.push_back(std::move(b));
  return out;
}

std::vector<Transfer> Settle(const std::vector<Balance>& balances) {
  std::map<std::string, int64_t> net;
  for (const Balance& b : balances) net[b.practitioner] += b.balance();
  std::vector<Transfer> out;
  for (;;) {
    // Largest debtor and largest creditor; ties by id ascending (map order,
    // strict comparison keeps the first).
    const std::pair<const std::string, int64_t>* debtor = nullptr;
    const std::pair<const std::string, int64_t>* creditor = nullptr;
    for (const auto& kv : net) {
      if (kv.second < 0 && (!debtor || kv.second < debtor->second)) debtor = &kv;
      if (kv.second > 0 && (!creditor || kv.second > creditor->second)) creditor = &kv;
    }
    if (!debtor || !creditor) break;
    const int64_t cents = std::min(-debtor->second, creditor->second);
    out.push_back({debtor->first, creditor->first, cents});
    net[debtor->first] += cents;
    net[creditor->first] -= cents;
  }
  return out;
}

}  // namespace relais::common::domain
