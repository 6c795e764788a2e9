#pragma once
// « Imprimer la convocation » (issue #16) at the staff planning: the
// appointment's convocation (common/qr/convocation_png.h: site, date, time,
// practitioner, check-in code and its QR; nothing medical) written as a PNG
// 0600 in the kiosk's convocation directory, then, if a printer is
// configured, sent to CUPS with `lp -d PRINTER FILE` (fork/exec, never a
// shell). No ImGui, SQLite or gRPC.

#include <cstdint>
#include <string>

#include "common/util/status.h"
#include "kiosk/app/action.h"
#include "kiosk/app/state.h"
#include "kiosk/app/ticket_printer.h"

namespace relais::kiosk {


// Apply() of act::PrintConvocation: staff only; the appointment must be on
// the planning day, not cancelled, with a code. Queues EffPrintConvocation
// or sets an error notice.
void ApplyPrintConvocation(AppState& s, const act::PrintConvocation& a);

// Runs `lp -d printer file` through RunLp (ticket_printer.h: argv, PATH
// lookup, output discarded, killed after kPrintTimeoutMs). INVALID_ARGUMENT
// for a bad printer name; UNAVAILABLE if lp cannot start, fails or times out.
common::Status SendToPrinter(const std::string& lp, const std::string& printer,
                             const std::string& file);

// The effect: EnsureOutputDir, then <out_dir>/convocation-<id>.png (id
// reduced to [A-Za-z0-9_-], at most 64), then the printer if configured.
// Sets s.message to « Convocation imprimée », « Convocation enregistrée :
// FILE » or « Imprimante indisponible ... » (error). Returns the error of
// the directory or the file; a printer failure is reported in the message
// only (the file is kept).
common::Status RunPrintConvocation(AppState& s, const EffPrintConvocation& e);

}  // namespace relais::kiosk
