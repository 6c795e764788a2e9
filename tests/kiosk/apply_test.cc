// Apply() and the effects executor, without ImGui.
#include <gtest/gtest.h>

#include "kiosk/app/apply.h"
#include "kiosk/app/checkin.h"
#include "kiosk/app/i18n.h"
#include "tests/kiosk/kiosk_fixture.h"

namespace relais::kiosk::testing {
namespace {

TEST_F(KioskTest, CheckInByCodeConfirmsWithQueuePositionAndWrites) {
  Add("dr-a", 9, 30, "AUBERT Jean", "1950-01-01", "checked_in");  // waiting, earlier
  Add("dr-b", 9, 45, "BRUN Marc", "1960-01-01", "checked_in");    // other practitioner
  auto [id, code] = Add("dr-a", 10, 15, "DURAND Anne", "1970-05-06");
  AppState s = Load();
  std::string lower = code;
  for (char& c : lower) c = static_cast<char>(std::tolower(c));
  Apply(s, act::CheckInByCode{lower});
  ASSERT_EQ(s.screen, Screen::kCheckInDone);
  ASSERT_TRUE(s.checkin.ok);
  EXPECT_EQ(s.checkin.practitioner_name, "Dr Alice Arnaud");
  EXPECT_EQ(s.checkin.room, "Cabinet 1");
  EXPECT_EQ(s.checkin.start_hhmm, "10:15");
  EXPECT_EQ(s.checkin.patients_before, 1);
  ASSERT_EQ(s.effects.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<EffCheckIn>(s.effects.front()));
  ASSERT_TRUE(runner_->RunPending(s).ok());
  EXPECT_TRUE(s.effects.empty());
  auto a = Get(id);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->status, "checked_in");
  EXPECT_EQ(a->checkin_via, "kiosk");
  EXPECT_EQ(writes_, 1);
}

TEST_F(KioskTest, CheckInByBirthDateAndFirstLettersFoldsAccents) {
  auto [id, code] = Add("dr-b", 10, 30, "ÉLOI Camille", "1985-05-14");
  AppState s = Load();
  Apply(s, act::CheckInByBirth{"14051985", "elo"});
  ASSERT_TRUE(s.checkin.ok);
  EXPECT_EQ(s.checkin.practitioner_name, "Dr Bruno Bel");
  ASSERT_TRUE(runner_->RunPending(s).ok());
  EXPECT_EQ(Get(id)->status, "checked_in");
}

TEST_F(KioskTest, OnePatientWithTwoAppointmentsChoosesThePractitioner) {
  auto [a1, c1] = Add("dr-a", 10, 0, "LEROY Anne", "1944-04-04");
  auto [a2, c2] = Add("dr-b", 10, 30, "LEROY Anne", "1944-04-04");
  // Same patient: the second booking reuses the first one's pseudonymous ref.
  const std::string ref =
      common::View(**replica_->Get(common::Collection::kAppointment, a1))["patient_ref"];
  ASSERT_TRUE(
      replica_->Write(common::Collection::kAppointment, a2, {{"patient_ref", ref}}).ok());
  AppState s = Load();
  Apply(s, act::CheckInByBirth{"04041944", "ler"});
  ASSERT_EQ(s.screen, Screen::kCheckInChoose);
  ASSERT_EQ(s.checkin.choices.size(), 2u);
  EXPECT_EQ(s.checkin.choices[0].practitioner_name, "Dr Alice Arnaud");
  EXPECT_EQ(s.checkin.choices[1].practitioner_name, "Dr Bruno Bel");
  EXPECT_TRUE(s.effects.empty());
  Apply(s, act::ChooseAppointment{1});
  ASSERT_TRUE(s.checkin.ok);
  EXPECT_EQ(s.checkin.start_hhmm, "10:30");
  ASSERT_TRUE(runner_->RunPending(s).ok());
  EXPECT_EQ(Get(a2)->status, "checked_in");
  EXPECT_EQ(Get(a1)->status, "booked");
  // "None of these" goes to the secretariat, and so does a stale choice.
  Apply(s, act::CheckInByBirth{"04041944", "ler"});
  ASSERT_EQ(s.screen, Screen::kCheckInChoose);
  Apply(s, act::ChooseAppointment{2});
  EXPECT_EQ(s.screen, Screen::kCheckInDone);
  EXPECT_FALSE(s.checkin.ok);
  Apply(s, act::ChooseAppointment{0});
  EXPECT_FALSE(s.checkin.ok);
  EXPECT_TRUE(s.effects.empty());
}

// Four appointments today with four practitioners: more than the choice
// screen shows at 200 % text, so the patient is sent to the secretariat
// (kMaxCheckInChoices); three still get the choice.
TEST_F(KioskTest, MoreChoicesThanFitOnScreenGoToSecretariat) {
  ASSERT_TRUE(replica_->AddPractitioner("kine-d", "Denis Duval", "kine").ok());
  AppState loaded = Load();
  std::vector<std::string> ids;
  for (const char* p : {"dr-a", "dr-b", "ide-c", "kine-d"}) {
    const std::string pid = Pid(loaded, p);
    ids.push_back(Add(pid, 10, 15 * static_cast<int>(ids.size()), "LEROY Anne", "1944-04-04").first);
  }
  const std::string ref =
      common::View(**replica_->Get(common::Collection::kAppointment, ids[0]))["patient_ref"];
  for (size_t i = 1; i < ids.size(); ++i)
    ASSERT_TRUE(
        replica_->Write(common::Collection::kAppointment, ids[i], {{"patient_ref", ref}}).ok());
  AppState s = Load();
  Apply(s, act::CheckInByBirth{"04041944", "ler"});
  EXPECT_EQ(s.screen, Screen::kCheckInDone);
  EXPECT_FALSE(s.checkin.ok);
  EXPECT_TRUE(s.checkin.choices.empty());
  EXPECT_TRUE(s.effects.empty()) << "nobody checked in";
  // The fourth one cancelled: three left, the choice comes back.
  ASSERT_TRUE(replica_->Write(common::Collection::kAppointment, ids[3],
                              {{"status", "cancelled"}}).ok());
  s = Load();
  Apply(s, act::CheckInByBirth{"04041944", "ler"});
  EXPECT_EQ(s.screen, Screen::kCheckInChoose);
  EXPECT_EQ(s.checkin.choices.size(), 3u);
}

TEST_F(KioskTest, AmbiguousOrUnknownGoesToSecretariat) {
  Add("dr-a", 10, 0, "MARTIN Paul", "1980-02-02");
  Add("dr-b", 10, 20, "MARTINEZ Pia", "1980-02-02");
  AppState s = Load();
  Apply(s, act::CheckInByBirth{"02021980", "MAR"});
  EXPECT_EQ(s.screen, Screen::kCheckInDone);
  EXPECT_FALSE(s.checkin.ok);
  EXPECT_TRUE(s.effects.empty());
  Apply(s, act::CheckInByCode{"ZZZZZZ"});
  EXPECT_FALSE(s.checkin.ok);
  EXPECT_TRUE(s.effects.empty());
  EXPECT_STREQ(Tr(Lang::kFr, Msg::kSeeDesk), "Merci de vous adresser au secrétariat");
}

TEST_F(KioskTest, OnlyAppointmentsWithinTheWindowMatch) {
  auto late = Add("dr-a", 8, 50, "TARD Léo", "1990-01-01");    // 70 min ago
  auto soon = Add("dr-a", 11, 30, "TOT Léa", "1990-01-02");    // in 90 min
  auto far = Add("dr-a", 11, 45, "LOIN Luc", "1990-01-03");    // in 105 min
  auto cancelled = Add("dr-a", 10, 0, "ANNUL Ana", "1990-01-04", "cancelled");
  AppState s = Load();
  Apply(s, act::CheckInByCode{late.second});
  EXPECT_FALSE(s.checkin.ok);
  Apply(s, act::CheckInByCode{soon.second});
  EXPECT_TRUE(s.checkin.ok);
  Apply(s, act::CheckInByCode{far.second});
  EXPECT_FALSE(s.checkin.ok);
  Apply(s, act::CheckInByCode{cancelled.second});
  EXPECT_FALSE(s.checkin.ok);
}

TEST_F(KioskTest, ResultNeverContainsAPatientName) {
  Add("dr-a", 9, 50, "SECRET Other", "1944-04-04", "checked_in");
  auto [id, code] = Add("dr-a", 10, 5, "PRIVE Self", "1955-05-05");
  AppState s = Load();
  Apply(s, act::CheckInByCode{code});
  ASSERT_TRUE(s.checkin.ok);
  const std::string shown = s.checkin.practitioner_name + "|" + s.checkin.room + "|" +
                            s.checkin.start_hhmm;
  for (const char* name : {"SECRET", "Other", "PRIVE", "Self"})
    EXPECT_EQ(shown.find(name), std::string::npos) << name;
}

TEST_F(KioskTest, IdlePublicScreensReturnToWelcomeAndForgetInput) {
  AppState s = Load();
  Apply(s, act::Navigate{Screen::kCheckInBirth});
  for (const char* k : {"1", "2", "0", "3"}) Apply(s, act::Keypad{k});
  EXPECT_EQ(s.form.birth, "1203");
  Apply(s, act::Tick{clock_.NowMillis() + kPublicIdleMs - 1000});
  EXPECT_EQ(s.screen, Screen::kCheckInBirth);
  // « Besoin de plus de temps ? » (focus.h) for kIdlePromptMs, then back.
  Apply(s, act::Tick{clock_.NowMillis() + kPublicIdleMs + kIdlePromptMs - 1});
  EXPECT_EQ(s.screen, Screen::kCheckInBirth);
  Apply(s, act::Tick{clock_.NowMillis() + kPublicIdleMs + kIdlePromptMs});
  EXPECT_EQ(s.screen, Screen::kWelcome);
  EXPECT_TRUE(s.form.birth.empty());
  // The confirmation goes away sooner.
  Apply(s, act::CheckInByCode{"ZZZZZZ"});
  Apply(s, act::Tick{s.now_ms + kConfirmIdleMs});
  EXPECT_EQ(s.screen, Screen::kWelcome);
}

TEST_F(KioskTest, StaffScreensNeedThePinAndLockThemselves) {
  AppState s = Load();
  Apply(s, act::Navigate{Screen::kPlanning});
  EXPECT_EQ(s.screen, Screen::kStaffPin);
  EXPECT_FALSE(s.staff_unlocked);
  Apply(s, act::UnlockStaff{"9999"});
  EXPECT_FALSE(s.staff_unlocked);
  EXPECT_FALSE(s.message.empty());
  for (const char* k : {"1", "2", "3", "4"}) Apply(s, act::Keypad{k});
  EXPECT_EQ(s.form.pin, "1234");
  Apply(s, act::UnlockStaff{s.form.pin});
  EXPECT_TRUE(s.staff_unlocked);
  EXPECT_EQ(s.staff_user, Pid(s, "dr-a"));
  EXPECT_EQ(s.screen, Screen::kPlanning);
  EXPECT_TRUE(s.form.pin.empty());
  Apply(s, act::Tick{s.now_ms + kStaffIdleMs});
  EXPECT_FALSE(s.staff_unlocked);
  EXPECT_EQ(s.screen, Screen::kWelcome);
  Apply(s, act::UnlockStaff{"1234"});
  Apply(s, act::Lock{});
  EXPECT_FALSE(s.staff_unlocked);
}

TEST_F(KioskTest, StatusChangesQueueEffectsOnlyWhenUnlocked) {
  auto [id, code] = Add("dr-a", 10, 0, "DUPONT Marie", "1948-03-12", "checked_in");
  AppState s = Load();
  Apply(s, act::SetStatus{id, "in_consultation"});
  EXPECT_TRUE(s.effects.empty());
  EXPECT_EQ(s.screen, Screen::kStaffPin);
  Apply(s, act::UnlockStaff{"1234"});
  ASSERT_TRUE(runner_->RunPending(s).ok());  // the planning's access-log entry
  Apply(s, act::SetStatus{id, "in_consultation"});
  ASSERT_EQ(s.effects.size(), 1u);
  const auto* e = std::get_if<EffSetStatus>(&s.effects.front());
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->status, "in_consultation");
  Apply(s, act::SetStatus{id, "bogus"});
  EXPECT_EQ(s.effects.size(), 1u);
  ASSERT_TRUE(runner_->RunPending(s).ok());
  EXPECT_EQ(Get(id)->status, "in_consultation");
  EXPECT_EQ(s.day_appointments.front().status, "in_consultation");  // reloaded
}

