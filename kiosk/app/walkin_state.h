#pragma once
// The walk-in queue in the kiosk (issue #16, docs/kiosk.md « Sans
// rendez-vous »): what the public ticket screen and the staff « File
// d'attente » show, and the effects that touch the replica's tickets
// (common/replica/tickets.h). Plain data: no ImGui, SQLite or gRPC.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "common/model/inputs.h"
#include "common/model/ticket.h"

namespace relais::kiosk {

// The ticket just handed to a patient (screen kTicket). Holds no name.
struct IssuedTicket {
  bool pending = false;   // EffIssueTicket queued, not run yet
  std::string number;     // "A12"; "" until issued
  int position = 0;       // 1-based place in the queue when issued
  int64_t wait_ms = 0;    // domain::EstimatedWaitMs at issue
  bool print_failed = false;  // « Imprimante indisponible : retenez votre numéro »
};

struct WalkinState {
  // --ticket-printer NAME ("" = no receipt). Set once by main.
  std::string printer;
  IssuedTicket issued;
  // Today's tickets at the kiosk's site (TicketsOn, sorted by issue), and
  // the site's room names (for « Appeler »), sorted; set by the reload.
  std::vector<common::Ticket> tickets;
  std::vector<std::string> rooms;
};

// Effects (run by walkin_effects.h RunWalkin).
struct EffIssueTicket {};
// Receipt text for `lp -d printer` (ticket_printer.h).
struct EffPrintTicket {
  std::string printer, text;
};
// ref: a ticket id; "" = the next in queue order.
struct EffCallTicket {
  std::string ref, room;
};
// status: "done" or "left".
struct EffFinishTicket {
  std::string ref, status;
};
struct EffConvertTicket {
  std::string ref;
  common::NewAppointment appointment;
};
using WalkinEffect = std::variant<EffIssueTicket, EffPrintTicket, EffCallTicket,
                                  EffFinishTicket, EffConvertTicket>;
// One variant entry in kiosk::Effect for all of them.
struct EffWalkin {
  WalkinEffect e;
};

}  // namespace relais::kiosk
