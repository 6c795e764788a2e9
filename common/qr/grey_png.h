#pragma once
// Shared by the QR and convocation PNG writers (common/qr): an 8-bit grey
// raster written as a PNG file 0600, and a text's QR code as such a raster.
// No SQLite, gRPC or ImGui.

#include <string>
#include <vector>

#include "common/qr/qr_png.h"
#include "common/util/status.h"

namespace relais::common {

// Grey pixels, row-major, 0 = black, 255 = white.
struct GreyImage {
  int width = 0, height = 0;
  std::vector<unsigned char> px;
};

// The QR code of `text` (level M, 8-bit mode) drawn as in WriteQrPng.
// INVALID_ARGUMENT for an empty or overlong text or bad options; INTERNAL
// if libqrencode fails.
Result<GreyImage> QrImage(const std::string& text, const QrPngOptions& options);

// Writes `img` at `path`, created or truncated with mode 0600 (a symbolic
// link is refused); on error no complete PNG is left there. UNAVAILABLE
// with the system's reason.
Status WriteGreyPng(const GreyImage& img, const std::string& path);

}  // namespace relais::common
