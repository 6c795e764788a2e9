// Column definitions of the usage report (see docs/reporting.md).
#include <algorithm>
#include <cctype>
#include <cmath>

#include "common/report/usage_internal.h"

namespace relais::common::report::internal {

namespace {

std::string ProfessionLabel(const std::string& p) {
  static const std::map<std::string, std::string> k = {
      {"medecin_generaliste", "médecins généralistes"},
      {"medecin", "médecins"},
      {"ide", "infirmiers (IDE)"},
      {"infirmier", "infirmiers"},
      {"ipa", "infirmiers en pratique avancée"},
      {"mk", "kinésithérapeutes"},
      {"kine", "kinésithérapeutes"},
      {"sage_femme", "sages-femmes"},
      {"orthophoniste", "orthophonistes"},
      {"podologue", "podologues"},
      {"dieteticien", "diététiciens"},
      {"psychologue", "psychologues"},
      {"specialiste", "spécialistes"}};
  std::string low;
  for (char c : p) low += static_cast<char>(std::tolower(c));
  auto it = k.find(low);
  return it == k.end() ? p : it->second;
}

Cell Count(int64_t v) { return Cell{static_cast<double>(v), Mask::kNone, {}}; }

Cell Rate(int64_t num, int64_t den) {
  Cell c;
  if (den > 0) c.value = Round1(100.0 * static_cast<double>(num) / den);
  c.basis.numerator = num;
  c.basis.denominator = den;
  return c;
}

Cell Median(std::vector<int32_t> w) {
  Cell c;
  c.basis.denominator = static_cast<int64_t>(w.size());
  if (w.empty()) return c;
  // O(n) selection: the totals hold every wait of the range.
  const size_t n = w.size();
  auto mid = w.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(w.begin(), mid, w.end());
  if (n % 2) {
    c.value = *mid;
  } else {
    const int32_t below = *std::max_element(w.begin(), mid);
    c.value = (below + *mid) / 2.0;
  }
  return c;
}

// p90 by the nearest-rank method: the smallest wait that at least 90 % of
// the encounters did not exceed.
Cell P90(std::vector<int32_t> w) {
  Cell c;
  c.basis.denominator = static_cast<int64_t>(w.size());
  if (w.empty()) return c;
  const size_t rank = (w.size() * 9 + 9) / 10;  // ceil(0.9 n), >= 1
  auto at = w.begin() + static_cast<std::ptrdiff_t>(rank - 1);
  std::nth_element(w.begin(), at, w.end());
  c.value = *at;
  return c;
}

}  // namespace

bool IsDoctorProfession(const std::string& profession) {
  return profession.rfind("medecin", 0) == 0 || profession == "specialiste";
}

namespace {

Cell HalfDays(const std::map<std::string, int64_t>& by_who) {
  int64_t sum = 0, top = 0;
  for (const auto& [who, n] : by_who) sum += n, top = std::max(top, n);
  Cell c = Count(sum);
  c.basis.contributors = static_cast<int64_t>(by_who.size());
  c.basis.top_share = sum > 0 ? static_cast<double>(top) / sum : 0;
  return c;
}

}  // namespace

void MakeColumns(const std::set<std::string>& professions,
                 const std::set<std::string>& categories,
                 std::vector<Column>* cols, std::vector<Extract>* ex) {
  auto add = [&](Column c, Extract e) {
    cols->push_back(std::move(c));
    ex->push_back(std::move(e));
  };
  const Unit N = Unit::kCount;
  add({"rdv_total", "Rendez-vous", "activite", N, Rule::kCount, "", true, ""},
      [](const Acc& a) { return Count(a.total); });
  add({"honores", "Honorés", "activite", N, Rule::kCount, "", true, "rdv_total"},
      [](const Acc& a) { return Count(a.done); });
  add({"non_venus", "Non venus", "activite", N, Rule::kCount, "", true,
       "rdv_total"},
      [](const Acc& a) { return Count(a.no_show); });
  add({"annules", "Annulés", "activite", N, Rule::kCount, "", true, "rdv_total"},
      [](const Acc& a) { return Count(a.cancelled); });
  add({"en_cours", "À venir ou en cours", "activite", N, Rule::kCount, "", true,
       "rdv_total"},
      [](const Acc& a) { return Count(a.pending); });
  add({"taux_non_venue", "Taux de non-venue", "activite", Unit::kPercent,
       Rule::kRate, "non_venus", false, ""},
      [](const Acc& a) { return Rate(a.no_show, a.due); });
  add({"taux_annulation_tardive", "Taux d'annulation tardive (< 48 h)",
       "activite", Unit::kPercent, Rule::kRate, "", false, ""},
      [](const Acc& a) { return Rate(a.late_cancel, a.slots_due); });
  add({"snp", "Soins non programmés", "activite", N, Rule::kCount, "", true, ""},
      [](const Acc& a) { return Count(a.snp); });
  add({"visites_domicile", "Visites à domicile", "activite", N, Rule::kCount, "",
       true, ""},
      [](const Acc& a) { return Count(a.visites); });
  add({"teleconsultations", "Téléconsultations", "activite", N, Rule::kCount, "",
       true, ""},
      [](const Acc& a) { return Count(a.tele); });
  add({"part_borne", "Arrivées enregistrées à la borne", "activite",
       Unit::kPercent, Rule::kRate, "", false, ""},
      [](const Acc& a) { return Rate(a.kiosk, a.checked_in); });
  add({"attente_mediane", "Attente médiane (min)", "activite", Unit::kMinutes,
       Rule::kMedian, "", false, ""},
      [](const Acc& a) { return Median(a.waits); });
  add({"attente_p90", "Attente, 90e centile (min)", "activite", Unit::kMinutes,
       Rule::kMedian, "", false, ""},
      [](const Acc& a) { return P90(a.waits); });
  // Walk-ins (issue #16): tickets issued, and their median wait until the
  // call, shown only where the count is (depends_on).
  add({"sans_rdv", "Passages sans rendez-vous", "activite", N, Rule::kCount, "",
       true, ""},
      [](const Acc& a) { return Count(a.walk_ins); });
  add({"attente_mediane_sans_rdv", "Attente médiane sans rendez-vous (min)",
       "activite", Unit::kMinutes, Rule::kMedian, "sans_rdv", false, ""},
      [](const Acc& a) { return Median(a.walk_in_waits); });
  add({"patients_distincts", "Patients vus (file active)", "activite", N,
       Rule::kCount, "", false, ""},
      [](const Acc& a) {
        return Count(static_cast<int64_t>(a.patients.size()));
      });
  add({"nouveaux_patients", "Nouveaux patients (1re consultation au site)",
       "activite", N, Rule::kCount, "", true, ""},
      [](const Acc& a) { return Count(a.new_patients); });
  for (const std::string& p : professions)
    add({"presence_" + p, "Demi-journées : " + ProfessionLabel(p), "presence",
         Unit::kHalfDays, Rule::kProfessional, "", true, "presence_total"},
        [p](const Acc& a) {
          auto it = a.presence.find(p);
          return HalfDays(it == a.presence.end()
                              ? std::map<std::string, int64_t>{}
                              : it->second);
        });
  add({"presence_total", "Demi-journées (toutes professions)", "presence",
       Unit::kHalfDays, Rule::kProfessional, "", true, ""},
      [](const Acc& a) {
        std::map<std::string, int64_t> all;
        for (const auto& [prof, m] : a.presence)
          for (const auto& [who, n] : m) all[who] += n;
        return HalfDays(all);
      });
  add({"jours_ouverts", "Jours d'ouverture", "presence", Unit::kDays,
       Rule::kNone, "", true, ""},
      [](const Acc& a) { return Count(a.open_days); });
  add({"amplitude", "Amplitude moyenne (h/jour)", "presence", Unit::kHours,
       Rule::kNone, "", false, ""},
      [](const Acc& a) {
        Cell c;
        if (a.open_days > 0) c.value = Round1(a.open_hours / a.open_days);
        return c;
      });
  auto coverage = [](int64_t covered, int64_t required) {
    Cell c;
    if (required > 0) c.value = Round1(100.0 * covered / required);
    return c;
  };
  add({"couverture_amplitude", "Couverture de l'amplitude ACI (%)", "presence",
       Unit::kPercent, Rule::kNone, "", false, ""},
      [coverage](const Acc& a) {
        return coverage(a.span_covered, a.span_required);
      });
  // Doctors only: tied to a few professionals, so the INSEE business rule
  // applies (>= 3 doctors, none > 85 % of the doctors' half-days).
  add({"couverture_amplitude_medecins",
       "Couverture de l'amplitude ACI, médecins (%)", "presence",
       Unit::kPercent, Rule::kProfessional, "", false, ""},
      [coverage](const Acc& a) {
        std::map<std::string, int64_t> doctors;
        for (const auto& [prof, m] : a.presence)
          if (IsDoctorProfession(prof))
            for (const auto& [who, n] : m) doctors[who] += n;
        Cell c = coverage(a.span_covered_md, a.span_required);
        const Cell basis = HalfDays(doctors);
        c.basis.contributors = basis.basis.contributors;
        c.basis.top_share = basis.basis.top_share;
        return c;
      });
  auto cost = [](const Acc& a, int64_t cents) {
    return a.costs ? Count(cents) : Cell{};
  };
  for (const std::string& cat : categories)
    add({"charges_" + cat, "Charges : " + cat, "charges", Unit::kCents,
         Rule::kNone, "", true, "charges_total"},
        [cat, cost](const Acc& a) {
          auto it = a.cents.find(cat);
          return cost(a, it == a.cents.end() ? 0 : it->second);
        });
  add({"charges_total", "Charges mutualisées (total)", "charges", Unit::kCents,
       Rule::kNone, "", true, ""},
      [cost](const Acc& a) {
        int64_t sum = 0;
        for (const auto& [cat, c] : a.cents) sum += c;
        return cost(a, sum);
      });
}


double Round1(double v) { return std::round(v * 10) / 10; }

}  // namespace relais::common::report::internal
