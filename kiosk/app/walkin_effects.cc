#include "kiosk/app/walkin_effects.h"

#include <algorithm>
#include <cstdio>

#include "common/model/org.h"
#include "common/replica/tickets.h"
#include "kiosk/app/ticket_printer.h"
#include "kiosk/app/walkin.h"

namespace relais::kiosk {

using common::Status;

namespace {

struct Runner {
  common::Replica& r;
  AppState& s;

  Status operator()(const EffIssueTicket&) {
    auto t = common::IssueTicket(r);
    if (!t.ok()) {
      ApplyTicketFailed(s);
      return t.status();
    }
    auto day = common::TicketsOn(r, t->day);
    ApplyTicketIssued(s, *t, day.ok() ? *day : std::vector<common::Ticket>{*t});
    return Status::OK();
  }
  Status operator()(const EffPrintTicket& e) {
    Status st = PrintReceipt(e.printer, e.text);
    if (!st.ok()) std::fprintf(stderr, "%s\n", st.message().c_str());
    ApplyPrintResult(s, st.ok());
    return Status::OK();  // shown on the ticket screen, not a banner
  }
  Status operator()(const EffCallTicket& e) {
    if (e.ref.empty()) return common::CallNextTicket(r, e.room).status();
    return common::CallTicket(r, e.ref, e.room).status();
  }
  Status operator()(const EffFinishTicket& e) {
    return common::FinishTicket(r, e.ref, e.status).status();
  }
  Status operator()(const EffConvertTicket& e) {
    return common::ConvertTicket(r, e.ref, e.appointment).status();
  }
};

}  // namespace

Status RunWalkin(common::Replica& r, AppState& s, const EffWalkin& e) {
  return std::visit(Runner{r, s}, e.e);
}

Status ReloadWalkin(common::Replica& r, AppState& s) {
  RELAIS_ASSIGN_OR_RETURN(std::string today, common::TicketToday(r));
  RELAIS_ASSIGN_OR_RETURN(s.walkin.tickets, common::TicketsOn(r, today));
  RELAIS_ASSIGN_OR_RETURN(std::vector<common::Record> rooms,
                          r.store()->List(common::Collection::kRoom));
  s.walkin.rooms.clear();
  for (const common::Record& rec : rooms) {
    const common::Room room = common::RoomFromView(rec, common::View(rec));
    if (room.deleted || room.site_id != r.site_id() || room.name.empty()) continue;
    s.walkin.rooms.push_back(room.name);
  }
  std::sort(s.walkin.rooms.begin(), s.walkin.rooms.end());
  s.walkin.rooms.erase(std::unique(s.walkin.rooms.begin(), s.walkin.rooms.end()),
                       s.walkin.rooms.end());
  return Status::OK();
}

}  // namespace relais::kiosk
