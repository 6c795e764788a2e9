#pragma once
// The kiosk's printers: CUPS `lp` for the walk-in receipt (--ticket-printer,
// plain text on lp's standard input) and the staff's convocation
// (--printer, a PNG file; convocation.h). One runner for both: fork/execvp
// with an argv (never a shell), so a printer name cannot inject a command;
// lp runs in its own process group, killed whole after kPrintTimeoutMs.

#include <cstdint>
#include <string>
#include <vector>

#include "common/util/status.h"

namespace relais::kiosk {

// Longest receipt accepted (a receipt is a few hundred bytes).
inline constexpr size_t kMaxReceiptBytes = 4096;
// Longest CUPS queue name accepted.
inline constexpr size_t kMaxPrinterName = 127;
// How long lp may take before it is killed.
inline constexpr int64_t kPrintTimeoutMs = 10'000;

// A CUPS queue name: 1 to kMaxPrinterName characters of [A-Za-z0-9_.-], not
// starting with '-' (it would read as an option of lp). INVALID_ARGUMENT
// « nom d'imprimante invalide … » otherwise.
common::Status ValidatePrinterName(const std::string& name);
inline bool IsValidPrinterName(const std::string& name) {
  return ValidatePrinterName(name).ok();
}

// Runs args[0] (looked up on PATH when it has no '/') with `args`, writes
// `stdin_text` to its standard input (then closes it), discards its output
// and waits at most kPrintTimeoutMs, then kills its process group.
// UNAVAILABLE in French: « lp introuvable (paquet cups-client ?) », « lp a
// échoué (code N) », « lp ne répond pas (délai dépassé) ». Blocks the
// caller; thread-compatible. REQUIRES: !args.empty().
common::Status RunLp(std::vector<std::string> args, const std::string& stdin_text);

// `lp_program -d printer` with `text` on its stdin (RunLp). INVALID_ARGUMENT
// for a bad printer name or a text over kMaxReceiptBytes; UNAVAILABLE
// « imprimante : … » from RunLp.
common::Status PrintReceipt(const std::string& printer, const std::string& text,
                            const std::string& lp_program = "lp");

}  // namespace relais::kiosk
