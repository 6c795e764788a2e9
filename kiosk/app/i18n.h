#pragma once
// The kiosk's strings, French first, English second. Every visible text goes
// through Tr(); the table lives in i18n.cc. No ImGui.

#include <string>

#include "kiosk/app/state.h"

namespace relais::kiosk {

enum class Msg {
  kAppTitle,
  kWelcomeTitle,
  kWelcomeSub,
  kArrived,
  kWithCode,
  kWithBirth,
  kNoAppointment,
  kNoAppointmentHelp,
  kEnterCode,
  kCodeHint,
  kBirthDate,
  kFirstLetters,
  kValidate,
  kBack,
  kClear,
  kHelp,
  kCheckedIn,
  kWithPractitioner,
  kRoom,
  kAppointmentAt,
  kPatientsBefore0,
  kPatientsBefore1,
  kPatientsBeforeN,
  kPleaseSit,
  kSeeDesk,
  kSeeDeskSub,
  kWhichPractitioner,
  kNoneOfThese,
  kStaff,
  kEnterPin,
  kWrongPin,
  kLock,
  kPlanning,
  kPresence,
  kLedger,
  kConflicts,
  kToday,
  kPrevDay,
  kNextDay,
  kAddAppointment,
  kWalkIn,
  kOverlap,
  kConflictFlag,
  kNoAppointments,
  kStatusBooked,
  kStatusCheckedIn,
  kStatusInConsultation,
  kStatusDone,
  kStatusNoShow,
  kStatusCancelled,
  kActConsult,
  kActDone,
  kActNoShow,
  kActCancel,
  kMorning,
  kAfternoon,
  kStatePresent,
  kStateAbsent,
  kStateVisit,
  kStateReplaced,
  kReplacedBy,
  kNotSet,
  kPractitioner,
  kPatient,
  kTime,
  kDuration,
  kKind,
  kSave,
  kCancel,
  kAmount,
  kCategory,
  kPayer,
  kKey,
  kLabel,
  kAddEntry,
  kReverse,
  kReversed,
  kReversal,
  kMonthTotal,
  kPaid,
  kShare,
  kBalance,
  kSettlement,
  kPays,
  kNothingToSettle,
  kEqualSplitNote,
  kNoConflicts,
  kKeepThis,
  kConflictHelp,
  kOnline,
  kOffline,
  kLocalOnly,
  kSyncedAgo,
  kNeverSynced,
  kViaHub,
  kPendingChanges,
  kConflictsToResolve,
  kLanguage,
  kSaved,
  kInvalidInput,
  kNewPin,
  kPinChanged,
  kSecretariat,
  kCombine,
  kPinLocked,
  kLockedLine,
  kWhoAreYou,
  kOldPin,
  kConfirmPin,
  kPinMismatch,
  kChangePin,
  kKioskPad,
  kWrittenBy,
  kNightMaintenance,
  kNightMaintenanceSub,
};

const char* Tr(Lang lang, Msg m);

// "il y a 3 min" / "3 min ago", from a duration in milliseconds.
std::string RelativeTime(Lang lang, int64_t elapsed_ms);
// Status / state / half-day values (as stored) to display text.
std::string StatusLabel(Lang lang, const std::string& status);
std::string PresenceLabel(Lang lang, const std::string& state);
std::string KindLabel(Lang lang, const std::string& kind);
std::string KeyLabel(Lang lang, const std::string& key);
// Record field names (as stored) to display text.
std::string FieldLabel(Lang lang, const std::string& field);
// "12,50 €" / "€12.50".
std::string FormatEuros(Lang lang, int64_t cents);
// "lundi 3 mars 2025" / "Monday 3 March 2025".
std::string LongDate(Lang lang, const common::CivilDate& d);

}  // namespace relais::kiosk
