#pragma once
// Public self check-in rules (domain notes §2.3), as pure functions.
// A match is searched only among today's appointments of this site whose
// start lies within [now - 60 min, now + 90 min]; cancelled, deleted and
// already finished appointments never match. No I/O.

#include <cstdint>
#include <string>
#include <vector>

#include "common/model/schema.h"

namespace relais::kiosk {

inline constexpr int64_t kEarliestLateMin = 60;   // started up to 60 min ago
inline constexpr int64_t kLatestEarlyMin = 90;    // starts within 90 min

// Upper-cases and keeps only characters of the code alphabet (no 0/O/1/I).
std::string NormalizeCode(const std::string& typed);
// Upper-case ASCII letters of a name with French accents folded
// ("Éloïse d'Orléans" -> "ELOISEDORLEANS").
std::string FoldLetters(const std::string& name);
// "31121950" or "1950-12-31" -> "1950-12-31"; "" if not a valid date.
std::string NormalizeBirth(const std::string& typed);

// Indexes into `pool` of the appointments matching; see file comment.
std::vector<size_t> MatchByCode(const std::vector<common::Appointment>& pool,
                                const std::string& code, int64_t now_s);
std::vector<size_t> MatchByBirth(const std::vector<common::Appointment>& pool,
                                 const std::string& birth_iso,
                                 const std::string& letters, int64_t now_s);

// Patients already checked in (waiting) for the same practitioner with an
// earlier start: the queue position shown to the patient.
int PatientsBefore(const std::vector<common::Appointment>& pool,
                   const common::Appointment& a);

}  // namespace relais::kiosk
