// libFuzzer target for the hub's decode -> validate -> merge path: arbitrary
// bytes as a SyncRequest; each pushed record through FromProto (a partial
// one completed with CompleteDelta against a base state of its key), then
// ValidateRecord; what validates is merged with itself, with the base state
// and with the other valid records of the same key in the request, and the
// join laws are checked (idempotent, commutative, absorbing, associative).
// The laws are skipped only for a pair of states where one reuses a write id
// (dot) of the other with another payload: the hub refuses exactly that
// (common/merge/accept.h step 5), so such states never meet in a merge.
// Also: wire round trip, TrimToDelta/CompleteDelta, View, ConflictFields
// and the typed views of schema.h.
// Crashes, sanitizer reports and broken laws abort.
// Build: see tests/server/CMakeLists.txt (RELAIS_FUZZ) and docs/testing.md.
// Run:   ./fuzz_sync_request -max_total_time=60 CORPUS_COPY/ tests/server/fuzz/corpus
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <tuple>
#include <vector>

#include "common/convert/convert.h"
#include "common/merge/merge.h"
#include "common/model/org.h"
#include "common/model/schedule.h"
#include "common/model/schema.h"
#include "common/model/ticket.h"
#include "common/model/validate.h"
#include "proto/sync.pb.h"
#include <google/protobuf/stubs/logging.h>

namespace {

using relais::common::Dot;
using relais::common::Record;
using relais::common::Sibling;

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_sync_request: échec: %s\n", what);
  std::abort();
}

// A state of the same key written by another replica: the base the hub may
// hold, and what completes a delta.
Record Base(const Record& like) {
  Record b;
  b.collection = like.collection;
  b.id = like.id;
  b.site_id = like.site_id;
  relais::common::ApplyLocalWrite(&b, "fuzz-base", relais::common::MakeHlc(1, 0),
                                  {{relais::common::kDeletedField, "0"}});
  return b;
}

// True if a dot occurs in both states with another field, value or stamp.
bool ReusesDot(const Record& x, const Record& y) {
  std::map<Dot, std::pair<const std::string*, const Sibling*>> dots;
  for (const auto& [name, sibs] : x.fields)
    for (const Sibling& s : sibs) dots[s.dot] = {&name, &s};
  for (const auto& [name, sibs] : y.fields)
    for (const Sibling& s : sibs) {
      auto it = dots.find(s.dot);
      if (it != dots.end() && (*it->second.first != name || !(*it->second.second == s)))
        return true;
    }
  return false;
}

void CheckPair(const Record& a, const Record& b) {
  if (ReusesDot(a, b)) return;
  using relais::common::Merge;
  const Record ab = Merge(a, b);
  Check(ab == Merge(b, a), "Merge commutatif");
  Check(Merge(ab, a) == ab && Merge(ab, b) == ab, "Merge absorbant");
  const auto order = ab.vv.Compare(a.vv);
  Check(order == relais::common::Order::kEqual ||
            order == relais::common::Order::kDominates,
        "Merge couvre ses deux états");
}

void CheckTriple(const Record& a, const Record& b, const Record& c) {
  if (ReusesDot(a, b) || ReusesDot(a, c) || ReusesDot(b, c)) return;
  using relais::common::Merge;
  Check(Merge(Merge(a, b), c) == Merge(a, Merge(b, c)), "Merge associatif");
}

}  // namespace

// Invalid UTF-8 in a string field is a parse failure: keep it off stderr.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  relais::sync::v1::SyncRequest req;
  if (!req.ParseFromArray(data, static_cast<int>(size))) return 0;
  using Key = std::tuple<int, std::string, std::string>;
  std::map<Key, std::vector<Record>> by_key;
  for (const auto& p : req.push()) {
    auto r = relais::common::FromProto(p);
    if (!r.ok()) continue;
    Record in = std::move(r).value();
    const Record base = Base(in);
    if (in.partial) in = relais::common::CompleteDelta(in, base);
    if (!relais::common::ValidateRecord(in).empty()) continue;
    Check(relais::common::Merge(in, in) == in, "Merge idempotent");
    CheckPair(base, in);
    // Two arbitrary states may merge into a record without fields (same
    // vector, other siblings: causally impossible); the base never does.
    Check(relais::common::ValidateRecord(relais::common::Merge(base, in)).empty(),
          "Merge(base, état valide) valide");

    relais::sync::v1::Record back;
    relais::common::ToProto(in, &back);
    auto again = relais::common::FromProto(back);
    Check(again.ok() && *again == in, "aller-retour proto");

    // A delta against the base's vector, completed with `in`, is `in`.
    Record delta = in;
    if (relais::common::TrimToDelta(&delta, base.vv)) {
      Check(delta.partial && delta.fields.size() < in.fields.size(), "TrimToDelta réduit");
      Check(relais::common::CompleteDelta(delta, in) == in, "CompleteDelta complète");
    }
    const auto view = relais::common::View(in);
    Check(view.size() == in.fields.size(), "View: une valeur par champ");
    for (const std::string& f : relais::common::ConflictFields(in))
      Check(in.fields.count(f) && in.fields.at(f).size() > 1, "ConflictFields");
    (void)relais::common::IsDeleted(in);
    // The typed views the kiosk and the reports read (schema.h): total.
    switch (in.collection) {
      case relais::common::Collection::kAppointment:
        (void)relais::common::AppointmentFromView(in, view);
        break;
      case relais::common::Collection::kPractitioner:
        (void)relais::common::PractitionerFromView(in, view);
        break;
      case relais::common::Collection::kPresence:
        (void)relais::common::PresenceFromView(in, view);
        break;
      case relais::common::Collection::kLedger:
        (void)relais::common::LedgerFromView(in, view);
        break;
      case relais::common::Collection::kSchedule:
        (void)relais::common::ScheduleFromView(in, view);
        break;
      case relais::common::Collection::kScheduleException:
        (void)relais::common::ScheduleExceptionFromView(in, view);
        break;
      case relais::common::Collection::kSite:
        (void)relais::common::SiteFromView(in, view);
        break;
      case relais::common::Collection::kPole:
        (void)relais::common::PoleFromView(in, view);
        break;
      case relais::common::Collection::kRoom:
        (void)relais::common::RoomFromView(in, view);
        break;
      case relais::common::Collection::kTicket:
        (void)relais::common::TicketFromView(in, view);
        break;
      case relais::common::Collection::kAudit:  // no typed view in common/model
        break;
    }

    auto& same = by_key[{static_cast<int>(in.collection), in.site_id, in.id}];
    if (same.size() < 8) same.push_back(std::move(in));
  }
  for (const auto& [key, states] : by_key) {
    for (size_t i = 0; i < states.size(); ++i)
      for (size_t j = i + 1; j < states.size(); ++j) {
        CheckPair(states[i], states[j]);
        for (size_t k = j + 1; k < states.size(); ++k)
          CheckTriple(states[i], states[j], states[k]);
      }
  }
  return 0;
}
