#pragma once
// The walk-in queue (issue #16, « Je n'ai pas de rendez-vous », docs/domain.md
// "File d'attente sans rendez-vous"): one record per ticket handed to a
// patient who arrives without an appointment. Field names, statuses,
// numbering and per-field checks. Standard library only.
//
// A ticket (Collection::kTicket, record id from Replica::NewId("tk"), stored
// at its site; the site IS the record's site_id, never a field):
//   day          "YYYY-MM-DD", the Paris day the ticket was issued (required)
//   number       display number "A12": a prefix letter A-Z (per kiosk) then a
//                counter 1..kMaxTicketCounter without leading zero (required)
//   issued_at    UTC milliseconds of issue, 0..kMaxTimestamp*1000 (required)
//   status       waiting | called | done | left | converted (required)
//   issuer       replica id of the kiosk that issued it ("" unknown)
//   room         where the patient was called ("" until called), short text
//   called_at    UTC ms of the call ("" until called)
//   ended_at     UTC ms of done/left/converted ("" before)
//   appointment  record id of the appointment it became ("" unless converted)
//
// Numbering: the counter is per (site, day, prefix); each replica has its
// own prefix letter, assigned by the hub at its first sync, unique among the
// replicas of its home site (replica meta "ticket_prefix_hub"), so two
// kiosks issuing offline never hand out one number. A replica without a hub
// letter uses the letter set by hand (meta "ticket_prefix", `relais ticket
// prefix --set`, the administrator's choice for a site without hub), else
// refuses to issue tickets (common/replica/tickets.h).

#include <cstdint>
#include <string>
#include <vector>

#include "common/model/schema.h"

namespace relais::common {

namespace field {
inline constexpr const char kTicketDay[] = "day";
inline constexpr const char kTicketNumber[] = "number";
inline constexpr const char kIssuedAt[] = "issued_at";  // UTC ms
inline constexpr const char kIssuer[] = "issuer";       // replica id
inline constexpr const char kCalledAt[] = "called_at";  // UTC ms
inline constexpr const char kEndedAt[] = "ended_at";    // UTC ms
inline constexpr const char kAppointment[] = "appointment";
// status and room: field::kStatus, field::kRoom.
}  // namespace field

// Largest per-(site, day, prefix) counter: "Z9999".
inline constexpr int kMaxTicketCounter = 9999;
// Longest room text of a called ticket, in bytes.
inline constexpr size_t kMaxTicketRoomLen = 64;
// Replica meta key holding the prefix letter set by hand ("" = none).
inline constexpr const char kTicketPrefixMeta[] = "ticket_prefix";
// Replica meta keys written by sync: the letter the hub assigned ("" =
// none yet), and "1" when the hub said the home site has no free letter.
inline constexpr const char kTicketPrefixHubMeta[] = "ticket_prefix_hub";
inline constexpr const char kTicketPrefixFullMeta[] = "ticket_prefix_full";

// Ticket statuses, in the order a visit follows (the terminal ones last).
inline const std::vector<std::string>& TicketStatuses() {
  static const std::vector<std::string> k = {"waiting", "called", "done", "left",
                                             "converted"};
  return k;
}
// Rank of a status for the merge rule (policy.h): waiting 0 < called 1 <
// left 2 < done 3 < converted 4; -1 for an unknown value. A terminal status
// (rank >= 2) is never left.
int TicketStatusRank(const std::string& status);
bool IsTerminalTicketStatus(const std::string& status);

struct Ticket {
  std::string id, site_id, day, number, status = "waiting", issuer, room, appointment;
  int64_t issued_at_ms = 0, called_at_ms = 0, ended_at_ms = 0;  // 0 = unset
  bool deleted = false;
};
Ticket TicketFromView(const Record& r, const FieldView& v);

// "A".."Z" alone.
bool IsValidTicketPrefix(const std::string& prefix);
// The letter replicas used before hub assignment: 'A' + FNV-1a(replica_id)
// mod 26 (1/26 chance two kiosks of a site clash). No longer used to issue
// tickets; kept for tests that rebuild tickets of that era.
char DefaultTicketPrefix(const std::string& replica_id);
// "A12" -> ('A', 12). False unless [A-Z][1-9][0-9]{0,3}.
bool ParseTicketNumber(const std::string& number, char* prefix, int* counter);
// ('A', 12) -> "A12". REQUIRES: valid prefix letter, 1 <= counter <= max.
std::string FormatTicketNumber(char prefix, int counter);

// Field names (for validate.cc's FieldsOf) and the required ones.
const std::vector<std::string>& TicketFields();
const std::vector<std::string>& TicketRequiredFields();
// Level 1 (validate.h) for ticket fields: "" or a French message.
std::string ValidateTicketField(const std::string& f, const std::string& v);

}  // namespace relais::common
