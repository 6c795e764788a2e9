#include "server/report/sessions.h"

#include <openssl/rand.h>

#include <algorithm>

namespace relais::server {

using common::Result;
using common::Status;

namespace {

Result<std::string> RandomHex(int bytes) {
  unsigned char raw[32];
  if (bytes > static_cast<int>(sizeof raw) || RAND_bytes(raw, bytes) != 1)
    return Status::Internal("générateur aléatoire indisponible");
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < bytes; ++i) {
    out += kHex[raw[i] >> 4];
    out += kHex[raw[i] & 15];
  }
  return out;
}

bool IsHex(const std::string& s, size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

void CouncilSessions::Prune(std::map<std::string, Entry>* m, size_t cap) {
  const int64_t now = clock_.NowMillis();
  for (auto it = m->begin(); it != m->end();)
    it = it->second.expires_ms <= now ? m->erase(it) : std::next(it);
  while (m->size() > cap) {
    auto oldest = std::min_element(m->begin(), m->end(), [](const auto& a, const auto& b) {
      return a.second.expires_ms < b.second.expires_ms;
    });
    m->erase(oldest);
  }
}

Result<std::string> CouncilSessions::Create(const std::string& token) {
  RELAIS_ASSIGN_OR_RETURN(std::string id, RandomHex(32));
  std::lock_guard<std::mutex> l(mu_);
  sessions_[id] = {token, clock_.NowMillis() + kSessionMs};
  Prune(&sessions_, kMaxSessions);
  return id;
}

std::optional<std::string> CouncilSessions::Token(const std::string& session_id) {
  if (!IsHex(session_id, 64)) return std::nullopt;
  std::lock_guard<std::mutex> l(mu_);
  auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires_ms <= clock_.NowMillis()) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second.token;
}

void CouncilSessions::End(const std::string& session_id) {
  std::lock_guard<std::mutex> l(mu_);
  sessions_.erase(session_id);
}

Result<std::string> CouncilSessions::IssueCode(const std::string& token) {
  RELAIS_ASSIGN_OR_RETURN(std::string code, RandomHex(16));
  std::lock_guard<std::mutex> l(mu_);
  codes_[code] = {token, clock_.NowMillis() + kCodeMs};
  Prune(&codes_, kMaxCodes);
  return code;
}

std::optional<std::string> CouncilSessions::Redeem(const std::string& code) {
  if (!IsHex(code, 32)) return std::nullopt;
  std::lock_guard<std::mutex> l(mu_);
  auto it = codes_.find(code);
  if (it == codes_.end()) return std::nullopt;
  Entry e = it->second;
  codes_.erase(it);  // single use, even if expired
  if (e.expires_ms <= clock_.NowMillis()) return std::nullopt;
  return e.token;
}

}  // namespace relais::server
