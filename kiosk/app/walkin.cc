#include "kiosk/app/walkin.h"

#include <algorithm>
#include <cstdio>

#include "common/domain/walkin_queue.h"
#include "common/model/validate.h"
#include "common/util/time.h"
#include "kiosk/app/checkin.h"
#include "kiosk/app/walkin_text.h"

namespace relais::kiosk {

namespace {

const common::Ticket* FindTicket(const AppState& s, const std::string& id) {
  for (const common::Ticket& t : s.walkin.tickets)
    if (t.id == id && !t.deleted) return &t;
  return nullptr;
}

void Refuse(AppState& s, WalkMsg m) {
  s.message = WalkTr(s.lang, m);
  s.message_is_error = true;
}

bool RoomAllowed(const AppState& s, const std::string& room) {
  if (s.walkin.rooms.empty())  // a site without rooms: any short text
    return !room.empty() && common::ValidateTicketField(common::field::kRoom, room).empty();
  return std::find(s.walkin.rooms.begin(), s.walkin.rooms.end(), room) != s.walkin.rooms.end();
}

struct Visitor {
  AppState& s;

  bool Staff() {
    if (s.staff_unlocked) return true;
    s.screen = Screen::kStaffPin;
    s.form = CheckInForm{};
    s.form.active = InputField::kPin;
    return false;
  }

