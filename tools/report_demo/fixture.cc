#include "tools/report_demo/fixture.h"

#include <string>

#include "common/merge/merge.h"
#include "common/util/time.h"

namespace relais::tools {

namespace {

// `n` appointments of site `site` on `date` 09:00 Paris with `status`.
void Add(const std::string& site, const char* date, const char* status, int n,
         uint64_t* hlc, std::vector<common::Record>* out) {
  const int64_t start =
      common::ParisLocalToUtc(common::ParseDate(date).value(), 9, 0);
  for (int i = 0; i < n; ++i) {
    common::Record r;
    r.collection = common::Collection::kAppointment;
    r.id = "fx-" + site + "-" + date + "-" + status + "-" + std::to_string(i);
    r.site_id = site;
    common::ApplyLocalWrite(
        &r, "seed-" + site, ++*hlc,
        {{"start", std::to_string(start)},
         {"duration", "15"},
         {"status", status},
         {"kind", "consultation"},
         {"patient_ref", "fx-pat-" + r.id},
         {"patient_name", "PATIENT Fictif"},
         {"patient_birth", "1960-01-01"},
         {"code", "QRS234"},
         {"practitioner", site + "-mg0"}});
    out->push_back(std::move(r));
  }
}

}  // namespace

std::vector<common::Record> BrowserFixtureRecords() {
  std::vector<common::Record> v;
  // Written on 2025-12-01 (Paris): every cancellation is weeks ahead.
  uint64_t hlc = common::MakeHlc(
      common::ParisLocalToUtc(common::CivilDate{2025, 12, 1}, 9, 0) * 1000, 0);
  Add("aubrac", "2026-01-14", "done", 20, &hlc, &v);
  Add("aubrac", "2026-01-15", "no_show", 2, &hlc, &v);
  Add("aubrac", "2026-01-16", "cancelled", 3, &hlc, &v);
  Add("aubrac", "2026-02-11", "done", 15, &hlc, &v);
  Add("aubrac", "2026-02-12", "no_show", 5, &hlc, &v);
  Add("aubrac", "2026-02-13", "cancelled", 4, &hlc, &v);
  Add("causses", "2026-01-20", "done", 12, &hlc, &v);
  Add("causses", "2026-01-21", "no_show", 1, &hlc, &v);
  Add("causses", "2026-01-22", "cancelled", 2, &hlc, &v);
  Add("causses", "2026-02-17", "done", 30, &hlc, &v);
  return v;
}

}  // namespace relais::tools
