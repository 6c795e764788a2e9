// The shipped list of communes, embedded with the assembler's .incbin (the
// path comes from CMake, RELAIS_COMMUNES_CSV), parsed once on first use.
#include <string_view>

#include "common/geo/communes.h"

#ifndef RELAIS_COMMUNES_CSV
#error "RELAIS_COMMUNES_CSV must name the shipped communes file (common/CMakeLists.txt)"
#endif

asm(".pushsection .rodata\n"
    ".balign 16\n"
    "relais_communes_csv_begin:\n"
    ".incbin \"" RELAIS_COMMUNES_CSV "\"\n"
    "relais_communes_csv_end:\n"
    ".byte 0\n"
    ".popsection\n");

extern "C" const char relais_communes_csv_begin[] asm("relais_communes_csv_begin");
extern "C" const char relais_communes_csv_end[] asm("relais_communes_csv_end");

namespace relais::common::geo {

const Result<CommuneList>& ShippedCommunes() {
  static const Result<CommuneList> list = CommuneList::Parse(std::string_view(
      relais_communes_csv_begin,
      static_cast<size_t>(relais_communes_csv_end - relais_communes_csv_begin)));
  return list;
}

const char* ShippedCommunesSha256() { return RELAIS_COMMUNES_SHA256; }

}  // namespace relais::common::geo
