// relais-bootstrap-bench: how long a new kiosk takes to hold its site.
//   A. full pull: `relais init` then `relais sync` through the link;
//   B. `relais-hub snapshot` (at the hub), the file carried to the kiosk,
//      `relais init --from-snapshot`, then `relais sync` catching up the
//      changes made after the snapshot, through the same link.
// A real relais-hub process on 127.0.0.1, the in-process fault proxy with a
// named profile in front of it. Prints one JSON line {"bench":"bootstrap",…};
// exit 0 only if both replicas end with the same records.
//   relais-bootstrap-bench [--records 40000] [--catchup 200] [--profile edge]
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "common/replica/replica.h"
#include "common/snapshot/bootstrap.h"
#include "common/sync/sync_client.h"
#include "server/hub_snapshot.h"
#include "server/hub_store_open.h"
#include "server/token.h"
#include "tools/bench/hub_process.h"
#include "tools/bench/workload.h"
#include "tools/faultproxy/fault_proxy.h"

namespace relais::server::bench {

using relais::sync::SyncOptions;
using relais::sync::SyncOnce;
namespace {

using common::Status;

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int Die(const std::string& what, const Status& s) {
  std::cerr << "bootstrap-bench: " << what << ": " << s.ToString() << "\n";
  return 1;
}

struct Args {
  int records = 40000;
  int catchup = 200;
  std::string profile = "edge";
  std::string workdir;
};

}  // namespace

int Run(const Args& a) {
  namespace fs = std::filesystem;
  const std::string dir = a.workdir.empty()
      ? (fs::temp_directory_path() / ("relais-bootstrap-" + std::to_string(::getpid()))).string()
      : a.workdir;
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string hub_db = dir + "/hub.db";
  std::string tokens[3];
  {
    auto store = OpenHubStore(StoreChoice{hub_db, ""}, true);
    if (!store.ok()) return Die("hub", store.status());
    for (int i = 0; i < 3; ++i) {
      auto t = GenerateToken();
      if (!t.ok()) return Die("jeton", t.status());
      tokens[i] = *t;
      TokenInfo info;
      info.token_hash = HashToken(*t);
      info.sites = {"S1"};
      if (Status s = (*store)->AddToken(info); !s.ok()) return Die("jeton", s);
    }
  }
  HubProcess hub;
  const int port = FreePort();
  if (Status s = hub.Start(RELAIS_HUB_BIN, hub_db, port, dir + "/hub.log"); !s.ok())
    return Die("relais-hub", s);
  const std::string direct = "127.0.0.1:" + std::to_string(port);
  auto options = [&](int who, const std::string& addr) {
    SyncOptions o;
    o.hub = addr;
    o.token = tokens[who];
    o.deadline_ms = 300000;
    o.fresh_channel = true;
    return o;
  };

  // The house that already works: its site's records, synced directly.
  if (auto id = common::Replica::Init(dir + "/house.db", "S1"); !id.ok())
    return Die("init", id.status());
  auto house = common::Replica::Open(dir + "/house.db");
  if (!house.ok()) return Die("ouverture", house.status());
  auto write = [&](int site_no, int n) -> Status {
    auto items = MakeAppointments(site_no, n, 1);
    for (size_t i = 0; i < items.size(); i += 2000) {
      std::vector<Item> chunk(items.begin() + static_cast<long>(i),
                              items.begin() + static_cast<long>(std::min(items.size(), i + 2000)));
      RELAIS_RETURN_IF_ERROR((*house)->WriteBatch(common::Collection::kAppointment, chunk).status());
    }
    return SyncOnce(**house, options(0, direct)).status();
  };
  if (Status s = write(1, a.records); !s.ok()) return Die("données", s);

  // A: the snapshot at the hub (the real command), then the day's changes.
  double t0 = Now();
  const std::string snap_file = dir + "/s1.snap", key = dir + "/hub-sign.key";
  const std::string cmd = std::string(RELAIS_HUB_BIN) + " snapshot --db '" + hub_db +
                          "' --site S1 --out '" + snap_file + "' --key '" + key + "' >/dev/null";
  if (std::system(cmd.c_str()) != 0)
    return Die("relais-hub snapshot", Status::Internal(cmd));
  const double snapshot_write_s = Now() - t0;
  if (Status s = write(2, a.catchup); !s.ok()) return Die("changements", s);

  auto profile = NamedProfile(a.profile);
  if (!profile.ok()) return Die("profil", profile.status());
  FaultProxy proxy(direct, *profile);
  auto pport = proxy.Start();
  if (!pport.ok()) return Die("proxy", pport.status());
  const std::string link = "127.0.0.1:" + std::to_string(*pport);
  auto bytes = [&] { auto c = proxy.counters(); return c.bytes_up + c.bytes_down; };

  // Full pull through the link.
  if (auto id = common::Replica::Init(dir + "/full.db", "S1"); !id.ok())
    return Die("init", id.status());
  auto full = common::Replica::Open(dir + "/full.db");
  if (!full.ok()) return Die("ouverture", full.status());
  t0 = Now();
  int64_t b0 = bytes();
  auto full_sync = SyncOnce(**full, options(1, link));
  if (!full_sync.ok()) return Die("sync complète", full_sync.status());
  const double full_s = Now() - t0;
  const int64_t full_bytes = bytes() - b0;

  // Snapshot + catch-up through the same link.
  auto signing = common::snapshot::LoadOrCreateSigningKey(key);
  if (!signing.ok()) return Die("clé", signing.status());
  common::snapshot::BootstrapRequest req;
  req.db_path = dir + "/kiosk.db";
  req.site = "S1";
  req.snapshot_path = snap_file;
  req.hub_key = signing->pub;
  t0 = Now();
  auto loaded = common::snapshot::InitFromSnapshot(req);
  if (!loaded.ok()) return Die("init --from-snapshot", loaded.status());
  const double load_s = Now() - t0;
  auto kiosk = common::Replica::Open(req.db_path);
  if (!kiosk.ok()) return Die("ouverture", kiosk.status());
  t0 = Now();
  b0 = bytes();
  auto catchup = SyncOnce(**kiosk, options(2, link));
  if (!catchup.ok()) return Die("rattrapage", catchup.status());
  const double catchup_s = Now() - t0;
  const int64_t catchup_bytes = bytes() - b0;

  auto all_full = (*full)->store()->ListAll();
  auto all_kiosk = (*kiosk)->store()->ListAll();
  const bool equal = all_full.ok() && all_kiosk.ok() && *all_full == *all_kiosk;
  const auto snap_bytes = static_cast<int64_t>(fs::file_size(snap_file));
  std::cout << "{\"bench\":\"bootstrap\",\"profile\":\"" << a.profile
            << "\",\"records\":" << loaded->records << ",\"catchup_changes\":" << a.catchup
            << ",\"full_pull_s\":" << full_s << ",\"full_pull_bytes\":" << full_bytes
            << ",\"full_pull_round_trips\":" << full_sync->round_trips
            << ",\"snapshot_write_s\":" << snapshot_write_s
            << ",\"snapshot_file_bytes\":" << snap_bytes << ",\"snapshot_load_s\":" << load_s
            << ",\"catchup_s\":" << catchup_s << ",\"catchup_bytes\":" << catchup_bytes
            << ",\"catchup_pulled\":" << catchup->pulled
            << ",\"speedup_on_link\":" << (catchup_s > 0 ? full_s / catchup_s : 0)
            << ",\"same_records\":" << (equal ? "true" : "false") << "}" << std::endl;
  hub.Stop();
  if (a.workdir.empty()) fs::remove_all(dir);
  return equal && catchup->pulled == a.catchup ? 0 : 3;
}

}  // namespace relais::server::bench

int main(int argc, char** argv) {
  relais::server::bench::Args a;
  CLI::App app{"relais-bootstrap-bench: nouvelle borne, synchronisation complète ou instantané"};
  app.add_option("--records", a.records, "Rendez-vous du site")->check(CLI::Range(1, 200000));
  app.add_option("--catchup", a.catchup, "Changements après l'instantané")
      ->check(CLI::Range(0, 20000));
  app.add_option("--profile", a.profile, "Profil de lien (direct, edge, satellite, …)");
  app.add_option("--workdir", a.workdir, "Répertoire de travail (gardé)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // bad arguments: exit 2, nothing run
  }
  return relais::server::bench::Run(a);
}
