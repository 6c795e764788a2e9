#pragma once
// relais-kiosk --screenshot-dir DIR: renders each screen (public, staff,
// accessibility variants at « A+ » 200 % and high contrast, walk-in) for a
// few frames and writes DIR/kiosk-NAME.png (docs/kiosk.md). Screenshots
// never change the replica: effects that would write are dropped.

#include "kiosk/kiosk_loop.h"
#include "kiosk/kiosk_options.h"

namespace relais::kiosk {

// With --wait-sync S, first waits for the sync workers' first successful
// round (WaitForFirstSync) and prints « état de la synchronisation : … »
// on stdout; a timeout counts as a failure. 0 when every PNG was written
// (and the wait succeeded), 1 otherwise (the failures on stderr).
int Screenshots(Kiosk& k, const Options& o);

}  // namespace relais::kiosk
