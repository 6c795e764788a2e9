#include "common/peer/peer_discover.h"

namespace relais::peer {

using common::Result;
using common::Status;

int DiscoverReport::succeeded() const {
  int n = 0;
  for (const DiscoveredSync& s : syncs) n += s.status.ok();
  return n;
}

PeerAnnouncement OwnAnnouncement(const common::Replica& replica) {
  PeerAnnouncement a;
  a.org = replica.org_id();
  a.replica_id = replica.replica_id();
  a.site = replica.scope().empty() ? replica.org_id() : replica.scope().front();
  return a;
}

Result<DiscoverReport> DiscoverAndSync(common::Replica& replica, const PeerTls& tls,
                                       PeerBrowser& browser, const DiscoverSyncOptions& options) {
  RELAIS_ASSIGN_OR_RETURN(std::vector<DiscoveredService> found, browser.Browse());
  const PeerAnnouncement own = OwnAnnouncement(replica);
  SelectionPolicy policy;
  policy.org = own.org;
  policy.own_replica_id = own.replica_id;
  policy.home_site = own.site;
  policy.max_candidates = options.max_candidates;
  DiscoverReport report;
  report.selection = SelectPeers(found, policy);
  if (report.selection.candidates.empty())
    return Status::NotFound("aucun pair de l'organisation « " + own.org +
                            " » annoncé sur le réseau local (" + std::to_string(found.size()) +
                            " service(s) _relais._tcp vu(s)); donnez --peer HÔTE:PORT");
  for (const PeerCandidate& c : report.selection.candidates) {
    DiscoveredSync out;
    out.replica_id = c.replica_id;
    for (const std::string& target : c.targets) {
      PeerSyncOptions o = options.sync;
      o.peer = target;
      out.target = target;
      auto r = PeerSyncOnce(replica, tls, o);
      out.status = r.status();
      if (r.ok()) {
        out.report = *r;
        break;
      }
    }
    report.syncs.push_back(std::move(out));
  }
  return report;
}

}  // namespace relais::peer
