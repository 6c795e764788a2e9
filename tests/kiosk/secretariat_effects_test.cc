// The secretariat screen on a real replica file (EffectRunner): a remote
// secretariat holding two sites of one organisation searches, books a
// proposal at the second site, and moves the later of two double-booked
// appointments. Expected instants are hand-computed (timegm oracle).
#include <gtest/gtest.h>

#include <memory>

#include "common/domain/overlaps.h"
#include "common/domain/plage_input.h"
#include "common/model/schedule.h"
#include "common/replica/audit_log.h"
#include "common/replica/replica.h"
#include "common/util/clock.h"
#include "kiosk/app/apply.h"
#include "kiosk/app/effects.h"
#include "kiosk/app/secretariat.h"
#include "tests/common/test_util.h"

namespace relais::kiosk {
namespace {

using common::testing::UtcSeconds;

// Monday 23 November 2026 (CET, UTC+1).
constexpr common::CivilDate kMonday{2026, 11, 23};

class SecretariatEffectsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("sec.db");
    common::ReplicaScope scope;
    scope.org = "org1";
    scope.sites = {"S1", "S2"};
    auto id = common::Replica::Init(path_, scope);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    auto r = common::Replica::Open(path_, &clock_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    replica_ = std::move(r).value();
    replica_->SeedForTest(7);
    ASSERT_OK(replica_->AddPractitioner("dr-a", "Dr Alice Arnaud", "medecin"));
    dr_a_ = replica_->PractitionerRef("dr-a");
    // Mondays: S1 09:00-10:00 in 15 min, S2 14:00-15:00 in 20 min.
    Plage("S1", "plg-s1", "09:00", "10:00", 15);
    Plage("S2", "plg-s2", "14:00", "15:00", 20);
    auto named = replica_->WriteAt("S2", common::Collection::kSite, "S2",
                                   {{common::field::kName, "Autun"}});
    ASSERT_TRUE(named.ok()) << named.status().ToString();
    runner_ = std::make_unique<EffectRunner>(replica_.get(), nullptr);
    state_ = InitialState(clock_.NowMillis(), Lang::kFr);
    state_.staff_unlocked = true;
    state_.staff_user = kSecretariat;
    Run();
    Apply(state_, act::Navigate{Screen::kSecretariat});
    Run();
  }

  void Plage(const std::string& site, const std::string& id, const char* from, const char* to,
             int slot) {
    common::Schedule s;
    s.practitioner = dr_a_;
    s.weekday = 1;
    s.start_time = from;
    s.end_time = to;
    s.kind = "programmee";
    s.slot_min = slot;
    s.valid_from = "2026-11-01";
    auto w = replica_->WriteAt(site, common::Collection::kSchedule, id,
                               common::ScheduleChanges(s));
    ASSERT_TRUE(w.ok()) << w.status().ToString();
  }

