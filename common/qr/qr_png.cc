#include "common/qr/qr_png.h"

#include "common/qr/grey_png.h"

#include <fcntl.h>
#include <png.h>
#include <qrencode.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace relais::common {

namespace {

struct QrDeleter {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

// Grey pixels (0 = black module, 255 = white), one byte per pixel.
std::vector<unsigned char> Raster(const QRcode& qr, const QrPngOptions& o, int* side) {
  const int modules = qr.width + 2 * o.quiet_modules;
  *side = modules * o.module_px;
  std::vector<unsigned char> px(static_cast<size_t>(*side) * static_cast<size_t>(*side), 255);
  for (int y = 0; y < qr.width; ++y) {
    for (int x = 0; x < qr.width; ++x) {
      if ((qr.data[y * qr.width + x] & 1) == 0) continue;  // bit 0: dark module
      const int x0 = (x + o.quiet_modules) * o.module_px;
      const int y0 = (y + o.quiet_modules) * o.module_px;
      for (int dy = 0; dy < o.module_px; ++dy)
        std::memset(&px[static_cast<size_t>(y0 + dy) * static_cast<size_t>(*side) +
                        static_cast<size_t>(x0)],
                    0, static_cast<size_t>(o.module_px));
    }
  }
  return px;
}

}  // namespace

Result<GreyImage> QrImage(const std::string& text, const QrPngOptions& o) {
  if (text.empty() || text.size() > kMaxQrTextLen)
    return Status::InvalidArgument("texte du QR vide ou trop long (au plus " +
                                   std::to_string(kMaxQrTextLen) + " octets)");
  if (o.module_px < 1 || o.module_px > 32 || o.quiet_modules < 0 || o.quiet_modules > 16)
    return Status::InvalidArgument("taille du QR invalide");
  std::unique_ptr<QRcode, QrDeleter> qr(
      QRcode_encodeData(static_cast<int>(text.size()),
                        reinterpret_cast<const unsigned char*>(text.data()), 0, QR_ECLEVEL_M));
  if (!qr) return Status::Internal(std::string("libqrencode: ") + std::strerror(errno));
  GreyImage img;
  img.px = Raster(*qr, o, &img.width);
  img.height = img.width;
  return img;
}

Status WriteGreyPng(const GreyImage& img, const std::string& path) {
  if (img.width <= 0 || img.height <= 0 ||
      img.px.size() != static_cast<size_t>(img.width) * static_cast<size_t>(img.height))
    return Status::InvalidArgument("image PNG vide ou incohérente");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return Status::Unavailable("impossible d'écrire " + path + " : " + std::strerror(errno) +
                               " (vérifiez le dossier et les droits)");
  if (::fchmod(fd, 0600) != 0) {
    const int err = errno;
    ::close(fd);
    return Status::Unavailable("chmod 0600 " + path + " : " + std::strerror(err));
  }
  std::FILE* f = ::fdopen(fd, "wb");
  if (!f) {
    ::close(fd);
    return Status::Unavailable("fdopen " + path + " : " + std::strerror(errno));
  }
  // libpng's simplified API: no setjmp in our code.
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(img.width);
  image.height = static_cast<png_uint_32>(img.height);
  image.format = PNG_FORMAT_GRAY;
  const int ok = png_image_write_to_stdio(&image, f, 0, img.px.data(), img.width, nullptr);
  const std::string why = image.message;
  png_image_free(&image);
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) {
    ::unlink(path.c_str());
    return Status::Unavailable("écriture de " + path + " impossible : " +
                               (why.empty() ? std::string("disque plein ?") : why));
  }
  return Status::OK();
}

Status WriteQrPng(const std::string& text, const std::string& path, const QrPngOptions& o) {
  RELAIS_ASSIGN_OR_RETURN(GreyImage img, QrImage(text, o));
  return WriteGreyPng(img, path);
}

}  // namespace relais::common
