#pragma once
// Strings of the secretariat screen, French first, English second (kept
// apart from i18n.cc so the screen's text lives with the screen). No ImGui.

#include <string>

#include "kiosk/app/state.h"

namespace relais::kiosk {

enum class SecMsg {
  kTab,
  kTitle,
  kSite,
  kAllSites,
  kProfession,
  kAnyProfession,
  kPractitioner,
  kAnyPractitioner,
  kKind,
  kAllKinds,
  kAfterDate,
  kAfterTime,
  kSearch,
  kSearchHint,
  kNoSlot,
  kDate,
  kTime,
  kWhere,
  kReplaces,
  kChoose,
  kChosen,
  kPatientName,
  kBirth,
  kBook,
  kBooked,
  kOverlapsTitle,
  kOverlapsHelp,
  kNoOverlaps,
  kMove,
  kToMove,
  kMoved,
  kOverlapsTruncated,
  kErrUnknownSite,
  kErrUnknownPractitioner,
  kErrBadKind,
  kErrBadDate,
  kErrBadTime,
  kErrTooLong,
  kErrSelectFirst,
  kErrStale,
  kErrBadBirth,
  kErrBadPatient,
  kErrUnknownOverlap,
  kErrNoFreeSlot,
  kErrGone,
  kErrMovedHalf,
  // The pôle filter (added last: kTable is indexed by this enum).
  kPole,
  kAnyPole,
  kErrUnknownPole,
  kDisplacedTitle,
  kDisplacedHelp,
  kNoDisplaced,
};

const char* SecTr(Lang lang, SecMsg m);
// "mar. 24/11" / "Tue 24/11": a proposal's day in a narrow column.
std::string ShortDate(Lang lang, const common::CivilDate& d);
// Display name of a plage kind (programmee -> « Consultation programmée »).
std::string PlageKindLabel(Lang lang, const std::string& kind);

}  // namespace relais::kiosk
