#pragma once
// The `--hub` argument of `relais sync`, `relais repair` and the kiosk: one
// hub address or a comma-separated list of them (several hubs over one
// database, docs/protocol.md "Plusieurs hubs").
//
// Grammar (strict; nothing is trimmed or guessed):
//   list  = item *( "," item )          1 to kMaxHubs items, no duplicate
//   item  = host ":" port
//   host  = name | "[" ipv6 "]"         name: letters, digits, '.', '-'
//                                       (not first), 1..253 characters
//   port  = 1*5DIGIT                    value 1..65535
// The whole string is at most kMaxHubListChars characters.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/util/status.h"

namespace relais::sync {

inline constexpr size_t kMaxHubs = 8;
inline constexpr size_t kMaxHubListChars = 2048;

// The addresses of `spec` in their order, or INVALID_ARGUMENT with a French
// message naming the first bad item (quoted, cut to a few dozen printable
// characters). Pure: no name resolution, no connection.
common::Result<std::vector<std::string>> ParseHubList(std::string_view spec);

}  // namespace relais::sync
