// What each replica does in a round of the simulated year (year_sim.h).
#include <algorithm>

#include "common/merge/merge.h"
#include "tools/history_bench/year_sim.h"

namespace relais::histbench {

using common::Appointment;
using common::Collection;
using common::Status;
namespace field = common::field;

const Plan* YearSim::PlanOf(const std::string& id) const {
  auto it = plan_of_.find(id);
  return it == plan_of_.end() ? nullptr : &plans_[it->second];
}

common::Result<std::optional<Appointment>> YearSim::Look(int who, const std::string& id) {
  RELAIS_ASSIGN_OR_RETURN(auto rec, R(who).Get(Collection::kAppointment, id));
  if (!rec || common::IsDeleted(*rec)) return std::optional<Appointment>();
  const common::Record opened = R(who).Opened(*rec);
  return std::optional<Appointment>(common::AppointmentFromView(opened, common::View(opened)));
}

common::Result<std::vector<Appointment>> YearSim::Window(int who, int d, int r,
                                                         bool until_end) {
  const int64_t midnight = common::ParisLocalToUtc(Day(d), 0, 0);
  const int64_t hi = r < 0 ? midnight + 86400 : midnight + 60 * WindowStart(r + 1);
  const int64_t lo = (r < 0 || until_end) ? midnight : midnight + 60 * WindowStart(r);
  RELAIS_ASSIGN_OR_RETURN(std::vector<Appointment> day, R(who).AppointmentsOn(Day(d)));
  std::vector<Appointment> out;
  for (Appointment& a : day)
    if (a.start >= lo && a.start < hi) out.push_back(std::move(a));
  std::sort(out.begin(), out.end(), [](const Appointment& a, const Appointment& b) {
    return a.start != b.start ? a.start < b.start : a.id < b.id;
  });
  return out;
}

Status YearSim::Kiosk(int d, int r) {
  // The kiosk matches today's appointments (its AppointmentsOn, as the
  // kiosk app's today list) and checks the patient in by id.
  RELAIS_ASSIGN_OR_RETURN(auto list, Window(kKiosk, d, r, /*until_end=*/true));
  for (const Appointment& a : list) {
    const Plan* p = PlanOf(a.id);
    if (a.status != "booked" || !p || !p->kiosk) continue;
    RELAIS_RETURN_IF_ERROR(R(kKiosk).CheckIn(a.id, "", "kiosk").status());
    ++counts_->checkin_kiosk;
    Tick();
  }
  const int walkins = std::max(1, options_.per_day / 15);
  return IssueTickets(walkins / Rounds() + (r < walkins % Rounds() ? 1 : 0));
}

Status YearSim::Secretariat(int d, int r) {
  if (r == 0) RELAIS_RETURN_IF_ERROR(ResolveConflicts());
  if (r == 0 || r == Rounds() / 2) RELAIS_RETURN_IF_ERROR(OpenPlanning(d));
  RELAIS_ASSIGN_OR_RETURN(auto list, Window(kSecretariat, d, r, /*until_end=*/true));
  for (const Appointment& a : list) {
    const Plan* p = PlanOf(a.id);
    if (a.status != "booked" || !p || p->visit) continue;
    if (p->no_show && a.start + 20 * 60 <= NowS()) {
      RELAIS_RETURN_IF_ERROR(R(kSecretariat).SetStatus(a.id, "no_show"));
      ++counts_->no_show;
    } else if (!p->no_show && !p->kiosk) {
      RELAIS_RETURN_IF_ERROR(R(kSecretariat).CheckIn(a.id, "", "staff").status());
      ++counts_->checkin_staff;
    } else {
      continue;
    }
    Tick();
  }
  RELAIS_RETURN_IF_ERROR(CloseTickets(d));
  if (r < 0) return Status::OK();
  RELAIS_RETURN_IF_ERROR(
      Book(d, r, options_.per_day / Rounds() + (r < options_.per_day % Rounds() ? 1 : 0)));
  RELAIS_RETURN_IF_ERROR(RunActions(d * Rounds() + r, kSecretariat));
  const bool month_end = Day(d + 1).month != Day(d).month || d + 1 == options_.days;
  if (r == Rounds() - 1 && month_end) RELAIS_RETURN_IF_ERROR(PostLedger(d));
  return Status::OK();
}

Status YearSim::Laptop(int d, int r) {
  // Friday morning: next week's presence.
  if (r == 0 && common::Weekday(Day(d)) == 4) RELAIS_RETURN_IF_ERROR(PlanPresence(d + 1));
  RELAIS_ASSIGN_OR_RETURN(auto list, Window(kLaptop, d, r, /*until_end=*/true));
  for (const Appointment& a : list) {
    const Plan* p = PlanOf(a.id);
    if (!p || a.start > NowS()) continue;
    if (a.status == "checked_in") {
      RELAIS_RETURN_IF_ERROR(R(kLaptop).SetStatus(a.id, "in_consultation"));
      Tick();
      RELAIS_RETURN_IF_ERROR(R(kLaptop).SetStatus(a.id, "done"));
      ++counts_->done;
    } else if (a.status == "booked" && p->visit) {
      RELAIS_RETURN_IF_ERROR(R(kLaptop).SetStatus(a.id, "done"));
      ++counts_->visits;
    } else {
      continue;
    }
    Tick();
  }
  if (r < 0) return Status::OK();
  return RunActions(d * Rounds() + r, kLaptop);
}

Status YearSim::RunActions(int slot, int who) {
  auto it = actions_.find(slot);
  if (it == actions_.end()) return Status::OK();
  for (const Action& a : it->second) {
    if (a.who != who) continue;
    const bool presence = a.act == Act::kPresenceChange || a.act == Act::kPresenceDelete;
    RELAIS_RETURN_IF_ERROR(presence ? RunPresenceAction(a) : RunAppointmentAction(a));
    Tick();
  }
  return Status::OK();
}

Status YearSim::RunAppointmentAction(const Action& a) {
  const std::string& id = plans_[a.plan].id;
  RELAIS_ASSIGN_OR_RETURN(std::optional<Appointment> cur, Look(a.who, id));
  // What the replica's own view no longer allows is not done (a person
  // would not see it on the screen): counted as skipped.
  if (!cur || cur->status != "booked" || cur->start <= NowS()) {
    ++counts_->skipped;
    return Status::OK();
  }
  common::Replica& r = R(a.who);
  switch (a.act) {
    case Act::kDelete:
      ++counts_->deleted;
      return r.Write(Collection::kAppointment, id, {{common::kDeletedField, "1"}}).status();
    case Act::kCancel:
      ++counts_->cancelled;
      return r.SetStatus(id, "cancelled");
    case Act::kNote:
      ++counts_->note_edits;
      return r.Write(Collection::kAppointment, id, {{field::kNote, "rappeler la veille"}})
          .status();
    case Act::kMove:
    case Act::kLaptopMove: {
      const int d = day_ + Uniform(0, 10);
      std::optional<int64_t> start = RandomStart(d, NowS() + 3600);
      if (!start) start = RandomStart(d + 1, NowS());
      ++(a.act == Act::kMove ? counts_->moved : counts_->concurrent_moves);
      return r.Write(Collection::kAppointment, id, {{field::kStart, std::to_string(*start)}})
          .status();
    }
    default:
      return Status::Internal("action inattendue");
  }
}

}  // namespace relais::histbench
