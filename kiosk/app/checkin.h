#pragma once
// Public self check-in rules (domain notes §2.3), as pure functions.
// A match is searched only among today's appointments of this site whose
// start lies within [now - 60 min, now + 90 min]; cancelled, deleted and
// already finished appointments never match. No I/O.

#include <cstdint>
#include <string>
#include <vector>

#include "common/model/fold.h"
#include "common/model/schema.h"

namespace relais::kiosk {

inline constexpr int64_t kEarliestLateMin = 60;   // started up to 60 min ago
inline constexpr int64_t kLatestEarlyMin = 90;    // starts within 90 min

// Upper-cases and keeps only characters of the code alphabet (no 0/O/1/I).
std::string NormalizeCode(const std::string& typed);
// Name folding shared with the blind index: see common/model/fold.h.
using common::FoldLetters;
// "31121950" or "1950-12-31" -> "1950-12-31"; "" if not a valid date.
std::string NormalizeBirth(const std::string& typed);

// Indexes into `pool` of the appointments matching; see file comment.
std::vector<size_t> MatchByCode(const std::vector<common::Appointment>& pool,
                                const std::string& code, int64_t now_s);
// By birth date and the first 3 letters of the name. With `indexes` (the
// blind indexes of the typed letters and birth under every organisation
// key, Replica::BlindIndexes), an appointment carrying a patient_idx
// matches on it alone (no name or birth compared); one without (written
// before sealing, not yet migrated) is compared in clear as before.
std::vector<size_t> MatchByBirth(const std::vector<common::Appointment>& pool,
                                 const std::string& birth_iso,
                                 const std::string& letters, int64_t now_s,
                                 const std::vector<std::string>* indexes = nullptr);

// Patients already checked in (waiting) for the same practitioner with an
// earlier start: the queue position shown to the patient.
int PatientsBefore(const std::vector<common::Appointment>& pool,
                   const common::Appointment& a);

}  // namespace relais::kiosk
