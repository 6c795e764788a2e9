// Scanner input (keyboard wedge) and the check-in QR text: the pure reader
// (kiosk/app/scan_input.h), the format (common/model/checkin_qr.h) and the
// Apply path on a real replica. Hostile bursts (partial, foreign, overlong,
// garbage) must end on « adressez-vous au secrétariat », never a crash.
#include <gtest/gtest.h>

#include <string>

#include "common/model/checkin_qr.h"
#include "common/replica/replica.h"
#include "kiosk/app/scan_input.h"
#include "tests/kiosk/kiosk_fixture.h"

namespace relais::kiosk {
namespace {

using common::CheckInQr;
using common::FormatCheckInQr;
using common::ParseCheckInQr;

TEST(CheckInQrTest, FormatsAndParsesTheDocumentedForm) {
  auto text = FormatCheckInQr("msp-vallee", "K7M2QX");
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "RELAIS1:msp-vallee:K7M2QX");  // hand-written oracle
  auto back = ParseCheckInQr("RELAIS1:msp-vallee:K7M2QX");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->site, "msp-vallee");
  EXPECT_EQ(back->code, "K7M2QX");
  auto lower = ParseCheckInQr("RELAIS1:S1:k7m2qx");  // caps lock on the scanner
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(lower->code, "K7M2QX");
}

TEST(CheckInQrTest, SameAlphabetAsTheReplica) {
  for (const char* c = common::kCodeAlphabet; *c; ++c) {
    const std::string code(6, *c);
    EXPECT_TRUE(ParseCheckInQr("RELAIS1:S1:" + code).ok()) << code;
  }
  for (char c : std::string("01IOio-_ :/")) {
    EXPECT_FALSE(ParseCheckInQr("RELAIS1:S1:K7M2Q" + std::string(1, c)).ok()) << c;
  }
}

TEST(CheckInQrTest, RefusesForeignPartialAndOverlongText) {
  const char* bad[] = {"",
                       "https://example.org/rdv?id=42",
                       "RELAIS2:S1:K7M2QX",
                       "relais1:S1:K7M2QX",
                       "RELAIS1:",
                       "RELAIS1:S1",
                       "RELAIS1:S1:",
                       "RELAIS1:S1:K7M",
                       "RELAIS1:S1:K7M2QXA",
                       "RELAIS1::K7M2QX",
                       "RELAIS1:S 1:K7M2QX",
                       "RELAIS1:S1:K7M2QX\n",
                       "RELAIS1:S1:K7M\x00QX"};
  for (const char* b : bad) {
    auto r = ParseCheckInQr(b);
    EXPECT_FALSE(r.ok()) << b;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), common::StatusCode::kInvalidArgument);
    }
  }
  const std::string overlong = "RELAIS1:" + std::string(200, 'S') + ":K7M2QX";
  auto r = ParseCheckInQr(overlong);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("trop long"), std::string::npos);
  EXPECT_LT(r.status().message().size(), 200u);  // never echoes the whole burst
  EXPECT_FALSE(FormatCheckInQr("S1", "K7M2Q0").ok());
  EXPECT_FALSE(FormatCheckInQr("S/1", "K7M2QX").ok());
}

// Feeds `text` at one character per `gap_ms` from `t0`; returns the last
// action produced (if any) and moves *t to the time of the last character.
std::optional<Action> Type(ScanInput& in, const std::string& text, int64_t* t, int64_t gap_ms) {
  std::optional<Action> last;
  for (char c : text) {
    *t += gap_ms;
    if (auto a = in.OnChar(static_cast<unsigned char>(c), *t)) last = a;
  }
  return last;
}

