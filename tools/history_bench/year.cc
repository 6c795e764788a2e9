#include "tools/history_bench/year.h"

#include <algorithm>

#include "common/model/inputs.h"
#include "tools/history_bench/purge_hook.h"
#include "tools/history_bench/year_sim.h"

namespace relais::histbench {

using common::CivilDate;
using common::Status;

namespace {

// Monday 2026-01-05: the first simulated working day.
constexpr CivilDate kFirstDay{2026, 1, 5};

const char* const kSurnames[] = {"MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT",
                                 "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT",
                                 "SIMON", "MICHEL", "LEFEBVRE", "LEROY", "ROUX",
                                 "DAVID", "BERTRAND", "MOREL", "FOURNIER", "GIRARD"};
const char* const kFirstNames[] = {"Jeanne", "Marie", "Louis", "Gabriel", "Léa",
                                   "Hugo", "Chloé", "Lucas", "Manon", "Jules",
                                   "Camille", "Arthur", "Inès", "Raphaël", "Zoé",
                                   "Paul", "Alice", "Émile", "Rose", "Marcel"};
const char* const kNotes[] = {"renouvellement", "vaccin", "certificat sport",
                              "suivi tension", "résultats analyses", "pansement"};
// Communes of the Ardennes (INSEE codes).
const char* const kCommunes[] = {"08105", "08409", "08362", "08185", "08328"};

template <size_t N>
const char* Pick(std::mt19937_64& rng, const char* const (&list)[N]) {
  return list[rng() % N];
}

}  // namespace

YearSim::YearSim(SimHouse& house, const YearOptions& options, YearCounts* counts)
    : house_(house), options_(options), counts_(counts), rng_(options.seed) {
  // Working days (Monday to Friday), with room for bookings 60 days ahead.
  const int64_t first = common::DaysFromCivil(kFirstDay);
  for (int64_t k = first; static_cast<int>(calendar_.size()) < options.days + 60; ++k) {
    const CivilDate c = common::CivilFromDays(k);
    if (common::Weekday(c) < 5) calendar_.push_back(c);
  }
  // The house's patients: about ten times a day's bookings.
  const int n = std::max(200, options.per_day * 10);
  for (int i = 0; i < n; ++i) {
    const CivilDate birth{Uniform(1930, 2022), Uniform(1, 12), Uniform(1, 28)};
    patients_.emplace_back(std::string(Pick(rng_, kSurnames)) + " " + Pick(rng_, kFirstNames),
                           common::FormatDate(birth));
    char ref[24];
    std::snprintf(ref, sizeof ref, "pat-%016llx", static_cast<unsigned long long>(rng_()));
    patient_refs_.push_back(ref);
  }
}

CivilDate YearSim::Day(int d) const { return calendar_.at(static_cast<size_t>(d)); }

void YearSim::SetClock(int d, int minute) {
  house_.clock()->Set(common::ParisLocalToUtc(Day(d), minute / 60, minute % 60) * 1000);
}

int YearSim::SlotOf(int d, int64_t start) const {
  const int64_t minute = (start - common::ParisLocalToUtc(Day(d), 0, 0)) / 60;
  const int r = static_cast<int>((minute - 480) * Rounds() / 600);
  return d * Rounds() + std::clamp(r, 0, Rounds() - 1);
}

std::optional<int64_t> YearSim::RandomStart(int d, int64_t after) {
  std::vector<int64_t> starts;
  for (int m = 480; m < 1080; m += 15) {
    const int64_t s = common::ParisLocalToUtc(Day(d), m / 60, m % 60);
    if (s >= after) starts.push_back(s);
  }
  if (starts.empty()) return std::nullopt;
  return starts[rng_() % starts.size()];
}

int YearSim::RandomSlot(int lo, int hi) { return lo >= hi ? lo : Uniform(lo, hi); }

Status YearSim::Fail(const Status& s, int who) const {
  return s.WithContext(common::FormatDate(Day(day_)) + ", " + WhoName(who));
}

Status YearSim::Setup() {
  SetClock(0, 450);
  // Shares in basis points summing to 10 000 (the "share" key).
  const int64_t shares[kPractitioners] = {2000, 2000, 1500, 1500, 1500, 1500};
  const char* const professions[kPractitioners] = {"medecin", "medecin", "medecin",
                                                   "infirmier", "kine", "sage-femme"};
  for (int p = 1; p <= kPractitioners; ++p) {
    Status s = R(kSecretariat)
                   .AddPractitioner("p" + std::to_string(p),
                                    std::string("Dr ") + kSurnames[p * 3 % 20],
                                    professions[p - 1], shares[p - 1]);
    if (!s.ok()) return Fail(s, kSecretariat);
    Tick();
  }
  RELAIS_RETURN_IF_ERROR(house_.SyncUntilQuiet());
  return Status::OK();
}

void YearSim::PlanFate(size_t idx, int d, int r, int day_ahead, int64_t start) {
  Plan& p = plans_[idx];
  const int s_book = d * Rounds() + r;
  const int s_start = SlotOf(d + day_ahead, start);
  const bool ahead = s_start > s_book + 1;  // a round between booking and start
  const double u = std::uniform_real_distribution<>(0, 1)(rng_);
  if (ahead && u < 0.03) {  // booked by mistake: deleted soon after
    Schedule(RandomSlot(s_book + 1, std::min(s_book + Rounds(), s_start - 1)),
             Action{Act::kDelete, kSecretariat, idx, {}, {}, {}, {}});
    return;
  }
  if (ahead && u < 0.11)
    Schedule(RandomSlot(s_book + 1, s_start - 1), Action{Act::kCancel, kSecretariat, idx, {}, {}, {}, {}});
  if (ahead && Chance(0.15)) {
    const int moves = Uniform(1, 3);
    for (int m = 0; m < moves; ++m) {
      const int slot = RandomSlot(s_book + 1, s_start - 1);
      Schedule(slot, Action{Act::kMove, kSecretariat, idx, {}, {}, {}, {}});
      if (Chance(0.02)) Schedule(slot, Action{Act::kNote, kLaptop, idx, {}, {}, {}, {}});
      if (Chance(0.01)) Schedule(slot, Action{Act::kLaptopMove, kLaptop, idx, {}, {}, {}, {}});
    }
  }
  if (!p.visit) {
    p.no_show = Chance(0.03);
    p.kiosk = !p.no_show && Chance(0.70);
  }
}

Status YearSim::Book(int d, int r, int n) {
  for (int i = 0; i < n; ++i) {
    common::NewAppointment a;
    a.practitioner = "p" + std::to_string(Uniform(1, kPractitioners));
    const size_t who = rng_() % patients_.size();
    a.patient_name = patients_[who].first;
    a.patient_birth = patients_[who].second;
    a.patient_ref = patient_refs_[who];
    int ahead = Chance(0.10) ? 0 : 1 + std::min(19, static_cast<int>(
                                           std::exponential_distribution<>(1.0 / 6)(rng_)));
    // Same day: at least a whole round later, so that the kiosk has synced
    // the booking before the patient comes.
    std::optional<int64_t> start =
        RandomStart(d + ahead, NowS() + 60 * (600 / Rounds()) + 1800);
    if (!start) start = RandomStart(d + ++ahead, NowS());
    a.start = *start;
    const int durations[] = {15, 20, 30};
    a.duration_min = durations[rng_() % 3];
    const double k = std::uniform_real_distribution<>(0, 1)(rng_);
    a.kind = k < 0.85 ? "consultation" : k < 0.93 ? "snp" : k < 0.97 ? "visite_domicile"
                                                                     : "teleconsultation";
    if (Chance(0.20)) a.note = Pick(rng_, kNotes);
    if (Chance(0.50)) a.patient_commune = Pick(rng_, kCommunes);
    auto added = R(kSecretariat).AddAppointment(a);
    if (!added.ok()) return added.status();
    Plan p;
    p.id = added->first;
    p.visit = a.kind == "visite_domicile";
    plan_of_[p.id] = plans_.size();
    plans_.push_back(std::move(p));
    PlanFate(plans_.size() - 1, d, r, ahead, a.start);
    ++counts_->booked;
    Tick();
  }
  return Status::OK();
}

Status YearSim::Round(int d, int r) {
  SetClock(d, WindowStart(r + 1));
  if (Status s = Kiosk(d, r); !s.ok()) return Fail(s, kKiosk);
  if (Status s = Secretariat(d, r); !s.ok()) return Fail(s, kSecretariat);
  if (Status s = Laptop(d, r); !s.ok()) return Fail(s, kLaptop);
  for (int who = 0; who < kReplicaCount; ++who)
    if (Status s = house_.Sync(who); !s.ok()) return Fail(s, who);
  return Status::OK();
}

Status YearSim::Run() {
  RELAIS_RETURN_IF_ERROR(Setup());
  SetClock(0, 460);
  if (Status s = PlanPresence(0); !s.ok()) return Fail(s, kLaptop);
  for (int d = 0; d < options_.days; ++d) {
    day_ = d;
    for (int r = 0; r < Rounds(); ++r) RELAIS_RETURN_IF_ERROR(Round(d, r));
    // Evening: the no-shows of the last minutes and the last consultations.
    SetClock(d, 1110);
    if (Status s = Secretariat(d, -1); !s.ok()) return Fail(s, kSecretariat);
    if (Status s = Laptop(d, -1); !s.ok()) return Fail(s, kLaptop);
    for (int who : {kSecretariat, kLaptop})
      if (Status s = house_.Sync(who); !s.ok()) return Fail(s, who);
    PurgeContext ctx;
    ctx.enabled = options_.purge;
    ctx.hub = house_.hub().store();
    for (int who = 0; who < kReplicaCount; ++who) ctx.replicas.push_back(&R(who));
    ctx.now_ms = house_.clock()->NowMillis();
    ctx.day = d;
    if (Status s = RunPurge(ctx); !s.ok()) return s.WithContext("purge");
    ++counts_->purge_calls;
    if (options_.compact && d + 1 < options_.days) {
      ctx.compact_files.push_back(house_.hub_path());
      for (HouseReplica& h : house_.replicas()) ctx.compact_files.push_back(h.path);
      common::Result<int> n = RunNightlyCompaction(ctx);
      if (!n.ok()) return n.status();
      counts_->compactions += *n;
    }
  }
  return Status::OK();
}

Status SimulateYear(SimHouse& house, const YearOptions& options, YearCounts* counts) {
  if (options.days < 1 || options.per_day < 0 || options.syncs_per_day < 1)
    return Status::InvalidArgument("options de l'année invalides");
  YearSim sim(house, options, counts);
  return sim.Run();
}

}  // namespace relais::histbench
