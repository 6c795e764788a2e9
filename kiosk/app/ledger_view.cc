#include "kiosk/app/ledger_view.h"

#include <algorithm>

namespace relais::kiosk {

bool IsReversed(const std::vector<common::LedgerEntry>& ledger,
                const std::string& id) {
  return std::any_of(ledger.begin(), ledger.end(),
                     [&](const common::LedgerEntry& e) { return e.reverses == id; });
}

MonthLedger ComputeMonth(const std::vector<common::LedgerEntry>& ledger,
                         const std::vector<common::Practitioner>& practitioners,
                         const std::vector<common::Presence>& presence,
                         const std::string& month) {
  MonthLedger m;
  for (const common::LedgerEntry& e : ledger) {
    if (e.deleted || e.month != month) continue;
    m.entries.push_back(&e);
    m.total_cents += e.amount_cents;
  }
  std::sort(m.entries.begin(), m.entries.end(),
            [](const common::LedgerEntry* a, const common::LedgerEntry* b) {
              return a->created_at != b->created_at ? a->created_at > b->created_at
                                                    : a->id > b->id;
            });
  auto balances = common::domain::MonthlyBalances(ledger, practitioners, presence, month);
  if (!balances.ok()) {
    m.error = balances.status().message();
    return m;
  }
  m.balances = std::move(balances).value();
  m.transfers = common::domain::Settle(m.balances);
  return m;
}

}  // namespace relais::kiosk