TEST(ScanInputTest, BurstThenEnterIsACompleteScan) {
  ScanInput in;
  int64_t t = 1000;
  EXPECT_FALSE(Type(in, "RELAIS1:S1:K7M2QX", &t, 8).has_value());
  auto a = in.OnKey(InputKey::kEnter, t + 10);
  ASSERT_TRUE(a.has_value());
  const auto* scan = std::get_if<act::ScanCheckIn>(&*a);
  ASSERT_NE(scan, nullptr);
  EXPECT_EQ(scan->text, "RELAIS1:S1:K7M2QX");
  EXPECT_TRUE(scan->complete);
  EXPECT_FALSE(scan->overflow);
  EXPECT_FALSE(in.OnKey(InputKey::kEnter, t + 20).has_value());  // lone Enter: nothing
  EXPECT_FALSE(in.Poll(t + 10'000).has_value());
}

TEST(ScanInputTest, StalledBurstIsHandedOverAsPartial) {
  ScanInput in;
  int64_t t = 1000;
  Type(in, "RELAIS1:S1:K7", &t, 8);
  EXPECT_FALSE(in.Poll(t + kPartialScanMs - 1).has_value());
  auto a = in.Poll(t + kPartialScanMs);
  ASSERT_TRUE(a.has_value());
  const auto* scan = std::get_if<act::ScanCheckIn>(&*a);
  ASSERT_NE(scan, nullptr);
  EXPECT_FALSE(scan->complete);
  EXPECT_EQ(scan->text, "RELAIS1:S1:K7");
  EXPECT_FALSE(in.Poll(t + 5 * kPartialScanMs).has_value());  // handed over once
}

TEST(ScanInputTest, SlowTypingAndStrayKeysAreNotScans) {
  ScanInput in;
  int64_t t = 1000;
  // A person typing a whole QR text slowly: each character starts afresh.
  EXPECT_FALSE(Type(in, "RELAIS1:S1:K7M2QX", &t, kMaxScanGapMs + 50).has_value());
  EXPECT_FALSE(in.OnKey(InputKey::kEnter, t + 10).has_value());
  // A few keys pressed fast by mistake, then Enter or nothing.
  EXPECT_FALSE(Type(in, "ABCDEFG", &t, 5).has_value());  // kMinScanLen - 1
  EXPECT_FALSE(in.OnKey(InputKey::kEnter, t + 10).has_value());
  t += 1000;
  EXPECT_FALSE(Type(in, "ABC", &t, 5).has_value());
  EXPECT_FALSE(in.Poll(t + 10 * kPartialScanMs).has_value());
  // Eight fast characters are a burst (refused later by the parser).
  Type(in, "ABCDEFGH", &t, 5);
  auto a = in.OnKey(InputKey::kEnter, t + 10);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(std::get<act::ScanCheckIn>(*a).text, "ABCDEFGH");
}

TEST(ScanInputTest, OverlongBurstIsBoundedAndFlagged) {
  ScanInput in;
  int64_t t = 1000;
  Type(in, std::string(100'000, 'A'), &t, 1);
  auto a = in.OnKey(InputKey::kEnter, t + 1);
  ASSERT_TRUE(a.has_value());
  const auto* scan = std::get_if<act::ScanCheckIn>(&*a);
  ASSERT_NE(scan, nullptr);
  EXPECT_TRUE(scan->overflow);
  EXPECT_EQ(scan->text.size(), kMaxScanLen);
}

TEST(ScanInputTest, StarAndF1Speak_ControlAndNonAsciiAreMasked) {
  ScanInput in;
  auto star = in.OnChar('*', 1000);
  ASSERT_TRUE(star.has_value());
  EXPECT_TRUE(std::holds_alternative<act::Speak>(*star));
  auto f1 = in.OnKey(InputKey::kSpeak, 1001);
  ASSERT_TRUE(f1.has_value());
  EXPECT_TRUE(std::holds_alternative<act::Speak>(*f1));
  int64_t t = 2000;
  EXPECT_FALSE(Type(in, "RELAIS1", &t, 1).has_value());
  EXPECT_FALSE(in.OnChar('*', ++t).has_value());     // inside a burst: a character
  EXPECT_FALSE(in.OnChar(0x00E9, ++t).has_value());  // é
  EXPECT_FALSE(in.OnChar(0x07, ++t).has_value());    // BEL
  auto a = in.OnKey(InputKey::kEnter, ++t);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(std::get<act::ScanCheckIn>(*a).text, "RELAIS1*??");
}

class ScanApplyTest : public testing::KioskTest {
 protected:
  // Loaded state at 10:00 on the welcome screen with one appointment at
  // 10:10 whose code is code_.
  void SetUp() override {
    KioskTest::SetUp();
    auto [id, code] = Add("dr-a", 10, 10, "Zoé Quintard", "1950-03-02");
    id_ = id;
    code_ = code;
    state_ = Load();
    ASSERT_EQ(state_.site_id, "msp-test");
  }
  void Scan(const std::string& text, bool complete = true, bool overflow = false) {
    Apply(state_, act::ScanCheckIn{text, complete, overflow});
  }
  AppState state_;
  std::string id_, code_;
};

TEST_F(ScanApplyTest, GoodCodeChecksInFromTheHomeScreen) {
  ASSERT_EQ(state_.screen, Screen::kWelcome);
  Scan("RELAIS1:msp-test:" + code_);
  EXPECT_EQ(state_.screen, Screen::kCheckInDone);
  EXPECT_TRUE(state_.checkin.ok);
  EXPECT_EQ(state_.checkin.start_hhmm, "10:10");
  ASSERT_TRUE(runner_->RunPending(state_).ok());
  auto a = Get(id_);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->status, "checked_in");
}

TEST_F(ScanApplyTest, PartialForeignOtherSiteAndOverlongSendToTheDesk) {
  const std::string good = "RELAIS1:msp-test:" + code_;
  struct Case {
    std::string text;
    bool complete, overflow;
  };
  const Case cases[] = {{good, false, false},                      // partial burst
                        {good.substr(0, 15), true, false},         // cut short
                        {"https://example.org/?c=" + code_, true, false},  // foreign
                        {"RELAIS1:autre-site:" + code_, true, false},      // other house
                        {good, true, true},                        // overlong (bounded)
                        {std::string(kMaxScanLen, '?'), true, false},      // garbage
                        {"RELAIS1:msp-test:ZZZZZZ", true, false}};         // no such code
  for (const Case& c : cases) {
    Apply(state_, act::Navigate{Screen::kWelcome});
    Scan(c.text, c.complete, c.overflow);
    EXPECT_EQ(state_.screen, Screen::kCheckInDone) << c.text;
    EXPECT_FALSE(state_.checkin.ok) << c.text;
    EXPECT_FALSE(state_.checkin.no_appointment) << c.text;  // « secrétariat »
    EXPECT_TRUE(state_.effects.empty()) << c.text;
  }
  auto a = Get(id_);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->status, "booked");  // the honest code still works afterwards
  Apply(state_, act::Navigate{Screen::kWelcome});
  Scan(good);
  EXPECT_TRUE(state_.checkin.ok);
}

TEST_F(ScanApplyTest, IgnoredOnThePinPadAndStaffScreens) {
  Apply(state_, act::Navigate{Screen::kStaffPin});
  Scan("RELAIS1:msp-test:" + code_);
  EXPECT_EQ(state_.screen, Screen::kStaffPin);
  EXPECT_TRUE(state_.effects.empty());
}

}  // namespace
}  // namespace relais::kiosk
