#pragma once
// Domain merge policies: how concurrent values of one field are ranked, and
// when such a conflict is settled without staff. Pure functions of the
// sibling set, so every replica reaches the same answer.

#include <string>
#include <vector>

#include "common/model/record.h"

namespace relais::common::policy {

// True if `x` should be shown instead of `y` for this field.
bool Beats(Collection c, const std::string& field, const Sibling& x,
           const Sibling& y);

// True if the concurrent values need no human decision.
bool Settles(Collection c, const std::string& field,
             const std::vector<Sibling>& siblings);

}  // namespace relais::common::policy
