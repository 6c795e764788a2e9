#pragma once
// The stored form of a YearRelease (release_store.h keeps it in SQLite):
// JSON, hub-internal (it holds the true values of masked cells). Pure.
//
// Shape: {"format":"relais-publication","version":1,"annee":2026,
//   "mois_publies":3,"colonnes":[{"cle","libelle","groupe","unite","regle",
//   "depend_de","additive","partie_de"}],"lignes":[{"unite","periode",
//   "cellules":{col:[value|null, mask]}}]}

#include <string>

#include "common/report/release.h"
#include "common/util/status.h"

namespace relais::common::report {

// Bounds a stored release must respect.
inline constexpr size_t kMaxStoredReleaseBytes = 64u << 20;
inline constexpr size_t kMaxReleaseColumns = 256;
inline constexpr size_t kMaxReleaseRows = 100000;

std::string EncodeRelease(const YearRelease& r);

// Parses and checks a stored release. DATA_LOSS, with a French message
// naming the fault, for anything that is not exactly what EncodeRelease
// writes for a sound release: bad JSON or shape, out-of-range sizes,
// unknown columns or masks, a period the release does not cover, a shown
// count cell of 1..10 (a mask removed), or a parent that is not the sum of
// its children (a value changed).
Result<YearRelease> DecodeRelease(const std::string& text);

}  // namespace relais::common::report
