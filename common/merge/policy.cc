#include "common/merge/policy.h"

#include <tuple>

namespace relais::common::policy {

// Default: the latest write by hybrid logical clock; ties broken by dot, then
// by value, so the order is total and deterministic.
bool Beats(Collection, const std::string&, const Sibling& x,
           const Sibling& y) {
  return std::tie(x.hlc, x.dot, x.value) > std::tie(y.hlc, y.dot, y.value);
}

bool Settles(Collection, const std::string&, const std::vector<Sibling>&) {
  return false;
}

}  // namespace relais::common::policy
