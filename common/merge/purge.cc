#include "common/merge/purge.h"

#include <algorithm>

namespace relais::common {

bool IsPurgeableTombstone(const Record& r) {
  auto it = r.fields.find(kDeletedField);
  return it != r.fields.end() && it->second.size() == 1 && it->second[0].value == "1";
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

}  // namespace relais::common
