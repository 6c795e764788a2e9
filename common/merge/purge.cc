#include "common/merge/purge.h"

#include <algorithm>

namespace relais::common {

bool IsPurgeableTombstone(const Record& r) {
  auto it = r.fields.find(kDeletedField);
  return it != r.fields.end() && it->second.size() == 1 && it->second[0].value == "1";
}

bool RevivesSettledTombstone(const Record& before,
                             const std::map<std::string, std::string>& changes) {
  auto it = changes.find(kDeletedField);
  return it != changes.end() && it->second != "1" && IsPurgeableTombstone(before);
}

bool MayBeTombstoneJson(const std::string& state_json) {
  return state_json.find(std::string("\"") + kDeletedField + "\"") != std::string::npos;
}

uint64_t StabilityHorizon(const std::map<std::string, uint64_t>& acks,
                          uint64_t last_seq, uint64_t previous) {
  uint64_t h = last_seq;
  for (const auto& [replica, cursor] : acks) h = std::min(h, cursor);
  return std::max(h, previous);
}

uint64_t SiteHorizon(const std::map<std::string, std::vector<std::string>>& live,
                     const std::map<std::string, uint64_t>& acks,
                     const std::map<std::string, uint64_t>& previous,
                     const std::string& site, uint64_t last_seq) {
  std::map<std::string, uint64_t> site_acks;
  for (const auto& [replica, held] : live) {
    if (!std::binary_search(held.begin(), held.end(), site)) continue;
    auto a = acks.find(replica);
    site_acks[replica] = a == acks.end() ? 0 : a->second;
  }
  auto p = previous.find(site);
  return StabilityHorizon(site_acks, last_seq, p == previous.end() ? 0 : p->second);
}

}  // namespace relais::common
