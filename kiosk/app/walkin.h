#pragma once
// The walk-in queue's pure logic in the kiosk (issue #16; docs/kiosk.md
// « Sans rendez-vous : ticket, file d'attente, écran de salle d'attente »).
// ApplyWalkin turns act::Walkin into state changes and queued EffWalkin
// effects; the Apply*Result functions are what the executor (walkin_effects.h)
// calls with what the replica answered. Deterministic, no I/O, no ImGui.

#include <cstdint>
#include <string>
#include <vector>

#include "common/model/ticket.h"
#include "kiosk/app/action.h"
#include "kiosk/app/state.h"

namespace relais::kiosk {

// Public: TakeTicket (from the welcome screen or any public screen but the
// PIN pad) -> screen kTicket, pending, EffIssueTicket queued. Staff: Call,
// Finish, Convert are checked against WalkinState (the same checks as the
// replica, so a refusal is shown at once in French) and queued; a locked
// kiosk goes to the PIN pad instead.
void ApplyWalkin(AppState& s, const act::Walkin& a);

// The replica issued `t`; `day_tickets` are the site's tickets of its day
// (t included). Fills the ticket screen (position, estimate) and, with a
// printer, queues EffPrintTicket with TicketReceipt.
void ApplyTicketIssued(AppState& s, const common::Ticket& t,
                       const std::vector<common::Ticket>& day_tickets);
// The replica could not issue one: « adressez-vous au secrétariat ».
void ApplyTicketFailed(AppState& s);
// lp's answer: a failure shows « Imprimante indisponible … »; the number
// stays on screen either way.
void ApplyPrintResult(AppState& s, bool ok);

// The plain-text receipt (never a name): header, number, estimate, the
// reminder, the Paris date and time of issue. At most ~400 bytes.
std::string TicketReceipt(Lang lang, const common::Ticket& t, int64_t wait_ms);

// The ticket screen's spoken text (number, estimate, reminder).
std::string TicketSpeech(const AppState& s);

// One line of « File d'attente ».
struct QueueRow {
  std::string id, number, status, room;
  int64_t waited_ms = 0;  // since issue (waiting) or since the call (called)
};
// Waiting tickets in queue order (domain::QueueOrder) with the wait so far.
std::vector<QueueRow> WaitingRows(const AppState& s);
// Called tickets (not closed yet), latest call first.
std::vector<QueueRow> CalledRows(const AppState& s);

}  // namespace relais::kiosk