TEST_F(KioskTest, WalkInAndReversalAndPinChange) {
  AppState s = Load();
  Apply(s, act::UnlockStaff{"1234"});
  ASSERT_TRUE(runner_->RunPending(s).ok());  // the planning's access-log entry
  act::AddAppointment w;
  w.practitioner = Pid(s, "ide-c");
  w.patient_name = "PASSAGE Paul";
  w.walk_in = true;
  Apply(s, w);
  act::AddLedgerEntry e;
  e.amount_cents = 12345;
  e.category = "loyer";
  e.payer = Pid(s, "dr-b");
  e.key = "equal";
  e.label = "Loyer";
  Apply(s, e);
  ASSERT_EQ(s.effects.size(), 2u) << s.message;
  ASSERT_TRUE(runner_->RunPending(s).ok()) << s.message;
  ASSERT_EQ(s.today_appointments.size(), 1u);
  EXPECT_EQ(s.today_appointments[0].kind, "snp");
  EXPECT_EQ(s.today_appointments[0].status, "checked_in");
  ASSERT_EQ(s.ledger.size(), 1u);
  Apply(s, act::ReverseEntry{s.ledger[0].id});
  ASSERT_TRUE(runner_->RunPending(s).ok()) << s.message;
  ASSERT_EQ(s.ledger.size(), 2u);
  int64_t sum = 0;
  for (const auto& l : s.ledger) sum += l.amount_cents;
  EXPECT_EQ(sum, 0);
  Apply(s, act::ReverseEntry{s.ledger[0].id});  // already reversed / a reversal
  EXPECT_TRUE(s.effects.empty());
  Apply(s, act::ChangeOwnPin{"1234", "4321", "4321"});
  ASSERT_TRUE(runner_->RunPending(s).ok());
  Apply(s, act::Lock{});
  Apply(s, act::UnlockStaff{"1234"});
  EXPECT_FALSE(s.staff_unlocked);
  Apply(s, act::UnlockStaff{"4321"});
  EXPECT_TRUE(s.staff_unlocked);
}

