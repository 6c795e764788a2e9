#include "server/report/http_auth.h"

#include <algorithm>
#include <cctype>

namespace relais::server {

std::string BearerOf(const httplib::Request& req) {
  const std::string auth = req.get_header_value("Authorization");
  if (auth.size() > 7 && auth.size() < 8192) {
    std::string scheme = auth.substr(0, 7);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), ::tolower);
    if (scheme == "bearer ") return auth.substr(7);
  }
  return "";
}

// The value of cookie `name` in the Cookie header(s), "" if absent.
std::string CookieOf(const httplib::Request& req, const std::string& name) {
  const size_t n = req.get_header_value_count("Cookie");
  for (size_t i = 0; i < n; ++i) {
    const std::string h = req.get_header_value("Cookie", i);
    size_t pos = 0;
    while (pos < h.size()) {
      size_t end = h.find(';', pos);
      if (end == std::string::npos) end = h.size();
      std::string part = h.substr(pos, end - pos);
      const size_t b = part.find_first_not_of(' ');
      part = b == std::string::npos ? "" : part.substr(b);
      if (part.size() > name.size() && part.compare(0, name.size() + 1, name + "=") == 0)
        return part.substr(name.size() + 1);
      pos = end + 1;
    }
  }
  return "";
}

std::string SessionCookie(const std::string& id, int64_t max_age_s) {
  return std::string(kCookie) + "=" + id + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(max_age_s);
}

std::string PageAfterLogin(const httplib::Request& req) {
  std::string q;
  for (const char* key : {"from", "to", "site", "granularity"}) {
    if (!req.has_param(key)) continue;
    const std::string v = req.get_param_value(key);
    if (v.empty() || v.size() > 64) continue;
    if (!std::all_of(v.begin(), v.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' ||
                 c == '-';
        }))
      continue;
    q += (q.empty() ? "?" : "&") + std::string(key) + "=" + v;
  }
  return "/" + q;
}

}  // namespace relais::server
