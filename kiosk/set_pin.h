#pragma once
// relais-kiosk --set-pin PRACTITIONER:CODE (or secretariat:CODE): stores the
// hashed PIN (pin.h NewPinHash) in the practitioner's record, or in the site
// record for the secretariat, in one write. Returns the process exit code
// (0 ok, 1 replica error, 2 bad argument) after printing a French message.

#include <string>

namespace relais::kiosk {

int SetPin(const std::string& db, const std::string& set_pin);

}  // namespace relais::kiosk