// The kiosk checks its staff inputs with the replica's own validation
// (model/validate.h): what it refuses never becomes an effect, and what it
// queues is written.
TEST_F(KioskTest, StaffInputsUseTheSharedValidation) {
  AppState s = Load();
  Apply(s, act::UnlockStaff{"1234"});
  ASSERT_TRUE(runner_->RunPending(s).ok());  // the planning's access-log entry
  ASSERT_TRUE(s.staff_unlocked);
  act::AddLedgerEntry e;
  e.amount_cents = common::kMaxAmountCents + 1;
  e.category = "travaux";
  e.payer = Pid(s, "dr-a");
  e.key = "equal";
  Apply(s, e);
  EXPECT_TRUE(s.effects.empty());
  EXPECT_TRUE(s.message_is_error);
  EXPECT_FALSE(s.message.empty());
  e.amount_cents = 0;
  e.category = "";
  Apply(s, e);
  EXPECT_TRUE(s.effects.empty());
  act::AddAppointment a;
  a.practitioner = Pid(s, "dr-b");
  a.patient_name = "DUPONT\nJeanne";  // a control character in a name
  a.start_hhmm = "11:00";
  Apply(s, a);
  EXPECT_TRUE(s.effects.empty());
  a.patient_name = "DUPONT Jeanne";
  a.duration_min = 24 * 60 + 1;
  Apply(s, a);
  EXPECT_TRUE(s.effects.empty());
  act::SetPresence p{Pid(s, "dr-a"), "soir", "present", "", ""};
  Apply(s, p);
  EXPECT_TRUE(s.effects.empty());
  p = {Pid(s, "dr-a"), "am", "remplace", "", ""};
  Apply(s, p);
  EXPECT_TRUE(s.effects.empty());
  // The valid versions are queued and written.
  e.amount_cents = common::kMaxAmountCents;
  e.category = "travaux";
  Apply(s, e);
  a.duration_min = 20;
  Apply(s, a);
  p = {Pid(s, "dr-a"), "am", "remplace", "Dr Remy", ""};
  Apply(s, p);
  ASSERT_EQ(s.effects.size(), 3u) << s.message;
  ASSERT_TRUE(runner_->RunPending(s).ok()) << s.message;
  ASSERT_EQ(s.ledger.size(), 1u);
  EXPECT_EQ(s.ledger[0].amount_cents, common::kMaxAmountCents);
  ASSERT_EQ(s.presence.size(), 1u);
  EXPECT_EQ(s.presence[0].replacement, "Dr Remy");
  auto all = replica_->store()->ListAll();
  ASSERT_TRUE(all.ok());
  for (const common::Record& r : *all) EXPECT_EQ(common::ValidateNewRecord(r), "") << r.id;
}

