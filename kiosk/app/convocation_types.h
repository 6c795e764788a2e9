#pragma once
// Plain data of « Imprimer la convocation » (issue #16; kiosk/app/
// convocation.h), included by state.h. No ImGui, SQLite or gRPC.

#include <string>

#include "common/qr/convocation_png.h"

namespace relais::kiosk {

// Where convocations go (relais-kiosk --convocation-dir, --printer).
struct ConvocationConfig {
  std::string out_dir;    // "" = not configured: the action says so
  std::string printer;    // CUPS queue name; "" = saved only
  std::string lp = "lp";  // the CUPS client, looked up on PATH
};

// Effect: render the convocation to a file 0600 in out_dir, then print it.
struct EffPrintConvocation {
  std::string appointment_id;
  common::Convocation convocation;
};

}  // namespace relais::kiosk
