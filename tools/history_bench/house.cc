#include "tools/history_bench/house.h"

#include <filesystem>

namespace relais::histbench {

using common::Status;

const char* WhoName(int who) {
  switch (who) {
    case kKiosk: return "kiosk";
    case kSecretariat: return "secretariat";
    case kLaptop: return "laptop";
  }
  return "?";
}

Status SimHouse::Start(const std::string& hub_file, const std::vector<std::string>& names,
                       uint64_t seed, bool auto_purge) {
  hub_file_ = hub_file;
  if (std::filesystem::exists(dir_ + "/ca.pem")) {
    tls_ = server::bench::TlsFiles{dir_ + "/ca.pem", dir_ + "/hub.pem", dir_ + "/hub.key"};
  } else {
    auto tls = server::bench::MakeTlsFiles(dir_);
    if (!tls.ok()) return tls.status();
    tls_ = *tls;
  }
  RELAIS_RETURN_IF_ERROR(
      hub_.Start(hub_path(), dir_ + "/" + hub_file + ".log", tls_, kSite, names, clock_,
                 auto_purge));
  for (size_t i = 0; i < names.size(); ++i) {
    HouseReplica h;
    h.name = names[i];
    h.path = dir_ + "/" + names[i] + ".db";
    auto id = common::Replica::Init(h.path, kSite);
    if (!id.ok()) return id.status().WithContext("init " + h.name);
    auto r = common::Replica::Open(h.path, clock_);
    if (!r.ok()) return r.status().WithContext("ouverture " + h.name);
    h.replica = std::move(r).value();
    h.replica->SeedForTest(seed + i);
    replicas_.push_back(std::move(h));
  }
  return Status::OK();
}

Status SimHouse::Sync(int i, sync::SyncReport* report) {
  HouseReplica& h = replicas_.at(static_cast<size_t>(i));
  sync::SyncOptions o;
  o.hub = hub_.address();
  o.token = hub_.token(h.name);
  o.ca_file = tls_.ca_pem;
  o.deadline_ms = 120000;
  o.channel_key = channel_tag_ + "/" + h.name;
  auto rep = sync::SyncOnce(*h.replica, o);
  if (!rep.ok()) return rep.status().WithContext("synchronisation de " + h.name);
  ++syncs_;
  sync_bytes_ += rep->bytes;
  round_trips_ += rep->round_trips;
  if (report) *report = *rep;
  return Status::OK();
}

Status SimHouse::SyncUntilQuiet(int max_passes) {
  for (int pass = 0; pass < max_passes; ++pass) {
    bool moved = false;
    for (size_t i = 0; i < replicas_.size(); ++i) {
      // A sync that moved the site's purge horizon (this replica's
      // acknowledgement was the last one missing) lets the hub purge
      // tombstones that the replicas synced earlier in the pass still hold:
      // they drop them at their next sync (docs/sync-model.md §11). So a
      // new horizon, or a purge, is movement too.
      sync::SyncReport rep;
      RELAIS_RETURN_IF_ERROR(Sync(static_cast<int>(i), &rep));
      moved = moved || rep.pushed > 0 || rep.pulled > 0 || rep.purged > 0 ||
              rep.horizons_moved;
    }
    if (!moved) return Status::OK();
  }
  return Status::Aborted("les répliques ne convergent pas après " +
                         std::to_string(max_passes) + " passes de synchronisation");
}

void SimHouse::Close() {
  for (HouseReplica& h : replicas_) h.replica.reset();
  hub_.Stop();
}

}  // namespace relais::histbench