TEST_F(KioskTest, ResolvingAConflictWritesAValueThatDominatesBoth) {
  auto [id, code] = Add("dr-a", 10, 0, "CONFLIT Carl", "1970-01-01");
  auto rec = replica_->Get(common::Collection::kAppointment, id);
  ASSERT_TRUE(rec.ok() && rec->has_value());
  const std::string other = (dir_ / "other.db").string();
  ASSERT_TRUE(common::Replica::Init(other, "msp-test").ok());
  auto b = common::Replica::Open(other, &clock_);
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE((*b)->store()->ApplyRemote({**rec}, {}).ok());
  auto theirs = (*b)->Write(common::Collection::kAppointment, id, {{"room", "Cabinet 3"}});
  ASSERT_TRUE(theirs.ok());
  ASSERT_TRUE(replica_->Write(common::Collection::kAppointment, id, {{"room", "Cabinet 4"}}).ok());
  ASSERT_TRUE(replica_->store()->ApplyRemote({*theirs}, {}).ok());
  AppState s = Load();
  ASSERT_EQ(s.conflicts.size(), 1u);
  EXPECT_EQ(s.conflicts[0].field, "room");
  EXPECT_EQ(s.conflicts[0].values.size(), 2u);
  EXPECT_EQ(s.sync.conflicts, 1);
  Apply(s, act::UnlockStaff{"1234"});
  Apply(s, act::ResolveConflict{common::Collection::kAppointment, id, "room", "Cabinet 3"});
  ASSERT_TRUE(runner_->RunPending(s).ok());
  EXPECT_TRUE(s.conflicts.empty());
  auto after = replica_->Get(common::Collection::kAppointment, id);
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_EQ((*after)->vv.Compare((*theirs).vv), common::Order::kDominates);
  EXPECT_EQ(Get(id)->room, "Cabinet 3");
}

