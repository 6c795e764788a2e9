#include "server/peer_call_limiter.h"

#include <utility>

namespace relais::server {

std::string PeerAddressKey(const std::string& peer) {
  std::string s = peer;
  for (const char* scheme : {"ipv4:", "ipv6:"})
    if (s.rfind(scheme, 0) == 0) s.erase(0, 5);
  for (const char* pct : {"%5B", "%5b"})
    if (s.rfind(pct, 0) == 0) s.replace(0, 3, "[");
  for (const char* pct : {"%5D", "%5d"})
    if (s.size() >= 3 && s.compare(s.size() - 3, 3, pct) == 0) s.replace(s.size() - 3, 3, "]");
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  // IPv4-mapped IPv6 (a dual-stack listener): the IPv4 peer it is.
  static const std::string kMapped = "::ffff:";
  if (s.size() > kMapped.size() && s.compare(0, kMapped.size(), kMapped) == 0 &&
      s.find('.') != std::string::npos)
    s.erase(0, kMapped.size());
  return s;
}

PeerCallLimiter::Slot::Slot(Slot&& other) noexcept
    : limiter_(std::exchange(other.limiter_, nullptr)), key_(std::move(other.key_)) {}

PeerCallLimiter::Slot::~Slot() {
  if (limiter_) limiter_->Release(key_);
}

PeerCallLimiter::Slot PeerCallLimiter::Acquire(const std::string& peer) {
  std::string key = PeerAddressKey(peer);
  std::lock_guard<std::mutex> lock(mu_);
  int& n = calls_[key];
  if (n >= max_) return Slot(nullptr, std::move(key));
  ++n;
  return Slot(this, std::move(key));
}

void PeerCallLimiter::Release(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = calls_.find(key);
  if (it == calls_.end()) return;
  if (--it->second <= 0) calls_.erase(it);
}

common::Status PeerCallLimiter::TooManyCalls(const std::string& peer) const {
  return common::Status::ResourceExhausted(
      "trop d'appels simultanés depuis " + peer + " (maximum " + std::to_string(max_) +
      "): réessayez plus tard (dans quelques secondes)");
}

int PeerCallLimiter::InProgress(const std::string& peer) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = calls_.find(PeerAddressKey(peer));
  return it == calls_.end() ? 0 : it->second;
}

}  // namespace relais::server
