#include "common/model/fold.h"

namespace relais::common {

namespace {

// Two-byte UTF-8 Latin-1 supplement letters (U+00C0..U+00FF) -> base letter.
char FoldLatin1(unsigned cp) {
  static const char kMap[] =
      "AAAAAAACEEEEIIII"   // C0..CF (Æ->A)
      "DNOOOOO*OUUUUYTS"   // D0..DF
      "AAAAAAACEEEEIIII"   // E0..EF
      "DNOOOOO/OUUUUYTY";  // F0..FF
  if (cp < 0xC0 || cp > 0xFF) return 0;
  char c = kMap[cp - 0xC0];
  return (c >= 'A' && c <= 'Z') ? c : 0;
}

}  // namespace

std::string FoldLetters(const std::string& name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c < 0x80) {
      if (c >= 'a' && c <= 'z') out += static_cast<char>(c - 'a' + 'A');
      else if (c >= 'A' && c <= 'Z') out += static_cast<char>(c);
      continue;
    }
    if ((c & 0xE0) == 0xC0 && i + 1 < name.size()) {
      unsigned cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(name[i + 1]) & 0x3Fu);
      ++i;
      if (char f = FoldLatin1(cp)) out += f;
      else if (cp == 0x152 || cp == 0x153) out += "OE";
      // Anything else of two bytes, combining marks U+0300..U+036F
      // included, is dropped.
    }
  }
  return out;
}

}  // namespace relais::common
