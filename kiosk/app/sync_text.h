#pragma once
// The status bar's sync sentence when the kiosk also syncs with its house
// peer (issue #17), from the hub and peer snapshots and the clock. Pure.
//   « synchronisé avec le secrétariat il y a 1 min (hub injoignable) »
//   « synchronisé avec le hub il y a 2 min »
//   « secrétariat injoignable »               (never synced, peer down)
//   « jamais synchronisé »                    (no round finished yet)
// The source named is the one that succeeded last (the hub on a tie); a
// source is « injoignable » when enabled, not online and with an error.
// Unreachable sources (hub first) follow in parentheses.

#include <cstdint>
#include <string>

#include "kiosk/app/i18n.h"
#include "kiosk/app/state.h"
#include "common/util/status.h"

namespace relais::kiosk {

std::string SyncStatusText(Lang lang, const SyncStatus& hub, const PeerSyncStatus& peer,
                           int64_t now_ms);

// `--peer auto`: sync with the peers announced on the LAN (Avahi).
inline constexpr char kPeerAuto[] = "auto";

// Checks `relais-kiosk --peer HOST:PORT|auto --pki DIR --peer-name NAME` before
// anything starts: INVALID_ARGUMENT with a French message for an address
// that is not HOST:PORT (port 1-65535, at most 255 characters, no spaces
// or commas), a missing --pki, or a name empty / longer than 40 bytes /
// with control characters.
common::Status CheckPeerOptions(const std::string& peer, const std::string& pki_dir,
                                const std::string& name);

}  // namespace relais::kiosk
