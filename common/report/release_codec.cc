// Stored form of a release (see release_codec.h).
#include "common/report/release_codec.h"

#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

namespace relais::common::report {

namespace {

using nlohmann::json;

Status Bad(const std::string& why) {
  return Status::DataLoss("publication enregistrée refusée : " + why);
}

bool GoodKey(const std::string& s, bool unit) {
  if (s.empty() || s.size() > 64) return false;
  if (unit && s == kOrgUnit) return true;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
          c == '.'))
      return false;
  return true;
}

// The periods of `year` released when `months` months are.
std::set<std::string> Periods(int year, int months) {
  std::set<std::string> p;
  for (int m = 1; m <= months; ++m) p.insert(MonthKey(year, m));
  for (int q = 1; 3 * q <= months; ++q) p.insert(QuarterKey(year, q));
  if (months == 12) p.insert(YearKey(year));
  return p;
}

Result<Column> DecodeColumn(const json& c) {
  if (!c.is_object()) return Bad("colonne mal formée");
  Column col;
  try {
    col.key = c.at("cle").get<std::string>();
    col.label = c.at("libelle").get<std::string>();
    col.group = c.at("groupe").get<std::string>();
    const int unit = c.at("unite").get<int>(), rule = c.at("regle").get<int>();
    if (unit < 0 || unit > static_cast<int>(Unit::kCents) || rule < 0 ||
        rule > static_cast<int>(Rule::kProfessional))
      return Bad("unité ou règle inconnue pour " + col.key);
    col.unit = static_cast<Unit>(unit);
    col.rule = static_cast<Rule>(rule);
    col.depends_on = c.at("depend_de").get<std::string>();
    col.additive = c.at("additive").get<bool>();
    col.part_of = c.at("partie_de").get<std::string>();
  } catch (const json::exception&) {
    return Bad("colonne mal formée");
  }
  if (!GoodKey(col.key, false) || col.label.size() > 200 ||
      col.group.size() > 64)
    return Bad("nom de colonne invalide");
  return col;
}

// Sound-release checks: no shown count of 1..10; parents are the sums of
// their children (months -> quarter -> year, sites -> organisation).
Status CheckSound(const YearRelease& r) {
  for (const auto& [key, row] : r.rows)
    for (const Column& c : r.columns) {
      auto it = row.cells.find(c.key);
      if (it == row.cells.end() || c.rule != Rule::kCount) continue;
      const Cell& cell = it->second;
      if (cell.mask == Mask::kNone && cell.value && *cell.value >= 1 &&
          *cell.value < kMinCell)
        return Bad("case " + key.first + " " + key.second + " " + c.key +
                   " de 1 à 10 non masquée");
    }
  auto value = [&](const std::string& u, const std::string& p,
                   const std::string& c) {
    const ReleasedRow* row = r.Find(u, p);
    if (!row) return 0.0;
    auto it = row->cells.find(c);
    return it == row->cells.end() ? 0.0 : it->second.value.value_or(0);
  };
  std::set<std::string> units;
  for (const auto& [key, row] : r.rows) units.insert(key.first);
  const int y = r.year;
  for (const Column& c : r.columns) {
    if (!c.additive) continue;
    auto check = [&](const std::string& u, const std::string& parent,
                     const std::vector<std::string>& kids) -> Status {
      if (!r.Find(u, parent)) return Status::OK();
      double sum = 0;
      for (const std::string& k : kids) sum += value(u, k, c.key);
      if (std::fabs(sum - value(u, parent, c.key)) > 1e-6)
        return Bad("total incohérent " + u + " " + parent + " " + c.key);
      return Status::OK();
    };
    for (const std::string& u : units) {
      for (int q = 1; q <= 4; ++q)
        RELAIS_RETURN_IF_ERROR(
            check(u, QuarterKey(y, q),
                  {MonthKey(y, 3 * q - 2), MonthKey(y, 3 * q - 1),
                   MonthKey(y, 3 * q)}));
      RELAIS_RETURN_IF_ERROR(check(u, YearKey(y),
                                   {QuarterKey(y, 1), QuarterKey(y, 2),
                                    QuarterKey(y, 3), QuarterKey(y, 4)}));
    }
    // Open days of the organisation are the days any site opened (a union).
    if (c.key == "jours_ouverts") continue;
    for (const std::string& p : Periods(y, r.months_released)) {
      if (!r.Find(kOrgUnit, p)) continue;
      double sum = 0;
      for (const std::string& s : r.SitesAt(p)) sum += value(s, p, c.key);
      if (std::fabs(sum - value(kOrgUnit, p, c.key)) > 1e-6)
        return Bad("total de l'organisation incohérent " + p + " " + c.key);
    }
  }
  return Status::OK();
}

}  // namespace

