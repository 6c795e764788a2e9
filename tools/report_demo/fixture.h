#pragma once
// A tiny hand-written record set for the headless-browser test
// (report-demo --fixture). Its figures are counted by hand in
// tests/report/browser_test.sh, never by the report code under test; change
// one and the other together.
//
// Sites "aubrac" and "causses", appointments of kind "consultation" only,
// each for a different patient, no check-in, no practitioner, no presence,
// no cost; status written in December 2025 (no late cancellation):
//   aubrac  2026-01: 20 done, 2 no_show, 3 cancelled
//   aubrac  2026-02: 15 done, 5 no_show, 4 cancelled
//   causses 2026-01: 12 done, 1 no_show, 2 cancelled
//   causses 2026-02: 30 done, 0 no_show, 0 cancelled

#include <vector>

#include "common/model/record.h"

namespace relais::tools {

std::vector<common::Record> BrowserFixtureRecords();

}  // namespace relais::tools
