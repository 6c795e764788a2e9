// make_corpus OUT_DIR: writes the seed corpus of the fuzz targets
// (fuzz_sync_request, fuzz_accept, fuzz_pull_apply): serialized
// relais::sync::v1::SyncRequest messages made by the real client code paths.
//
// Replicas are common::Replica on temporary files (FakeClock, seeded ids);
// a miniature hub (a map of states and common::Accept, as SqliteHubStore
// PushOne does) stands in for the network: Sync() builds the request exactly
// as common/sync/sync_client.cc does (ChangesSince from push_cursor,
// TrimToDelta against acked_vv, ToProto), writes it to OUT_DIR, accepts it,
// acknowledges it and applies the hub's states back (ApplyRemote). So the
// corpus holds creations, delta pushes, conflicts (two replicas writing one
// field, merged), tombstones, presence and ledger entries; then a few
// hand-made pushes of a broken or hostile replica ("adv-*": a dropped field,
// a reused write id, a stamp days ahead, a counter going back, bounds, a
// forged foreign write, a delta of an unknown record) that start the
// fuzzers inside the acceptance rule's refusals and repairs.
//
// Replica ids are random (Replica::Init), so two runs give different bytes
// with the same shapes. Regenerate (see docs/testing.md, "Fuzzing"):
//   cmake --build build-fuzz --target make_corpus
//   rm -f tests/server/fuzz/corpus/* && build-fuzz/tests/server/make_corpus tests/server/fuzz/corpus
// Exit status 1 (with a message) if any step fails.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "common/convert/convert.h"
#include "common/merge/accept.h"
#include "common/merge/merge.h"
#include "common/replica/audit_log.h"
#include "common/replica/replica.h"
#include "common/replica/retention.h"
#include "common/replica/tickets.h"
#include "proto/sync.pb.h"

namespace {

namespace fs = std::filesystem;
using relais::common::Collection;
using relais::common::FakeClock;
using relais::common::Record;
using relais::common::Replica;

constexpr int64_t kNowMs = 1795000000000LL;  // 2026-11-18

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "make_corpus: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Must(relais::common::Result<T> r, const char* what) {
  if (!r.ok()) Die(std::string(what) + ": " + r.status().ToString());
  return std::move(r).value();
}
void Must(const relais::common::Status& s, const char* what) {
  if (!s.ok()) Die(std::string(what) + ": " + s.ToString());
}

// The hub's states, keyed by (site, collection, id).
using HubKey = std::tuple<std::string, int, std::string>;

class Maker {
 public:
  explicit Maker(fs::path out) : out_(std::move(out)) {
    tmp_ = fs::temp_directory_path() /
           ("relais-corpus-" + std::to_string(::getpid()));
    fs::create_directories(tmp_);
  }
  ~Maker() { fs::remove_all(tmp_); }

  std::unique_ptr<Replica> NewReplica(const std::string& name,
                                      const std::string& site, uint64_t seed) {
    const std::string path = (tmp_ / (name + ".db")).string();
    Must(Replica::Init(path, site), "Replica::Init");
    auto r = Must(Replica::Open(path, &clock_), "Replica::Open");
    r->SeedForTest(seed);
    return r;
  }

  // One sync round of `r`: push (written to the corpus as `name`), then pull.
  void Sync(Replica& r, const std::string& name, bool whole = false) {
    auto* store = r.store();
    const uint64_t cursor = Must(store->GetMetaInt("push_cursor"), "push_cursor");
    auto changes = Must(store->ChangesSince(cursor, 64, 1 << 20), "ChangesSince");
    relais::sync::v1::SyncRequest req;
    req.set_protocol_version(relais::common::kProtocolVersion);
    req.set_replica_id(r.replica_id());
    req.set_site_id(r.site_id());
    for (auto& c : changes) {
      if (!whole) relais::common::TrimToDelta(&c.record, c.acked);
      relais::common::ToProto(c.record, req.add_push());
    }
    if (!changes.empty()) req.set_push_seq(changes.back().seq);
    req.set_pull_cursor(Must(store->GetMetaInt("pull_cursor"), "pull_cursor"));
    req.set_max_pull_records(500);
    req.set_max_pull_bytes(1 << 20);
    Write(name, req);
    for (const auto& c : changes) Accept(c.record, r.replica_id());
    std::map<std::string, std::string> meta;
    if (!changes.empty()) meta["push_cursor"] = std::to_string(changes.back().seq);
    std::vector<Record> pulled;
    for (const auto& [key, rec] : hub_)
      if (std::get<0>(key) == r.site_id()) pulled.push_back(rec);
    Must(store->ApplyRemote(pulled, meta), "ApplyRemote");
  }

