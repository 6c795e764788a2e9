#pragma once
// A small, independent checker of the Prometheus text exposition format
// (0.0.4), written for the hub metrics tests from the format's description,
// not from server/hub_metrics.cc. It is strict about what the hub promises:
//   - every line is "# HELP name text", "# TYPE name type" or a sample
//     `name{label="value",...} value` (no timestamps, no blank lines);
//   - a sample's family has exactly one HELP and one TYPE line, both before
//     its first sample, and a family's samples are contiguous;
//   - family names match ^relais_hub_[a-z_]+$, counters end in _total and
//     are >= 0, histograms end in _seconds;
//   - histogram buckets of each label set come in increasing `le` order,
//     end with le="+Inf", are cumulative (non-decreasing), the +Inf bucket
//     equals _count, and _sum exists;
//   - every sample carries store="<want_store>"; no series is repeated.
// Label values are unescaped (\\, \", \n) before they are compared.

#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace relais::server::testing {

using PromLabels = std::map<std::string, std::string>;

struct PromSample {
  std::string name;    // as written (histograms: with _bucket/_sum/_count)
  std::string family;  // the family it belongs to
  PromLabels labels;
  double value = 0;
};

struct PromFamilyInfo {
  std::string type;
  int help_lines = 0, type_lines = 0;
};

struct PromText {
  std::vector<PromSample> samples;
  std::map<std::string, PromFamilyInfo> families;
  std::vector<std::string> errors;  // empty: the text passed every rule

  // The value of the sample `name` with exactly `labels`; nullopt if absent.
  std::optional<double> Value(const std::string& name, const PromLabels& labels) const {
    for (const PromSample& s : samples)
      if (s.name == name && s.labels == labels) return s.value;
    return std::nullopt;
  }
  std::vector<const PromSample*> Named(const std::string& name) const {
    std::vector<const PromSample*> out;
    for (const PromSample& s : samples)
      if (s.name == name) out.push_back(&s);
    return out;
  }
  std::string ErrorText() const {
    std::string out;
    for (const std::string& e : errors) out += e + "\n";
    return out;
  }
};

