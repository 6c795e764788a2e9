#pragma once
// Shared-cost ledger rules (SCM/SISA): allocation keys, largest-remainder
// split, monthly balances and the settlement plan. Pure functions over the
// model (no SQLite): every replica computes identical results from identical
// records. All money is int64 euro cents. See docs/domain.md and
// domain-notes §1.5.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/model/schema.h"
#include "common/util/status.h"

namespace relais::common::domain {

// (member id, integer weight or amount in cents).
using MemberAmounts = std::vector<std::pair<std::string, int64_t>>;

// Splits `amount_cents` by `weights` so the parts sum exactly to the amount
// (largest remainder / Hamilton): base_i = floor(|A| * w_i / W); the
// r = |A| - sum(base_i) leftover cents go one each to the largest
// (|A| * w_i) mod W, ties by member id ascending; the sign of A is applied
// last. A zero weight gets 0. Returns the parts in the order of `weights`.
// Errors (INVALID_ARGUMENT): W = 0 ("clé vide"), a negative weight, an empty
// or duplicate member id.
Result<MemberAmounts> Allocate(int64_t amount_cents, const MemberAmounts& weights);

// Weights of allocation key `key` for `month` ("YYYY-MM") among the
// non-deleted `practitioners`, in practitioner id order:
// - "equal": 1 each;
// - "share": share_bp each; they must sum to 10000 (100 %);
// - "presence": half-days of the month whose displayed state is "present"
//   or "remplace" (a replaced practitioner keeps paying for the room their
//   replacement uses); "absent" and "en_visite" count 0.
// Errors (INVALID_ARGUMENT): unknown key, no practitioner, shares not summing
// to 100 %, W = 0 ("clé vide").
Result<MemberAmounts> KeyWeights(const std::string& key, const std::string& month,
                                 const std::vector<Practitioner>& practitioners,
                                 const std::vector<Presence>& presence);

// Checks a new entry before it is written: positive amount unless a reversal,
// known payer, usable key for the month. `all` is the whole ledger (to check
// the reversed entry). A reversal must reference an existing, non-reversal
// entry not yet reversed, carry the opposite amount, its payer and its key.
Status ValidateNewEntry(const LedgerEntry& e, const std::vector<LedgerEntry>& all,
                        const std::vector<Practitioner>& practitioners,
                        const std::vector<Presence>& presence_of_month);

struct Balance {
  std::string practitioner;
  std::string name;   // display name ("" if no longer in the directory)
  int64_t paid = 0;   // cents paid for the group this month
  int64_t owed = 0;   // cents of the month's costs allocated to them
  int64_t balance() const { return paid - owed; }  // > 0: the group owes them
};

// Per-practitioner balance of `month`: every entry whose month is `month`
// (reversals included, allocated exactly like the entry they reverse, so an
// entry and its reversal net to zero for everybody). Sorted by practitioner
// id; includes every non-deleted practitioner and any payer no longer listed.
// `presence` must cover the months of the allocated entries (the reversed
// entries' months too). Errors: an entry whose key is unusable (see
// KeyWeights), with the entry id in the message.
Result<std::vector<Balance>> MonthlyBalances(
    const std::vector<LedgerEntry>& entries,
    const std::vector<Practitioner>& practitioners,
    const std::vector<Presence>& presence, const std::string& month);

// The allocation of one entry (after reversal redirection), by member.
Result<MemberAmounts> AllocateEntry(const LedgerEntry& e,
                                    const std::vector<LedgerEntry>& entries,
                                    const std::vector<Practitioner>& practitioners,
                                    const std::vector<Presence>& presence);

struct Transfer {
  std::string from, to;  // practitioner ids: `from` pays `to`
  int64_t cents = 0;
  bool operator==(const Transfer&) const = default;
};

// Settlement plan: repeatedly the largest debtor (most negative balance) pays
// the largest creditor min(debt, credit); ties by id ascending. At most n-1
// transfers. REQUIRES: balances sum to zero (MonthlyBalances guarantees it);
// otherwise the residue stays unsettled.
std::vector<Transfer> Settle(const std::vector<Balance>& balances);

// CSV for the accountant (French Excel: UTF-8 with BOM, ';' separator, CRLF,
// amounts "1234,56" without currency sign, cells starting with = + - @ in
// free text prefixed with "'"). Two tables separated by an empty line:
//   Mois;Écriture;Date;Catégorie;Libellé;Payeur;Clé;Contre-passe;Montant;
//     Part <id>... (one column per practitioner, the entry's allocation)
//   Praticien;Nom;Payé;Dû;Solde
// Errors: as MonthlyBalances.
Result<std::string> LedgerCsv(const std::string& month,
                              const std::vector<LedgerEntry>& entries,
                              const std::vector<Practitioner>& practitioners,
                              const std::vector<Presence>& presence);

// "1234,56" / "-0,05": plain French decimal for spreadsheets.
std::string CsvAmount(int64_t cents);

}  // namespace relais::common::domain