  // A hand-made push of `records` by `r` (adversarial seeds): written only.
  void WriteRecords(const std::string& name, const Replica& r,
                    const std::vector<Record>& records) {
    relais::sync::v1::SyncRequest req;
    req.set_protocol_version(relais::common::kProtocolVersion);
    req.set_replica_id(r.replica_id());
    req.set_site_id(r.site_id());
    for (const Record& rec : records) relais::common::ToProto(rec, req.add_push());
    Write(name, req);
  }

  void Advance() { clock_.Advance(60'000); }
  int written() const { return written_; }

 private:
  void Accept(const Record& in, const std::string& author) {
    HubKey key{in.site_id, static_cast<int>(in.collection), in.id};
    auto it = hub_.find(key);
    auto acc = Must(relais::common::Accept(in, it == hub_.end() ? nullptr : &it->second,
                                           author, clock_.NowMillis()),
                    "Accept");
    if (!acc.skipped && acc.changed) {
      Record state = acc.state();
      hub_[key] = std::move(state);
    }
  }

  void Write(const std::string& name, const relais::sync::v1::SyncRequest& req) {
    std::ofstream f(out_ / (name + ".pb"), std::ios::binary);
    if (!req.SerializeToOstream(&f)) Die("écriture de " + name);
    ++written_;
  }

  fs::path out_, tmp_;
  FakeClock clock_{kNowMs};
  std::map<HubKey, Record> hub_;
  int written_ = 0;
};

relais::common::NewAppointment Appt(int i) {
  relais::common::NewAppointment a;
  a.practitioner = "p1";
  a.patient_name = "Patient " + std::to_string(i);
  a.patient_birth = "1950-03-02";
  a.start = kNowMs / 1000 + 900 * i;
  a.room = i % 2 ? "2" : "";
  a.note = i == 2 ? "allergie pénicilline" : "";
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) Die("usage: make_corpus OUT_DIR");
  fs::create_directories(argv[1]);
  Maker m(argv[1]);
  auto a = m.NewReplica("a", "S1", 1);   // S1 kiosk
  auto b = m.NewReplica("b", "S1", 2);   // S1 secretariat
  auto c = m.NewReplica("c", "S2", 3);   // another house

  // Creations: practitioners, appointments, presence, ledger.
  Must(a->AddPractitioner("p1", "Dr Martin", "medecin", 5000), "AddPractitioner");
  Must(a->AddPractitioner("p2", "Dr Durand", "infirmier", 5000), "AddPractitioner");
  m.Sync(*a, "create-practitioners");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i)
    ids.push_back(Must(a->AddAppointment(Appt(i)), "AddAppointment").first);
  m.Sync(*a, "create-appointments");
  Must(a->SetPresence("p1", "2026-11-18", "am", "present", "", "2"), "SetPresence");
  Must(a->SetPresence("p2", "2026-11-18", "pm", "absent", "", ""), "SetPresence");
  m.Sync(*a, "create-presence");
  const std::string rent = Must(
      a->AddLedgerEntry({120000, "loyer", "p1", "equal", "loyer", "2026-11", ""}),
      "AddLedgerEntry");
  Must(a->AddLedgerEntry({4500, "fournitures", "p2", "share", "achat", "2026-11", ""}),
       "AddLedgerEntry");
  m.Sync(*a, "create-ledger");
  Must(a->AddLedgerEntry({-120000, "loyer", "p1", "equal", "annulation", "2026-11", rent}),
       "AddLedgerEntry (reversal)");
  m.Sync(*a, "ledger-reversal");
  // The access log (sealed who/records, hash chain) and the site's policy.
  relais::common::AuditLog log(a.get());
  Must(log.RevealDay("os:corpus", "cli.appt-list",
                     relais::common::ParisDate(kNowMs / 1000)), "RevealDay");
  Must(log.RevealDump("secretariat", "cli.dump-clair"), "RevealDump");
  m.Sync(*a, "audit-entries");
  Must(relais::common::SetRetentionMonths(a.get(), 12), "SetRetentionMonths");
  m.Sync(*a, "retention-policy");
  // The organisation (docs/domain.md §6d): the site's kind and opening
  // hours, a pôle, a room, a practitioner's sites and pôle, a partial-day
  // leave (the org of a one-site house is its site).
  Must(a->Write(Collection::kSite, "S1",
                {{"name", "MSP"}, {"org", "S1"}, {"site_kind", "centre"},
                 {"hours", "1-5 08:00-12:00,14:00-19:00;6 08:00-12:00"}, {"commune", "Digoin"}})
           .status(),
       "site");
  Must(a->Write(Collection::kPole, "mg", {{"name", "Médecine générale"}}).status(), "pole");
  Must(a->Write(Collection::kRoom, "salle1@S1", {{"name", "Salle 1"}, {"pole", "mg"}}).status(),
       "room");
  Must(a->AddPractitioner("p1", "Dr Martin", "medecin", 5000, {std::string("S1"), std::string("mg")}),
       "AddPractitioner (org)");
  Must(a->Write(Collection::kScheduleException, "exc-1",
                {{"kind", "conge"}, {"practitioner", "p1@S1"}, {"replacement", ""},
                 {"first_day", "2026-11-24"}, {"last_day", "2026-11-24"},
                 {"start_time", "14:00"}, {"end_time", "18:00"}})
           .status(),
       "partial exception");
  m.Sync(*a, "org-records");