  void operator()(const act::TakeTicket&) {
    if (IsStaffScreen(s.screen) || s.screen == Screen::kStaffPin || s.walkin.issued.pending)
      return;
    s.form = CheckInForm{};
    s.checkin = CheckInResult{};
    s.walkin.issued = IssuedTicket{};
    s.walkin.issued.pending = true;
    s.screen = Screen::kTicket;
    s.effects.push_back(EffWalkin{EffIssueTicket{}});
  }
  void operator()(const act::CallTicket& a) {
    if (!Staff()) return;
    if (!RoomAllowed(s, a.room)) return Refuse(s, WalkMsg::kErrRoom);
    if (a.ticket_id.empty()) {
      if (common::domain::QueueOrder(s.walkin.tickets, s.site_id, common::FormatDate(s.today))
              .empty())
        return Refuse(s, WalkMsg::kErrNobody);
    } else {
      const common::Ticket* t = FindTicket(s, a.ticket_id);
      if (!t) return Refuse(s, WalkMsg::kErrUnknownTicket);
      if (t->status != "waiting" && t->status != "called") return Refuse(s, WalkMsg::kErrStatus);
    }
    s.effects.push_back(EffWalkin{EffCallTicket{a.ticket_id, a.room}});
  }
  void operator()(const act::FinishTicket& a) {
    if (!Staff()) return;
    const common::Ticket* t = FindTicket(s, a.ticket_id);
    if (!t) return Refuse(s, WalkMsg::kErrUnknownTicket);
    const bool ok = (a.status == "done" && t->status == "called") ||
                    (a.status == "left" && (t->status == "waiting" || t->status == "called"));
    if (!ok) return Refuse(s, WalkMsg::kErrStatus);
    s.effects.push_back(EffWalkin{EffFinishTicket{a.ticket_id, a.status}});
  }
  void operator()(const act::ConvertTicket& a) {
    if (!Staff()) return;
    const common::Ticket* t = FindTicket(s, a.ticket_id);
    if (!t) return Refuse(s, WalkMsg::kErrUnknownTicket);
    if (t->status != "waiting" && t->status != "called") return Refuse(s, WalkMsg::kErrStatus);
    const bool known = std::any_of(s.practitioners.begin(), s.practitioners.end(),
                                   [&](const auto& p) { return p.id == a.practitioner; });
    common::NewAppointment e;
    e.practitioner = a.practitioner;
    e.patient_name = a.patient_name;
    e.start = s.now_ms / 1000;  // the replica sets start = now itself
    e.status = "checked_in";
    if (!a.patient_birth.empty()) {
      e.patient_birth = NormalizeBirth(a.patient_birth);
      if (e.patient_birth.empty()) return Refuse(s, WalkMsg::kErrPatient);
    }
    if (!known || a.patient_name.empty() || !common::ValidateNewAppointment(e).empty())
      return Refuse(s, WalkMsg::kErrPatient);
    s.effects.push_back(EffWalkin{EffConvertTicket{a.ticket_id, std::move(e)}});
  }
};

QueueRow RowOf(const common::Ticket& t, int64_t now_ms) {
  const int64_t since = t.status == "called" && t.called_at_ms > 0 ? t.called_at_ms
                                                                   : t.issued_at_ms;
  return QueueRow{t.id, t.number, t.status, t.room, std::max<int64_t>(0, now_ms - since)};
}

}  // namespace

void ApplyWalkin(AppState& s, const act::Walkin& a) { std::visit(Visitor{s}, a.a); }

void ApplyTicketIssued(AppState& s, const common::Ticket& t,
                       const std::vector<common::Ticket>& day_tickets) {
  const std::vector<common::Ticket> queue =
      common::domain::QueueOrder(day_tickets, t.site_id, t.day);
  int position = static_cast<int>(queue.size());  // last, if not found
  for (size_t i = 0; i < queue.size(); ++i)
    if (queue[i].id == t.id) position = static_cast<int>(i) + 1;
  IssuedTicket& it = s.walkin.issued;
  it = IssuedTicket{};
  it.number = t.number;
  it.position = position < 1 ? 1 : position;
  it.wait_ms = common::domain::EstimatedWaitMs(
      it.position, common::domain::MedianServiceMs(day_tickets, t.site_id, t.day));
  if (!s.walkin.printer.empty())
    s.effects.push_back(
        EffWalkin{EffPrintTicket{s.walkin.printer, TicketReceipt(s.lang, t, it.wait_ms)}});
  ++s.version;
}

void ApplyTicketFailed(AppState& s) {
  s.walkin.issued = IssuedTicket{};
  s.checkin = CheckInResult{};
  s.checkin.no_appointment = true;  // « adressez-vous au secrétariat »
  if (s.screen == Screen::kTicket) s.screen = Screen::kCheckInDone;
  ++s.version;
}

void ApplyPrintResult(AppState& s, bool ok) {
  s.walkin.issued.print_failed = !ok;
  ++s.version;
}

std::string TicketReceipt(Lang lang, const common::Ticket& t, int64_t wait_ms) {
  std::string r;
  r += WalkTr(lang, WalkMsg::kReceiptHeader);
  r += "\n\n        ";
  r += t.number;
  r += "\n\n";
  r += WaitText(lang, wait_ms);
  r += "\n";
  r += WalkTr(lang, WalkMsg::kKeepNumber);
  r += "\n\n";
  const common::CivilDate d = common::ParisDate(t.issued_at_ms / 1000);
  char when[48];
  std::snprintf(when, sizeof when, "%02d/%02d/%04d %s\n", d.day, d.month, d.year,
                common::FormatParisTime(t.issued_at_ms / 1000).c_str());
  r += when;
  return r;
}

std::string TicketSpeech(const AppState& s) {
  const IssuedTicket& it = s.walkin.issued;
  if (it.number.empty()) return WalkTr(s.lang, WalkMsg::kTicketPending);
  char buf[64];
  std::snprintf(buf, sizeof buf, WalkTr(s.lang, WalkMsg::kNumberSpoken), it.number.c_str());
  std::string out = buf;
  out += " " + WaitText(s.lang, it.wait_ms) + ". " + WalkTr(s.lang, WalkMsg::kKeepNumber) + ".";
  if (it.print_failed) out += std::string(" ") + WalkTr(s.lang, WalkMsg::kPrinterDown) + ".";
  return out;
}

std::vector<QueueRow> WaitingRows(const AppState& s) {
  std::vector<QueueRow> out;
  for (const common::Ticket& t :
       common::domain::QueueOrder(s.walkin.tickets, s.site_id, common::FormatDate(s.today)))
    out.push_back(RowOf(t, s.now_ms));
  return out;
}

std::vector<QueueRow> CalledRows(const AppState& s) {
  std::vector<const common::Ticket*> called;
  for (const common::Ticket& t : s.walkin.tickets)
    if (!t.deleted && t.status == "called") called.push_back(&t);
  std::stable_sort(called.begin(), called.end(), [](const auto* a, const auto* b) {
    return a->called_at_ms > b->called_at_ms;
  });
  std::vector<QueueRow> out;
  for (const common::Ticket* t : called) out.push_back(RowOf(*t, s.now_ms));
  return out;
}

}  // namespace relais::kiosk
