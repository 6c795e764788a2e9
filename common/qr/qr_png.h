#pragma once
// QR code to PNG (libqrencode + libpng), for the appointment confirmation
// (« convocation »). No SQLite, gRPC or ImGui.

#include <string>

#include "common/util/status.h"

namespace relais::common {

// Longest text encoded (a confirmation QR carries ~20 bytes).
inline constexpr size_t kMaxQrTextLen = 256;

struct QrPngOptions {
  int module_px = 8;     // pixels per QR module, 1..32
  int quiet_modules = 4; // white border, in modules (the QR standard's minimum)
};

// Encodes `text` (error correction level M, 8-bit mode) as a black-on-white
// 8-bit grey PNG at `path`, created or truncated with mode 0600 (an existing
// file is re-chmodded to 0600; a symbolic link is refused). On error no
// complete PNG is left at `path`. INVALID_ARGUMENT for an empty or overlong
// text or bad options; INTERNAL if libqrencode fails; UNAVAILABLE with the
// system's reason if the file cannot be written.
Status WriteQrPng(const std::string& text, const std::string& path,
                  const QrPngOptions& options = {});

}  // namespace relais::common
