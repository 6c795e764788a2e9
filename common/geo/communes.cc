#include "common/geo/communes.h"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "common/model/validate.h"

namespace relais::common::geo {
namespace {

constexpr size_t kMaxRows = 100000;
constexpr size_t kMaxBytes = 4u << 20;
constexpr size_t kMaxName = 64;
constexpr std::string_view kMagic = "# relais-communes 1;";

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// La Poste's name alphabet: A-Z, digits, single spaces.
bool IsPosteName(std::string_view s) {
  if (s.empty() || s.size() > kMaxName || s.front() == ' ' || s.back() == ' ') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = s[i];
    if (c == ' ' && s[i - 1] == ' ') return false;
    if (!(std::isupper(c) || std::isdigit(c) || c == ' ')) return false;
  }
  return true;
}

// Upper-case ASCII of a French name as a desk may type it: accents off,
// hyphens and apostrophes as spaces, one space between words, SAINT(E) as
// La Poste abbreviates it. Bytes it cannot map become '?', so they never
// match.
std::string Normalize(std::string_view in) {
  static const std::pair<std::string_view, char> kAccents[] = {
      {"à", 'A'}, {"â", 'A'}, {"ä", 'A'}, {"À", 'A'}, {"Â", 'A'}, {"Ä", 'A'},
      {"é", 'E'}, {"è", 'E'}, {"ê", 'E'}, {"ë", 'E'}, {"É", 'E'}, {"È", 'E'},
      {"Ê", 'E'}, {"Ë", 'E'}, {"î", 'I'}, {"ï", 'I'}, {"Î", 'I'}, {"Ï", 'I'},
      {"ô", 'O'}, {"ö", 'O'}, {"Ô", 'O'}, {"Ö", 'O'}, {"ù", 'U'}, {"û", 'U'},
      {"ü", 'U'}, {"Ù", 'U'}, {"Û", 'U'}, {"Ü", 'U'}, {"ç", 'C'}, {"Ç", 'C'},
      {"ÿ", 'Y'}, {"’", ' '}};
  std::string flat;
  for (size_t i = 0; i < in.size() && flat.size() <= 4 * kMaxName;) {
    const unsigned char c = in[i];
    if (c < 0x80) {
      flat.push_back(c == '-' || c == '\'' || c == '.' ? ' '
                                                       : static_cast<char>(std::toupper(c)));
      ++i;
      continue;
    }
    bool mapped = false;
    for (const auto& [utf8, ascii] : kAccents) {
      if (in.substr(i, utf8.size()) == utf8) {
        flat.push_back(ascii);
        i += utf8.size();
        mapped = true;
        break;
      }
    }
    if (!mapped) {
      flat.push_back('?');
      ++i;
    }
  }
  std::string out;
  size_t pos = 0;
  while (pos < flat.size()) {
    while (pos < flat.size() && flat[pos] == ' ') ++pos;
    size_t end = pos;
    while (end < flat.size() && flat[end] != ' ') ++end;
    if (end == pos) break;
    std::string word = flat.substr(pos, end - pos);
    if (word == "SAINT") word = "ST";
    if (word == "SAINTE") word = "STE";
    if (!out.empty()) out.push_back(' ');
    out += word;
    pos = end;
  }
  return out;
}

std::string Choices(const std::vector<Commune>& cs) {
  std::string s;
  for (const Commune& c : cs) s += "\n  " + c.insee + "  " + c.name;
  return s;
}

}  // namespace

bool IsInseeCode(std::string_view s) { return IsValidInseeCode(s); }

bool IsPostcode(std::string_view s) { return s.size() == 5 && AllDigits(s); }

Result<CommuneList> CommuneList::Parse(std::string_view text) {
  if (text.size() > kMaxBytes) return Status::InvalidArgument("liste des communes trop grande");
  CommuneList list;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    const std::string where = "liste des communes, ligne " + std::to_string(line_no) + " : ";
    if (line_no == 1) {
      if (line.substr(0, kMagic.size()) != kMagic)
        return Status::InvalidArgument(where + "en-tête « # relais-communes 1; » attendu");
      list.provenance_ = std::string(line.substr(kMagic.size()));
      continue;
    }
    if (line_no == 2) {
      if (line != "code_postal;code_insee;nom")
        return Status::InvalidArgument(where + "colonnes « code_postal;code_insee;nom » attendues");
      continue;
    }
    const size_t a = line.find(';');
    const size_t b = a == std::string_view::npos ? a : line.find(';', a + 1);
    if (b == std::string_view::npos || line.find(';', b + 1) != std::string_view::npos)
      return Status::InvalidArgument(where + "trois champs séparés par « ; » attendus");
    Commune c{std::string(line.substr(0, a)), std::string(line.substr(a + 1, b - a - 1)),
              std::string(line.substr(b + 1))};
    if (!IsPostcode(c.postcode)) return Status::InvalidArgument(where + "code postal invalide");
    if (!IsInseeCode(c.insee)) return Status::InvalidArgument(where + "code INSEE invalide");
    if (!IsPosteName(c.name)) return Status::InvalidArgument(where + "nom de commune invalide");
    if (!list.rows_.empty()) {
      const Commune& p = list.rows_.back();
      if (std::tie(p.postcode, p.insee) >= std::tie(c.postcode, c.insee))
        return Status::InvalidArgument(where + "lignes non triées ou en double");
    }
    if (list.rows_.size() == kMaxRows)
      return Status::InvalidArgument(where + "plus de 100 000 communes");
    list.rows_.push_back(std::move(c));
  }
  if (list.rows_.empty()) return Status::InvalidArgument("liste des communes vide");
  return list;
}

std::vector<Commune> CommuneList::ByPostcode(std::string_view postcode) const {
  auto lo = std::lower_bound(rows_.begin(), rows_.end(), postcode,
                             [](const Commune& c, std::string_view p) { return c.postcode < p; });
  std::vector<Commune> out;
  for (; lo != rows_.end() && lo->postcode == postcode; ++lo) out.push_back(*lo);
  return out;
}

Result<Commune> CommuneList::ByInsee(std::string_view insee) const {
  const Commune* best = nullptr;
  for (const Commune& c : rows_)
    if (c.insee == insee && (best == nullptr || c.postcode < best->postcode)) best = &c;
  if (best == nullptr)
    return Status::NotFound("code INSEE « " + std::string(insee.substr(0, 8)) +
                            " » absent de la liste des communes");
  return *best;
}

Result<Commune> CommuneList::Resolve(std::string_view postcode, std::string_view choice) const {
  if (!IsPostcode(postcode))
    return Status::InvalidArgument("code postal invalide : 5 chiffres attendus (ex. 71160)");
  const std::vector<Commune> cs = ByPostcode(postcode);
  if (cs.empty())
    return Status::NotFound("code postal " + std::string(postcode) +
                            " inconnu de la liste des communes (" + provenance_.substr(0, 80) + ")");
  if (choice.empty()) {
    if (cs.size() == 1) return cs[0];
    return Status::InvalidArgument("le code postal " + std::string(postcode) + " dessert " +
                                   std::to_string(cs.size()) +
                                   " communes : précisez laquelle (nom ou code INSEE)" + Choices(cs));
  }
  const std::string want = IsInseeCode(choice) ? std::string(choice) : Normalize(choice);
  for (const Commune& c : cs)
    if (c.insee == want || c.name == want) return c;
  return Status::NotFound("aucune commune « " + std::string(choice.substr(0, kMaxName)) +
                          " » au code postal " + std::string(postcode) + " :" + Choices(cs));
}

}  // namespace relais::common::geo
