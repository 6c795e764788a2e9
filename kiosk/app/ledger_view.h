#pragma once
// Month view of the shared-costs ledger for the staff screen. Balances and
// the settlement plan come from common/domain/ledger.h (allocation keys
// equal / share / presence, largest-remainder split, fewest-transfers
// greedy plan), so the kiosk shows exactly what `relais ledger balance`
// prints. Pure; no I/O.

#include <cstdint>
#include <string>
#include <vector>

#include "common/domain/ledger.h"
#include "common/model/schema.h"

namespace relais::kiosk {

struct MonthLedger {
  std::vector<const common::LedgerEntry*> entries;  // of the month, newest first
  int64_t total_cents = 0;
  std::vector<common::domain::Balance> balances;  // by practitioner id
  std::vector<common::domain::Transfer> transfers;
  std::string error;  // why balances could not be computed ("" = fine)
};

// `presence` must cover the month (for the "presence" key).
// REQUIRES: `ledger` outlives the result (entries point into it).
MonthLedger ComputeMonth(const std::vector<common::LedgerEntry>& ledger,
                         const std::vector<common::Practitioner>& practitioners,
                         const std::vector<common::Presence>& presence,
                         const std::string& month);

// True if some entry reverses `id`.
bool IsReversed(const std::vector<common::LedgerEntry>& ledger,
                const std::string& id);

}  // namespace relais::kiosk
