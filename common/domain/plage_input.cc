#include "common/domain/plage_input.h"

namespace relais::common {

std::map<std::string, std::string> ScheduleChanges(const Schedule& s) {
  using namespace field;
  return {{kPractitioner, s.practitioner},
          {kWeekday, std::to_string(s.weekday)},
          {kStartTime, s.start_time},
          {kEndTime, s.end_time},
          {kKind, s.kind},
          {kSlotMin, s.slot_min > 0 ? std::to_string(s.slot_min) : ""},
          {kValidFrom, s.valid_from},
          {kValidTo, s.valid_to}};
}

std::map<std::string, std::string> ScheduleExceptionChanges(const ScheduleException& e) {
  using namespace field;
  std::map<std::string, std::string> out = {{kKind, e.kind},
                                            {kPractitioner, e.practitioner},
                                            {kReplacement, e.replacement},
                                            {kFirstDay, e.first_day},
                                            {kLastDay, e.last_day}};
  // Written only for a partial day: a whole-day exception keeps the
  // record shape a hub older than the partial-day fields accepts.
  if (!e.start_time.empty() || !e.end_time.empty()) {
    out[kStartTime] = e.start_time;
    out[kEndTime] = e.end_time;
  }
  return out;
}

std::string ValidateNewSchedule(const Schedule& s) {
  if (s.practitioner.empty()) return "praticien manquant";
  if (s.weekday < 1 || s.weekday > 7) return "jour de la semaine invalide (1 = lundi à 7 = dimanche)";
  if (s.slot_min != 0 && (s.slot_min < kMinSlotMin || s.slot_min > kMaxSlotMin))
    return "durée de créneau hors limites (" + std::to_string(kMinSlotMin) + " à " +
           std::to_string(kMaxSlotMin) + " min)";
  for (const auto& [f, v] : ScheduleChanges(s)) {
    std::string err = ValidateScheduleField(f, v);
    if (!err.empty()) return err;
  }
  const int from = ParseClockMinutes(s.start_time, false);
  const int to = ParseClockMinutes(s.end_time, true);
  if (to <= from) return "la plage doit finir après son début";
  if (s.kind == "programmee" && s.slot_min == 0)
    return "une plage programmée demande une durée de créneau (--slot)";
  if (s.slot_min > to - from) return "durée de créneau plus longue que la plage";
  if (!s.valid_to.empty() && s.valid_to < s.valid_from)
    return "fin de validité avant le début";
  return "";
}

std::string ValidateNewScheduleException(const ScheduleException& e) {
  for (const auto& [f, v] : ScheduleExceptionChanges(e)) {
    std::string err = ValidateScheduleExceptionField(f, v);
    if (!err.empty()) return err;
  }
  if (e.last_day < e.first_day) return "dernier jour avant le premier";
  if (e.start_time.empty() != e.end_time.empty())
    return "exception d'une partie de journée: donnez le début et la fin (--start et --end)";
  if (!e.start_time.empty() &&
      ParseClockMinutes(e.end_time, true) <= ParseClockMinutes(e.start_time, false))
    return "l'exception doit finir après son début";
  const bool needs_pract = e.kind != "fermeture";
  if (needs_pract && e.practitioner.empty()) return "praticien manquant";
  if (!needs_pract && !e.practitioner.empty())
    return "une fermeture concerne le site entier: pas de praticien";
  if (e.kind == "remplacement" && e.replacement.empty())
    return "un remplacement demande le remplaçant";
  if (e.kind != "remplacement" && !e.replacement.empty())
    return "remplaçant donné hors remplacement";
  if (!e.replacement.empty() && e.replacement == e.practitioner)
    return "le remplaçant doit être un autre praticien";
  return "";
}

}  // namespace relais::common
