#include "common/qr/convocation_png.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include "common/model/checkin_qr.h"
#include "common/qr/grey_png.h"
#include "common/util/time.h"

// stb_easy_font is header-only with static functions, some unused here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include <stb/stb_easy_font.h>
#pragma GCC diagnostic pop

namespace relais::common {

namespace {

constexpr int kScale = 3;       // font pixels per stb_easy_font unit
constexpr int kLineUnits = 12;  // stb_easy_font line height
constexpr int kMargin = 32;     // pixels around the text

// UTF-8 to ASCII for the built-in font: the accented letters of French
// lose their accent; any other non-ASCII character becomes '?'; control
// characters become spaces.
std::string FoldToAscii(const std::string& s) {
  static const struct {
    const char* utf8;
    char ascii;
  } kMap[] = {{"à", 'a'}, {"â", 'a'}, {"ä", 'a'}, {"ç", 'c'}, {"é", 'e'}, {"è", 'e'},
              {"ê", 'e'}, {"ë", 'e'}, {"î", 'i'}, {"ï", 'i'}, {"ô", 'o'}, {"ö", 'o'},
              {"ù", 'u'}, {"û", 'u'}, {"ü", 'u'}, {"ÿ", 'y'}, {"À", 'A'}, {"Â", 'A'},
              {"Ç", 'C'}, {"É", 'E'}, {"È", 'E'}, {"Ê", 'E'}, {"Ë", 'E'}, {"Î", 'I'},
              {"Ï", 'I'}, {"Ô", 'O'}, {"Ù", 'U'}, {"Û", 'U'}, {"Ü", 'U'}, {"œ", 'o'},
              {"Œ", 'O'}};
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += c < 0x20 || c == 0x7F ? ' ' : static_cast<char>(c);
      ++i;
      continue;
    }
    bool mapped = false;
    for (const auto& m : kMap) {
      const size_t n = std::strlen(m.utf8);
      if (s.compare(i, n, m.utf8) == 0) {
        out += m.ascii;
        i += n;
        mapped = true;
        break;
      }
    }
    if (mapped) continue;
    out += '?';
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  }
  return out;
}

std::string Line(const std::string& label, const std::string& value) {
  std::string l = FoldToAscii(label + value);
  if (l.size() > kMaxConvocationLine) l.resize(kMaxConvocationLine);
  return l;
}

// Draws `text` with its top-left corner at (x, y) pixels, black on `img`.
void DrawText(GreyImage& img, int x, int y, const std::string& text) {
  std::vector<char> buf(text.begin(), text.end());
  buf.push_back('\0');
  std::vector<unsigned char> vb(300 * (text.size() + 1));
  const int quads = stb_easy_font_print(0, 0, buf.data(), nullptr, vb.data(),
                                        static_cast<int>(vb.size()));
  for (int q = 0; q < quads; ++q) {
    float v[4][2];
    for (int k = 0; k < 4; ++k)
      std::memcpy(v[k], &vb[static_cast<size_t>(q * 4 + k) * 16], sizeof v[k]);
    const int x0 = x + static_cast<int>(std::min({v[0][0], v[1][0], v[2][0], v[3][0]}) * kScale);
    const int x1 = x + static_cast<int>(std::max({v[0][0], v[1][0], v[2][0], v[3][0]}) * kScale);
    const int y0 = y + static_cast<int>(std::min({v[0][1], v[1][1], v[2][1], v[3][1]}) * kScale);
    const int y1 = y + static_cast<int>(std::max({v[0][1], v[1][1], v[2][1], v[3][1]}) * kScale);
    for (int py = std::max(y0, 0); py < std::min(y1, img.height); ++py)
      for (int px = std::max(x0, 0); px < std::min(x1, img.width); ++px)
        img.px[static_cast<size_t>(py) * static_cast<size_t>(img.width) +
               static_cast<size_t>(px)] = 0;
  }
}

}  // namespace

Result<Convocation> MakeConvocation(const std::string& site, const Appointment& a,
                                    const std::string& practitioner_name) {
  if (a.deleted) return Status::NotFound("rendez-vous supprimé : pas de convocation");
  if (a.status == "cancelled")
    return Status::FailedPrecondition("rendez-vous annulé : pas de convocation");
  if (a.code.empty())
    return Status::FailedPrecondition("rendez-vous sans code de passage : pas de convocation");
  Convocation c;
  RELAIS_ASSIGN_OR_RETURN(c.qr_text, FormatCheckInQr(site, a.code));
  c.site = site;
  const CivilDate d = ParisDate(a.start);
  char date[16];
  std::snprintf(date, sizeof date, "%02d/%02d/%04d", d.day, d.month, d.year);
  c.date = date;
  c.time_hhmm = FormatParisTime(a.start);
  c.practitioner = practitioner_name.empty() ? a.practitioner : practitioner_name;
  c.code = a.code;
  return c;
}

std::vector<std::string> ConvocationLines(const Convocation& c) {
  return {Line("CONVOCATION", ""),
          Line("Maison de sante : ", c.site),
          Line("Date : ", c.date),
          Line("Heure : ", c.time_hhmm),
          Line("Professionnel : ", c.practitioner),
          Line("Code de passage : ", c.code),
          Line("A l'arrivee : scannez ce code a la borne", "")};
}

Status WriteConvocationPng(const Convocation& c, const std::string& path) {
  QrPngOptions qo;
  qo.module_px = 8;
  RELAIS_ASSIGN_OR_RETURN(GreyImage qr, QrImage(c.qr_text, qo));
  const std::vector<std::string> lines = ConvocationLines(c);
  const int line_px = kLineUnits * kScale;
  int text_w = 0;
  for (const std::string& l : lines) {
    std::vector<char> buf(l.begin(), l.end());
    buf.push_back('\0');
    text_w = std::max(text_w, stb_easy_font_width(buf.data()) * kScale);
  }
  GreyImage img;
  img.width = std::max(qr.width, text_w + 2 * kMargin);
  const int text_h = static_cast<int>(lines.size()) * line_px + kMargin;
  img.height = text_h + qr.height;
  img.px.assign(static_cast<size_t>(img.width) * static_cast<size_t>(img.height), 255);
  for (size_t i = 0; i < lines.size(); ++i)
    DrawText(img, kMargin, kMargin + static_cast<int>(i) * line_px, lines[i]);
  // The QR code (its own white quiet zone included), centred below.
  const int qx = (img.width - qr.width) / 2;
  for (int y = 0; y < qr.height; ++y)
    std::memcpy(&img.px[static_cast<size_t>(text_h + y) * static_cast<size_t>(img.width) +
                        static_cast<size_t>(qx)],
                &qr.px[static_cast<size_t>(y) * static_cast<size_t>(qr.width)],
                static_cast<size_t>(qr.width));
  return WriteGreyPng(img, path);
}

}  // namespace relais::common
