#include "common/report/report.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/util/time.h"

namespace relais::common::report {

const char* UnitName(Unit u) {
  switch (u) {
    case Unit::kCount: return "nombre";
    case Unit::kPercent: return "pourcent";
    case Unit::kMinutes: return "minutes";
    case Unit::kHours: return "heures";
    case Unit::kHalfDays: return "demi-journees";
    case Unit::kDays: return "jours";
    case Unit::kCents: return "centimes";
  }
  return "nombre";
}

const char* MaskName(Mask m) {
  switch (m) {
    case Mask::kNone: return "";
    case Mask::kPrimary: return "primaire";
    case Mask::kSecondary: return "secondaire";
  }
  return "";
}

int Table::ColumnIndex(const std::string& key) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].key == key) return static_cast<int>(i);
  return -1;
}

namespace {

// "1234567" -> "1 234 567" (narrow no-break space, French grouping).
std::string Group(int64_t v) {
  const bool neg = v < 0;
  std::string digits = std::to_string(neg ? -v : v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += "\u202f";
    out += digits[i];
  }
  return (neg ? "-" : "") + out;
}

// One decimal with a decimal comma, the decimal dropped when it is 0.
std::string Decimal(double v) {
  const int64_t tenths = static_cast<int64_t>(std::llround(v * 10));
  std::string s = Group(tenths / 10);
  if (tenths < 0 && tenths > -10) s = "-" + s;
  const int64_t frac = (tenths < 0 ? -tenths : tenths) % 10;
  if (frac) s += "," + std::to_string(frac);
  return s;
}

// Machine value for CSV: decimal comma, no grouping.
std::string CsvNumber(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    return std::to_string(static_cast<int64_t>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  for (char& c : s)
    if (c == '.') c = ',';
  return s;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(";\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string DisplayCell(const Column& col, const Cell& cell) {
  if (cell.mask == Mask::kPrimary && col.rule == Rule::kCount) return "< 11";
  if (cell.mask != Mask::kNone) return "s";
  if (!cell.value) return "—";
  const double v = *cell.value;
  switch (col.unit) {
    case Unit::kPercent: return Decimal(v) + "\u00a0%";
    case Unit::kMinutes:
    case Unit::kHours: return Decimal(v);
    case Unit::kCents: {
      const int64_t c = static_cast<int64_t>(std::llround(v));
      const int64_t a = c < 0 ? -c : c;
      char frac[4];
      std::snprintf(frac, sizeof frac, "%02d", static_cast<int>(a % 100));
      return (c < 0 ? "-" : "") + Group(a / 100) + "," + frac + "\u00a0€";
    }
    default: return Group(static_cast<int64_t>(std::llround(v)));
  }
}

std::string RenderJson(const Report& r) {
  using nlohmann::json;
  if (!r.suppressed) return R"({"erreur":"rapport non protégé"})";
  json doc = {{"rapport", "usage"},
              {"du", r.from},
              {"au", r.to},
              {"granularite", r.granularity},
              {"genere_le", r.generated_at},
              {"sites", r.sites},
              {"secret_statistique",
               "comptes de 1 à 10 affichés « < 11 » ; cellules complémentaires "
               "masquées « s » (voir docs/reporting.md)"}};
  json tables = json::array();
  for (const Table& t : r.tables) {
    json cols = json::array();
    for (const Column& c : t.columns)
      cols.push_back({{"cle", c.key},
                      {"libelle", c.label},
                      {"groupe", c.group},
                      {"unite", UnitName(c.unit)}});
    json rows = json::array();
    for (const Row& row : t.rows) {
      json vals = json::object(), shown = json::object(), masks = json::object();
      for (size_t i = 0; i < t.columns.size(); ++i) {
        const Cell& cell = row.cells[i];
        const std::string& k = t.columns[i].key;
        if (cell.value && cell.mask == Mask::kNone) {
          const double v = *cell.value;
          if (v == std::floor(v) && std::fabs(v) < 1e15)
            vals[k] = static_cast<int64_t>(v);
          else
            vals[k] = v;
        } else {
          vals[k] = nullptr;
        }
        shown[k] = DisplayCell(t.columns[i], cell);
        if (cell.mask != Mask::kNone) masks[k] = MaskName(cell.mask);
      }
      rows.push_back({{"cle", row.key},
                      {"libelle", row.label},
                      {"debut", row.first_day},
                      {"fin", row.last_day},
                      {"total", row.is_total},
                      {"valeurs", vals},
                      {"affiche", shown},
                      {"masques", masks}});
    }
    json table = {{"cle", t.key},
                  {"titre", t.title},
                  {"site", t.site},
                  {"colonnes", cols},
                  {"lignes", rows}};
    if (!t.site.empty())
      table["derniere_donnee"] =
          t.last_write_ms > 0 ? json(FormatUtc(t.last_write_ms / 1000)) : json();
    tables.push_back(std::move(table));
  }
  doc["tableaux"] = tables;
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string RenderCsv(const Report& r) {
  std::string out =
      "tableau;site;periode;debut;fin;indicateur;libelle;unite;valeur;affiche;"
      "masque\r\n";
  if (!r.suppressed) return out;
  for (const Table& t : r.tables)
    for (const Row& row : t.rows)
      for (size_t i = 0; i < t.columns.size(); ++i) {
        const Column& col = t.columns[i];
        const Cell& cell = row.cells[i];
        const std::string value =
            cell.value && cell.mask == Mask::kNone ? CsvNumber(*cell.value) : "";
        const std::string fields[] = {t.key,         t.site,
                                      row.key,       row.first_day,
                                      row.last_day,  col.key,
                                      col.label,     UnitName(col.unit),
                                      value,         DisplayCell(col, cell),
                                      MaskName(cell.mask)};
        for (size_t f = 0; f < std::size(fields); ++f) {
          if (f) out += ';';
          out += CsvField(fields[f]);
        }
        out += "\r\n";
      }
  return out;
}

}  // namespace relais::common::report
