#include "server/report/dashboard.h"

#include "common/geo/communes.h"
#include "common/report/release_serve.h"
#include "common/util/time.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <tuple>

namespace relais::server {

using common::report::Cell;
using common::report::Column;
using common::report::DisplayCell;
using common::report::Mask;
using common::report::Report;
using common::report::Row;
using common::report::Table;

std::string HtmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

const char kStyle[] = R"(<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1d2733;background:#f7f8fa}
h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.2rem;margin:1.8rem 0 .5rem}
h3{font-size:1rem;margin:1rem 0 .3rem;color:#445}
form{background:#fff;border:1px solid #d5dbe3;padding:.7rem;border-radius:6px;display:flex;gap:1rem;flex-wrap:wrap;align-items:end}
label{display:flex;flex-direction:column;font-size:.85rem}
input,select,button{font-size:1rem;padding:.2rem .4rem}
table{border-collapse:collapse;background:#fff;font-size:.85rem;margin-bottom:.5rem}
th,td{border:1px solid #d5dbe3;padding:.25rem .5rem;text-align:right}
th:first-child,td:first-child{text-align:left}
thead th{background:#e8edf3}tr.total td{font-weight:bold;background:#f0f3f7}
td.masque{color:#8a5a00;background:#fff7e6}
table[data-table=communes] td:nth-child(-n+3){text-align:left}
th a{color:inherit}
.note{font-size:.85rem;color:#445;max-width:60rem}
.stale{color:#9b2c00;font-weight:bold}
svg text{font-size:11px;fill:#1d2733}
</style>)";

std::string Attr(const std::string& s) { return HtmlEscape(s); }

// Percent-encodes everything but unreserved characters (RFC 3986).
std::string Pct(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// "2026-03" -> "mars", "2026-S07" -> "S07", a site id -> its first 9 chars.
std::string ShortLabel(const std::string& key) {
  static const char* kShort[] = {"janv.", "févr.", "mars", "avr.",
                                 "mai",   "juin",  "juil.", "août",
                                 "sept.", "oct.",  "nov.", "déc."};
  if (key.size() == 7 && key[4] == '-' && std::isdigit(key[5])) {
    const int m = (key[5] - '0') * 10 + (key[6] - '0');
    if (m >= 1 && m <= 12) return kShort[m - 1];
  }
  if (key.size() == 8 && key[5] == 'S') return key.substr(5);
  return key.substr(0, 9);
}

// Bar chart of column `col` over the non-total rows of `t`.
std::string Bars(const Table& t, const std::string& col,
                 const std::string& title) {
  const int c = t.ColumnIndex(col);
  std::vector<const Row*> rows;
  for (const Row& r : t.rows)
    if (!r.is_total) rows.push_back(&r);
  if (c < 0 || rows.empty()) return "";
  double max = 1;
  for (const Row* r : rows) max = std::max(max, r->cells[c].value.value_or(0));
  const int bar = 44, gap = 10, h = 110, top = 18;
  const int width = static_cast<int>(rows.size()) * (bar + gap) + 20;
  std::string svg = "<svg role=\"img\" aria-label=\"" + Attr(title) +
                    "\" width=\"" + std::to_string(width) + "\" height=\"" +
                    std::to_string(h + top + 34) + "\" viewBox=\"0 0 " +
                    std::to_string(width) + " " + std::to_string(h + top + 34) +
                    "\"><title>" + HtmlEscape(title) + "</title>";
  for (size_t i = 0; i < rows.size(); ++i) {
    const Cell& cell = rows[i]->cells[c];
    const bool masked = cell.mask != Mask::kNone;
    const double v = cell.value.value_or(0);
    const int bh = masked ? 6 : static_cast<int>(v / max * h);
    const int x = 10 + static_cast<int>(i) * (bar + gap);
    svg += "<rect x=\"" + std::to_string(x) + "\" y=\"" +
           std::to_string(top + h - bh) + "\" width=\"" + std::to_string(bar) +
           "\" height=\"" + std::to_string(bh) + "\" fill=\"" +
           (masked ? "#d9b66a" : "#3a6ea5") + "\"/>";
    svg += "<text x=\"" + std::to_string(x + bar / 2) + "\" y=\"" +
           std::to_string(top + h - bh - 4) + "\" text-anchor=\"middle\">" +
           HtmlEscape(DisplayCell(t.columns[c], cell)) + "</text>";
    std::string label = ShortLabel(rows[i]->key);
    svg += "<text x=\"" + std::to_string(x + bar / 2) + "\" y=\"" +
           std::to_string(top + h + 14) + "\" text-anchor=\"middle\">" +
           HtmlEscape(label) + "</text>";
  }
  return svg + "</svg>";
}

// One HTML table of `t` restricted to the columns of `group`.
std::string HtmlTable(const Table& t, const std::string& group,
                      const std::string& row_head) {
  std::vector<int> cols;
  for (size_t i = 0; i < t.columns.size(); ++i)
    if (t.columns[i].group == group) cols.push_back(static_cast<int>(i));
  if (cols.empty()) return "";
  std::string out = "<table data-table=\"" + Attr(t.key) + "\" data-group=\"" +
                    Attr(group) + "\"><thead><tr><th>" + HtmlEscape(row_head) +
                    "</th>";
  for (int c : cols) out += "<th>" + HtmlEscape(t.columns[c].label) + "</th>";
  out += "</tr></thead><tbody>";
  const std::string site = t.site.empty() ? "*" : t.site;
  for (const Row& r : t.rows) {
    out += r.is_total ? "<tr class=\"total\">" : "<tr>";
    out += "<td>" + HtmlEscape(r.label) + "</td>";
    for (int c : cols) {
      const Cell& cell = r.cells[c];
      out += std::string(cell.mask != Mask::kNone ? "<td class=\"masque\" "
                                                  : "<td ") +
             "data-site=\"" + Attr(t.site.empty() ? r.key : site) +
             "\" data-row=\"" + Attr(t.site.empty() ? "total" : r.key) +
             "\" data-table=\"" + Attr(t.key) + "\" data-col=\"" +
             Attr(t.columns[c].key) + "\">" +
             HtmlEscape(DisplayCell(t.columns[c], cell)) + "</td>";
    }
    out += "</tr>";
  }
  return out + "</tbody></table>";
}

// How fresh a site's figures are: the latest write the hub holds, and a
// warning after 48 h without any (a house offline sends nothing).
std::string Freshness(const Table& t, int64_t now_s) {
  if (t.last_write_ms <= 0)
    return "<p class=\"note stale\" data-fraicheur=\"aucune\">Aucune donnée "
           "reçue de ce site.</p>";
  const int64_t last_s = t.last_write_ms / 1000;
  std::string when = common::FormatParisDateTime(last_s);  // YYYY-MM-DDTHH:MM
  when = when.substr(8, 2) + "/" + when.substr(5, 2) + "/" + when.substr(0, 4) +
         " à " + when.substr(11, 5);
  std::string h = "<p class=\"note\" data-fraicheur=\"" + Attr(when) +
                  "\">Dernière donnée reçue du site : " + HtmlEscape(when) +
                  " (heure de Paris).";
  const int64_t days = (now_s - last_s) / 86400;
  if (now_s - last_s > 48 * 3600)
    h += " <span class=\"stale\">Rien de nouveau depuis " + std::to_string(days) +
         " jours : les chiffres récents de ce site peuvent être incomplets "
         "(maison hors ligne ?).</span>";
  return h + "</p>";
}

std::string Form(const Report& r, const DashboardParams& p) {
  std::string f = "<form method=\"get\" action=\"/\">";
  f += "<label>Du<input type=\"month\" name=\"from\" value=\"" + Attr(r.from) +
       "\"></label>";
  f += "<label>Au<input type=\"month\" name=\"to\" value=\"" + Attr(r.to) +
       "\"></label>";
  f += "<label>Découpage<select name=\"granularity\">";
  for (const auto& [v, l] :
       {std::pair<const char*, const char*>{"auto", "par mois (trimestre pour les petits sites)"},
        {"month", "par mois"},
        {"quarter", "par trimestre (entiers)"}})
    f += std::string("<option value=\"") + v + "\"" +
         (r.granularity == v ? " selected" : "") + ">" + l + "</option>";
  f += "</select></label><label>Site<select name=\"site\"><option value=\"\">"
       "Tous les sites autorisés</option>";
  for (const std::string& s : p.allowed_sites)
    f += "<option value=\"" + Attr(s) + "\"" + (s == p.site ? " selected" : "") +
         ">" + HtmlEscape(s) + "</option>";
  f += "</select></label>";
  f += "<button type=\"submit\">Afficher</button></form>";
  return f;
}

bool IsCommuneTable(const Table& t) {
  return t.key.starts_with(common::report::kCommuneTablePrefix);
}

// The commune of a column "commune_<insee>": (INSEE code, name from the
// shipped list, else the code).
std::pair<std::string, std::string> CommuneOfColumn(const Column& c) {
  if (c.key == "commune_nr") return {"", "Commune non renseignée"};
  if (c.key == "commune_autres") return {"", "Autres communes"};
  std::string code = c.key.substr(8);
  for (char& ch : code) ch = static_cast<char>(std::toupper(ch));
  const auto& list = common::geo::ShippedCommunes();
  if (list.ok())
    if (auto m = list->ByInsee(code); m.ok()) return {code, m->name};
  return {code, code};
}

// « Consultations par commune de résidence »: one row per (unit, commune),
// one column per quarter, sortable by links (no script: the page's CSP
// forbids them).
std::string CommuneSection(const Report& r, const DashboardParams& p,
                           const std::string& query) {
  struct Line {
    std::string unit, site_label, code, name;
    std::map<std::string, const Cell*> by_quarter;
    const Column* col;
  };
  std::vector<Line> lines;
  std::vector<std::pair<std::string, std::string>> quarters;  // key, label
  for (const Table& t : r.tables) {
    if (!IsCommuneTable(t)) continue;
    for (const Row& row : t.rows)
      if (std::none_of(quarters.begin(), quarters.end(),
                       [&](const auto& q) { return q.first == row.key; }))
        quarters.push_back({row.key, row.label});
    for (size_t c = 0; c < t.columns.size(); ++c) {
      auto [code, name] = CommuneOfColumn(t.columns[c]);
      Line l{t.site,
             t.site == common::report::kOrgUnit ? "Organisation"
                                                : "Site " + t.site,
             code, name, {}, &t.columns[c]};
      for (const Row& row : t.rows) l.by_quarter[row.key] = &row.cells[c];
      lines.push_back(std::move(l));
    }
  }
  if (lines.empty()) return "";
  std::sort(quarters.begin(), quarters.end());
  auto value = [&](const Line& l) {
    auto it = l.by_quarter.find(p.sort);
    return it == l.by_quarter.end() || !it->second->value ? -1.0
                                                          : *it->second->value;
  };
  std::stable_sort(lines.begin(), lines.end(), [&](const Line& a, const Line& b) {
    const bool org_a = a.unit == common::report::kOrgUnit;
    const bool org_b = b.unit == common::report::kOrgUnit;
    if (p.sort == "commune") return std::tie(a.name, org_a, a.unit) <
                                    std::tie(b.name, org_b, b.unit);
    if (p.sort == "insee") return std::tie(a.code, org_a, a.unit) <
                                  std::tie(b.code, org_b, b.unit);
    if (!p.sort.empty()) return value(a) > value(b);
    return std::tie(org_a, a.unit, a.name) < std::tie(org_b, b.unit, b.name);
  });
  auto head = [&](const std::string& key, const std::string& label) {
    const bool on = p.sort == key;
    return "<th><a href=\"/?" + Attr(query + (key.empty() ? "" : "&tri=" + Pct(key))) +
           "\"" + (on ? " aria-sort=\"descending\"" : "") + ">" +
           HtmlEscape(label) + (on ? " ▾" : "") + "</a></th>";
  };
  std::string h =
      "<section data-section=\"communes\"><h2>Consultations par commune de "
      "résidence</h2><p class=\"note\">Consultations honorées par commune de "
      "résidence du patient, par trimestre entier (seul découpage publié par "
      "commune). « Commune non renseignée » complète chaque site : les "
      "communes d'un site font la somme de ses consultations. Cliquez un "
      "en-tête pour trier.</p><table data-table=\"communes\"><thead><tr>" +
      head("", "Site") + head("commune", "Commune") + head("insee", "Code INSEE");
  for (const auto& [key, label] : quarters) h += head(key, label);
  h += "</tr></thead><tbody>";
  for (const Line& l : lines) {
    h += "<tr><td>" + HtmlEscape(l.site_label) + "</td><td>" +
         HtmlEscape(l.name) + "</td><td>" + HtmlEscape(l.code) + "</td>";
    for (const auto& [key, label] : quarters) {
      auto it = l.by_quarter.find(key);
      if (it == l.by_quarter.end()) {
        h += "<td>—</td>";
        continue;
      }
      const Cell& c = *it->second;
      h += std::string("<td") + (c.mask != Mask::kNone ? " class=\"masque\"" : "") +
           " data-site=\"" + Attr(l.unit) + "\" data-row=\"" + Attr(key) +
           "\" data-col=\"" + Attr(l.col->key) + "\">" +
           HtmlEscape(DisplayCell(*l.col, c)) + "</td>";
    }
    h += "</tr>";
  }
  return h + "</tbody></table></section>";
}

}  // namespace

bool IsValidCommuneSort(const std::string& sort) {
  if (sort.empty() || sort == "commune" || sort == "insee") return true;
  // "YYYY-Tq"
  return sort.size() == 7 && std::all_of(sort.begin(), sort.begin() + 4,
                                         [](char c) { return c >= '0' && c <= '9'; }) &&
         sort[4] == '-' && sort[5] == 'T' && sort[6] >= '1' && sort[6] <= '4';
}

std::string RenderDashboard(const Report& r, const DashboardParams& p) {
  std::string q = "from=" + Pct(r.from) + "&to=" + Pct(r.to) +
                  "&granularity=" + Pct(r.granularity) +
                  (p.site.empty() ? "" : "&site=" + Pct(p.site));
  std::string h =
      "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width\">"
      "<meta name=\"referrer\" content=\"no-referrer\">"
      "<title>Relais Santé — activité des maisons de santé</title>";
  h += kStyle;
  h += "</head><body><h1>Relais Santé — activité des maisons de santé</h1>";
  h += "<p class=\"note\">Période du <b id=\"du\">" + HtmlEscape(r.from) +
       "</b> au <b id=\"au\">" + HtmlEscape(r.to) + "</b> · données agrégées "
       "et anonymes, calculées le " + HtmlEscape(r.generated_at) + ".</p>";
  h += Form(r, p);
  h += "<p class=\"note\">Secret statistique : « &lt; 11 » signale un effectif "
       "de 1 à 10, masqué ; « s » une cellule masquée pour qu'un effectif "
       "masqué ne puisse pas être retrouvé par différence, même en combinant "
       "plusieurs demandes (mois, trimestres, sites). Chaque mois est publié "
       "une fois terminé, puis ne change plus. Les "
       "présences par profession ne sont publiées qu'avec au moins trois "
       "professionnels, dont aucun ne dépasse 85 % du total. "
       "<a href=\"/api/v1/usage?" + Attr(q + "&format=csv") +
       "\">Télécharger en CSV</a> · <a href=\"/api/v1/usage?" +
       Attr(q + "&format=json") + "\">JSON</a></p>";
  // The synthesis first (the overview), then one section per site.
  std::vector<const Table*> order;
  for (const Table& t : r.tables)
    if (t.site.empty()) order.push_back(&t);
  for (const Table& t : r.tables)
    if (!t.site.empty() && !IsCommuneTable(t)) order.push_back(&t);
  for (const Table* tp : order) {
    const Table& t = *tp;
    const bool synth = t.site.empty();
    h += "<section data-section=\"" + Attr(t.key) + "\"><h2>" +
         HtmlEscape(t.title) + "</h2>";
    if (!synth) h += Freshness(t, r.generated_at_s);
    h += Bars(t, "honores", "Consultations honorées — " + t.title);
    const std::string head = synth ? "Site" : "Période";
    h += "<h3>Activité</h3>" + HtmlTable(t, "activite", head);
    h += "<h3>Présence et amplitude d'ouverture</h3>" +
         HtmlTable(t, "presence", head);
    h += "<h3>Charges mutualisées</h3>" + HtmlTable(t, "charges", head);
    h += "</section>";
    if (synth) h += CommuneSection(r, p, q);
  }
  return h + "</body></html>";
}

std::string RenderErrorPage(int http_status, const std::string& message) {
  return "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">"
         "<title>Relais Santé — accès</title></head><body><h1>Erreur " +
         std::to_string(http_status) + "</h1><p>" + HtmlEscape(message) +
         "</p></body></html>";
}

std::string RenderLoginPage(const std::string& message) {
  std::string h =
      "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">"
      "<meta name=\"referrer\" content=\"no-referrer\">"
      "<title>Relais Santé — connexion</title></head><body>"
      "<h1>Relais Santé — tableau de bord des financeurs</h1>";
  if (!message.empty()) h += "<p class=\"erreur\">" + HtmlEscape(message) + "</p>";
  h += "<form method=\"post\" action=\"/login\">"
       "<label>Jeton conseil <input type=\"password\" name=\"token\" "
       "autocomplete=\"off\" required></label> "
       "<button type=\"submit\">Se connecter</button></form>"
       "<p>Le jeton est donné par l'administrateur du hub (relais-hub "
       "council-enroll). Il n'apparaît jamais dans l'adresse de la page.</p>"
       "</body></html>";
  return h;
}

}  // namespace relais::server
