#pragma once
// The benchmark workload: deterministic appointment records shaped like the
// PouchDB reference documents (id, site, practitioner, patient ref, start,
// duration 20, status booked, 40-character note).

#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace relais::server::bench {

using FieldMap = std::map<std::string, std::string>;
using Item = std::pair<std::string, FieldMap>;

// `n` new appointments for site number `site`, reproducible from `seed`.
std::vector<Item> MakeAppointments(int site, int n, uint64_t seed);

// Runs fn(0..n-1) on `threads` worker threads; returns the first non-empty
// error string, or "".
std::string ParallelFor(int n, int threads,
                        const std::function<std::string(int)>& fn);

}  // namespace relais::server::bench