TEST(CheckInRulesTest, NormalisesCodesBirthDatesAndLetters) {
  EXPECT_EQ(NormalizeCode("k7m-2qx"), "K7M2QX");
  EXPECT_EQ(NormalizeCode("O0I1"), "");  // not in the alphabet
  EXPECT_EQ(NormalizeBirth("31121950"), "1950-12-31");
  EXPECT_EQ(NormalizeBirth("31021950"), "");
  EXPECT_EQ(FoldLetters("Éloïse d'Orléans"), "ELOISEDORLEANS");
  EXPECT_EQ(FoldLetters("Œuvre"), "OEUVRE");
}

TEST(PinTest, HashIsSaltedAndVerifies) {
  auto a = NewPinHash("2468");
  auto b = NewPinHash("2468");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_EQ(a->find("2468"), std::string::npos);
  EXPECT_TRUE(VerifyPin("2468", *a));
  EXPECT_FALSE(VerifyPin("2469", *a));
  EXPECT_FALSE(VerifyPin("2468", ""));
  EXPECT_FALSE(VerifyPin("2468", "pbkdf2-sha256$x$00$00"));
  EXPECT_FALSE(NewPinHash("12").ok());
}

TEST(I18nTest, EveryMessageHasBothLanguages) {
  for (int m = 0; m <= static_cast<int>(Msg::kWrittenBy); ++m) {
    EXPECT_STRNE(Tr(Lang::kFr, static_cast<Msg>(m)), "???") << m;
    EXPECT_STRNE(Tr(Lang::kEn, static_cast<Msg>(m)), "???") << m;
  }
  EXPECT_EQ(FormatEuros(Lang::kFr, 123456), "1 234,56 €");
  EXPECT_EQ(RelativeTime(Lang::kFr, 180000), "il y a 3 min");
}

