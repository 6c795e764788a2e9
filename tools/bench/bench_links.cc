// relais-bench's last phases: poor links through the fault proxy (cold
// connections, adsl-flaky cuts on a global clock) and hostile_push.
#include <iostream>
#include <random>

#include "tools/bench/bench.h"
#include "tools/bench/hostile_push.h"
#include "tools/bench/workload.h"

namespace relais::server::bench {

using common::Collection;

void Bench::PoorLink() {
  House& h = houses_[0];
  const int base = std::min(2000, cfg_.records);
  Check(h.rep->AddPractitioner("p1", "Dr Martin", "medecin"), "praticien");
  Check(h.rep->WriteBatch(Collection::kAppointment, MakeAppointments(999, base, cfg_.seed))
            .status(), "écriture");
  // The house is in sync before its day offline.
  if (!Check(Sync(h, 3).status(), "sync edge")) return;
  std::mt19937_64 rng(cfg_.seed);
  auto day = [&](int changes) {
    const int news = changes / 5, ledger = std::max(1, changes / 20),
              presence = changes / 10;
    for (int k = 0; k < news; ++k) {
      common::NewAppointment a;
      a.practitioner = "p1";
      a.patient_name = "Patient " + std::to_string(rng() % 1000);
      a.start = 1795500000 + static_cast<int64_t>(rng() % 2000) * 900;
      Check(h.rep->AddAppointment(a).status(), "rendez-vous");
    }
    for (int k = 0; k < ledger; ++k)
      Check(h.rep->AddLedgerEntry({static_cast<int64_t>(1 + rng() % 50000), "fournitures",
                                   "p1", "equal", "achat", "2026-11", ""}).status(),
            "dépense");
    for (int k = 0; k < presence; ++k)
      Check(h.rep->SetPresence("p1", "2026-11-" + std::to_string(10 + k % 18),
                               k % 2 ? "am" : "pm", "present", "", "1"), "présence");
    for (int k = 0; k < changes - news - ledger - presence; ++k)
      Check(h.rep->Write(Collection::kAppointment, "rdv-999-" + std::to_string(rng() % base),
                         {{"status", "checked_in"}}).status(), "écriture");
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
    day(c.changes);
    if (c.kept_alive && !Check(Sync(h, 1).status(), "connexion préalable")) continue;
    auto prof = *NamedProfile(c.profile);
    if (c.cut_every_ms) {
      prof.cut_every_ms = c.cut_every_ms;
      prof.cut_on_clock = true;
      prof.cut_first_ms = cfg_.cut_offset_ms;
    }
    proxy_->SetProfile(prof);
    Begin();
    int attempts = 0;
    auto r = Sync(h, 20, &attempts, 64 << 10, /*fresh=*/!c.kept_alive);
    const double secs = Now() - t0_;
    const ProxyCounters pc = proxy_->counters();
    auto pending = h.rep->PendingCount();
    const bool done = Check(r.status(), "sync " + c.name) &&
                      Check(pending.status(), "en attente") && *pending == 0;
    if (r.ok() && pending.ok() && *pending != 0) Fail(c.name + ": changements non envoyés");
    json j = {{"phase", "poor_link"}, {"case", c.name}, {"profile", c.profile},
              {"changes", c.changes}, {"seconds", secs},
              {"bytes_up", pc.bytes_up - bytes0_.bytes_up},
              {"bytes_down", pc.bytes_down - bytes0_.bytes_down},
              {"round_trips", r.ok() ? r->round_trips : 0}, {"attempts", attempts},
              {"converged", done}, {"tls", !ca_file_.empty()}, {"errors", errors_.load()},
              {"cold", !c.kept_alive},
              {"connections", pc.connections - bytes0_.connections},
              {"cuts", pc.cuts - bytes0_.cuts}};
    if (c.cut_every_ms) j["cut_offset_ms"] = cfg_.cut_offset_ms;
    std::cout << j.dump() << std::endl;
    proxy_->SetProfile(LinkProfile{});
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
  const ProcStats h = hub_.Stats();
  j["tls"] = !ca_file_.empty();
  j["errors"] = errors_.load();
  j["hub_rss_mb"] = h.rss_mb;
  j["hub_peak_rss_mb"] = h.peak_mb;
  std::cout << j.dump() << std::endl;
}

}  // namespace relais::server::bench
