#pragma once
// The list of French communes a desk needs offline to record a patient's
// commune of residence (issue #20): postcode -> INSEE commune codes. Pure
// (standard library only). The shipped list is La Poste's « Base officielle
// des codes postaux », embedded in the binary; source, version and licence:
// common/geo/data/README.md.

#include <string>
#include <string_view>
#include <vector>

#include "common/util/status.h"

namespace relais::common::geo {

struct Commune {
  std::string postcode;  // 5 digits
  std::string insee;     // 5 characters: digits, or 2A/2B + 3 digits (Corse)
  std::string name;      // La Poste's spelling: upper case, no accents
};

// True for an INSEE commune code: [0-9]{5}, or 2A/2B followed by 3 digits.
bool IsInseeCode(std::string_view s);
// True for a French postcode: exactly 5 digits.
bool IsPostcode(std::string_view s);

class CommuneList {
 public:
  // Parses the shipped format (common/geo/data/README.md): a first line
  // "# relais-communes 1;source=...;licence=...", a header line, then
  // "postcode;insee;name" rows sorted by (postcode, insee). Every row is
  // checked; at most 100,000 rows and 4 MiB. INVALID_ARGUMENT with the line
  // number otherwise.
  static Result<CommuneList> Parse(std::string_view text);

  // Communes served by a postcode, in INSEE order. Empty if unknown.
  std::vector<Commune> ByPostcode(std::string_view postcode) const;
  // The commune with this INSEE code (its first postcode), or NOT_FOUND.
  Result<Commune> ByInsee(std::string_view insee) const;
  // Resolves what a desk typed: `choice` empty (the postcode must name
  // exactly one commune), an INSEE code, or a name (case- and accent-
  // insensitive, hyphens/apostrophes as spaces, "SAINT" = "ST"). Errors in
  // French list the communes of the postcode.
  Result<Commune> Resolve(std::string_view postcode, std::string_view choice) const;

  // "source=...;licence=..." from the first line.
  const std::string& provenance() const { return provenance_; }
  size_t size() const { return rows_.size(); }

 private:
  std::vector<Commune> rows_;  // sorted by (postcode, insee)
  std::string provenance_;
};

// The list embedded at build time, parsed once (thread-safe). A damaged
// embedded list is a build defect: the Status says so.
const Result<CommuneList>& ShippedCommunes();
// SHA-256 (hex) of the embedded file, as computed by CMake: its version.
const char* ShippedCommunesSha256();

}  // namespace relais::common::geo
