#pragma once
// relais-kiosk's command line: the options, their parsing and the checks
// made before anything opens (bad values exit 2 with a French reason).

#include <string>
#include <vector>

#include "common/util/compact_schedule.h"

namespace relais::kiosk {

struct Options {
  std::string db, hub, token, token_file, ca, lang = "fr", now, set_pin, screenshot_dir;
  std::vector<std::string> hubs;  // --hub parsed (ParseHubList)
  std::string http_hub;                // --http-hub as given
  std::vector<std::string> http_hubs;  // parsed, by position with hubs
  bool fullscreen = false;
  bool no_speech = false;
  bool reach_low = false;  // --reach-low: public controls in the lower half
  std::string speech_wav_dir;  // --speech-wav-dir: « Écouter » writes WAV files
  int frames = 4;
  // --wait-sync S (with --screenshot-dir): before the captures, wait up to
  // S s for a first successful round of each sync worker, then print the
  // status bar's sync sentence on stdout (0 = do not wait).
  int wait_sync_s = 0;
  int sync_interval_s = 30;
  bool display = false;        // --display: the waiting-room screen (display.h)
  std::string ticket_printer;  // --ticket-printer: CUPS queue for walk-in receipts
  // « Imprimer la convocation » (kiosk/app/convocation.h).
  std::string convocation_dir, printer;
  // LAN sync with the house peer (--peer, kiosk/peer_sync.h).
  std::string peer, pki, peer_name = "le secrétariat";
  // Nightly compaction of the replica (kiosk/nightly.h): --compactage HH-HH
  // (Paris local hours, parsed into `compact`), --sans-compactage.
  std::string compact_window = "02-05";
  common::CompactWindow compact = common::kKioskCompactWindow;
  bool no_compact = false;
};

// Returned by the two functions below when the kiosk should go on.
inline constexpr int kContinue = -1;

// Parses argv into `o` and checks --peer/--pki/--peer-name, --ticket-printer,
// --wait-sync (needs --screenshot-dir and --hub or --peer) and an explicit
// empty --ca. kContinue, or the exit code (0 after --help or
// --version, 2 for a bad option, with its message printed).
int ParseOptions(int argc, char** argv, Options* o);

// With --hub: parses the hub list into o->hubs and resolves the token
// (--token-file, RELAIS_TOKEN, --token with a warning) into o->token.
// kContinue, or 2 with the reason printed.
int ResolveHubAndToken(Options* o);

}  // namespace relais::kiosk
