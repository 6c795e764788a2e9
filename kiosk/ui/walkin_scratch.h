#pragma once
// Widget buffers of « File d'attente » (part of UiScratch). Never
// application data: the buttons turn them into act::Walkin actions.

#include <array>
#include <string>

namespace relais::kiosk::ui {

struct WalkinScratch {
  int room = 0;          // index into AppState::walkin.rooms
  int practitioner = 0;  // index into AppState::practitioners
  std::array<char, 32> room_text{};  // a site without rooms: typed
  std::array<char, 96> patient{};
  std::array<char, 16> birth{};
  std::string converting;  // ticket id whose conversion form is open
};

}  // namespace relais::kiosk::ui
