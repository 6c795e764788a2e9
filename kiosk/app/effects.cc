#include "kiosk/app/effects.h"

#include <algorithm>

#include "common/model/org.h"
#include "common/model/ticket.h"

#include <algorithm>

#include "common/merge/merge.h"
#include "common/replica/audit_log.h"
#include "kiosk/app/i18n.h"
#include "kiosk/app/pin.h"
#include "kiosk/app/planning.h"
#include "kiosk/app/secretariat_effects.h"
#include "kiosk/app/walkin_effects.h"
#include "kiosk/app/convocation.h"

namespace relais::kiosk {

namespace {

using common::Status;

std::string LockoutKey(const std::string& user) { return "pin_lockout:" + user; }

// Issuing and printing a ticket show the ticket screen, no notice.
bool WalkinSilent(const Effect& e) {
  const auto* w = std::get_if<EffWalkin>(&e);
  return w && (std::holds_alternative<EffIssueTicket>(w->e) ||
               std::holds_alternative<EffPrintTicket>(w->e));
}

// Effects that are no user-visible save (no "Enregistré" notice).
bool Silent(const Effect& e) {
  if (const auto* p = std::get_if<EffSetPin>(&e)) return p->upgrade;
  return std::holds_alternative<EffReload>(e) || std::holds_alternative<EffSaveLockout>(e) ||
         std::holds_alternative<EffAuditPlanning>(e) ||
         std::holds_alternative<EffAuditConflicts>(e) ||
         std::holds_alternative<EffSearchSlots>(e) ||
         std::holds_alternative<EffOpenSecretariat>(e) ||
         std::holds_alternative<EffBookSlot>(e) ||  // their own notice
         std::holds_alternative<EffMoveOverlap>(e) ||
         WalkinSilent(e) ||
         std::holds_alternative<EffPrintConvocation>(e);
}

// "<failures>:<until_ms>" as EffSaveLockout stores it; {} if unreadable.
PinLockout ParseLockout(const std::string& v) {
  PinLockout lo;
  const size_t colon = v.find(':');
  int64_t f = 0, until = 0;
  if (colon == std::string::npos || !common::ParseInt64(v.substr(0, colon), &f) ||
      !common::ParseInt64(v.substr(colon + 1), &until) || f < 0 || f > 1'000'000)
    return lo;
  lo.failures = static_cast<int>(f);
  lo.until_ms = until;
  return lo;
}

struct Runner {
  common::Replica& r;
  AppState& s;
  common::SlotCache* cache;

