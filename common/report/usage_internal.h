#pragma once
// Internals of the usage aggregation shared by usage.cc and columns.cc.
// Not part of the public API.

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/report/report.h"
#include "common/report/usage.h"
#include "common/util/time.h"

namespace relais::common::report::internal {

// Running totals of one site x period (or of a total row).
struct Acc {
  int64_t total = 0, done = 0, no_show = 0, cancelled = 0, pending = 0;
  int64_t snp = 0, visites = 0, tele = 0, due = 0, checked_in = 0, kiosk = 0;
  int64_t late_cancel = 0;  // cancelled < 48 h before the start
  int64_t new_patients = 0;  // first done ever at the site
  int64_t slots_due = 0;    // appointments whose end has passed, any status
  std::vector<int32_t> waits;  // minutes
  int64_t walk_ins = 0;              // walk-in tickets issued
  std::vector<int32_t> walk_in_waits;  // issue to call, minutes
  // Pseudonyms of the patients seen; sorted and unique once FinishPatients()
  // ran (Add() keeps that).
  std::vector<uint64_t> patients;
  // profession -> contributor (practitioner id) -> half-days present
  std::map<std::string, std::map<std::string, int64_t>> presence;
  int64_t open_days = 0;
  double open_hours = 0;
  // ACI opening span, in 30-minute buckets: required, covered by anyone
  // present, covered by a doctor.
  int64_t span_required = 0, span_covered = 0, span_covered_md = 0;
  std::map<std::string, int64_t> cents;  // category -> cents
  bool costs = true;                     // false: costs not applicable

  void Add(const Acc& o) {
    total += o.total, done += o.done, no_show += o.no_show;
    cancelled += o.cancelled, pending += o.pending, snp += o.snp;
    visites += o.visites, tele += o.tele, due += o.due;
    checked_in += o.checked_in, kiosk += o.kiosk;
    late_cancel += o.late_cancel, slots_due += o.slots_due;
    new_patients += o.new_patients;
    waits.insert(waits.end(), o.waits.begin(), o.waits.end());
    walk_ins += o.walk_ins;
    walk_in_waits.insert(walk_in_waits.end(), o.walk_in_waits.begin(),
                         o.walk_in_waits.end());
    std::vector<uint64_t> both;
    both.reserve(patients.size() + o.patients.size());
    std::set_union(patients.begin(), patients.end(), o.patients.begin(),
                   o.patients.end(), std::back_inserter(both));
    patients.swap(both);
    for (const auto& [prof, m] : o.presence)
      for (const auto& [who, n] : m) presence[prof][who] += n;
    open_days += o.open_days, open_hours += o.open_hours;
    span_required += o.span_required, span_covered += o.span_covered;
    span_covered_md += o.span_covered_md;
    for (const auto& [cat, c] : o.cents) cents[cat] += c;
  }
  void FinishPatients() {
    std::sort(patients.begin(), patients.end());
    patients.erase(std::unique(patients.begin(), patients.end()),
                   patients.end());
  }
};

using Extract = std::function<Cell(const Acc&)>;

// Columns of every table, in display order, with one extractor per column.
// Profession and category columns follow the sorted sets given.
void MakeColumns(const std::set<std::string>& professions,
                 const std::set<std::string>& categories,
                 std::vector<Column>* cols, std::vector<Extract>* ex);

double Round1(double v);

// Doctors, for the opening-span variant: professions "medecin*" and
// "specialiste".
bool IsDoctorProfession(const std::string& profession);

// A report with its query's header filled in (range, granularity, the
// generation time, sites) and no table yet. Query: UsageQuery or
// ReleaseQuery (from, to, granularity, now_s, sites).
template <typename Query>
Report ReportHeader(const Query& q) {
  Report rep;
  rep.from = q.from;
  rep.to = q.to;
  rep.granularity = GranularityName(q.granularity);
  rep.generated_at = FormatUtc(q.now_s);
  rep.generated_at_s = q.now_s;
  rep.sites = q.sites;
  return rep;
}

}  // namespace relais::common::report::internal
