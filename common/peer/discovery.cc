#include "common/peer/discovery.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "common/model/validate.h"

namespace relais::peer {

using common::Result;
using common::Status;

namespace {

Status Bad(const std::string& why) {
  return Status::InvalidArgument("annonce _relais._tcp invalide: " + why);
}

// Fills `out` from "key=value" strings, bounds first.
Status SplitTxt(const std::vector<std::string>& txt, std::map<std::string, std::string>* out) {
  if (txt.size() > kMaxTxtEntries) return Bad("trop d'entrées TXT");
  size_t total = 0;
  for (const std::string& s : txt) {
    if (s.size() > kMaxTxtEntryBytes) return Bad("entrée TXT trop longue");
    total += s.size();
    if (total > kMaxTxtTotalBytes) return Bad("TXT trop long");
    const size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      return Bad("entrée TXT sans clé " + common::QuoteForMessage(s));
    if (!out->emplace(s.substr(0, eq), s.substr(eq + 1)).second)
      return Bad("clé TXT répétée " + common::QuoteForMessage(s.substr(0, eq)));
  }
  return Status::OK();
}

Result<std::string> Take(const std::map<std::string, std::string>& kv, const std::string& key) {
  auto it = kv.find(key);
  if (it == kv.end()) return Bad("clé « " + key + " » absente");
  return it->second;
}

}  // namespace

std::vector<std::string> AnnouncementTxt(const PeerAnnouncement& a) {
  return {"v=" + std::to_string(a.version), "org=" + a.org, "id=" + a.replica_id,
          "site=" + a.site};
}

Result<PeerAnnouncement> ParseAnnouncement(const std::vector<std::string>& txt) {
  std::map<std::string, std::string> kv;
  RELAIS_RETURN_IF_ERROR(SplitTxt(txt, &kv));
  PeerAnnouncement a;
  RELAIS_ASSIGN_OR_RETURN(std::string v, Take(kv, "v"));
  RELAIS_ASSIGN_OR_RETURN(a.org, Take(kv, "org"));
  RELAIS_ASSIGN_OR_RETURN(a.replica_id, Take(kv, "id"));
  RELAIS_ASSIGN_OR_RETURN(a.site, Take(kv, "site"));
  const char* end = v.data() + v.size();
  auto [p, ec] = std::from_chars(v.data(), end, a.version);
  if (v.empty() || v.size() > 9 || ec != std::errc() || p != end)
    return Bad("version " + common::QuoteForMessage(v));
  if (!common::IsValidSiteId(a.org)) return Bad("organisation " + common::QuoteForMessage(a.org));
  if (!common::IsValidReplicaId(a.replica_id))
    return Bad("identifiant " + common::QuoteForMessage(a.replica_id));
  if (!common::IsValidSiteId(a.site)) return Bad("site " + common::QuoteForMessage(a.site));
  return a;
}

Result<std::string> PeerTarget(const std::string& address, bool ipv6, uint16_t port) {
  if (port == 0) return Bad("port 0");
  unsigned char buf[16];
  if (address.size() > 45 || inet_pton(ipv6 ? AF_INET6 : AF_INET, address.c_str(), buf) != 1)
    return Bad("adresse " + common::QuoteForMessage(address));
  if (!ipv6) return address + ":" + std::to_string(port);
  if (buf[0] == 0xfe && (buf[1] & 0xc0) == 0x80)
    return Bad("adresse IPv6 de lien local " + address + " (non prise en charge: --peer)");
  return "[" + address + "]:" + std::to_string(port);
}

namespace {

struct Keyed {
  PeerCandidate c;
  bool same_site = false;
  std::vector<std::pair<bool, std::string>> targets;  // (ipv6, target)
};

void Note(PeerSelection* s, int* counter, const std::string& line) {
  if ((*counter)++ == 0) s->notes.push_back(line);
}

}  // namespace

PeerSelection SelectPeers(const std::vector<DiscoveredService>& services,
                          const SelectionPolicy& policy) {
  PeerSelection sel;
  std::map<std::string, Keyed> by_id;
  for (size_t i = 0; i < services.size(); ++i) {
    if (i >= kMaxBrowsedServices) {
      sel.over_limit += static_cast<int>(services.size() - i);
      sel.notes.push_back("plus de " + std::to_string(kMaxBrowsedServices) +
                          " services annoncés: les suivants sont ignorés");
      break;
    }
    const DiscoveredService& d = services[i];
    auto a = ParseAnnouncement(d.txt);
    Result<std::string> target =
        d.host.size() > kMaxHostNameBytes ? Bad("nom d'hôte trop long")
                                          : PeerTarget(d.address, d.ipv6, d.port);
    if (!a.ok() || !target.ok()) {
      Note(&sel, &sel.malformed, (a.ok() ? target.status() : a.status()).message());
      continue;
    }
    if (a->org != policy.org) {
      Note(&sel, &sel.other_org, "service d'une autre organisation ignoré (« " + a->org + " »)");
      continue;
    }
    if (a->version != kAnnouncedVersion) {
      Note(&sel, &sel.other_version,
           "service d'une autre version du protocole ignoré (v=" + std::to_string(a->version) +
               ")");
      continue;
    }
    if (a->replica_id == policy.own_replica_id) {
      ++sel.own;
      continue;
    }
    Keyed& k = by_id[a->replica_id];
    if (k.c.replica_id.empty()) {
      k.c.replica_id = a->replica_id;
      k.c.site = a->site;
      k.c.name = d.name.substr(0, 63);
      k.same_site = a->site == policy.home_site;
    }
    std::pair<bool, std::string> t{d.ipv6, *target};
    if (std::find(k.targets.begin(), k.targets.end(), t) == k.targets.end())
      k.targets.push_back(std::move(t));
  }
  std::vector<Keyed*> order;
  for (auto& [id, k] : by_id) order.push_back(&k);
  std::stable_sort(order.begin(), order.end(), [](const Keyed* x, const Keyed* y) {
    return x->same_site > y->same_site;  // then by replica id (map order)
  });
  for (Keyed* k : order) {
    if (sel.candidates.size() >= policy.max_candidates) {
      Note(&sel, &sel.over_limit,
           "plus de " + std::to_string(policy.max_candidates) + " pairs: les suivants attendront");
      continue;
    }
    std::stable_sort(k->targets.begin(), k->targets.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    for (size_t j = 0; j < k->targets.size() && j < kMaxTargetsPerPeer; ++j)
      k->c.targets.push_back(k->targets[j].second);
    sel.candidates.push_back(std::move(k->c));
  }
  return sel;
}

}  // namespace relais::peer