  Status operator()(const EffCheckIn& e) {
    auto a = r.CheckIn(e.appointment_id, "", "kiosk");
    if (!a.ok()) s.checkin = CheckInResult{};  // -> "adressez-vous au secrétariat"
    return a.status();
  }
  Status operator()(const EffSetStatus& e) {
    return r.SetStatus(e.appointment_id, e.status);
  }
  Status operator()(const EffAddAppointment& e) {
    return r.AddAppointment(e.appointment).status();
  }
  Status operator()(const EffSetPresence& e) {
    const common::NewPresence& p = e.presence;
    return r.SetPresence(p.practitioner, p.date, p.half, p.state, p.replacement, p.room);
  }
  Status operator()(const EffAddLedger& e) {
    return r.AddLedgerEntry(e.entry).status();
  }
  Status operator()(const EffResolve& e) {
    return r.Write(e.collection, e.record_id, {{e.field, e.value}}).status();
  }
  Status operator()(const EffSetPin& e) {
    RELAIS_ASSIGN_OR_RETURN(std::string h, NewPinHash(e.pin));
    const bool secretariat = e.practitioner == kSecretariat;
    RELAIS_RETURN_IF_ERROR(
        r.Write(secretariat ? common::Collection::kSite : common::Collection::kPractitioner,
                secretariat ? r.site_id() : e.practitioner, {{common::field::kPinHash, h}})
            .status());
    if (e.upgrade) return Status::OK();  // silent re-hash (pin.h)
    s.message = Tr(s.lang, Msg::kPinChanged);
    s.message_is_error = false;
    return Status::OK();
  }
  Status operator()(const EffSaveLockout& e) {
    return r.store()->SetMeta(LockoutKey(e.user), e.failures == 0
                                                      ? std::string()
                                                      : std::to_string(e.failures) + ":" +
                                                            std::to_string(e.until_ms));
  }
  Status operator()(const EffAuditPlanning& e) {
    return common::AuditLog(&r).RevealDay(e.who, "kiosk.planning", e.day).status();
  }
  Status operator()(const EffAuditConflicts& e) {
    return common::AuditLog(&r).RevealConflicts(e.who, "kiosk.conflits").status();
  }
  Status operator()(const EffReload&) { return Status::OK(); }
  // The secretariat screen (secretariat_effects.h); the search runs in Reload.
  Status operator()(const EffSearchSlots&) { return Status::OK(); }
  Status operator()(const EffBookSlot& e) { return RunBookSlot(r, s, e); }
  Status operator()(const EffMoveOverlap& e) { return RunMoveOverlap(r, s, e, cache); }
  Status operator()(const EffOpenSecretariat& e) { return RunOpenSecretariat(r, s, e); }
  // The walk-in queue (walkin_effects.h).
  Status operator()(const EffWalkin& e) { return RunWalkin(r, s, e); }
  Status operator()(const EffPrintConvocation& e) { return RunPrintConvocation(s, e); }
};

// Short staff-only description of a record in conflict.
std::string Describe(const AppState& s, const common::Record& rec) {
  const common::FieldView v = common::View(rec);
  auto get = [&](const char* f) {
    auto it = v.find(f);
    return it == v.end() ? std::string() : it->second;
  };
  switch (rec.collection) {
    case common::Collection::kAppointment: {
      int64_t start = 0;
      common::ParseInt64(get(common::field::kStart), &start);
      return "RDV " + common::FormatParisDateTime(start).replace(10, 1, " ") +
             " · " + get(common::field::kPatientName);
    }
    case common::Collection::kPresence:
      return std::string(Tr(s.lang, Msg::kPresence)) + " · " +
             get(common::field::kPractitioner) + " · " + get(common::field::kDate) +
             " " + get(common::field::kHalf);
    case common::Collection::kPractitioner:
      return std::string(Tr(s.lang, Msg::kPractitioner)) + " · " +
             get(common::field::kName);
    case common::Collection::kLedger:
      return std::string(Tr(s.lang, Msg::kLedger)) + " · " +
             get(common::field::kLabel);
    case common::Collection::kSite:
      return "Site " + rec.id;
    case common::Collection::kAudit:
      return "Journal " + rec.id;
    case common::Collection::kSchedule:
      return "Plage " + rec.id;
    case common::Collection::kScheduleException:
      return "Exception de plage " + rec.id;
    case common::Collection::kPole:
      return "Pôle " + get(common::field::kName);
    case common::Collection::kRoom:
      return "Salle " + get(common::field::kName);
    case common::Collection::kTicket:
      return "Ticket " + get(common::field::kTicketNumber) + " · " +
             get(common::field::kTicketDay);
  }
  return rec.id;
}

}  // namespace

Status EffectRunner::Run(AppState& state, const Effect& e) {
  const bool writes = !std::holds_alternative<EffReload>(e) &&
                      !std::holds_alternative<EffSaveLockout>(e) &&
                      !std::holds_alternative<EffSearchSlots>(e) &&
                      !std::holds_alternative<EffPrintConvocation>(e);
  Status st = std::visit(Runner{*replica_, state, slot_cache_.get()}, e);
  if (st.ok() && writes && on_local_write_) on_local_write_();
  return st;
}

Status EffectRunner::RunPending(AppState& state) {
  if (state.effects.empty()) return Status::OK();
  Status first;
  bool wrote = false;
  while (!state.effects.empty()) {
    Effect e = std::move(state.effects.front());
    state.effects.pop_front();
    Status st = Run(state, e);
    wrote |= st.ok() && !Silent(e);
    if (!st.ok()) {
      state.message = st.message();
      state.message_is_error = true;
      if (first.ok()) first = st;
    }
  }
  if (wrote && state.message.empty()) {
    state.message = Tr(state.lang, Msg::kSaved);
    state.message_is_error = false;
  }
  Status reload = Reload(state);
  ++state.version;
  return first.ok() ? reload : first;
}

Status EffectRunner::LoadConflicts(AppState& state) {
  RELAIS_ASSIGN_OR_RETURN(std::vector<common::Record> recs, replica_->Conflicts());
  state.conflicts.clear();
  for (const common::Record& rec : recs) {
    for (const std::string& f : common::ConflictFields(rec)) {
      ConflictItem item{rec.collection, rec.id, f, Describe(state, rec), {}};
      for (const common::Sibling& sib : rec.fields.at(f))
        item.values.push_back({sib.value, sib.dot.replica, common::HlcMillis(sib.hlc)});
      state.conflicts.push_back(std::move(item));
    }
  }
  return Status::OK();
}

Status EffectRunner::Reload(AppState& state) {
  common::Replica& r = *replica_;
  state.site_id = r.site_id();
  state.blind_indexes = [rep = replica_](const std::string& letters, const std::string& birth) {
    return rep->BlindIndexes(letters, birth);
  };
  RELAIS_ASSIGN_OR_RETURN(state.today_appointments, r.AppointmentsOn(state.today));
  if (state.day == state.today) {
    state.day_appointments = state.today_appointments;
  } else {
    RELAIS_ASSIGN_OR_RETURN(state.day_appointments, r.AppointmentsOn(state.day));
  }
  auto by_start = [](const common::Appointment& a, const common::Appointment& b) {
    return a.start != b.start ? a.start < b.start : a.id < b.id;
  };
  std::sort(state.day_appointments.begin(), state.day_appointments.end(), by_start);
  state.overlapping = OverlappingIds(state.day_appointments);
  RELAIS_ASSIGN_OR_RETURN(state.practitioners, r.Practitioners());
  RELAIS_ASSIGN_OR_RETURN(auto site, r.Get(common::Collection::kSite, r.site_id()));
  state.secretariat_pin_hash.clear();
  if (site) {
    const common::FieldView v = r.OpenView(*site);  // pin_hash is sealed
    auto it = v.find(common::field::kPinHash);
    if (it != v.end()) state.secretariat_pin_hash = it->second;
  }
  std::sort(state.practitioners.begin(), state.practitioners.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  state.lockouts.clear();
  std::vector<std::string> users = {kAnonymousPinUser, kSecretariat};
  for (const common::Practitioner& p : state.practitioners) users.push_back(p.id);
  for (const std::string& u : users) {
    RELAIS_ASSIGN_OR_RETURN(std::string v, r.store()->GetMeta(LockoutKey(u)));
    const PinLockout lo = ParseLockout(v);
    if (lo.failures > 0) state.lockouts[u] = lo;
  }
  RELAIS_ASSIGN_OR_RETURN(state.presence, r.PresenceOn(common::FormatDate(state.day)));
  RELAIS_ASSIGN_OR_RETURN(state.ledger, r.LedgerAll());
  RELAIS_ASSIGN_OR_RETURN(state.month_presence, r.PresenceInMonth(state.ledger_month));
  RELAIS_RETURN_IF_ERROR(LoadConflicts(state));
  // The organisation's pôles (List is sorted by id).
  RELAIS_ASSIGN_OR_RETURN(std::vector<common::Record> poles,
                          r.store()->List(common::Collection::kPole));
  state.poles.clear();
  state.pole_names.clear();
  for (const common::Record& rec : poles) {
    const common::Pole p = common::PoleFromView(rec, common::View(rec));
    if (p.deleted) continue;
    state.poles.push_back(p.id);
    state.pole_names.push_back(p.name);
  }
  if (std::find(state.poles.begin(), state.poles.end(), state.planning_pole) ==
      state.poles.end())
    state.planning_pole.clear();  // a pôle deleted meanwhile
  RELAIS_ASSIGN_OR_RETURN(state.sync.pending, r.PendingCount());
  state.sync.conflicts = static_cast<int64_t>(state.conflicts.size());
  // The slot cache lives while the secretariat screen is shown (its change
  // journal is drained by each reload's searches); dropped otherwise.
  const bool on_screen = state.staff_unlocked && state.screen == Screen::kSecretariat;
  if (!on_screen) slot_cache_.reset();
  RELAIS_RETURN_IF_ERROR(ReloadSecretariat(r, state, on_screen ? SlotCacheOrNull() : nullptr));
  RELAIS_RETURN_IF_ERROR(ReloadWalkin(r, state));  // walkin_effects.h
  ++state.version;
  return Status::OK();
}

common::SlotCache* EffectRunner::SlotCacheOrNull() {
  if (!slot_cache_) {
    // Without a cache (e.g. the change journal could not be installed) the
    // secretariat falls back to a fresh search each time: slower, same answers.
    auto cache = common::SlotCache::Open(replica_);
    if (cache.ok()) slot_cache_ = std::move(cache).value();
  }
  return slot_cache_.get();
}

}  // namespace relais::kiosk
