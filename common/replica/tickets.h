#pragma once
// The walk-in queue on a replica (issue #16, docs/domain.md "File d'attente
// sans rendez-vous"): issue a ticket, list the day, call the next one to a
// room, close it (done, left) or convert it into an appointment. Works
// offline; the queue converges through sync (merge rule: merge/policy.h).
//
// Every operation is ONE transaction (BEGIN IMMEDIATE: a kiosk and the CLI
// on one file never hand out one number twice). Tickets are created at the
// replica's home site, on the Paris day of the replica's corrected clock.
// A ticket is named by its record id or, for today's tickets, by its number
// ("A12"). Errors: INVALID_ARGUMENT for bad input, NOT_FOUND for an unknown
// ticket, FAILED_PRECONDITION for a move the status does not allow (e.g.
// calling a finished ticket) or a number held by two tickets (give the id),
// RESOURCE_EXHAUSTED when a prefix has no number left today, plus the
// store's errors. Nothing is written on error. Not thread-safe (as Replica).

#include <string>
#include <utility>
#include <vector>

#include "common/model/inputs.h"
#include "common/model/ticket.h"
#include "common/replica/replica.h"
#include "common/util/status.h"

namespace relais::common {

// Where a replica's prefix letter comes from.
enum class TicketPrefixSource { kHub, kManual };
struct TicketPrefixInfo {
  std::string letter;
  TicketPrefixSource source = TicketPrefixSource::kHub;
};
// The replica's prefix letter: the hub's (meta kTicketPrefixHubMeta, unique
// at the site by construction), else the one set by hand (meta
// kTicketPrefixMeta). FAILED_PRECONDITION with a French message when there
// is neither (never synced with a hub of this version, or the hub said the
// site's 26 letters are taken): the replica never picks a letter that could
// clash. DATA_LOSS for a stored value that is not one letter A-Z.
Result<TicketPrefixInfo> TicketPrefixOf(Replica& r);
// TicketPrefixOf(r).letter.
Result<std::string> TicketPrefix(Replica& r);
// Stores `prefix` (one letter A-Z, INVALID_ARGUMENT otherwise) as the letter
// set by hand; "" clears it. It is used only while the replica has no hub
// letter (the hub's wins).
Status SetTicketPrefix(Replica& r, const std::string& prefix);
// Other replicas (by issuer) that issued tickets with `prefix` at the home
// site during the last kClashWindowDays days (today included), sorted: the
// kiosks a prefix clashes with. Reads only those days' tickets.
inline constexpr int kClashWindowDays = 30;
Result<std::vector<std::string>> TicketPrefixClashes(Replica& r, const std::string& prefix);

// The Paris day ("YYYY-MM-DD") of the replica's corrected clock.
Result<std::string> TicketToday(Replica& r);

// Issues the next ticket of today at the home site: number = prefix +
// next counter (domain::NextTicketNumber), status waiting.
Result<Ticket> IssueTicket(Replica& r);

// Every ticket of `day` held by the replica at `site` ("" = home site),
// deleted ones left out, sorted by (issued_at, number, id).
// INVALID_ARGUMENT for a malformed day.
Result<std::vector<Ticket>> TicketsOn(Replica& r, const std::string& day,
                                      const std::string& site = "");

// Calls the first ticket of today's queue (domain::QueueOrder) to `room`
// (non-empty, at most kMaxTicketRoomLen bytes). NOT_FOUND when nobody waits.
Result<Ticket> CallNextTicket(Replica& r, const std::string& room);
// Calls (or calls again, to another room) the ticket `ref`: waiting or
// called only.
Result<Ticket> CallTicket(Replica& r, const std::string& ref, const std::string& room);
// Closes the ticket `ref` as "done" (it must have been called) or "left"
// (waiting or called: the patient went away).
Result<Ticket> FinishTicket(Replica& r, const std::string& ref, const std::string& status);

// Converts the ticket `ref` (waiting or called) into an appointment of `a`
// (practitioner, patient name, optional birth date, duration, kind): start
// and check-in = now, status checked_in, checkin_via staff, origin
// sans_rdv, room = the ticket's room unless `a.room` names one. The
// appointment and the ticket (status converted, its id) are written in ONE
// transaction. Returns (ticket, appointment id).
Result<std::pair<Ticket, std::string>> ConvertTicket(Replica& r, const std::string& ref,
                                                     const NewAppointment& a);

}  // namespace relais::common