namespace prom_detail {

inline bool ParseLabels(const std::string& body, PromLabels* labels, std::string* err) {
  size_t i = 0;
  static const std::regex kLabelName("[a-zA-Z_][a-zA-Z0-9_]*");
  while (i < body.size()) {
    const size_t eq = body.find('=', i);
    if (eq == std::string::npos) return *err = "label sans '='", false;
    const std::string name = body.substr(i, eq - i);
    if (!std::regex_match(name, kLabelName)) return *err = "nom de label: " + name, false;
    if (eq + 1 >= body.size() || body[eq + 1] != '"') return *err = "valeur sans guillemet", false;
    std::string value;
    size_t j = eq + 2;
    for (;; ++j) {
      if (j >= body.size()) return *err = "valeur non terminée", false;
      const char c = body[j];
      if (c == '"') break;
      if (c == '\n') return *err = "saut de ligne brut", false;
      if (c == '\\') {
        if (++j >= body.size()) return *err = "échappement final", false;
        const char e = body[j];
        if (e == '\\') value += '\\';
        else if (e == '"') value += '"';
        else if (e == 'n') value += '\n';
        else return *err = std::string("échappement inconnu \\") + e, false;
      } else {
        value += c;
      }
    }
    if (!labels->emplace(name, value).second) return *err = "label répété: " + name, false;
    i = j + 1;
    if (i < body.size()) {
      if (body[i] != ',') return *err = "',' attendue entre labels", false;
      ++i;
    }
  }
  return true;
}

inline bool ParseValue(const std::string& text, double* v) {
  if (text == "+Inf") return *v = INFINITY, true;
  if (text == "-Inf") return *v = -INFINITY, true;
  if (text == "NaN") return *v = NAN, true;
  if (text.empty()) return false;
  char* end = nullptr;
  *v = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

// Buckets of one histogram label set, in text order, then count and sum.
struct HistogramSeries {
  std::vector<std::pair<std::string, double>> buckets;  // (le, value)
  std::optional<double> count, sum;
};

inline void CheckHistograms(PromText* t) {
  std::map<std::pair<std::string, PromLabels>, HistogramSeries> series;
  for (const PromSample& s : t->samples) {
    if (t->families[s.family].type != "histogram") continue;
    PromLabels key = s.labels;
    if (s.name == s.family + "_bucket") {
      auto le = key.find("le");
      if (le == key.end()) {
        t->errors.push_back(s.name + ": bucket sans le");
        continue;
      }
      const std::string bound = le->second;
      key.erase(le);
      series[{s.family, key}].buckets.emplace_back(bound, s.value);
    } else if (s.name == s.family + "_count") {
      series[{s.family, key}].count = s.value;
    } else if (s.name == s.family + "_sum") {
      series[{s.family, key}].sum = s.value;
    }
  }
  for (const auto& [key, h] : series) {
    const std::string& name = key.first;
    if (h.buckets.empty() || h.buckets.back().first != "+Inf")
      t->errors.push_back(name + ": pas de bucket le=\"+Inf\" en dernier");
    double prev_le = -INFINITY, prev_v = 0;
    for (const auto& [le, v] : h.buckets) {
      double bound = 0;
      if (!ParseValue(le, &bound) || !(bound > prev_le))
        t->errors.push_back(name + ": le non croissant ou illisible: " + le);
      if (v < prev_v) t->errors.push_back(name + ": buckets non cumulatifs à le=" + le);
      if (v != std::floor(v) || v < 0) t->errors.push_back(name + ": bucket non entier");
      prev_le = bound;
      prev_v = v;
    }
    if (!h.count) t->errors.push_back(name + ": _count absent");
    if (!h.sum) t->errors.push_back(name + ": _sum absent");
    if (h.count && !h.buckets.empty() && *h.count != h.buckets.back().second)
      t->errors.push_back(name + ": +Inf != _count");
  }
}

}  // namespace prom_detail

inline PromText CheckPromText(const std::string& text, const std::string& want_store) {
  PromText t;
  static const std::regex kHelp(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+))");
  static const std::regex kType(
      R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  static const std::regex kSample(R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? ([^ ]+))");
  static const std::regex kFamily("relais_hub_[a-z_]+");
  if (!text.empty() && text.back() != '\n') t.errors.push_back("pas de saut de ligne final");
  std::set<std::string> closed;  // families whose samples have ended
  std::set<std::pair<std::string, PromLabels>> seen;
  std::string current;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const std::string where = "ligne " + std::to_string(n) + " (" + line + "): ";
    std::smatch m;
    if (std::regex_match(line, m, kHelp) || std::regex_match(line, m, kType)) {
      const std::string fam = m[1];
      const bool is_help = line.compare(0, 6, "# HELP") == 0;
      PromFamilyInfo& f = t.families[fam];
      if (is_help) ++f.help_lines;
      else { ++f.type_lines; f.type = m[2]; }
      if ((is_help ? f.help_lines : f.type_lines) > 1) t.errors.push_back(where + "répété");
      if (current == fam || closed.count(fam)) t.errors.push_back(where + "après les échantillons");
      if (!std::regex_match(fam, kFamily)) t.errors.push_back(where + "nom hors relais_hub_");
      continue;
    }
    if (!std::regex_match(line, m, kSample)) {
      t.errors.push_back(where + "ligne illisible");
      continue;
    }
    PromSample s;
    s.name = m[1];
    std::string err;
    if (m[2].matched && !prom_detail::ParseLabels(m[3], &s.labels, &err))
      t.errors.push_back(where + err);
    if (!prom_detail::ParseValue(m[4], &s.value)) t.errors.push_back(where + "valeur illisible");
    // The family: the name itself, or a histogram's base name.
    s.family = s.name;
    if (!t.families.count(s.name) || t.families[s.name].type_lines == 0) {
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        const std::string sfx = suffix;
        if (s.name.size() > sfx.size() &&
            s.name.compare(s.name.size() - sfx.size(), sfx.size(), sfx) == 0) {
          const std::string base = s.name.substr(0, s.name.size() - sfx.size());
          auto it = t.families.find(base);
          if (it != t.families.end() && it->second.type == "histogram") s.family = base;
        }
      }
    }
    auto fit = t.families.find(s.family);
    if (fit == t.families.end() || fit->second.type_lines != 1 ||
        fit->second.help_lines != 1) {
      t.errors.push_back(where + "famille sans exactement un HELP et un TYPE avant");
    } else {
      const std::string& type = fit->second.type;
      if (type == "counter" && (s.family.size() < 6 ||
                                s.family.compare(s.family.size() - 6, 6, "_total") != 0))
        t.errors.push_back(where + "compteur sans _total");
      if (type == "counter" && !(s.value >= 0)) t.errors.push_back(where + "compteur négatif");
      if (type == "histogram" && s.family.find("_seconds") != s.family.size() - 8)
        t.errors.push_back(where + "histogramme sans _seconds");
    }
    if (s.family != current) {
      if (closed.count(s.family)) t.errors.push_back(where + "famille non contiguë");
      if (!current.empty()) closed.insert(current);
      current = s.family;
    }
    auto store = s.labels.find("store");
    if (store == s.labels.end() || store->second != want_store)
      t.errors.push_back(where + "label store absent ou différent de " + want_store);
    if (!seen.emplace(s.name, s.labels).second) t.errors.push_back(where + "série répétée");
    t.samples.push_back(std::move(s));
  }
  prom_detail::CheckHistograms(&t);
  return t;
}

}  // namespace relais::server::testing