  // Deltas: one field changed on states the hub acknowledged.
  m.Advance();
  Must(a->CheckIn(ids[0], "", "kiosk"), "CheckIn");
  m.Sync(*a, "delta-checkin");
  Must(a->SetPresence("p1", "2026-11-18", "am", "absent", "", ""), "SetPresence");
  m.Sync(*a, "delta-presence");
  Must(a->SetStatus(ids[1], "cancelled"), "SetStatus");
  Must(a->CheckIn(ids[2], "", "kiosk"), "CheckIn");
  m.Sync(*a, "delta-two-records");
  Must(a->SetStatus(ids[1], "booked"), "SetStatus");
  m.Sync(*a, "whole-after-delta", /*whole=*/true);

  // Conflict: b learns the appointments, then a and b write one field.
  m.Sync(*b, "b-first-sync");
  m.Advance();
  Must(b->SetStatus(ids[1], "no_show"), "SetStatus");
  Must(a->SetStatus(ids[1], "checked_in"), "SetStatus");
  Must(b->Write(Collection::kAppointment, ids[2], {{"room", "3"}}), "Write");
  Must(a->Write(Collection::kAppointment, ids[2], {{"room", "4"}}), "Write");
  m.Sync(*b, "conflict-b-push");
  m.Sync(*a, "conflict-a-push");  // a pulls b's writes: siblings
  m.Sync(*b, "conflict-b-pull");
  m.Sync(*a, "conflict-a-merged", /*whole=*/true);
  m.Advance();
  Must(a->SetStatus(ids[1], "done"), "SetStatus");  // resolves the conflict
  m.Sync(*a, "conflict-resolved");

  // Tombstones.
  Must(b->Write(Collection::kAppointment, ids[0], {{"_deleted", "1"}}), "Write");
  m.Sync(*b, "tombstone-delta");
  Must(b->Write(Collection::kAppointment, ids[2], {{"_deleted", "1"}}), "Write");
  m.Sync(*b, "tombstone-whole", /*whole=*/true);
  m.Sync(*a, "after-tombstones");

  // Another site, and a no-op sync.
  Must(c->AddPractitioner("p1", "Dr Petit", "kine", 10000), "AddPractitioner");
  Must(c->AddAppointment(Appt(7)), "AddAppointment");
  Must(c->SetPresence("p1", "2026-11-19", "am", "present", "", ""), "SetPresence");
  m.Sync(*c, "site2-create");
  m.Sync(*c, "noop");

