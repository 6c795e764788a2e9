#pragma once
// Widget buffers of the secretariat screen (part of UiScratch): the filter
// choices and the patient being typed. Never application data: « Chercher »
// and « Réserver » turn them into actions.

#include <array>
#include <string>

namespace relais::kiosk::ui {

struct SecretariatScratch {
  int site = 0;          // 0 = every site, i = AppState::secretariat.sites[i - 1]
  int profession = 0;    // 0 = any, i = the i-th distinct profession
  int practitioner = 0;  // 0 = any, i = AppState::practitioners[i - 1]
  int kind = 0;          // 0 = all but sans_rdv, i = ScheduleKinds()[i - 1]
  int pole = 0;          // 0 = any, i = AppState::poles[i - 1]
  std::array<char, 16> after_date{};  // JJ/MM/AAAA
  std::array<char, 8> after_time{};   // HH:MM
  std::array<char, 96> patient{};
  std::array<char, 16> birth{};
  std::string booked_id;  // last booking whose fields were cleared
};

}  // namespace relais::kiosk::ui
