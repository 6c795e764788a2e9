#pragma once
// Retention (issue #15): erasing patient identities of old appointments and
// expired access-log entries, as ORDINARY synced writes, so every replica
// and the hub replace the old (sealed) values when they sync. The records
// stay (with patient_ref, start, kind, status...): the funder's counts,
// which use only those, are unchanged. See docs/security.md "Accès du
// personnel" for the choice of durations (CNIL délibération 2020-081 and
// the 2021 recommendation on logs).
// Errors: those of Replica::WriteBatch (one transaction per call: all or
// nothing). Not thread-safe (as Replica).

#include <cstdint>
#include <string>
#include <vector>

#include "common/replica/replica.h"

namespace relais::common {

// Default policy: appointment identities are erased 24 months after the
// appointment (a site may set site.retention_months, 1 to 1200).
inline constexpr int kDefaultRetentionMonths = 24;
// What an erased appointment's patient_name becomes (a name may not be
// empty); patient_birth and note become "".
inline constexpr const char kErasedName[] = "(effacé)";

// Appointment fields erased by the purge: every identifying (sealed) field.
// TODO(merge): the lead replaces this list by IsSealedField(kAppointment, f)
// once the crypto helper's schema lands (blind indexes included).
const std::vector<std::string>& ErasableAppointmentFields();

struct PurgeCounts {
  int appointments_seen = 0;    // appointments that started before the cutoff
  int appointments_erased = 0;  // of which written now (others already erased)
  int audit_erased = 0;         // access-log entries erased now
};

// Erases the identities of every appointment whose start < `before_utc_s`
// (one transaction). Idempotent: an already erased appointment is not
// written again.
Result<PurgeCounts> EraseAppointmentsBefore(Replica* r, int64_t before_utc_s);

// Erases the access-log entries (of every replica of the site) older than
// audit::kAuditRetentionDays at `now_s` (one transaction).
Result<int> PurgeAuditLog(Replica* r, int64_t now_s);

// The site's retention in months: site.retention_months, or the default.
Result<int> RetentionMonths(Replica* r);
// Stores site.retention_months (a synced write). INVALID_ARGUMENT outside
// 1..1200.
Status SetRetentionMonths(Replica* r, int months);
// Paris midnight, `months` months before the Paris date of `now_s` (day
// clamped to the month's length), as UTC seconds.
int64_t PolicyCutoff(int64_t now_s, int months);

}  // namespace relais::common