  // Several rounds of work at two replicas of one site, one file per push.
  for (int round = 0; round < 6; ++round) {
    m.Advance();
    auto& r = round % 2 ? *b : *a;
    const std::string rs = std::to_string(round);
    auto added = Must(r.AddAppointment(Appt(10 + round)), "AddAppointment");
    Must(r.SetStatus(ids[1], round % 3 ? "checked_in" : "no_show"), "SetStatus");
    Must(r.SetPresence("p2", "2026-11-2" + rs, "am", "present", "", ""), "SetPresence");
    Must(r.AddLedgerEntry({1000 + round, "fournitures", "p2", "equal", "achat " + rs,
                           "2026-11", ""}),
         "AddLedgerEntry");
    m.Sync(r, "round-" + rs);
    Must(r.CheckIn(added.first, "", round % 2 ? "staff" : "kiosk"), "CheckIn");
    m.Sync(r, "round-" + rs + "-checkin");
  }
  // Retention: identities of the first appointments erased (sealed
  // "(effacé)" and empty values, recomputed blind index).
  m.Advance();
  Must(relais::common::EraseAppointmentsBefore(b.get(), kNowMs / 1000 + 900), "Erase");
  m.Sync(*b, "retention-erase");
  // Walk-in tickets (docs/domain.md §6e) at two kiosks of one site: issued
  // offline on both, called, one called twice concurrently (the merge keeps
  // one call), finished, left and converted into an appointment.
  Must(relais::common::SetTicketPrefix(*a, "A"), "SetTicketPrefix");
  Must(relais::common::SetTicketPrefix(*b, "B"), "SetTicketPrefix");
  m.Advance();
  auto ta = Must(relais::common::IssueTicket(*a), "IssueTicket");
  auto ta2 = Must(relais::common::IssueTicket(*a), "IssueTicket");
  auto tb = Must(relais::common::IssueTicket(*b), "IssueTicket");
  m.Sync(*a, "ticket-issue-a");
  m.Sync(*b, "ticket-issue-b");
  m.Sync(*a, "ticket-pull-a");
  m.Advance();
  Must(relais::common::CallTicket(*a, tb.id, "Salle 1"), "CallTicket");
  Must(relais::common::CallTicket(*b, tb.id, "Salle 2"), "CallTicket");
  m.Sync(*a, "ticket-call-a");
  m.Sync(*b, "ticket-call-b");
  m.Sync(*a, "ticket-call-merged", /*whole=*/true);
  m.Advance();
  Must(relais::common::FinishTicket(*a, tb.id, "done"), "FinishTicket");
  Must(relais::common::FinishTicket(*a, ta2.id, "left"), "FinishTicket");
  relais::common::NewAppointment walk_in = Appt(30);
  Must(relais::common::ConvertTicket(*a, ta.id, walk_in), "ConvertTicket");
  m.Sync(*a, "ticket-finish-convert");
  // Adversarial pushes by a (a broken or hostile replica), each after the
  // record's real state: what the acceptance rule refuses or repairs.
  const Record real =
      *Must(a->Get(Collection::kAppointment, ids[1]), "Get");
  const std::string me = a->replica_id();
  const relais::common::Hlc later = relais::common::MakeHlc(kNowMs + 3600'000, 0);
  Record omission = real;  // a new write elsewhere, a field silently dropped
  relais::common::ApplyLocalWrite(&omission, me, later, {{"room", "5"}});
  omission.fields.erase("patient_name");
  m.WriteRecords("adv-omission", *a, {real, omission});
  Record reused = real;  // a known write id with another value
  reused.fields["status"].back().value = "cancelled";
  m.WriteRecords("adv-reused-dot", *a, {real, reused});
  Record ahead = real;  // a stamp three days ahead of the hub
  relais::common::ApplyLocalWrite(&ahead, me, relais::common::MakeHlc(kNowMs + 3 * 86400'000LL, 0),
                                  {{"room", "9"}});
  m.WriteRecords("adv-clock-ahead", *a, {real, ahead});
  Record back = real;  // the author's counter going back
  back.vv.Set(me, 1);
  for (auto& [name, sibs] : back.fields) std::erase_if(sibs, [&](const auto& x) {
    return x.dot.replica == me && x.dot.counter > 1; });
  std::erase_if(back.fields, [](const auto& f) { return f.second.empty(); });
  m.WriteRecords("adv-counter-back", *a, {real, back});
  Record wide = real;  // 70 vector entries
  for (int i = 0; i < 70; ++i) wide.vv.Set("x" + std::to_string(100 + i), 1);
  m.WriteRecords("adv-long-vv", *a, {wide});
  Record many = real;  // 33 concurrent values of one field
  for (int i = 0; i < 33; ++i) {
    const std::string rep = "y" + std::to_string(100 + i);
    many.vv.Set(rep, 1);
    many.fields["room"].push_back({std::to_string(i), {rep, 1}, later});
  }
  std::sort(many.fields["room"].begin(), many.fields["room"].end(),
            [](const auto& x, const auto& y) { return x.dot < y.dot; });
  m.WriteRecords("adv-many-siblings", *a, {many});
  Record foreign = real;  // writes of another replica the hub never saw
  relais::common::ApplyLocalWrite(&foreign, "forged-replica", later, {{"status", "done"}});
  m.WriteRecords("adv-foreign-write", *a, {real, foreign});
  Record delta = omission;  // a delta of a record the hub does not hold
  delta.id = a->NewId("rdv");
  delta.partial = true;
  m.WriteRecords("adv-unknown-delta", *a, {delta});

  std::printf("make_corpus: %d requêtes écrites dans %s\n", m.written(), argv[1]);
  return 0;
}
