#include "kiosk/app/staff_access.h"

#include <cstdio>

#include "kiosk/app/i18n.h"
#include "kiosk/app/pin.h"

namespace relais::kiosk {

namespace {

std::string Format(const char* fmt, const std::string& a) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, a.c_str());
  return buf;
}

std::string UntilText(int64_t until_ms) { return common::FormatParisTime(until_ms / 1000); }

void Error(AppState& s, const std::string& m) {
  s.message = m;
  s.message_is_error = true;
}

// Counts a wrong PIN of `key`; locks from the threshold on.
void CountFailure(AppState& s, const std::string& key) {
  PinLockout& lo = s.lockouts[key];
  ++lo.failures;
  const int64_t ms = LockoutMs(lo.failures);
  lo.until_ms = ms > 0 ? s.now_ms + ms : 0;
  s.effects.push_back(EffSaveLockout{key, lo.failures, lo.until_ms});
  if (lo.until_ms > 0)
    Error(s, Format(Tr(s.lang, Msg::kPinLocked), UntilText(lo.until_ms)));
  else
    Error(s, Tr(s.lang, Msg::kWrongPin));
}

void ResetFailures(AppState& s, const std::string& key) {
  auto it = s.lockouts.find(key);
  if (it == s.lockouts.end() || it->second == PinLockout{}) return;
  it->second = PinLockout{};
  s.effects.push_back(EffSaveLockout{key, 0, 0});
}

// The staff user whose PIN is `pin`, among `user` (or everyone if ""), or "".
std::string Match(const AppState& s, const std::string& user, const std::string& pin) {
  if (!user.empty()) {
    const std::string h = PinHashOf(s, user);
    return !h.empty() && VerifyPin(pin, h) ? user : "";
  }
  for (const common::Practitioner& p : s.practitioners)
    if (!p.pin_hash.empty() && VerifyPin(pin, p.pin_hash)) return p.id;
  if (!s.secretariat_pin_hash.empty() && VerifyPin(pin, s.secretariat_pin_hash))
    return kSecretariat;
  return "";
}

}  // namespace

std::string PinHashOf(const AppState& s, const std::string& user) {
  if (user == kSecretariat) return s.secretariat_pin_hash;
  for (const common::Practitioner& p : s.practitioners)
    if (p.id == user) return p.pin_hash;
  return "";
}

std::string StaffUserName(const AppState& s, const std::string& user) {
  if (user == kSecretariat) return Tr(s.lang, Msg::kSecretariat);
  if (user == kAnonymousPinUser) return Tr(s.lang, Msg::kKioskPad);
  for (const common::Practitioner& p : s.practitioners)
    if (p.id == user) return p.name;
  return user;
}

void ApplyUnlock(AppState& s, const act::UnlockStaff& a) {
  s.form.pin.clear();
  const std::string& key = a.user;  // kAnonymousPinUser when no name was chosen
  const PinLockout lo = s.lockouts.count(key) ? s.lockouts[key] : PinLockout{};
  if (lo.until_ms > s.now_ms)
    return Error(s, Format(Tr(s.lang, Msg::kPinLocked), UntilText(lo.until_ms)));
  const std::string who = Match(s, a.user, a.pin);
  if (who.empty()) return CountFailure(s, key);
  ResetFailures(s, key);
  const std::string hash = PinHashOf(s, who);
  if (PinNeedsUpgrade(hash)) s.effects.push_back(EffSetPin{who, a.pin, true});
  s.staff_unlocked = true;
  s.staff_user = who;
  s.form.pin_user.clear();
  s.screen = Screen::kPlanning;
  s.message.clear();
  // The planning shows the day's names from now on.
  s.effects.push_back(EffAuditPlanning{who, s.day});
}

void ApplyChangeOwnPin(AppState& s, const act::ChangeOwnPin& a) {
  const std::string current = PinHashOf(s, s.staff_user);
  const PinLockout lo = s.lockouts.count(s.staff_user) ? s.lockouts[s.staff_user] : PinLockout{};
  if (lo.until_ms > s.now_ms)
    return Error(s, Format(Tr(s.lang, Msg::kPinLocked), UntilText(lo.until_ms)));
  if (!IsValidPin(a.new_pin)) return Error(s, Tr(s.lang, Msg::kInvalidInput));
  if (a.new_pin != a.confirm) return Error(s, Tr(s.lang, Msg::kPinMismatch));
  if (!current.empty() && !VerifyPin(a.old_pin, current)) {
    CountFailure(s, s.staff_user);
    if (s.lockouts[s.staff_user].until_ms == 0) Error(s, Tr(s.lang, Msg::kPinMismatch));
    return;
  }
  ResetFailures(s, s.staff_user);
  s.effects.push_back(EffSetPin{s.staff_user, a.new_pin, false});
}

std::vector<std::string> LockoutLines(const AppState& s) {
  std::vector<std::string> out;
  for (const auto& [user, lo] : s.lockouts) {
    if (lo.until_ms <= s.now_ms) continue;
    char buf[512];
    std::snprintf(buf, sizeof buf, Tr(s.lang, Msg::kLockedLine), StaffUserName(s, user).c_str(),
                  UntilText(lo.until_ms).c_str(), lo.failures);
    out.push_back(buf);
  }
  return out;
}

}  // namespace relais::kiosk
