#include "common/sync/failover.h"

#include <algorithm>

#include "common/net/address.h"
#include "common/sync/hub_list.h"

namespace relais::sync {

using common::Result;
using common::Status;
using common::StatusCode;

bool IsFailoverCode(StatusCode code) {
  return code == StatusCode::kUnavailable || code == StatusCode::kDeadlineExceeded;
}

std::vector<std::string> HubOrder(const std::vector<std::string>& hubs,
                                  const std::string& last_hub) {
  std::vector<std::string> order;
  order.reserve(hubs.size());
  const bool known =
      !last_hub.empty() && std::find(hubs.begin(), hubs.end(), last_hub) != hubs.end();
  if (known) order.push_back(last_hub);
  for (const std::string& h : hubs)
    if (!known || h != last_hub) order.push_back(h);
  return order;
}

Result<LastHub> ReadLastHub(common::ReplicaStore& store) {
  LastHub last;
  RELAIS_ASSIGN_OR_RETURN(last.hub, store.GetMeta(kLastHubMeta));
  RELAIS_ASSIGN_OR_RETURN(uint64_t ms, store.GetMetaInt(kLastHubMsMeta));
  last.at_ms = static_cast<int64_t>(ms);
  return last;
}

namespace {

// The hubs of `o`, checked as a programmer's (or a file's) input: the CLI
// and the kiosk have already parsed them with ParseHubList.
Result<std::vector<std::string>> CheckedHubs(const SyncOptions& o) {
  std::vector<std::string> hubs = o.hubs;
  if (hubs.empty() && !o.hub.empty()) hubs.push_back(o.hub);
  if (hubs.empty()) return Status::InvalidArgument("adresse du hub manquante");
  if (!o.http_hubs.empty() && o.http_hubs.size() != hubs.size())
    return Status::InvalidArgument(
        "--http-hub: une adresse HTTP par hub, dans le même ordre (" +
        std::to_string(hubs.size()) + " hub(s), " + std::to_string(o.http_hubs.size()) +
        " adresse(s) HTTP)");
  if (hubs.size() > kMaxHubs)
    return Status::InvalidArgument("trop de hubs (au plus " + std::to_string(kMaxHubs) + ")");
  for (size_t i = 0; i < hubs.size(); ++i) {
    if (hubs[i].empty()) return Status::InvalidArgument("adresse du hub manquante");
    if (std::find(hubs.begin() + static_cast<std::ptrdiff_t>(i) + 1, hubs.end(), hubs[i]) !=
        hubs.end())
      return Status::InvalidArgument("hub en double: " + hubs[i]);
    // Refuse plain text for the whole list up front, rather than after the
    // loopback hubs of the list went down.
    if (o.ca_file.empty() && !net::IsLoopbackAddress(hubs[i]))
      return Status::InvalidArgument("connexion en clair refusée vers " + hubs[i] +
                                     ": donnez --ca (certificat de l'autorité du hub)");
  }
  return hubs;
}

// One hub's failure for the summary, bounded in length.
std::string Cut(const std::string& s) {
  return s.size() <= 200 ? s : s.substr(0, 200) + "…";
}

}  // namespace

Result<FailoverReport> SyncWithFailover(common::Replica& replica, const SyncOptions& options) {
  RELAIS_ASSIGN_OR_RETURN(std::vector<std::string> hubs, CheckedHubs(options));
  common::ReplicaStore* store = replica.store();
  RELAIS_ASSIGN_OR_RETURN(LastHub last, ReadLastHub(*store));
  FailoverReport report;
  std::string failures;
  Status last_error;
  for (const std::string& hub : HubOrder(hubs, last.hub)) {
    SyncOptions one = options;
    one.hub = hub;
    one.hubs.clear();
    // The hub's HTTP endpoint, paired by position (sync_client.h).
    if (!options.http_hubs.empty()) {
      const std::vector<std::string>& all = options.hubs.empty() ? hubs : options.hubs;
      const size_t at = static_cast<size_t>(std::find(all.begin(), all.end(), hub) - all.begin());
      one.http_hub = at < options.http_hubs.size() ? options.http_hubs[at] : std::string();
    }
    one.http_hubs.clear();
    report.tried.push_back(hub);
    Result<SyncReport> r = SyncOnce(replica, one);
    if (r.ok()) {
      report.sync = *r;
      report.hub = hub;
      // Best effort, like SyncOnce's own status meta: the session succeeded
      // and a full disk must not turn it into a failure.
      common::Transaction tx(store->db());
      (void)store->SetMeta(kLastHubMeta, hub);
      (void)store->SetMeta(kLastHubMsMeta, std::to_string(replica.clock()->NowMillis()));
      (void)tx.Commit();
      return report;
    }
    if (!IsFailoverCode(r.status().code())) return r.status();
    last_error = r.status();
    failures += (failures.empty() ? "" : "; ") + hub + ": " + Cut(r.status().message());
  }
  if (hubs.size() == 1) return last_error;
  return Status::Unavailable("aucun hub joignable (" + std::to_string(hubs.size()) +
                             " essayés: " + failures + ")");
}

}  // namespace relais::sync
