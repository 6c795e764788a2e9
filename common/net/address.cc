#include "common/net/address.h"

#include <arpa/inet.h>

#include <cstdlib>

#include <fstream>
#include <sstream>

namespace relais::net {

bool IsLoopbackAddress(const std::string& host_port) {
  std::string host;
  if (!host_port.empty() && host_port[0] == '[') {
    const size_t end = host_port.find(']');
    if (end == std::string::npos) return false;
    host = host_port.substr(1, end - 1);
  } else {
    const size_t colon = host_port.rfind(':');
    host = colon == std::string::npos ? host_port : host_port.substr(0, colon);
  }
  if (host.rfind("ipv4:", 0) == 0) host = host.substr(5);
  if (host == "localhost" || host == "::1") return true;
  // A numeric 127.0.0.0/8 address, not a name like "127.example.org".
  in_addr addr{};
  if (inet_pton(AF_INET, host.c_str(), &addr) != 1) return false;
  return (ntohl(addr.s_addr) >> 24) == 127;
}

common::Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return common::Status::NotFound("fichier introuvable: " + path);
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return common::Status::Internal("lecture impossible: " + path);
  return out.str();
}

bool SplitListenAddress(const std::string& hp, std::string* host, int* port) {
  const size_t colon = hp.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= hp.size() || colon + 6 < hp.size())
    return false;
  for (size_t i = colon + 1; i < hp.size(); ++i)
    if (hp[i] < '0' || hp[i] > '9') return false;
  *host = hp.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']')
    *host = host->substr(1, host->size() - 2);
  *port = std::atoi(hp.c_str() + colon + 1);
  return *port <= 65535;
}

}  // namespace relais::net