  void Run() {
    common::Status st = runner_->RunPending(state_);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  std::vector<int64_t> Starts() const {
    std::vector<int64_t> out;
    for (const auto& s : state_.secretariat.slots) out.push_back(s.start);
    return out;
  }

  common::testing::TempDir dir_;
  std::string path_;
  // 07:00 Paris on Monday 23 November 2026.
  common::FakeClock clock_{UtcSeconds(2026, 11, 23, 6, 0) * 1000};
  std::unique_ptr<common::Replica> replica_;
  std::unique_ptr<EffectRunner> runner_;
  AppState state_;
  std::string dr_a_;
};

TEST_F(SecretariatEffectsTest, PoleFilterKeepsOnlyThatPolesPractitioners) {
  // A second doctor, in pôle "mere-enfant", Mondays at S1 09:00-10:00 too;
  // Dr Arnaud is in "mg".
  for (const auto& [id, name] : {std::pair<std::string, std::string>{"mg", "Médecine générale"},
                                 {"mere-enfant", "Mère-enfant"}}) {
    auto w = replica_->Write(common::Collection::kPole, id, {{"name", name}});
    ASSERT_TRUE(w.ok()) << w.status().ToString();
  }
  auto pa = replica_->Write(common::Collection::kPractitioner, dr_a_, {{"pole", "mg"}});
  ASSERT_TRUE(pa.ok()) << pa.status().ToString();
  ASSERT_OK(replica_->AddPractitioner("dr-b", "Dr Bruno Blanc", "medecin"));
  const std::string dr_b = replica_->PractitionerRef("dr-b");
  auto pb = replica_->Write(common::Collection::kPractitioner, dr_b, {{"pole", "mere-enfant"}});
  ASSERT_TRUE(pb.ok()) << pb.status().ToString();
  common::Schedule s;
  s.practitioner = dr_b;
  s.weekday = 1;
  s.start_time = "09:00";
  s.end_time = "10:00";
  s.kind = "programmee";
  s.slot_min = 30;
  s.valid_from = "2026-11-01";
  auto w = replica_->WriteAt("S1", common::Collection::kSchedule, "plg-b",
                             common::ScheduleChanges(s));
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_OK(runner_->Reload(state_));
  ASSERT_EQ(state_.poles, (std::vector<std::string>{"mere-enfant", "mg"}));
  ASSERT_EQ(state_.pole_names.size(), 2u);
  EXPECT_EQ(state_.pole_names[0], "Mère-enfant");

  SlotFilter f;
  f.pole = "mere-enfant";
  Apply(state_, act::SearchSlots{f});
  Run();
  ASSERT_GE(state_.secretariat.slots.size(), 2u) << state_.message;
  const int64_t t9 = UtcSeconds(2026, 11, 23, 8, 0);  // 09:00 Paris
  EXPECT_EQ(Starts()[0], t9);
  EXPECT_EQ(Starts()[1], t9 + 30 * 60);
  for (const auto& slot : state_.secretariat.slots) EXPECT_EQ(slot.practitioner, dr_b);
  f.pole = "mg";
  Apply(state_, act::SearchSlots{f});
  Run();
  ASSERT_GE(state_.secretariat.slots.size(), 2u) << state_.message;
  EXPECT_EQ(Starts()[1], t9 + 15 * 60);  // Dr Arnaud's 15-min slots
  for (const auto& slot : state_.secretariat.slots) EXPECT_EQ(slot.practitioner, dr_a_);
}

TEST_F(SecretariatEffectsTest, BookingAProposalAtTheSecondSiteLandsThere) {
  EXPECT_EQ(state_.secretariat.sites, (std::vector<std::string>{"S1", "S2"}));
  EXPECT_EQ(state_.secretariat.site_names[1], "Autun");
  SlotFilter s2;
  s2.site = "S2";
  Apply(state_, act::SearchSlots{s2});
  Run();
  const int64_t t14 = UtcSeconds(2026, 11, 23, 13, 0);  // 14:00 Paris
  ASSERT_GE(state_.secretariat.slots.size(), 3u);
  EXPECT_EQ(Starts()[0], t14);
  EXPECT_EQ(Starts()[1], t14 + 20 * 60);
  EXPECT_EQ(Starts()[2], t14 + 40 * 60);
  EXPECT_EQ(Starts()[3], UtcSeconds(2026, 11, 30, 13, 0));  // next Monday
  for (const auto& s : state_.secretariat.slots) EXPECT_EQ(s.site, "S2");

  Apply(state_, act::SelectSlot{1});
  Apply(state_, act::BookSlot{"DURAND Léa", "12/05/1980"});
  Run();
  ASSERT_TRUE(state_.secretariat.booked.has_value()) << state_.message;
  EXPECT_FALSE(state_.message_is_error) << state_.message;
  EXPECT_NE(state_.message.find(state_.secretariat.booked->code), std::string::npos);
  auto day = replica_->AppointmentsOn(kMonday);
  ASSERT_OK(day);
  ASSERT_EQ(day->size(), 1u);
  const common::Appointment& a = (*day)[0];
  EXPECT_EQ(a.id, state_.secretariat.booked->appointment_id);
  EXPECT_EQ(a.site_id, "S2");
  EXPECT_EQ(a.start, t14 + 20 * 60);
  EXPECT_EQ(a.duration_min, 20);
  EXPECT_EQ(a.kind, "consultation");
  EXPECT_EQ(a.status, "booked");
  EXPECT_EQ(a.practitioner, dr_a_);
  EXPECT_EQ(a.patient_name, "DURAND Léa");
  EXPECT_EQ(a.patient_birth, "1980-05-12");
  EXPECT_EQ(a.code, state_.secretariat.booked->code);
  // The list was refreshed: 14:20 is gone, 14:00 and 14:40 remain.
  ASSERT_GE(state_.secretariat.slots.size(), 2u);
  EXPECT_EQ(Starts()[0], t14);
  EXPECT_EQ(Starts()[1], t14 + 40 * 60);
  EXPECT_FALSE(state_.secretariat.selected.has_value());
}

TEST_F(SecretariatEffectsTest, AnOrganisationThatIsItsFirstSiteStaysInTheSiteFilter) {
  // `relais init --site A --site B`: the organisation is A, a real site.
  const std::string path = dir_.File("ab.db");
  common::ReplicaScope scope;
  scope.sites = {"A", "B"};
  ASSERT_OK(common::Replica::Init(path, scope));
  auto opened = common::Replica::Open(path, &clock_);
  ASSERT_OK(opened);
  common::Replica& r = **opened;
  ASSERT_OK(r.AddPractitioner("dr-b", "Dr Bruno Bel", "medecin"));
  common::Schedule p;
  p.practitioner = r.PractitionerRef("dr-b");
  p.weekday = 1;
  p.start_time = "09:00";
  p.end_time = "09:30";
  p.kind = "programmee";
  p.slot_min = 30;
  p.valid_from = "2026-11-01";
  ASSERT_OK(r.WriteAt("A", common::Collection::kSchedule, "plg-a", common::ScheduleChanges(p)));
  EffectRunner runner(&r, nullptr);
  AppState st = InitialState(clock_.NowMillis(), Lang::kFr);
  st.staff_unlocked = true;
  st.staff_user = kSecretariat;
  Apply(st, act::Navigate{Screen::kSecretariat});
  ASSERT_OK(runner.RunPending(st));
  EXPECT_EQ(st.secretariat.sites, (std::vector<std::string>{"A", "B"}));
  Apply(st, act::SearchSlots{SlotFilter{}});
  ASSERT_OK(runner.RunPending(st));
  ASSERT_FALSE(st.secretariat.slots.empty());
  EXPECT_EQ(st.secretariat.slots[0].site, "A");
  EXPECT_EQ(st.secretariat.slots[0].start, UtcSeconds(2026, 11, 23, 8, 0));
}

TEST_F(SecretariatEffectsTest, SearchAcrossBothSitesInterleavesByTime) {
  Apply(state_, act::SearchSlots{SlotFilter{}});
  Run();
  const int64_t t9 = UtcSeconds(2026, 11, 23, 8, 0);
  ASSERT_GE(state_.secretariat.slots.size(), 6u);
  EXPECT_EQ(state_.secretariat.slots[0].site, "S1");
  EXPECT_EQ(Starts()[0], t9);
  EXPECT_EQ(Starts()[3], t9 + 45 * 60);
  EXPECT_EQ(state_.secretariat.slots[4].site, "S2");
  EXPECT_EQ(Starts()[4], UtcSeconds(2026, 11, 23, 13, 0));
}

TEST_F(SecretariatEffectsTest, TheLaterBookingMovesToTheNextFreeSlotOfItsSite) {
  const int64_t t9 = UtcSeconds(2026, 11, 23, 8, 0);
  common::NewAppointment n;
  n.practitioner = "dr-a";
  n.start = t9;
  n.duration_min = 15;
  n.site = "S1";
  n.patient_name = "PREMIER Paul";
  n.patient_birth = "1950-01-01";
  auto first = replica_->AddAppointment(n);
  ASSERT_OK(first);
  clock_.Advance(60'000);  // booked a minute later
  n.patient_name = "SECOND Simone";
  n.start = t9 + 5 * 60;  // 09:05, intersects 09:00-09:15
  auto second = replica_->AddAppointment(n);
  ASSERT_OK(second);
  // 09:20-09:35 (touching the second, not overlapping it) takes the 09:15
  // and 09:30 slots: the next free one is 09:45.
  n.patient_name = "TROISIEME Tom";
  n.start = t9 + 20 * 60;
  ASSERT_OK(replica_->AddAppointment(n));
  Apply(state_, act::Tick{clock_.NowMillis()});
  state_.effects.push_back(EffReload{});
  Run();
  ASSERT_EQ(state_.secretariat.overlaps.size(), 1u);
  const SecOverlap o = state_.secretariat.overlaps[0];  // a copy: Run() reloads
  EXPECT_EQ(o.first.id, first->first);
  EXPECT_EQ(o.second.id, second->first);
  EXPECT_EQ(o.second.patient_name, "SECOND Simone");  // opened for the screen
  EXPECT_LT(o.first_created, o.second_created);
  EXPECT_EQ(o.move_id, second->first);
  // Opening the screen again logs who saw which double booking (names).
  Apply(state_, act::Navigate{Screen::kPlanning});
  Apply(state_, act::Navigate{Screen::kSecretariat});
  Run();
  auto entries = common::AuditLog(replica_.get()).Entries();
  ASSERT_OK(entries);
  ASSERT_FALSE(entries->empty());
  EXPECT_EQ(entries->back().what, "kiosk.secretariat");
  EXPECT_EQ(entries->back().who, kSecretariat);
  EXPECT_NE(entries->back().records.find(first->first), std::string::npos);
  EXPECT_NE(entries->back().records.find(second->first), std::string::npos);

  Apply(state_, act::MoveOverlap{o.first.id, o.second.id});
  Run();
  EXPECT_FALSE(state_.message_is_error) << state_.message;
  auto day = replica_->AppointmentsOn(kMonday);
  ASSERT_OK(day);
  ASSERT_EQ(day->size(), 3u);
  for (const common::Appointment& a : *day) {
    if (a.id != second->first) continue;
    EXPECT_EQ(a.start, t9 + 45 * 60);  // 09:45: next free slot at S1
    EXPECT_EQ(a.duration_min, 15);
    EXPECT_EQ(a.site_id, "S1");
    EXPECT_EQ(a.patient_name, "SECOND Simone");
    EXPECT_EQ(a.status, "booked");
  }
  EXPECT_TRUE(common::domain::FindOverlaps(*day).empty());
  EXPECT_TRUE(state_.secretariat.overlaps.empty());
}

TEST_F(SecretariatEffectsTest, ALeaveListsTheBookedAppointmentToMoveAndMovesIt) {
  // Booked Monday 23 November 09:00 at S1, then Dr Arnaud takes that day off.
  const int64_t t9 = UtcSeconds(2026, 11, 23, 8, 0);
  common::NewAppointment n;
  n.practitioner = "dr-a";
  n.start = t9;
  n.duration_min = 15;
  n.site = "S1";
  n.patient_name = "CONGE Camille";
  n.patient_birth = "1950-01-01";
  auto booked = replica_->AddAppointment(n);
  ASSERT_OK(booked);
  Apply(state_, act::Tick{clock_.NowMillis()});
  state_.effects.push_back(EffReload{});
  Run();
  EXPECT_TRUE(state_.secretariat.displaced.empty());
  common::ScheduleException leave;
  leave.kind = "conge";
  leave.practitioner = dr_a_;
  leave.first_day = "2026-11-23";
  leave.last_day = "2026-11-23";
  auto w = replica_->WriteAt("S1", common::Collection::kScheduleException, "exc-1",
                             common::ScheduleExceptionChanges(leave));
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  state_.effects.push_back(EffReload{});
  Run();
  ASSERT_EQ(state_.secretariat.displaced.size(), 1u);
  EXPECT_EQ(state_.secretariat.displaced[0].appointment.id, booked->first);
  EXPECT_EQ(state_.secretariat.displaced[0].reason, "conge");
  // The appointment is still booked (never removed by a leave).
  auto day = replica_->AppointmentsOn(kMonday);
  ASSERT_OK(day);
  ASSERT_EQ(day->size(), 1u);
  EXPECT_EQ((*day)[0].status, "booked");

  // An id that is not in the list is refused; the listed one moves to the
  // next free slot of its site: Monday 30 November 09:00 (the whole 23rd,
  // both sites, is off).
  Apply(state_, act::MoveDisplaced{"rdv-inconnu"});
  EXPECT_TRUE(state_.message_is_error);
  EXPECT_TRUE(state_.effects.empty());
  Apply(state_, act::MoveDisplaced{booked->first});
  Run();
  EXPECT_FALSE(state_.message_is_error) << state_.message;
  auto moved = replica_->Get(common::Collection::kAppointment, booked->first);
  ASSERT_OK(moved);
  ASSERT_TRUE(moved->has_value());
  const common::Appointment a =
      common::AppointmentFromView(**moved, common::View(**moved));
  EXPECT_EQ(a.start, UtcSeconds(2026, 11, 30, 8, 0));
  EXPECT_EQ(a.site_id, "S1");
  EXPECT_EQ(a.status, "booked");
  EXPECT_TRUE(state_.secretariat.displaced.empty());
}

TEST_F(SecretariatEffectsTest, WithItsSiteFullTheMoveGoesToAnotherSiteKeepingThePatient) {
  const int64_t t9 = UtcSeconds(2026, 11, 23, 8, 0);
  // Fill every S1 Monday 09:00 slot of the horizon but one day: simpler,
  // delete the S1 plage so only S2 offers slots.
  auto del = replica_->Write(common::Collection::kSchedule, "plg-s1",
                             {{common::kDeletedField, "1"}});
  ASSERT_TRUE(del.ok()) << del.status().ToString();
  common::NewAppointment n;
  n.practitioner = "dr-a";
  n.start = t9;
  n.duration_min = 15;
  n.site = "S1";
  n.patient_name = "PREMIER Paul";
  n.patient_birth = "1950-01-01";
  ASSERT_OK(replica_->AddAppointment(n));
  clock_.Advance(60'000);
  n.patient_name = "SECOND Simone";
  n.patient_birth = "1961-02-03";
  auto second = replica_->AddAppointment(n);
  ASSERT_OK(second);
  state_.effects.push_back(EffReload{});
  Run();
  ASSERT_EQ(state_.secretariat.overlaps.size(), 1u);
  ASSERT_EQ(state_.secretariat.overlaps[0].move_id, second->first);
  const SecOverlap o = state_.secretariat.overlaps[0];
  const std::string ref =
      (o.first.id == second->first ? o.first : o.second).patient_ref;
  ASSERT_FALSE(ref.empty());
  Apply(state_, act::MoveOverlap{o.first.id, o.second.id});
  Run();
  EXPECT_FALSE(state_.message_is_error) << state_.message;
  auto day = replica_->AppointmentsOn(kMonday);
  ASSERT_OK(day);
  ASSERT_EQ(day->size(), 3u);
  int moved = 0;
  for (const common::Appointment& a : *day) {
    if (a.id == second->first) {
      EXPECT_EQ(a.status, "cancelled");
    }
    if (a.site_id != "S2") continue;
    ++moved;
    EXPECT_EQ(a.start, UtcSeconds(2026, 11, 23, 13, 0));  // 14:00 at S2
    EXPECT_EQ(a.duration_min, 20);
    EXPECT_EQ(a.patient_name, "SECOND Simone");
    EXPECT_EQ(a.patient_birth, "1961-02-03");
    EXPECT_EQ(a.patient_ref, ref);
  }
  EXPECT_EQ(moved, 1);
  EXPECT_TRUE(common::domain::FindOverlaps(*day).empty());
  EXPECT_TRUE(state_.secretariat.overlaps.empty());
}

TEST_F(SecretariatEffectsTest, NoFreeSlotSaysWhatToDo) {
  // Only a teleconsultation plage exists for a consultation double booking.
  for (const char* id : {"plg-s1", "plg-s2"}) {
    auto del = replica_->Write(common::Collection::kSchedule, id,
                               {{common::kDeletedField, "1"}});
    ASSERT_TRUE(del.ok()) << del.status().ToString();
  }
  common::NewAppointment n;
  n.practitioner = "dr-a";
  n.start = UtcSeconds(2026, 11, 23, 8, 0);
  n.site = "S1";
  n.patient_name = "PREMIER Paul";
  ASSERT_OK(replica_->AddAppointment(n));
  n.patient_name = "SECOND Simone";
  ASSERT_OK(replica_->AddAppointment(n));
  state_.effects.push_back(EffReload{});
  Run();
  ASSERT_EQ(state_.secretariat.overlaps.size(), 1u);
  const SecOverlap o = state_.secretariat.overlaps[0];
  Apply(state_, act::MoveOverlap{o.first.id, o.second.id});
  EXPECT_FALSE(runner_->RunPending(state_).ok());
  EXPECT_TRUE(state_.message_is_error);
  EXPECT_NE(state_.message.find("Aucun créneau libre"), std::string::npos) << state_.message;
  EXPECT_EQ(state_.secretariat.overlaps.size(), 1u);  // nothing changed
}

}  // namespace
}  // namespace relais::kiosk
