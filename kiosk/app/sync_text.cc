#include "kiosk/app/sync_text.h"

#include <vector>

namespace relais::kiosk {
namespace {

// "le secrétariat" -> "secrétariat" (« secrétariat injoignable »).
std::string Bare(const std::string& name) {
  for (const char* article : {"le ", "la ", "l'", "the "})
    if (name.rfind(article, 0) == 0 && name.size() > std::string(article).size())
      return name.substr(std::string(article).size());
  return name;
}

}  // namespace

std::string SyncStatusText(Lang lang, const SyncStatus& hub, const PeerSyncStatus& peer,
                           int64_t now_ms) {
  const bool fr = lang == Lang::kFr;
  const std::string hub_name = fr ? "le hub" : "the hub";
  const bool hub_down = hub.enabled && !hub.online && !hub.last_error.empty();
  const bool peer_down = peer.enabled && !peer.online && !peer.last_error.empty();
  const int64_t hub_ok = hub.enabled ? hub.last_success_ms : 0;
  const int64_t peer_ok = peer.enabled ? peer.last_success_ms : 0;
  const char* unreachable = fr ? " injoignable" : " unreachable";

  std::vector<std::string> down;
  std::string out;
  if (hub_ok == 0 && peer_ok == 0) {
    if (hub_down) down.push_back(Bare(hub_name) + unreachable);
    if (peer_down) down.push_back(Bare(peer.name) + unreachable);
    if (down.empty()) return fr ? "jamais synchronisé" : "never synced";
    for (size_t i = 0; i < down.size(); ++i) out += (i ? ", " : "") + down[i];
    return out;
  }
  const bool by_peer = peer_ok > hub_ok;
  out = (fr ? "synchronisé avec " : "synced with ") + (by_peer ? peer.name : hub_name) + " " +
        RelativeTime(lang, now_ms - (by_peer ? peer_ok : hub_ok));
  if (hub_down) down.push_back(Bare(hub_name) + unreachable);
  if (peer_down) down.push_back(Bare(peer.name) + unreachable);
  if (!down.empty()) {
    out += " (";
    for (size_t i = 0; i < down.size(); ++i) out += (i ? ", " : "") + down[i];
    out += ")";
  }
  return out;
}

common::Status CheckPeerOptions(const std::string& peer, const std::string& pki_dir,
                                const std::string& name) {
  using common::Status;
  const size_t colon = peer.rfind(':');
  // "auto": the peers announced on the LAN (_relais._tcp, kiosk/peer_sync.h).
  bool ok = peer == kPeerAuto ||
            (peer.size() <= 255 && colon != std::string::npos && colon > 0 &&
             colon + 1 < peer.size() && peer.size() - colon - 1 <= 5);
  for (size_t i = 0; ok && peer != kPeerAuto && i < peer.size(); ++i) {
    const unsigned char c = peer[i];
    if (c <= ' ' || c == ',' || c == 0x7F) ok = false;
    if (i > colon && (c < '0' || c > '9')) ok = false;
  }
  if (ok && peer != kPeerAuto) {
    const long port = std::stol(peer.substr(colon + 1));
    ok = port >= 1 && port <= 65535;
  }
  if (!ok) return Status::InvalidArgument("--peer : adresse invalide « " + peer.substr(0, 60) +
                                          " » (attendu HOTE:PORT, port 1 à 65535, ou auto)");
  if (pki_dir.empty())
    return Status::InvalidArgument("--peer demande --pki DOSSIER (ca.crt de la maison, relais pki)");
  if (name.empty() || name.size() > 40)
    return Status::InvalidArgument("--peer-name : nom vide ou trop long (40 octets au plus)");
  for (unsigned char c : name)
    if (c < ' ' || c == 0x7F)
      return Status::InvalidArgument("--peer-name : caractère de contrôle refusé");
  return Status::OK();
}

}  // namespace relais::kiosk
