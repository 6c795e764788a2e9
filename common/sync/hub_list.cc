#include "common/sync/hub_list.h"

#include <algorithm>
#include <cctype>

namespace relais::sync {

using common::Result;
using common::Status;

namespace {

// `s` quoted for a message: printable ASCII only (others as '?'), at most
// 40 characters then "…". A hostile 10 kB item must not flood the terminal.
std::string Quote(std::string_view s) {
  std::string out = "« ";
  for (size_t i = 0; i < s.size() && i < 40; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    out += (c >= 0x20 && c < 0x7F) ? static_cast<char>(c) : '?';
  }
  if (s.size() > 40) out += "…";
  return out + " »";
}

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
}

bool IsIpv6Char(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
}

// "" if `host` is acceptable, else why not.
std::string HostProblem(std::string_view host) {
  if (host.empty()) return "hôte manquant";
  if (host.front() == '[') {
    if (host.size() < 4 || host.back() != ']') return "adresse IPv6 mal formée";
    const std::string_view inner = host.substr(1, host.size() - 2);
    if (inner.size() > 45 || !std::all_of(inner.begin(), inner.end(), IsIpv6Char))
      return "adresse IPv6 mal formée";
    return "";
  }
  if (host.size() > 253) return "nom d'hôte trop long";
  if (!std::all_of(host.begin(), host.end(), IsNameChar))
    return "caractère interdit dans le nom d'hôte";
  if (host.front() == '-' || host.front() == '.') return "nom d'hôte mal formé";
  return "";
}

// "" if `port` is 1..65535 written in 1 to 5 digits, else why not.
std::string PortProblem(std::string_view port) {
  if (port.empty()) return "port manquant";
  if (port.size() > 5 ||
      !std::all_of(port.begin(), port.end(),
                   [](char c) { return c >= '0' && c <= '9'; }))
    return "port hors de 1..65535";
  const long v = std::stol(std::string(port));
  if (v < 1 || v > 65535) return "port hors de 1..65535";
  return "";
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status Bad(size_t index, std::string_view item, const std::string& why) {
  return Status::InvalidArgument("liste de hubs refusée: hub n°" + std::to_string(index + 1) +
                                 " " + Quote(item) + ": " + why);
}

}  // namespace

Result<std::vector<std::string>> ParseHubList(std::string_view spec) {
  if (spec.size() > kMaxHubListChars)
    return Status::InvalidArgument("liste de hubs refusée: " + std::to_string(spec.size()) +
                                   " caractères, au plus " +
                                   std::to_string(kMaxHubListChars) + " (début " +
                                   Quote(spec) + ")");
  if (spec.empty()) return Status::InvalidArgument("adresse du hub manquante");
  std::vector<std::string> hubs;
  std::vector<std::string> seen;  // lower-cased, for duplicates
  size_t start = 0;
  for (size_t index = 0;; ++index) {
    const size_t comma = spec.find(',', start);
    const std::string_view item =
        spec.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                           : comma - start);
    if (index >= kMaxHubs)
      return Bad(index, item,
                 "trop de hubs (au plus " + std::to_string(kMaxHubs) + ")");
    if (item.empty()) return Bad(index, item, "élément vide");
    const size_t colon = item.rfind(':');
    if (colon == std::string_view::npos) return Bad(index, item, "attendu hôte:port");
    const std::string_view host = item.substr(0, colon);
    if (std::string why = HostProblem(host); !why.empty()) return Bad(index, item, why);
    if (std::string why = PortProblem(item.substr(colon + 1)); !why.empty())
      return Bad(index, item, why);
    std::string key = Lower(item);
    if (std::find(seen.begin(), seen.end(), key) != seen.end())
      return Bad(index, item, "en double");
    seen.push_back(std::move(key));
    hubs.emplace_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return hubs;
}

}  // namespace relais::sync
