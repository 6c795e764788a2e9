// Presence, ledger, walk-in tickets, conflicts and the planning view of the
// simulated year (year_sim.h).
#include <algorithm>

#include "common/merge/merge.h"
#include "common/replica/audit_log.h"
#include "common/replica/tickets.h"
#include "tools/history_bench/year_sim.h"

namespace relais::histbench {

using common::Collection;
using common::Status;

namespace {

// A presence state drawn with a busy house's weights.
std::string PresenceState(double u) {
  return u < 0.80 ? "present" : u < 0.90 ? "absent" : u < 0.97 ? "en_visite" : "remplace";
}

}  // namespace

Status YearSim::PlanPresence(int first_day) {
  const int now_slot = day_ * Rounds();
  for (int d = first_day; d < first_day + 5; ++d) {
    const std::string date = common::FormatDate(Day(d));
    for (int p = 1; p <= kPractitioners; ++p) {
      for (const char* half : {"am", "pm"}) {
        const std::string pract = "p" + std::to_string(p);
        const std::string state = PresenceState(std::uniform_real_distribution<>(0, 1)(rng_));
        RELAIS_RETURN_IF_ERROR(R(kLaptop).SetPresence(
            pract, date, half, state, state == "remplace" ? "Dr Remplaçant" : "",
            state == "absent" ? "" : "salle " + std::to_string(p)));
        ++counts_->presence_writes;
        Tick();
        // Later changes, before the half-day starts.
        const int last = d * Rounds() + (std::string(half) == "am" ? 0 : Rounds() / 2) - 1;
        if (last <= now_slot) continue;
        const int slot = RandomSlot(now_slot + 1, last);
        if (Chance(0.08)) {
          const int who = Chance(0.5) ? kLaptop : kSecretariat;
          Schedule(slot, Action{Act::kPresenceChange, who, 0, pract, date, half,
                                state == "present" ? "absent" : "present"});
          if (Chance(0.10))  // both change it in the same round: a conflict
            Schedule(slot, Action{Act::kPresenceChange, who == kLaptop ? kSecretariat : kLaptop,
                                  0, pract, date, half, "en_visite"});
        } else if (Chance(0.02)) {
          Schedule(slot, Action{Act::kPresenceDelete, kSecretariat, 0, pract, date, half, {}});
        }
      }
    }
  }
  return Status::OK();
}

Status YearSim::RunPresenceAction(const Action& a) {
  common::Replica& r = R(a.who);
  const std::string id = common::PresenceId(r.PractitionerRef(a.practitioner), a.date, a.half);
  RELAIS_ASSIGN_OR_RETURN(auto rec, r.Get(Collection::kPresence, id));
  if (!rec || common::IsDeleted(*rec)) {
    ++counts_->skipped;
    return Status::OK();
  }
  if (a.act == Act::kPresenceDelete) {
    ++counts_->presence_deleted;
    return r.Write(Collection::kPresence, id, {{common::kDeletedField, "1"}}).status();
  }
  ++counts_->presence_writes;
  return r.SetPresence(a.practitioner, a.date, a.half, a.state, "", "");
}

Status YearSim::PostLedger(int d) {
  struct Charge {
    const char* category;
    const char* key;
    int64_t cents;
    const char* label;
  };
  static const Charge kCharges[] = {
      {"LOYER", "share", 240000, "Loyer et charges"},
      {"ENTRETIEN", "equal", 35000, "Ménage des locaux"},
      {"ENERGIE", "equal", 42000, "Électricité et chauffage"},
      {"PERSONNEL", "presence", 520000, "Secrétariat (salaire et charges)"},
      {"CONSOMMABLES", "presence", 18000, "Consommables"},
      {"INFORMATIQUE", "equal", 9000, "Logiciel, borne, internet"}};
  const std::string month = common::FormatDate(Day(d)).substr(0, 7);
  auto post = [&](common::NewLedgerEntry e) -> Status {
    e.month = month;
    RELAIS_ASSIGN_OR_RETURN(std::string id, R(kSecretariat).AddLedgerEntry(e));
    Tick();
    ++counts_->ledger_entries;
    if (e.reverses.empty())
      ledger_.push_back(Posted{id, e.category, e.payer, e.key, e.label, e.amount_cents, false});
    return Status::OK();
  };
  for (const Charge& c : kCharges) {
    common::NewLedgerEntry e;
    e.category = c.category;
    e.key = c.key;
    e.label = std::string(c.label) + " " + month;
    e.payer = "p" + std::to_string(Uniform(1, kPractitioners));
    e.amount_cents = c.cents * Uniform(90, 110) / 100;
    RELAIS_RETURN_IF_ERROR(post(e));
  }
  // Now and then an older entry was wrong: reversed, then posted again.
  if (Chance(0.25) && ledger_.size() > 6) {
    Posted& orig = ledger_[rng_() % (ledger_.size() - 6)];
    if (!orig.reversed) {
      orig.reversed = true;
      const Posted copy = orig;  // `post` may grow ledger_
      common::NewLedgerEntry rev;
      rev.category = copy.category;
      rev.key = copy.key;
      rev.payer = copy.payer;
      rev.label = "Contre-passation: " + copy.label;
      rev.amount_cents = -copy.amount;
      rev.reverses = copy.id;
      RELAIS_RETURN_IF_ERROR(post(rev));
      ++counts_->ledger_reversals;
      common::NewLedgerEntry fix = rev;
      fix.reverses.clear();
      fix.label = copy.label + " (corrigé)";
      fix.amount_cents = copy.amount * 95 / 100;
      RELAIS_RETURN_IF_ERROR(post(fix));
    }
  }
  return Status::OK();
}

Status YearSim::IssueTickets(int n) {
  for (int i = 0; i < n; ++i) {
    RELAIS_RETURN_IF_ERROR(common::IssueTicket(R(kKiosk)).status());
    ++counts_->tickets;
    Tick();
  }
  return Status::OK();
}

Status YearSim::CloseTickets(int d) {
  RELAIS_ASSIGN_OR_RETURN(std::vector<common::Ticket> list,
                          common::TicketsOn(R(kSecretariat), common::FormatDate(Day(d))));
  for (const common::Ticket& t : list) {
    if (t.status != "waiting") continue;
    if (Chance(0.85)) {
      const std::string room = "salle " + std::to_string(Uniform(1, kPractitioners));
      RELAIS_RETURN_IF_ERROR(common::CallTicket(R(kSecretariat), t.id, room).status());
      Tick();
      RELAIS_RETURN_IF_ERROR(common::FinishTicket(R(kSecretariat), t.id, "done").status());
    } else {
      RELAIS_RETURN_IF_ERROR(common::FinishTicket(R(kSecretariat), t.id, "left").status());
    }
    ++counts_->tickets_closed;
    Tick();
  }
  return Status::OK();
}

Status YearSim::ResolveConflicts() {
  // The conflict screen: opened (and its viewing logged) when there is
  // something to resolve; each field gets the value shown (one write).
  common::Replica& r = R(kSecretariat);
  RELAIS_ASSIGN_OR_RETURN(std::vector<common::Record> pending, r.Conflicts());
  if (pending.empty()) return Status::OK();
  RELAIS_ASSIGN_OR_RETURN(
      std::vector<common::Record> list,
      common::AuditLog(&r).RevealConflicts("secretariat", "kiosk.conflits"));
  ++counts_->audit_views;
  for (const common::Record& rec : list) {
    for (const std::string& f : common::ConflictFields(rec)) {
      const common::Sibling& w = common::Winner(rec.collection, f, rec.fields.at(f));
      RELAIS_RETURN_IF_ERROR(r.Write(rec.collection, rec.id, {{f, w.value}}).status());
      ++counts_->conflicts_resolved;
      Tick();
    }
  }
  return Status::OK();
}

Status YearSim::OpenPlanning(int d) {
  RELAIS_RETURN_IF_ERROR(common::AuditLog(&R(kSecretariat))
                             .RevealDay("secretariat", "kiosk.planning", Day(d))
                             .status());
  ++counts_->audit_views;
  Tick();
  return Status::OK();
}

}  // namespace relais::histbench
