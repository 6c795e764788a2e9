#pragma once
// The appointment convocation (issue #16) as a PNG: a few lines of text
// (site, date, time, practitioner, check-in code) above the check-in QR
// code (common/model/checkin_qr.h). No medical content: no patient name,
// kind of appointment or note is drawn. Shared by `relais appt
// confirmation` and the kiosk's « Imprimer la convocation ».

#include <string>
#include <vector>

#include "common/model/schema.h"
#include "common/util/status.h"

namespace relais::common {

// At most this many bytes per text line; longer lines are cut.
inline constexpr size_t kMaxConvocationLine = 60;

struct Convocation {
  std::string site;          // site id or name
  std::string date;          // as to be printed, e.g. "10/03/2025"
  std::string time_hhmm;     // Paris time
  std::string practitioner;  // display name
  std::string code;          // 6-character check-in code
  std::string qr_text;       // FormatCheckInQr(site, code)
};

// The convocation of appointment `a` of site `site`, its practitioner shown
// as `practitioner_name`. NOT_FOUND if deleted; FAILED_PRECONDITION (French
// message) if cancelled or without a check-in code.
Result<Convocation> MakeConvocation(const std::string& site, const Appointment& a,
                                    const std::string& practitioner_name);

// The text lines drawn above the QR code, in French, accents folded to
// ASCII (the built-in font has no accents), each at most
// kMaxConvocationLine bytes.
std::vector<std::string> ConvocationLines(const Convocation& c);

// Writes the convocation at `path` (mode 0600, as WriteQrPng).
// INVALID_ARGUMENT if qr_text is empty or overlong; the errors of
// WriteGreyPng otherwise.
Status WriteConvocationPng(const Convocation& c, const std::string& path);

}  // namespace relais::common
