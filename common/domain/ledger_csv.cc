// LedgerCsv: the month's ledger for the accountant, in the dialect French
// Excel opens without an import wizard (see ledger.h for the format).
#include <algorithm>
#include <map>

#include "common/domain/ledger.h"
#include "common/util/time.h"

namespace relais::common::domain {

namespace {

constexpr char kSep = ';';
constexpr char kEol[] = "\r\n";

// Quotes a text cell when needed and defuses formula injection.
std::string Cell(const std::string& text) {
  std::string v = text;
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@'))
    v = "'" + v;
  const bool quote = v.find_first_of(";\"\r\n") != std::string::npos;
  if (!quote) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Join(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) line += kSep;
    line += cells[i];
  }
  return line + kEol;
}

}  // namespace

std::string CsvAmount(int64_t cents) {
  const bool neg = cents < 0;
  const uint64_t a = neg ? static_cast<uint64_t>(-(cents + 1)) + 1
                         : static_cast<uint64_t>(cents);
  std::string frac = std::to_string(a % 100);
  if (frac.size() < 2) frac = "0" + frac;
  return (neg ? "-" : "") + std::to_string(a / 100) + "," + frac;
}

Result<std::string> LedgerCsv(const std::string& month,
                              const std::vector<LedgerEntry>& entries,
                              const std::vector<Practitioner>& practitioners,
                              const std::vector<Presence>& presence) {
  int y = 0, m = 0;
  RELAIS_RETURN_IF_ERROR(ParseMonth(month, &y, &m));
  RELAIS_ASSIGN_OR_RETURN(std::vector<Balance> balances,
                          MonthlyBalances(entries, practitioners, presence, month));
  std::vector<const LedgerEntry*> rows;
  for (const LedgerEntry& e : entries)
    if (!e.deleted && e.month == month) rows.push_back(&e);
  std::sort(rows.begin(), rows.end(), [](const LedgerEntry* a, const LedgerEntry* b) {
    return std::tie(a->created_at, a->id) < std::tie(b->created_at, b->id);
  });

  std::string out = "\xEF\xBB\xBF";  // UTF-8 BOM: Excel then reads accents
  std::vector<std::string> header = {"Mois",  "Écriture",     "Date",
                                     "Catégorie", "Libellé", "Payeur",
                                     "Clé",   "Contre-passe", "Montant"};
  for (const Balance& b : balances) header.push_back(Cell("Part " + b.practitioner));
  out += Join(header);
  for (const LedgerEntry* e : rows) {
    RELAIS_ASSIGN_OR_RETURN(MemberAmounts parts,
                            AllocateEntry(*e, entries, practitioners, presence));
    std::map<std::string, int64_t> part_of(parts.begin(), parts.end());
    std::vector<std::string> cells = {
        e->month,           Cell(e->id),    FormatDate(ParisDate(e->created_at)),
        Cell(e->category),  Cell(e->label), Cell(e->payer),
        Cell(e->key),       Cell(e->reverses), CsvAmount(e->amount_cents)};
    for (const Balance& b : balances) cells.push_back(CsvAmount(part_of[b.practitioner]));
    out += Join(cells);
  }
  out += kEol;
  out += Join({"Praticien", "Nom", "Payé", "Dû", "Solde"});
  for (const Balance& b : balances)
    out += Join({Cell(b.practitioner), Cell(b.name), CsvAmount(b.paid),
                 CsvAmount(b.owed), CsvAmount(b.balance())});
  return out;
}

}  // namespace relais::common::domain
