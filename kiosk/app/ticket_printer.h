#pragma once
// The walk-in receipt printer (--ticket-printer NAME): CUPS `lp -d NAME`
// with the plain-text receipt on its standard input. Run with fork/execvp
// and an argv (never a shell), so a printer name cannot inject a command.
// The only I/O of the walk-in feature besides the replica.

#include <cstdint>
#include <string>

#include "common/util/status.h"

namespace relais::kiosk {

// Longest receipt accepted (a receipt is a few hundred bytes).
inline constexpr size_t kMaxReceiptBytes = 4096;
// How long lp may take before it is killed.
inline constexpr int64_t kPrintTimeoutMs = 10'000;

// A CUPS queue name: 1 to 127 characters of [A-Za-z0-9_.-], not starting
// with '-' (it would read as an option of lp).
bool IsValidPrinterName(const std::string& name);

// Runs `lp_program -d printer` (looked up on PATH when it has no '/'),
// writes `text` to its stdin and waits (at most kPrintTimeoutMs, then kills
// it). INVALID_ARGUMENT for a bad printer name or a text over
// kMaxReceiptBytes; UNAVAILABLE with a French message if lp cannot run,
// exits non-zero or times out. Blocks the caller; thread-compatible.
common::Status PrintReceipt(const std::string& printer, const std::string& text,
                            const std::string& lp_program = "lp");

}  // namespace relais::kiosk
