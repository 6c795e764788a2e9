// Staff access at the kiosk (issue #15): Argon2id verifiers, the legacy
// PBKDF2 upgrade, the per-user lockout, the PIN change and the access-log
// entries of the screens that show names. Apply + the executor on a real
// temporary replica (kiosk_fixture.h).
#include <chrono>

#include "common/replica/audit_log.h"
#include "kiosk/app/i18n.h"
#include "kiosk/app/staff_access.h"
#include "tests/kiosk/kiosk_fixture.h"

namespace relais::kiosk::testing {
namespace {

TEST(PinTest, Argon2idVerifierAndHostileOnes) {
  auto h = NewPinHash("2468");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$v=19$m=131072,t=3,p=1$", 0), 0u) << *h;
  EXPECT_TRUE(VerifyPin("2468", *h));
  EXPECT_FALSE(VerifyPin("2469", *h));
  EXPECT_FALSE(PinNeedsUpgrade(*h));
  // A synced verifier asking for 4 GiB is refused without hashing (bounded;
  // hashing it would take ~30x the 0.27 s of a real one, so 1 s is a loose
  // bound that a loaded CI machine cannot trip).
  std::string huge = *h;
  huge.replace(huge.find("m=131072"), 8, "m=4194304");
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(VerifyPin("2468", huge));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1000));
  std::string passes = *h;
  passes.replace(passes.find("t=3"), 3, "t=999");
  EXPECT_FALSE(VerifyPin("2468", passes));
  EXPECT_FALSE(VerifyPin("2468", "$argon2id$"));
  static const char kNul[] = "$argon2id$v=19$m=131072,t=3,p=1$\0x";
  EXPECT_FALSE(VerifyPin("2468", std::string(kNul, sizeof kNul - 1)));  // embedded NUL
  EXPECT_FALSE(VerifyPin("2468", *h + std::string(200, 'A')));
  // A legacy verifier (the pre-#15 format, computed here with its public
  // definition) still verifies and asks for an upgrade.
  const std::string legacy = HashPinWithSalt("2468", "00112233445566778899aabbccddeeff", 20000);
  EXPECT_EQ(legacy.rfind("pbkdf2-sha256$20000$00112233445566778899aabbccddeeff$", 0), 0u);
  EXPECT_TRUE(VerifyPin("2468", legacy));
  EXPECT_FALSE(VerifyPin("2460", legacy));
  EXPECT_TRUE(PinNeedsUpgrade(legacy));
  EXPECT_TRUE(PinNeedsUpgrade(""));
}

