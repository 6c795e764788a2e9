#include "server/hub_maintenance.h"

#include "server/sqlite_hub_store.h"

namespace relais::server {

std::unique_ptr<common::NightlyCompactor> StartHubCompaction(
    HubStore* store, common::Clock* clock, const HubCompactOptions& options,
    std::function<void(const std::string&)> log) {
  auto* sqlite = dynamic_cast<SqliteHubStore*>(store);
  if (sqlite == nullptr) {
    log("base PostgreSQL : pas de compactage de nuit par relais-hub (l'autovacuum de "
        "PostgreSQL s'en charge)");
    return nullptr;
  }
  if (!options.enabled) {
    log("compactage de nuit de la base désactivé (--no-compact) ; « relais-hub compact --db » "
        "reste possible");
    return nullptr;
  }
  Result<int64_t> last = sqlite->LastCompactionMs();
  if (!last.ok()) log("dernier compactage illisible : " + last.status().ToString());
  common::NightlyCompactorOptions o;
  o.window = options.window;
  o.idle_ms = 0;
  o.poll_ms = options.poll_ms;
  o.name = "base du hub";
  auto job = [sqlite, clock] { return sqlite->CompactUnderLock(clock); };
  auto c = std::make_unique<common::NightlyCompactor>(job, clock, o, last.ok() ? *last : 0, log);
  c->Start();
  log("compactage de nuit de la base entre " + common::FormatCompactWindow(options.window) +
      " (heure locale)");
  return c;
}

}  // namespace relais::server
