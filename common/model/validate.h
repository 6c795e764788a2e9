#pragma once
// One validation of records and typed inputs, shared by the replica (and so
// the `relais` CLI and the kiosk) and the hub. Pure functions, standard
// library only. Every Validate* returns "" when acceptable, else a French
// message naming the field and the problem; values are echoed only
// shortened and with control characters replaced (messages reach logs).
//
// Levels:
//  1. ValidateField(c, field, value): one value on its own. Run by the hub on
//     every sibling of every pushed record (through ValidateRecord) and by the
//     replica on every local write. Unknown fields refused; at most 4096
//     bytes of valid UTF-8; dates that exist (leap years, years 1900..2199);
//     months; instants in [0, kMaxTimestamp]; durations 1..1440 min;
//     amounts with 0 < |amount| <= kMaxAmountCents; statuses, kinds, states
//     and keys from the lists in schema.h; practitioner and payer references
//     ("id" or "id@site", see IsValidPractitionerRef); non-empty ledger
//     category and practitioner name.
//  2. ValidateRecord(r): structure (record id, site id, version vector and
//     dots, replica ids), every sibling through ValidateField, and the rule
//     between two fields of one record: a ledger amount is negative exactly
//     when the entry reverses another. Never requires a field to be present,
//     so it also accepts partial (delta) records.
//     ValidateNewRecord(r): ValidateRecord plus RequiredFields(collection),
//     each present with at least one sibling. For a record its holder has
//     never seen: the hub on an unknown record, the replica when it creates
//     one.
//  3. Inputs typed by a person (CLI, kiosk screens, Replica::Add*):
//     ValidateNewAppointment / ValidateNewLedgerEntry / ValidateNewPresence
//     apply level 1 to the values about to be written, plus
//     ValidatePatientContent.
//
// Sealed fields (IsSealedField in schema.h: patient_name, patient_birth,
// note, pin_hash) are encrypted by the replica, opaque to the hub.
// ValidateField therefore only checks their size and UTF-8 -- all the hub
// can ever check -- and their content (a birth date that exists, a
// non-empty name without control characters, at most kMaxSealedClearLen
// bytes so the sealed text fits the 4096-byte cap, never starting with
// kSealedPrefix) is checked by ValidatePatientContent, on the replica's
// input path only. Nothing at the hub may depend on their content. The
// blind index patient_idx is checked for its shape only ("" or
// "<8 hex>:<22 base64url>"), and is never accepted as input.
//
// Rules that need other records (the payer is a known practitioner, the key
// is usable for the month, a reversal matches the entry it reverses, a ledger
// entry is never rewritten) stay with the replica: domain::ValidateNewEntry
// and Replica::Write. The hub cannot check them record by record.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/model/inputs.h"
#include "common/model/record.h"

namespace relais::common {

// Largest |amount_cents| of a ledger entry: 1 000 000 000,00 EUR (the bound
// the replica has always enforced).
inline constexpr int64_t kMaxAmountCents = 100'000'000'000LL;
// Latest instant a record may carry (start, check-in, creation):
// 2200-01-01T00:00:00Z, in UTC seconds.
inline constexpr int64_t kMaxTimestamp = 7'258'118'400LL;
// Longest record id, in bytes.
inline constexpr size_t kMaxRecordIdLen = 128;

// `v` between single quotes, safe for a one-line message or a log line:
// printable ASCII kept, any other byte shown as '?', cut after 80 bytes.
std::string QuoteForMessage(const std::string& v);

// Replica ids and site ids: 1 to 64 characters from [A-Za-z0-9._-]. Anything
// else (empty, space, newline, '/', ':', '@', non-ASCII...) is refused.
bool IsValidReplicaId(const std::string& id);
bool IsValidSiteId(const std::string& id);
// A practitioner reference: "id" or "id@site", both parts as IsValidSiteId.
bool IsValidPractitionerRef(const std::string& ref);
// "YYYY-MM-DD" naming a day that exists, year 1900..2199.
bool IsValidDate(const std::string& s);
// An INSEE commune code: [0-9]{5}, or 2A/2B followed by 3 digits (Corse).
bool IsValidInseeCode(std::string_view s);
// "YYYY-MM", year 1900..2199, month 01..12.
bool IsValidMonth(const std::string& s);

// Level 1: see the file comment.
std::string ValidateField(Collection c, const std::string& f,
                          const std::string& value);
// Level 2: see the file comment.
std::string ValidateRecord(const Record& r);
// Fields a record of `c` must have when it is created: practitioner: name;
// appointment: practitioner, start; presence: practitioner, date, half,
// state; ledger: amount_cents, category, payer, key, month; site: none;
// schedule: practitioner, weekday, start_time, end_time, kind, valid_from;
// schedule_exception: kind, first_day, last_day (model/schedule.h); pole,
// room: name (model/org.h).
const std::vector<std::string>& RequiredFields(Collection c);
// ValidateRecord, not partial, and every RequiredFields entry present.
std::string ValidateNewRecord(const Record& r);

// Content of a sealed field (input path only): see the file comment;
// patient_name non-empty without control characters, patient_birth empty or
// a date that exists; patient_idx refused (the replica computes it). "" for
// every other field.
std::string ValidatePatientContent(Collection c, const std::string& f,
                                   const std::string& value);
// ValidateField + ValidatePatientContent on each change of a local write.
std::string ValidateLocalChanges(
    Collection c, const std::map<std::string, std::string>& changes);

// Level 3. The practitioner/payer must already be a reference (qualified or
// not); its existence is the replica's business. An empty ledger month means
// "the current month" and is accepted.
std::string ValidateNewAppointment(const NewAppointment& a);
std::string ValidateNewLedgerEntry(const NewLedgerEntry& e);
std::string ValidateNewPresence(const NewPresence& p);

}  // namespace relais::common