TEST(PinTest, LockoutGrowsFromTheFifthFailureAndIsCapped) {
  EXPECT_EQ(LockoutMs(0), 0);
  EXPECT_EQ(LockoutMs(4), 0);
  EXPECT_EQ(LockoutMs(5), 60'000);
  EXPECT_EQ(LockoutMs(6), 120'000);
  EXPECT_EQ(LockoutMs(7), 240'000);
  EXPECT_EQ(LockoutMs(10), 1'920'000);
  EXPECT_EQ(LockoutMs(11), 3'600'000);  // 64 min, capped at 1 h
  EXPECT_EQ(LockoutMs(1'000'000), 3'600'000);
}

class StaffAccessTest : public KioskTest {
 protected:
  std::string DrA(const AppState& s) { return Pid(s, "dr-a"); }
  void Wrong(AppState& s, const std::string& user) {
    Apply(s, act::ChooseStaffUser{user});
    Apply(s, act::UnlockStaff{"0000", user});
  }
};

TEST_F(StaffAccessTest, FiveWrongPinsLockTheUserOutVisiblyThenDoubling) {
  AppState s = Load();
  const std::string a = DrA(s);
  for (int i = 0; i < 4; ++i) Wrong(s, a);
  EXPECT_EQ(s.lockouts[a].failures, 4);
  EXPECT_EQ(s.lockouts[a].until_ms, 0);
  Wrong(s, a);  // 5th: 1 min from 10:00
  EXPECT_EQ(s.lockouts[a].until_ms, ParisMs(10, 1));
  ASSERT_TRUE(runner_->RunPending(s).ok());
  // The right PIN is refused while locked out.
  Apply(s, act::UnlockStaff{"1234", a});
  EXPECT_FALSE(s.staff_unlocked);
  EXPECT_NE(s.message.find("10:01"), std::string::npos) << s.message;
  // Persisted in the replica: a fresh kiosk state sees it.
  AppState t = Load();
  ASSERT_EQ(t.lockouts.count(a), 1u);
  EXPECT_EQ(t.lockouts[a].failures, 5);
  const auto lines = LockoutLines(t);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "Dr Alice Arnaud : code bloqué jusqu'à 10:01 (5 essais)");
  // Another user is not locked out.
  EXPECT_EQ(t.lockouts.count(Pid(t, "dr-b")), 0u);
  // After the minute, a 6th failure locks for 2 min.
  Apply(t, act::Tick{ParisMs(10, 1)});
  Wrong(t, a);
  EXPECT_EQ(t.lockouts[a].until_ms, ParisMs(10, 3));
  // Then the right PIN unlocks and resets the count (in the replica too).
  Apply(t, act::Tick{ParisMs(10, 3)});
  Apply(t, act::UnlockStaff{"1234", a});
  EXPECT_TRUE(t.staff_unlocked);
  ASSERT_TRUE(runner_->RunPending(t).ok());
  EXPECT_EQ(t.lockouts.count(a), 0u);
  EXPECT_TRUE(LockoutLines(t).empty());
}

TEST_F(StaffAccessTest, PadWithoutANameHasItsOwnLockout) {
  AppState s = Load();
  for (int i = 0; i < 5; ++i) Apply(s, act::UnlockStaff{"9999"});
  EXPECT_GT(s.lockouts[kAnonymousPinUser].until_ms, s.now_ms);
  Apply(s, act::UnlockStaff{"1234"});
  EXPECT_FALSE(s.staff_unlocked);
  Apply(s, act::UnlockStaff{"1234", DrA(s)});  // by name: not locked
  EXPECT_TRUE(s.staff_unlocked);
}

TEST_F(StaffAccessTest, LegacyVerifierIsUpgradedOnTheNextUnlock) {
  AppState s0 = Load();
  const std::string b = Pid(s0, "dr-b");
  const std::string legacy = HashPinWithSalt("5678", "0102030405060708090a0b0c0d0e0f10", 20000);
  ASSERT_TRUE(replica_->Write(common::Collection::kPractitioner, b,
                              {{common::field::kPinHash, legacy}}).ok());
  AppState s = Load();
  Apply(s, act::UnlockStaff{"5678", b});
  ASSERT_TRUE(s.staff_unlocked);
  ASSERT_TRUE(runner_->RunPending(s).ok()) << s.message;
  auto rec = replica_->Get(common::Collection::kPractitioner, b);
  ASSERT_TRUE(rec.ok() && rec->has_value());
  // Stored sealed (schema.h IsSealedField); the replica opens it.
  const std::string now = replica_->OpenView(**rec).at(common::field::kPinHash);
  EXPECT_EQ(now.rfind("$argon2id$", 0), 0u) << now;
  EXPECT_TRUE(VerifyPin("5678", now));
  EXPECT_NE(s.message, Tr(s.lang, Msg::kPinChanged));  // silent
}

TEST_F(StaffAccessTest, PinChangeNeedsTheCurrentPinAndTheNewOneTwice) {
  AppState s = Load();
  const std::string a = DrA(s);
  Apply(s, act::UnlockStaff{"1234", a});
  ASSERT_TRUE(s.staff_unlocked);
  ASSERT_TRUE(runner_->RunPending(s).ok());
  Apply(s, act::ChangeOwnPin{"1234", "4321", "4322"});  // differ
  Apply(s, act::ChangeOwnPin{"1234", "43a1", "43a1"});  // not digits
  Apply(s, act::ChangeOwnPin{"1234", "123", "123"});    // too short
  Apply(s, act::ChangeOwnPin{"9999", "4321", "4321"});  // wrong current PIN
  EXPECT_TRUE(s.message_is_error);
  EXPECT_EQ(s.lockouts[a].failures, 1);
  for (const Effect& e : s.effects) EXPECT_FALSE(std::holds_alternative<EffSetPin>(e));
  Apply(s, act::ChangeOwnPin{"1234", "4321", "4321"});
  ASSERT_TRUE(runner_->RunPending(s).ok());
  EXPECT_EQ(s.message, Tr(s.lang, Msg::kPinChanged));
  Apply(s, act::Lock{});
  Apply(s, act::UnlockStaff{"1234", a});
  EXPECT_FALSE(s.staff_unlocked);
  Apply(s, act::UnlockStaff{"4321", a});
  EXPECT_TRUE(s.staff_unlocked);
}

TEST_F(StaffAccessTest, ScreensWithNamesWriteAChainedAccessLog) {
  auto [id1, c1] = Add("dr-a", 10, 30, "DUPONT Marie", "1948-03-12");
  auto [id2, c2] = Add("dr-b", 11, 0, "MARTIN Paul", "1950-01-01");
  AppState s = Load();
  common::AuditLog log(replica_.get());
  ASSERT_TRUE(log.Entries().ok());
  EXPECT_TRUE(log.Entries()->empty());  // loading the public screens logs nothing
  Apply(s, act::UnlockStaff{"1234", DrA(s)});
  ASSERT_TRUE(runner_->RunPending(s).ok());
  Apply(s, act::Navigate{Screen::kConflicts});
  Apply(s, act::ChangeDay{+1});
  ASSERT_TRUE(runner_->RunPending(s).ok());
  auto entries = log.Entries();
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 3u);
  const auto& e = *entries;
  EXPECT_EQ(e[0].who, DrA(s));
  EXPECT_EQ(e[0].what, "kiosk.planning");
  EXPECT_NE(e[0].records.find(id1), std::string::npos);
  EXPECT_NE(e[0].records.find(id2), std::string::npos);
  EXPECT_EQ(e[0].at, ParisMs(10, 0) / 1000);
  EXPECT_EQ(e[1].what, "kiosk.conflits");
  EXPECT_EQ(e[2].what, "kiosk.planning");
  EXPECT_EQ(e[2].records, "");  // tomorrow: no appointment
  EXPECT_EQ(e[1].prev, common::audit::EntryHash(e[0]));
  auto rep = log.Verify(ParisMs(10, 0) / 1000);
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->problems.empty()) << rep->problems.front();
  EXPECT_EQ(rep->entries, 3);
  EXPECT_EQ(s.message, "");  // no "Enregistré" for a log entry
}

}  // namespace
}  // namespace relais::kiosk::testing
