#include "kiosk/app/scan_input.h"

#include "common/model/checkin_qr.h"
#include "kiosk/app/checkin.h"

namespace relais::kiosk {

std::optional<Action> ScanInput::Take(bool complete) {
  std::optional<Action> out;
  if (count_ >= kMinScanLen) out = act::ScanCheckIn{std::move(buf_), complete, count_ > kMaxScanLen};
  buf_.clear();
  count_ = 0;
  return out;
}

std::string ScanInput::TakeTyped() {
  std::string out;
  out.swap(typed_);
  return out;
}

void ScanInput::EndTyping() {
  if (count_ == 0 || count_ >= kMinScanLen) return;
  if (typed_.size() < kMaxScanLen) typed_ += buf_;  // bounded like a burst
  buf_.clear();
  count_ = 0;
}

std::optional<Action> ScanInput::OnChar(uint32_t cp, int64_t now_ms) {
  std::optional<Action> stalled;
  if (count_ > 0 && now_ms - last_ms_ > kMaxScanGapMs) {
    EndTyping();  // too short to be a burst: a person typing
    // Too slow for a scanner: a long stall is a partial burst, a short one
    // someone typing; either way the new character starts afresh.
    if (now_ms - last_ms_ >= kPartialScanMs) stalled = Take(false);
    buf_.clear();
    count_ = 0;
  }
  last_ms_ = now_ms;
  if (count_ == 0 && cp == '*') return stalled ? stalled : Action{act::Speak{}};
  ++count_;
  if (count_ <= kMaxScanLen) buf_ += (cp >= 0x20 && cp < 0x7F) ? static_cast<char>(cp) : '?';
  return stalled;
}

std::optional<Action> ScanInput::OnKey(InputKey key, int64_t now_ms) {
  if (key == InputKey::kSpeak) return Action{act::Speak{}};
  if (key != InputKey::kEnter) return std::nullopt;
  EndTyping();  // Enter after a few characters: typing, not a scan
  if (count_ == 0) return std::nullopt;  // a lone Enter
  if (now_ms - last_ms_ >= kPartialScanMs) return Take(false);  // Enter long after
  return Take(true);
}

std::optional<Action> ScanInput::Poll(int64_t now_ms) {
  if (count_ > 0 && count_ < kMinScanLen && now_ms - last_ms_ > kMaxScanGapMs) EndTyping();
  if (count_ == 0 || now_ms - last_ms_ < kPartialScanMs) return std::nullopt;
  return Take(false);
}

std::vector<size_t> MatchScanned(const AppState& s, const act::ScanCheckIn& scan) {
  if (!scan.complete || scan.overflow) return {};
  auto qr = common::ParseCheckInQr(scan.text);
  if (!qr.ok() || qr->site != s.site_id) return {};
  return MatchByCode(s.today_appointments, qr->code, s.now_ms / 1000);
}

}  // namespace relais::kiosk
