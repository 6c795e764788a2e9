#include <algorithm>
#include "tools/report_demo/seed.h"

#include <random>

#include "common/merge/merge.h"
#include "common/model/schema.h"
#include "common/model/ticket.h"
#include "common/util/time.h"

namespace relais::tools {

using common::Collection;
using common::Record;

namespace {

Record Make(Collection c, std::string id, const std::string& site,
            const std::map<std::string, std::string>& f, uint64_t* hlc) {
  Record r;
  r.collection = c;
  r.id = std::move(id);
  r.site_id = site;
  common::ApplyLocalWrite(&r, "seed-" + site, ++*hlc, f);
  return r;
}

// Communes of residence of the demo's patients (INSEE codes of the shipped
// list, Finistère); "" stands for a commune not recorded.
constexpr const char* kCommunes[] = {"29019", "29019", "29019", "29075",
                                     "29103", "29151", "29232", ""};

// The day's walk-in tickets (issue #16): about one for eight appointments,
// most called after 5 to 75 minutes, some left before.
void SeedWalkIns(const SeedSite& s, const common::CivilDate& d, int n,
                 std::mt19937_64& extra, uint64_t* hlc,
                 std::vector<Record>* out) {
  const std::string date = common::FormatDate(d);
  std::uniform_int_distribution<int> count(0, std::max(1, n / 6)),
      pct(0, 99), wait(5, 75);
  const int tickets = count(extra);
  for (int i = 0; i < tickets; ++i) {
    const int minute = 8 * 60 + 30 + i * 25;
    const int64_t issued =
        common::ParisLocalToUtc(d, minute / 60, minute % 60) * 1000;
    const int roll = pct(extra);
    const std::string status = roll < 10 ? "left" : roll < 25 ? "converted"
                                                              : "done";
    std::map<std::string, std::string> f = {
        {common::field::kTicketDay, date},
        {common::field::kTicketNumber, "A" + std::to_string(i + 1)},
        {common::field::kIssuedAt, std::to_string(issued)},
        {common::field::kStatus, status},
        {common::field::kIssuer, "seed-" + s.id}};
    if (status != "left") {
      const int64_t called = issued + wait(extra) * int64_t{60000};
      f[common::field::kCalledAt] = std::to_string(called);
      f[common::field::kEndedAt] = std::to_string(called + 15 * 60000);
      f[common::field::kRoom] = "Cabinet 1";
    } else {
      f[common::field::kEndedAt] = std::to_string(issued + 40 * 60000);
    }
    out->push_back(Make(Collection::kTicket,
                        "tk-" + s.id + "-" + date + "-" + std::to_string(i),
                        s.id, f, hlc));
  }
}

void SeedDay(const SeedSite& s, const common::CivilDate& d, int wd,
             std::mt19937_64& rng, std::mt19937_64& extra, uint64_t* hlc,
             std::vector<Record>* out) {
  const std::string date = common::FormatDate(d);
  // Writes follow the calendar: the day's records are written that evening
  // (so the funder's "dernière donnée reçue" is realistic).
  *hlc = std::max<uint64_t>(
      *hlc, common::MakeHlc(common::ParisLocalToUtc(d, 19, 0) * 1000, 0));
  std::uniform_int_distribution<int> pct(0, 99), wait(3, 40), pat(0, 2999);
  const int n = wd == 5 ? s.appointments_per_day / 3 : s.appointments_per_day;
  for (int i = 0; i < n; ++i) {
    const int minute = 8 * 60 + (i * (wd == 5 ? 240 : 660)) / std::max(n, 1);
    const int64_t start = common::ParisLocalToUtc(d, minute / 60, minute % 60);
    const int roll = pct(rng);
    const std::string status = roll < 4 ? "no_show" : roll < 12 ? "cancelled"
                                                                : "done";
    const int k = pct(rng);
    const std::string kind = k < 15 ? "snp" : k < 19 ? "visite_domicile"
                             : k < 23 ? "teleconsultation" : "consultation";
    std::map<std::string, std::string> f = {
        {"start", std::to_string(start)}, {"duration", "15"},
        {"status", status}, {"kind", kind},
        {"patient_ref", "pat-" + s.id + "-" + std::to_string(pat(rng))},
        {"patient_name", "PATIENT Fictif"}, {"patient_birth", "1960-01-01"},
        {"code", "QRS234"}, {"practitioner", s.id + "-mg0"}};
    // From a generator of its own: the other fields stay as they were.
    f[common::field::kPatientCommune] = kCommunes[std::uniform_int_distribution<
        size_t>(0, std::size(kCommunes) - 1)(extra)];
    if (status == "done" && kind != "visite_domicile" &&
        kind != "teleconsultation") {
      const int64_t in = start - 300;
      f["checkin_at"] = std::to_string(in);
      f["checkin_via"] = pct(rng) < 62 ? "kiosk" : "staff";
      f["consult_at"] = std::to_string(in + 60 * wait(rng));
    }
    Record r = Make(Collection::kAppointment,
                    "rdv-" + s.id + "-" + date + "-" + std::to_string(i), s.id,
                    f, hlc);
    if (status == "cancelled") {
      // Written when the patient cancelled: about a third less than 48 h
      // before the slot (late), the others 2 to 14 days before.
      std::uniform_int_distribution<int> late(1, 47), early(49, 14 * 24);
      const int64_t lead_h = pct(rng) < 35 ? late(rng) : early(rng);
      r.fields["status"].front().hlc =
          common::MakeHlc((start - lead_h * 3600) * 1000, 0);
    }
    out->push_back(std::move(r));
  }
  auto presence = [&](const std::string& who, const char* half) {
    out->push_back(Make(Collection::kPresence,
                        common::PresenceId(who, date, half), s.id,
                        {{"practitioner", who}, {"date", date}, {"half", half},
                         {"state", pct(rng) < 90 ? "present" : "absent"}},
                        hlc));
  };
  for (int g = 0; g < s.gps; ++g) {
    const std::string who = s.id + "-mg" + std::to_string(g);
    presence(who, "am");
    if (wd < 5) presence(who, "pm");
  }
  for (int g = 0; g < s.nurses; ++g)
    presence(s.id + "-ide" + std::to_string(g), "am");
  SeedWalkIns(s, d, n, extra, hlc, out);
}

}  // namespace

std::vector<Record> SyntheticRecords(const SeedOptions& o) {
  std::vector<Record> out;
  std::mt19937_64 rng(o.seed);
  std::mt19937_64 extra(o.seed ^ 0x636f6d6d756e6573ull);  // communes, walk-ins
  uint64_t hlc = common::MakeHlc(1'767'225'600'000, 0);
  for (const SeedSite& s : o.sites) {
    for (int g = 0; g < s.gps; ++g)
      out.push_back(Make(Collection::kPractitioner, s.id + "-mg" + std::to_string(g),
                         s.id, {{"name", "Dr Fictif " + std::to_string(g)},
                                {"profession", "medecin_generaliste"}},
                         &hlc));
    for (int g = 0; g < s.nurses; ++g)
      out.push_back(Make(Collection::kPractitioner, s.id + "-ide" + std::to_string(g),
                         s.id, {{"name", "IDE Fictive " + std::to_string(g)},
                                {"profession", "ide"}},
                         &hlc));
    for (int m = 0; m < o.months; ++m) {
      const int y = o.year + (o.first_month - 1 + m) / 12;
      const int mo = (o.first_month - 1 + m) % 12 + 1;
      char month[16];
      std::snprintf(month, sizeof month, "%04d-%02d", y, mo);
      for (int day = 1; day <= common::DaysInMonth(y, mo); ++day) {
        const common::CivilDate d{y, mo, day};
        const int wd = common::Weekday(d);
        if (wd < 6) SeedDay(s, d, wd, rng, extra, &hlc, &out);
      }
      int e = 0;
      for (const auto& [cat, cents] :
           {std::pair<const char*, int64_t>{"loyer", 180000},
            {"energie", 42000}, {"secretariat", 310000}})
        out.push_back(Make(Collection::kLedger,
                           "led-" + s.id + "-" + month + "-" + std::to_string(e++),
                           s.id, {{"amount_cents", std::to_string(cents)},
                                  {"category", cat}, {"payer", s.id + "-mg0"},
                                  {"key", "equal"}, {"month", month},
                                  {"created_at", "1"}},
                           &hlc));
    }
  }
  return out;
}

std::string NewestAuthor(const Record& r) {
  const common::Sibling* newest = nullptr;
  for (const auto& [name, sibs] : r.fields)
    for (const common::Sibling& s : sibs)
      if (!newest || s.hlc > newest->hlc) newest = &s;
  return newest ? newest->dot.replica : std::string();
}

std::vector<std::pair<std::string, std::vector<Record>>> RunsByAuthor(
    const std::vector<Record>& records) {
  std::vector<std::pair<std::string, std::vector<Record>>> runs;
  for (const Record& r : records) {
    const std::string author = NewestAuthor(r);
    if (runs.empty() || runs.back().first != author) runs.push_back({author, {}});
    runs.back().second.push_back(r);
  }
  return runs;
}

SeedOptions BenchSeedOptions(int sites, int per_day) {
  SeedOptions o;
  o.months = 12;
  for (int i = 0; i < sites; ++i)
    o.sites.push_back({"site-" + std::to_string(i), per_day, 3, 2});
  return o;
}

}  // namespace relais::tools
