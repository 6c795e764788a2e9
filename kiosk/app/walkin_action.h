#pragma once
// Actions of the walk-in queue (issue #16). act::Walkin wraps them so that
// kiosk::Action gains one entry only; ApplyWalkin (walkin.h) handles them.

#include <string>
#include <variant>

namespace relais::kiosk::act {

// « Je n'ai pas de rendez-vous »: take a ticket (public).
struct TakeTicket {};
// Staff: call ticket `ticket_id` ("" = the next in queue order) to `room`,
// one of the site's rooms (WalkinState::rooms).
struct CallTicket {
  std::string ticket_id, room;
};
// Staff: « Terminé » (status "done") or « Parti » ("left").
struct FinishTicket {
  std::string ticket_id, status;
};
// Staff: « Convertir en rendez-vous » with `practitioner` for the patient
// named `patient_name` (birth optional, DDMMYYYY or YYYY-MM-DD).
struct ConvertTicket {
  std::string ticket_id, practitioner, patient_name, patient_birth;
};
using WalkinAct = std::variant<TakeTicket, CallTicket, FinishTicket, ConvertTicket>;
struct Walkin {
  WalkinAct a;
};

}  // namespace relais::kiosk::act
