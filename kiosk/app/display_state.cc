#include "kiosk/app/display_state.h"

#include <algorithm>

#include "common/util/time.h"
#include "kiosk/app/i18n.h"
#include "kiosk/app/walkin_text.h"

namespace relais::kiosk {

namespace {

std::string CallKey(const common::Ticket& t) {
  return t.id + "@" + std::to_string(t.called_at_ms);
}

}  // namespace

std::string CallSpeech(Lang lang, const std::string& number, const std::string& room) {
  std::string label = RoomLabel(lang, room);
  // « Salle 3 » is said « salle 3 » after the comma.
  if (!label.empty() && label[0] >= 'A' && label[0] <= 'Z') label[0] = label[0] - 'A' + 'a';
  return "Ticket " + number + ", " + label;
}

void UpdateDisplay(DisplayState& d, const std::vector<common::Ticket>& tickets,
                   const std::vector<common::Appointment>& appointments,
                   const std::vector<common::Practitioner>& practitioners, int64_t now_ms) {
  d.now_ms = now_ms;
  d.today = common::ParisDate(now_ms / 1000);
  std::vector<const common::Ticket*> called;
  for (const common::Ticket& t : tickets)
    if (!t.deleted && t.called_at_ms > 0 && !t.room.empty() && t.status != "left")
      called.push_back(&t);
  std::stable_sort(called.begin(), called.end(), [](const auto* a, const auto* b) {
    return a->called_at_ms != b->called_at_ms ? a->called_at_ms > b->called_at_ms
                                              : a->number > b->number;
  });
  d.calls.clear();
  for (size_t i = 0; i < called.size() && i < kDisplayMaxCalls; ++i)
    d.calls.push_back({called[i]->number, RoomLabel(d.lang, called[i]->room),
                       called[i]->called_at_ms});
  // New calls, oldest first, so the latest is said last.
  std::string speech;
  for (auto it = called.rbegin(); it != called.rend(); ++it) {
    const std::string key = CallKey(**it);
    if (d.announced.count(key)) continue;
    if (d.announced.size() >= kDisplayMaxAnnounced) d.announced.clear();
    d.announced.insert(key);
    if (!d.primed) continue;
    if (!speech.empty()) speech += ". ";
    speech += CallSpeech(d.lang, (*it)->number, (*it)->room);
  }
  d.primed = true;
  if (!speech.empty()) {
    d.speech_text = speech;
    ++d.speech_seq;
  }
  // Next appointments: times and practitioner names only.
  const int64_t now_min = now_ms / 60'000;
  std::vector<const common::Appointment*> next;
  for (const common::Appointment& a : appointments)
    if ((a.status == "booked" || a.status == "checked_in") && a.start / 60 >= now_min &&
        common::ParisDate(a.start) == d.today)
      next.push_back(&a);
  std::stable_sort(next.begin(), next.end(), [](const auto* a, const auto* b) {
    return a->start != b->start ? a->start < b->start : a->id < b->id;
  });
  d.next.clear();
  for (size_t i = 0; i < next.size() && i < kDisplayMaxNext; ++i) {
    std::string name;
    for (const common::Practitioner& p : practitioners)
      if (p.id == next[i]->practitioner) name = p.name;
    d.next.push_back({common::FormatParisTime(next[i]->start), name});
  }
}

std::vector<std::string> DisplayTexts(const DisplayState& d) {
  std::vector<std::string> out;
  out.push_back(WalkTr(d.lang, WalkMsg::kDisplayCalls));
  if (d.calls.empty()) out.push_back(WalkTr(d.lang, WalkMsg::kDisplayNoCall));
  for (const DisplayCall& c : d.calls) out.push_back(c.number + "  →  " + c.room);
  out.push_back(WalkTr(d.lang, WalkMsg::kDisplayNext));
  if (d.next.empty()) out.push_back(WalkTr(d.lang, WalkMsg::kDisplayNoAppointment));
  for (const DisplayAppointment& a : d.next)
    out.push_back(a.practitioner.empty() ? a.hhmm : a.hhmm + "   " + a.practitioner);
  out.push_back(LongDate(d.lang, d.today) + "  " + common::FormatParisTime(d.now_ms / 1000));
  return out;
}

}  // namespace relais::kiosk
