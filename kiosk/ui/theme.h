#pragma once
// Colour palettes of the kiosk: the normal one and a high-contrast one for
// the public screens (« Contraste »). Plain data, no ImGui: the contrast test
// (tests/kiosk/contrast_test.cc) reads every text/background pair from
// TextPairs() and requires a WCAG 2.x contrast ratio >= 4.5:1 in both.
//
// Drawing code takes its colours from a Palette (public screens, top and
// status bars) or from the k* constants of widgets.h, which are the normal
// palette's. A colour added to the public screens must be added here and to
// TextPairs(), or the test cannot see it.

#include <vector>

namespace relais::kiosk::ui {

struct Palette {
  unsigned bg;           // window and content background
  unsigned ink;          // body text and titles
  unsigned muted;        // secondary text
  unsigned accent_text;  // highlighted text ("Vous êtes le prochain patient")
  unsigned ok_text;      // "Vous êtes enregistré(e)"
  unsigned warn_text;    // "Merci de vous adresser au secrétariat"
  unsigned danger_text;  // PIN error
  unsigned primary, on_primary;  // main buttons: fill, label
  unsigned ok, on_ok;            // confirm buttons (Valider, Je suis arrivé(e))
  unsigned neutral, on_neutral;  // Retour, Effacer
  unsigned light, on_light, light_accent;  // keys and secondary buttons: fill, label, accent label
  unsigned field, on_field;      // typed-character boxes
  unsigned field_border;         // box outline (active: primary)
  unsigned bar, on_bar;          // top bar and its title
  unsigned bar_button, on_bar_button;  // buttons on the top bar
  unsigned status_bg, on_status, status_muted, status_ok, status_warn, status_danger;
  unsigned border;               // frame borders
  // Keyboard focus ring (focus.h): a thick outer band on the background and
  // a thinner inner band between it and the control, so it shows on light,
  // dark, filled or outlined controls alike (FocusRingPairs).
  unsigned focus_ring, focus_ring_inner;
};

inline constexpr Palette kNormalPalette{
    .bg = 0xF3F5F8, .ink = 0x111820, .muted = 0x4A5560, .accent_text = 0x0B5FA5,
    .ok_text = 0x186B2C, .warn_text = 0x8F4A00, .danger_text = 0xB3261E,
    .primary = 0x0B5FA5, .on_primary = 0xFFFFFF, .ok = 0x186B2C, .on_ok = 0xFFFFFF,
    .neutral = 0x5A6672, .on_neutral = 0xFFFFFF,
    .light = 0xFFFFFF, .on_light = 0x111820, .light_accent = 0x0B5FA5,
    .field = 0xFFFFFF, .on_field = 0x111820, .field_border = 0x9AA6B2,
    .bar = 0x0B5FA5, .on_bar = 0xFFFFFF, .bar_button = 0x0A4F8A, .on_bar_button = 0xFFFFFF,
    .status_bg = 0xE4E9EE, .on_status = 0x111820, .status_muted = 0x4A5560,
    .status_ok = 0x186B2C, .status_warn = 0x8F4A00, .status_danger = 0xB3261E,
    .border = 0xB8C2CC, .focus_ring = 0x000000, .focus_ring_inner = 0xFFD400};

// Black background, white text, yellow and green controls with black labels.
inline constexpr Palette kHighContrastPalette{
    .bg = 0x000000, .ink = 0xFFFFFF, .muted = 0xE6E6E6, .accent_text = 0xFFE500,
    .ok_text = 0x5CFF5C, .warn_text = 0xFFC000, .danger_text = 0xFF8080,
    .primary = 0xFFE500, .on_primary = 0x000000, .ok = 0x5CFF5C, .on_ok = 0x000000,
    .neutral = 0xFFFFFF, .on_neutral = 0x000000,
    .light = 0x1A1A1A, .on_light = 0xFFFFFF, .light_accent = 0xFFE500,
    .field = 0x000000, .on_field = 0xFFFFFF, .field_border = 0xFFFFFF,
    .bar = 0x000000, .on_bar = 0xFFFFFF, .bar_button = 0xFFE500, .on_bar_button = 0x000000,
    .status_bg = 0x000000, .on_status = 0xFFFFFF, .status_muted = 0xE6E6E6,
    .status_ok = 0x5CFF5C, .status_warn = 0xFFC000, .status_danger = 0xFF8080,
    .border = 0xFFFFFF, .focus_ring = 0x00E5FF, .focus_ring_inner = 0x000000};

inline const Palette& PaletteFor(bool high_contrast) {
  return high_contrast ? kHighContrastPalette : kNormalPalette;
}

// One text colour drawn on one background, named for test messages.
struct TextPair {
  const char* what;
  unsigned fg, bg;
};

// Every text/background pair the public screens, the top bar and the status
// bar draw with palette `p`.
inline std::vector<TextPair> TextPairs(const Palette& p) {
  return {{"ink/bg", p.ink, p.bg},
          {"muted/bg", p.muted, p.bg},
          {"accent_text/bg", p.accent_text, p.bg},
          {"ok_text/bg", p.ok_text, p.bg},
          {"warn_text/bg", p.warn_text, p.bg},
          {"danger_text/bg", p.danger_text, p.bg},
          {"on_primary/primary", p.on_primary, p.primary},
          {"on_ok/ok", p.on_ok, p.ok},
          {"on_neutral/neutral", p.on_neutral, p.neutral},
          {"on_light/light", p.on_light, p.light},
          {"light_accent/light", p.light_accent, p.light},
          {"muted/light", p.muted, p.light},
          {"on_field/field", p.on_field, p.field},
          {"on_bar/bar", p.on_bar, p.bar},
          {"on_bar_button/bar_button", p.on_bar_button, p.bar_button},
          {"on_status/status_bg", p.on_status, p.status_bg},
          {"status_muted/status_bg", p.status_muted, p.status_bg},
          {"status_ok/status_bg", p.status_ok, p.status_bg},
          {"status_warn/status_bg", p.status_warn, p.status_bg},
          {"status_danger/status_bg", p.status_danger, p.status_bg}};
}

// Non-text pairs of the focus ring (WCAG 2.x 1.4.11 asks 3:1): the outer
// band against the background and against the inner band.
inline std::vector<TextPair> FocusRingPairs(const Palette& p) {
  return {{"focus_ring/bg", p.focus_ring, p.bg},
          {"focus_ring/status_bg", p.focus_ring, p.status_bg},
          {"focus_ring/focus_ring_inner", p.focus_ring, p.focus_ring_inner}};
}

}  // namespace relais::kiosk::ui