std::string EncodeRelease(const YearRelease& r) {
  json cols = json::array();
  for (const Column& c : r.columns)
    cols.push_back({{"cle", c.key},
                    {"libelle", c.label},
                    {"groupe", c.group},
                    {"unite", static_cast<int>(c.unit)},
                    {"regle", static_cast<int>(c.rule)},
                    {"depend_de", c.depends_on},
                    {"additive", c.additive},
                    {"partie_de", c.part_of}});
  json rows = json::array();
  for (const auto& [key, row] : r.rows) {
    json cells = json::object();
    for (const auto& [col, cell] : row.cells)
      cells[col] = {cell.value ? json(*cell.value) : json(nullptr),
                    static_cast<int>(cell.mask)};
    rows.push_back(
        {{"unite", row.unit}, {"periode", row.period}, {"cellules", cells}});
  }
  return json{{"format", "relais-publication"},
              {"version", 1},
              {"annee", r.year},
              {"mois_publies", r.months_released},
              {"colonnes", cols},
              {"lignes", rows}}
      .dump();
}

Result<YearRelease> DecodeRelease(const std::string& text) {
  if (text.size() > kMaxStoredReleaseBytes) return Bad("trop volumineuse");
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return Bad("JSON illisible");
  YearRelease r;
  try {
    if (doc.at("format") != "relais-publication" || doc.at("version") != 1)
      return Bad("format ou version inconnus");
    r.year = doc.at("annee").get<int>();
    r.months_released = doc.at("mois_publies").get<int>();
    if (r.year < kFirstReleaseYear || r.year > kLastReleaseYear ||
        r.months_released < 0 || r.months_released > 12)
      return Bad("année ou nombre de mois publiés hors limites");
    const json& cols = doc.at("colonnes");
    const json& rows = doc.at("lignes");
    if (!cols.is_array() || !rows.is_array() ||
        cols.size() > kMaxReleaseColumns || rows.size() > kMaxReleaseRows)
      return Bad("colonnes ou lignes hors limites");
    std::set<std::string> keys;
    for (const json& c : cols) {
      RELAIS_ASSIGN_OR_RETURN(Column col, DecodeColumn(c));
      if (!keys.insert(col.key).second)
        return Bad("colonne en double : " + col.key);
      r.columns.push_back(std::move(col));
    }
    const std::set<std::string> periods = Periods(r.year, r.months_released);
    for (const json& j : rows) {
      ReleasedRow row;
      row.unit = j.at("unite").get<std::string>();
      row.period = j.at("periode").get<std::string>();
      if (!GoodKey(row.unit, true)) return Bad("unité invalide");
      if (!periods.count(row.period))
        return Bad("période non publiée : " + row.period.substr(0, 16));
      const json& cells = j.at("cellules");
      if (!cells.is_object() || cells.size() > kMaxReleaseColumns)
        return Bad("cellules mal formées");
      for (const auto& [col, v] : cells.items()) {
        if (!keys.count(col)) return Bad("colonne inconnue dans une cellule");
        if (!v.is_array() || v.size() != 2 || !v[1].is_number_integer())
          return Bad("cellule mal formée");
        Cell cell;
        const int mask = v[1].get<int>();
        if (mask < 0 || mask > static_cast<int>(Mask::kSecondary))
          return Bad("masque inconnu");
        cell.mask = static_cast<Mask>(mask);
        if (!v[0].is_null()) {
          if (!v[0].is_number()) return Bad("valeur non numérique");
          const double d = v[0].get<double>();
          if (!std::isfinite(d) || std::fabs(d) > 1e15)
            return Bad("valeur hors limites");
          cell.value = d;
        }
        row.cells[col] = cell;
      }
      if (!r.rows.emplace(std::make_pair(row.unit, row.period), row).second)
        return Bad("ligne en double");
    }
  } catch (const json::exception&) {
    return Bad("structure inattendue");
  }
  RELAIS_RETURN_IF_ERROR(CheckSound(r));
  return r;
}

}  // namespace relais::common::report
