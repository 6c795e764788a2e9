#pragma once
// The check-in QR code of an appointment confirmation (« convocation »):
// its text form, written by `relais appt confirmation` and read back by the
// kiosk's scanner input. Pure: standard library and model/validate only.
//
// Format (ASCII, no spaces, no line break):
//   RELAIS1:<site>:<code>
//   RELAIS1  format tag and version; anything else is a foreign code.
//   <site>   the site id of the house (IsValidSiteId: 1..64 of [A-Za-z0-9._-]).
//   <code>   the 6-character check-in code of the appointment, from the code
//            alphabet ABCDEFGHJKLMNPQRSTUVWXYZ23456789 (Replica's kCodeAlphabet).
// The QR holds no name, date of birth or appointment id: a lost paper only
// gives a code that works at one house, today, within the check-in window.

#include <string>

#include "common/util/status.h"

namespace relais::common {

inline constexpr const char kCheckInQrTag[] = "RELAIS1";
// Longest text accepted from a scanner; a longer burst is refused unread.
inline constexpr size_t kMaxCheckInQrLen = 96;

struct CheckInQr {
  std::string site;
  std::string code;  // upper-case, 6 characters
};

// "RELAIS1:<site>:<code>". INVALID_ARGUMENT if the site id or the code is
// not valid (see the file comment).
Result<std::string> FormatCheckInQr(const std::string& site, const std::string& code);

// Parses a scanned text. Lower-case code letters are accepted (a scanner
// with caps lock); everything else must match exactly. INVALID_ARGUMENT for
// an empty, overlong, foreign (other tag) or malformed text, with a message
// that quotes at most 80 printable bytes of it.
Result<CheckInQr> ParseCheckInQr(const std::string& text);

}  // namespace relais::common
