#pragma once
// Browser sessions of the funding office's dashboard, so that a council
// token never travels in a URL (browser history, proxy and server logs,
// Referer). A token is exchanged once for a random session id kept in an
// HttpOnly, SameSite=Strict cookie:
//   * the login form (POST /login, token in the body), or
//   * a one-time code (GET /login?code=…): single use, valid 10 minutes,
//     issued by the process that serves the page (report-demo, tests).
// Sessions live in memory only (a restart logs everyone out), last 8 hours
// and are capped in number (the oldest is dropped first). The session maps
// to the token, which is checked again on every request, so revoking or
// expiring the token ends its sessions at once.
// Thread-safe.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/util/clock.h"
#include "common/util/status.h"

namespace relais::server {

class CouncilSessions {
 public:
  static constexpr int64_t kSessionMs = 8LL * 3600 * 1000;
  static constexpr int64_t kCodeMs = 10LL * 60 * 1000;
  static constexpr size_t kMaxSessions = 1000;
  static constexpr size_t kMaxCodes = 100;

  // `clock` must outlive this object.
  explicit CouncilSessions(common::Clock& clock) : clock_(clock) {}

  // A new session for `token` (already checked by the caller): 64 hex
  // characters from OpenSSL. INTERNAL if the random generator fails.
  common::Result<std::string> Create(const std::string& token);
  // The token of a live session; nullopt if unknown, expired or malformed.
  std::optional<std::string> Token(const std::string& session_id);
  void End(const std::string& session_id);

  // A one-time login code for `token` (32 hex characters).
  common::Result<std::string> IssueCode(const std::string& token);
  // The token of a live, unused code, and consumes it; nullopt otherwise.
  std::optional<std::string> Redeem(const std::string& code);

 private:
  struct Entry {
    std::string token;
    int64_t expires_ms = 0;
  };
  // Drops expired entries; then the soonest to expire while over `cap`.
  void Prune(std::map<std::string, Entry>* m, size_t cap);

  common::Clock& clock_;
  std::mutex mu_;
  std::map<std::string, Entry> sessions_;  // GUARDED_BY(mu_)
  std::map<std::string, Entry> codes_;     // GUARDED_BY(mu_)
};

}  // namespace relais::server
