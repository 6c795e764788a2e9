#pragma once
// What a headless ImGui frame actually drew, read back from the draw lists
// (ImGui::GetDrawData()), independently of the widget code: every glyph
// quad's texture coordinates are matched against the font atlas's glyphs.
// Spaces draw nothing, so the text comes without spaces: compare with
// Squash("Dr Alice Arnaud") == "DrAliceArnaud". Runs of text (one line of
// one item) are separated by '\n'.
//
// REQUIRES: called after ImGui::Render(), before the next NewFrame().

#include <map>
#include <string>
#include <utility>

#include "imgui.h"

namespace relais::kiosk::testing {

inline std::string Squash(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != ' ') out += c;
  return out;
}

inline void AppendUtf8(unsigned cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

inline std::string DrawnText() {
  // (U0, V0) of each visible glyph of every font -> the glyph.
  std::map<std::pair<float, float>, const ImFontGlyph*> glyphs;
  for (const ImFont* f : ImGui::GetIO().Fonts->Fonts)
    for (const ImFontGlyph& g : f->Glyphs)
      if (g.Visible && g.Y1 > g.Y0) glyphs[{g.U0, g.V0}] = &g;
  std::string text;
  const ImDrawData* dd = ImGui::GetDrawData();
  if (dd == nullptr) return text;
  for (int l = 0; l < dd->CmdListsCount; ++l) {
    const ImVector<ImDrawVert>& v = dd->CmdLists[l]->VtxBuffer;
    float last_x = -1e9f, last_y = -1e9f;
    // ImFont::RenderText writes 4 vertices per glyph: (u0,v0) (u1,v0)
    // (u1,v1) (u0,v1).
    for (int i = 0; i + 3 < v.Size; ++i) {
      auto it = glyphs.find({v[i].uv.x, v[i].uv.y});
      if (it == glyphs.end()) continue;
      const ImFontGlyph& g = *it->second;
      if (v[i + 1].uv.x != g.U1 || v[i + 2].uv.x != g.U1 ||
          v[i + 2].uv.y != g.V1 || v[i + 3].uv.y != g.V1)
        continue;
      // The line's origin: glyph top minus the glyph's offset at this scale.
      const float scale = (v[i + 2].pos.y - v[i].pos.y) / (g.Y1 - g.Y0);
      const float x = v[i].pos.x, y = v[i].pos.y - g.Y0 * scale;
      if (y > last_y + 1 || y < last_y - 1 || x < last_x) text += '\n';
      AppendUtf8(g.Codepoint, &text);
      last_x = x, last_y = y;
      i += 3;
    }
    text += '\n';
  }
  return text;
}

// True if the squashed drawn text contains the squashed `s`.
inline bool Shows(const std::string& drawn, const std::string& s) {
  return drawn.find(Squash(s)) != std::string::npos;
}

}  // namespace relais::kiosk::testing
