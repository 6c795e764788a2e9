#include "kiosk/peer_sync.h"

#include <memory>

#include "common/peer/avahi_discovery.h"
#include "common/peer/peer_client.h"
#include "common/peer/peer_discover.h"
#include "common/peer/peer_tls.h"
#include "common/replica/replica.h"

namespace relais::kiosk {

namespace {

common::Status SyncDiscovered(common::Replica& rep, const peer::PeerTls& tls,
                              const PeerWorkerConfig& config, common::SyncCounts* c) {
  auto browser = peer::MakeAvahiBrowser();
  peer::DiscoverSyncOptions o;
  o.sync.deadline_ms = config.deadline_ms;
  RELAIS_ASSIGN_OR_RETURN(peer::DiscoverReport r, peer::DiscoverAndSync(rep, tls, *browser, o));
  *c = common::SyncCounts{0, 0, 0};
  common::Status first_error;
  for (const peer::DiscoveredSync& s : r.syncs) {
    if (!s.status.ok()) {
      if (first_error.ok()) first_error = s.status;
      continue;
    }
    *c = common::SyncCounts{c->pushed + s.report.sent, c->pulled + s.report.received,
                            c->conflicts + s.report.set_aside};
  }
  return r.succeeded() > 0 ? common::Status::OK() : first_error;
}

}  // namespace

common::SyncWorker::SyncFn MakePeerSyncFn(const PeerWorkerConfig& config) {
  struct Held {
    std::unique_ptr<common::Replica> rep;
    std::unique_ptr<peer::PeerTls> tls;
  };
  auto held = std::make_shared<Held>();
  return [config, held](common::SyncCounts* c) -> common::Status {
    if (!held->rep) {
      RELAIS_ASSIGN_OR_RETURN(held->rep, common::Replica::Open(config.db));
    }
    if (common::Status bad = held->rep->store()->db()->QuickCheck(); !bad.ok())
      return common::Status::DataLoss("réplique endommagée : lancez relais repair --db " +
                                      config.db);
    if (!held->tls) {
      RELAIS_ASSIGN_OR_RETURN(peer::PeerTls tls,
                              peer::LoadPeerTls(config.pki_dir, config.db, *held->rep));
      held->tls = std::make_unique<peer::PeerTls>(std::move(tls));
    }
    if (config.peer == "auto") return SyncDiscovered(*held->rep, *held->tls, config, c);
    peer::PeerSyncOptions o;
    o.peer = config.peer;
    o.deadline_ms = config.deadline_ms;
    RELAIS_ASSIGN_OR_RETURN(peer::PeerSyncReport r, peer::PeerSyncOnce(*held->rep, *held->tls, o));
    *c = common::SyncCounts{r.sent, r.received, r.set_aside};
    return common::Status::OK();
  };
}

common::SyncWorkerOptions PeerWorkerOptions(int64_t interval_ms) {
  common::SyncWorkerOptions o;
  o.interval_ms = interval_ms;
  o.min_backoff_ms = 1'000;
  o.max_backoff_ms = 60'000;
  return o;
}

}  // namespace relais::kiosk
