#pragma once
// Name normalisation shared by the kiosk check-in and the blind index
// (crypto/seal.h): both must fold a typed name exactly alike. Pure.

#include <string>

namespace relais::common {

// Upper-case ASCII letters of a name with French accents folded, in UTF-8
// NFC ("Éloïse d'Orléans" -> "ELOISEDORLEANS"). A combining mark (NFD
// input: "E" + U+0301) is dropped, so NFC and NFD spellings fold alike.
std::string FoldLetters(const std::string& name);

}  // namespace relais::common
