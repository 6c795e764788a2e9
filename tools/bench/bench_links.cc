// relais-bench's last phases: poor links through the fault proxy (cold
// connections, adsl-flaky cuts on a global clock; real, distinct changes
// counted where they arrive) and hostile_push.
#include <iostream>
#include <random>
#include <set>

#include "common/codec/record_json.h"

#include "tools/bench/bench.h"
#include "tools/bench/hostile_push.h"
#include "tools/bench/workload.h"

namespace relais::server::bench {

using common::Collection;

namespace {

// The house holds the reference's 2,000 appointments before its days
// offline (poorlink.js --records), whatever --records says.
constexpr int kPoorLinkBase = 2000;
const char* const kStatuses[] = {"checked_in", "done", "no_show", "cancelled"};

using RecordKey = std::pair<int64_t, std::string>;  // (collection, id)

}  // namespace

// One house (EDGE) and the hub through the fault proxy. Each row is a day
// (200 changes) or a week (1,400) of distinct real changes, as the PouchDB
// reference's poorlink.js: per 200, 150 status updates of existing
// appointments, 40 new appointments, 10 ledger entries; no record is
// changed twice in the whole scenario. What the hub received is read from
// hub.db (records of site EDGE with a hub_seq above the one before the
// sync), compared with what the house changed, id by id and state by state:
// a difference is an error of the run.
void Bench::PoorLink() {
  House& h = houses_[0];
  Check(h.rep->AddPractitioner("p1", "Dr Martin", "medecin"), "praticien");
  Check(h.rep->WriteBatch(Collection::kAppointment,
                          MakeAppointments(999, kPoorLinkBase, cfg_.seed))
            .status(), "écriture");
  // The house is in sync before its day offline.
  if (!Check(Sync(h, 3).status(), "sync edge")) return;
  std::mt19937_64 rng(cfg_.seed);
  int updates_done = 0, news_done = 0;
  auto text40 = [&] {
    static const char kAlnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string t;
    for (int i = 0; i < 40; ++i) t += kAlnum[rng() % 36];
    return t;
  };
  // `changes` distinct local changes (a multiple of 200); returns their keys.
  auto day = [&](int changes, json* mix) {
    std::set<RecordKey> sent;
    const int days = changes / 200;
    const int updates = 150 * days, news = 40 * days, ledger = 10 * days;
    (*mix) = {{"status_updates", updates}, {"new_appointments", news},
              {"ledger_entries", ledger}};
    for (int k = 0; k < updates; ++k, ++updates_done) {
      // 13 is prime to 2,000: ids repeat only after 2,000 updates.
      if (updates_done >= kPoorLinkBase) {
        Fail("lien dégradé: plus de " + std::to_string(kPoorLinkBase) + " mises à jour");
        break;
      }
      const std::string id =
          "rdv-999-" + std::to_string((static_cast<int64_t>(updates_done) * 13) % kPoorLinkBase);
      if (Check(h.rep->Write(Collection::kAppointment, id,
                             {{"status", kStatuses[updates_done % 4]}}).status(),
                "écriture"))
        sent.insert({static_cast<int64_t>(Collection::kAppointment), id});
    }
    for (int k = 0; k < news; ++k, ++news_done) {
      common::NewAppointment a;
      a.practitioner = "p1";
      a.patient_name = "Patient " + std::to_string(news_done);
      a.start = 1795500000 + static_cast<int64_t>(news_done) * 1200;  // 20-min slots
      a.duration_min = 20;
      a.note = text40();
      auto r = h.rep->AddAppointment(a);
      if (Check(r.status(), "rendez-vous"))
        sent.insert({static_cast<int64_t>(Collection::kAppointment), r->first});
    }
    for (int k = 0; k < ledger; ++k) {
      auto r = h.rep->AddLedgerEntry({static_cast<int64_t>(500 + rng() % 9500), "fournitures",
                                      "p1", "equal", "achat", "2026-11", ""});
      if (Check(r.status(), "dépense"))
        sent.insert({static_cast<int64_t>(Collection::kLedger), *r});
    }
    if (static_cast<int>(sent.size()) != changes)
      Fail("lien dégradé: " + std::to_string(sent.size()) + " changements distincts sur " +
           std::to_string(changes));
    return sent;
  };
  // Records of site EDGE the hub stored with hub_seq > `after`, each checked
  // equal to the house's state; the keys, or an error.
  auto received = [&](int64_t after) -> common::Result<std::set<RecordKey>> {
    RELAIS_ASSIGN_OR_RETURN(auto db, Reader());
    RELAIS_ASSIGN_OR_RETURN(
        std::vector<Row> rows,
        db->Query("SELECT collection, id, state FROM records WHERE site_id = $1 AND hub_seq > $2",
                  {h.rep->site_id(), after}, 3));
    std::set<RecordKey> got;
    for (const Row& row : rows) {
      const RecordKey key{std::stoll(row[0]), row[1]};
      RELAIS_ASSIGN_OR_RETURN(common::Record hub_rec, common::DecodeRecordJson(row[2]));
      RELAIS_ASSIGN_OR_RETURN(auto mine,
                              h.rep->Get(static_cast<Collection>(key.first), key.second));
      if (!mine || !(*mine == hub_rec))
        return Status::Internal("le hub et la maison diffèrent sur " + key.second);
      got.insert(key);
    }
    return got;
  };
  // Cold links: every attempt opens a new TCP (+ TLS) connection through the
  // proxy and pays the profile's RTT for the handshakes, unless the row is
  // "kept_alive" (the connection was opened before, on a direct link).
  // adsl-flaky: every live connection is reset every 5 s on a clock that
  // starts with the sync, first cut at --cut-offset-ms.
  struct Case {
    std::string name, profile;
    int changes;
    int64_t cut_every_ms;
    bool kept_alive;
  };
  const std::vector<Case> cases = {{"edge_day", "edge", 200, 0, false},
                                   {"edge_noop", "edge", 0, 0, false},
                                   {"edge_noop_kept_alive", "edge", 0, 0, true},
                                   {"satellite_day", "satellite", 200, 0, false},
                                   {"adsl_flaky_day", "adsl-flaky", 200, 5000, false},
                                   {"adsl_flaky_week", "adsl-flaky", 1400, 5000, false}};
  for (const Case& c : cases) {
    std::cerr << "bench: lien dégradé " << c.name << "\n";
    json mix;
    const std::set<RecordKey> sent = day(c.changes, &mix);
    if (c.kept_alive && !Check(Sync(h, 1).status(), "connexion préalable")) continue;
    auto seq0 = HubMaxSeq(h.rep->site_id());
    if (!Check(seq0.status(), "hub.db")) continue;
    auto prof = *NamedProfile(c.profile);
    if (c.cut_every_ms) {
      prof.cut_every_ms = c.cut_every_ms;
      prof.cut_on_clock = true;
      prof.cut_first_ms = cfg_.cut_offset_ms;
    }
    FaultProxy& proxy = *proxies_[0];  // the edge house dials hub 0
    proxy.SetProfile(prof);
    Begin();
    int attempts = 0;
    auto r = Sync(h, 20, &attempts, 64 << 10, /*fresh=*/!c.kept_alive);
    const double secs = Now() - t0_;
    const ProxyCounters pc = SumCounters(proxies_);
    proxy.SetProfile(LinkProfile{});
    // Not timed: what reached the hub, read from hub.db.
    auto pending = h.rep->PendingCount();
    auto got = received(*seq0);
    const bool synced = Check(r.status(), "sync " + c.name) &&
                        Check(pending.status(), "en attente") && *pending == 0;
    if (r.ok() && pending.ok() && *pending != 0) Fail(c.name + ": changements non envoyés");
    const bool all_there = Check(got.status(), c.name + ": hub.db") && *got == sent;
    if (got.ok() && *got != sent)
      Fail(c.name + ": le hub a reçu " + std::to_string(got->size()) +
           " changements distincts, la maison en a fait " + std::to_string(sent.size()));
    // A sync with nothing to send moves no record either way.
    if (c.changes == 0 && r.ok() && (r->pushed != 0 || r->pulled != 0))
      Fail(c.name + ": synchro à vide qui a envoyé " + std::to_string(r->pushed) +
           " et reçu " + std::to_string(r->pulled) + " enregistrements");
    json j = {{"phase", "poor_link"}, {"case", c.name}, {"profile", c.profile},
              {"changes", c.changes}, {"changes_mix", mix},
              {"received_at_hub", got.ok() ? static_cast<int64_t>(got->size()) : -1},
              {"seconds", secs},
              {"bytes_up", pc.bytes_up - bytes0_.bytes_up},
              {"bytes_down", pc.bytes_down - bytes0_.bytes_down},
              {"round_trips", r.ok() ? r->round_trips : 0}, {"attempts", attempts},
              {"converged", synced && all_there}, {"tls", !ca_file_.empty()},
              {"errors", errors_.load()}, {"cold", !c.kept_alive},
              {"connections", pc.connections - bytes0_.connections},
              {"cuts", pc.cuts - bytes0_.cuts},
              {"store", cfg_.store}, {"hubs", cfg_.hubs}};
    if (c.changes == 0) {
      j["records_pushed"] = r.ok() ? r->pushed : -1;
      j["records_pulled"] = r.ok() ? r->pulled : -1;
    }
    if (c.cut_every_ms) j["cut_offset_ms"] = cfg_.cut_offset_ms;
    std::cout << j.dump() << std::endl;
  }
}

// Last, so that its megabytes in hub.db touch no other phase. The honest
// side is a house already in sync (through the proxy, its usual channel).
void Bench::HostilePush(int port, const std::string& token) {
  std::cerr << "bench: hostile_push (" << cfg_.hostile_seconds << " s)\n";
  House& honest = houses_.size() > 1 ? houses_[1] : houses_[0];
  // In sync before the attack, not timed.
  if (!Check(Sync(honest, 3).status(), "sync avant hostile_push")) return;
  HostileConfig hc{"127.0.0.1:" + std::to_string(port), token, "hostile-bench",
                   "HOSTILE", cfg_.hostile_seconds, cfg_.seed, ca_file_};
  json j = RunHostilePush(hc, [&]() -> Status {
    auto r = Sync(honest, 1);
    if (!r.ok()) return r.status();
    return r->pushed + r->pulled ? Status::Internal("pas une synchro à vide") : Status::OK();
  });
  // An honest no-op sync that fails during the attack is an error of the run.
  const int failed = j.value("honest_failed", 0);
  if (failed > 0) Fail("hostile_push: " + std::to_string(failed) + " synchro(s) honnête(s) en échec");
  const ProcStats h = HubStats();
  j["tls"] = !ca_file_.empty();
  j["errors"] = errors_.load();
  j["hub_rss_mb"] = h.rss_mb;
  j["hub_peak_rss_mb"] = h.peak_mb;
  j["store"] = cfg_.store;
  j["hubs"] = cfg_.hubs;
  std::cout << j.dump() << std::endl;
}

}  // namespace relais::server::bench
