#include "server/hub_purge.h"

#include <map>
#include <sstream>

namespace relais::server {

Result<PurgeReport> RunHubPurge(HubStore& store, const PurgeRunOptions& options,
                                std::ostream* log) {
  PurgeReport total;
  std::map<std::string, SitePurge> sites;
  for (int run = 0; run < options.max_runs; ++run) {
    RELAIS_ASSIGN_OR_RETURN(PurgeReport r,
                            store.Purge(options.sites, options.batch, options.dry_run));
    total.purged += r.purged;
    total.released_pages += r.released_pages;
    total.compacted += r.compacted;
    total.more = r.more;
    for (const SitePurge& s : r.sites) {
      SitePurge& t = sites[s.site_id];
      t.site_id = s.site_id;
      t.horizon = s.horizon;
      t.purged += s.purged;
      t.compacted += s.compacted;
    }
    // A dry run changes nothing: running it again would count the same.
    if (!r.more || options.dry_run) break;
  }
  for (auto& [id, s] : sites) total.sites.push_back(s);
  if (log) {
    std::ostringstream line;
    line << "purge dry_run=" << (options.dry_run ? 1 : 0) << " sites=" << total.sites.size()
         << " purged=" << total.purged << " more=" << (total.more ? 1 : 0) << " horizons=";
    for (size_t i = 0; i < total.sites.size(); ++i)
      line << (i ? "," : "") << total.sites[i].site_id << ":" << total.sites[i].horizon;
    line << " compacted=" << total.compacted << " released_pages=" << total.released_pages;
    *log << line.str() << "\n" << std::flush;
  }
  return total;
}

}  // namespace relais::server