namespace relais::kiosk::testing {
namespace {

TEST_F(KioskTest, SecretariatHasItsOwnPin) {
  AppState s = Load();
  Apply(s, act::UnlockStaff{"1234"});  // a practitioner sets the secretariat's PIN
  ASSERT_TRUE(s.staff_unlocked);
  s.staff_user = kSecretariat;  // as if the secretary were at the desk
  Apply(s, act::ChangeOwnPin{"", "8642", "8642"});  // none set yet: no current PIN
  ASSERT_TRUE(runner_->RunPending(s).ok());
  EXPECT_FALSE(s.secretariat_pin_hash.empty());
  EXPECT_EQ(s.secretariat_pin_hash.find("8642"), std::string::npos);  // hashed
  Apply(s, act::Lock{});
  Apply(s, act::UnlockStaff{"8642"});
  EXPECT_TRUE(s.staff_unlocked);
  EXPECT_EQ(s.staff_user, kSecretariat);
  Apply(s, act::Lock{});
  Apply(s, act::UnlockStaff{"8643"});
  EXPECT_FALSE(s.staff_unlocked);
}

}  // namespace
}  // namespace relais::kiosk::testing

// The peer (LAN) worker's status goes through Apply like the hub's: the
// status bar's fields, a redraw only on change, a reload only after a new
// successful round, and never an input (the idle timeout keeps running).
TEST(PeerSyncApplyTest, StatusReloadAndRedrawOnlyOnChange) {
  const int64_t t0 = 1795000000000;
  AppState s = InitialState(t0, Lang::kFr);
  s.effects.clear();
  s.peer.enabled = true;
  Apply(s, act::Navigate{Screen::kCheckInBirth});
  const int64_t last_input = s.last_input_ms;
  Apply(s, act::Tick{t0 + 5000});
  const uint64_t v0 = s.version;

  Apply(s, act::PeerSyncUpdate{false, 0, "UNAVAILABLE: poste injoignable"});
  EXPECT_FALSE(s.peer.online);
  EXPECT_EQ(s.peer.last_error, "UNAVAILABLE: poste injoignable");
  EXPECT_EQ(s.version, v0 + 1);
  EXPECT_TRUE(s.effects.empty()) << "no round succeeded: nothing to reload";
  EXPECT_EQ(s.last_input_ms, last_input) << "not an input";
  EXPECT_EQ(s.screen, Screen::kCheckInBirth);

  // The same snapshot again: no redraw.
  Apply(s, act::PeerSyncUpdate{false, 0, "UNAVAILABLE: poste injoignable"});
  EXPECT_EQ(s.version, v0 + 1);

  // A round succeeds: online, error cleared, one reload queued.
  Apply(s, act::PeerSyncUpdate{true, t0 + 4000, ""});
  EXPECT_TRUE(s.peer.online);
  EXPECT_EQ(s.peer.last_success_ms, t0 + 4000);
  EXPECT_EQ(s.peer.last_error, "");
  EXPECT_GT(s.version, v0 + 1);
  const uint64_t v1 = s.version;
  ASSERT_EQ(s.effects.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<EffReload>(s.effects.front()));
  Apply(s, act::PeerSyncUpdate{true, t0 + 4000, ""});
  EXPECT_EQ(s.effects.size(), 1u) << "the same round is not reloaded twice";
  EXPECT_EQ(s.version, v1);
  EXPECT_EQ(s.last_input_ms, last_input);
}

}  // namespace
}  // namespace relais::kiosk::testing
