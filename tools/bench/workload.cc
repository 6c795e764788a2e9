#include "tools/bench/workload.h"

#include <atomic>
#include <mutex>
#include <thread>

namespace relais::server::bench {

std::vector<Item> MakeAppointments(int site, int n, uint64_t seed) {
  std::mt19937_64 rng(seed * 1000003 + static_cast<uint64_t>(site));
  static const char kAlnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  auto text = [&](int len) {
    std::string s;
    for (int i = 0; i < len; ++i) s += kAlnum[rng() % 36];
    return s;
  };
  std::vector<Item> out;
  out.reserve(static_cast<size_t>(n));
  const int64_t day0 = 1795000000;  // 2026-11-19
  for (int i = 0; i < n; ++i) {
    FieldMap f = {
        {"practitioner", "p" + std::to_string(site) + "-" + std::to_string(rng() % 5)},
        {"patient_ref", "pat-" + text(10)},
        {"start", std::to_string(day0 + static_cast<int64_t>(rng() % 60) * 86400 +
                                 static_cast<int64_t>(rng() % 40) * 900)},
        {"duration", "20"},
        {"status", "booked"},
        {"note", text(40)}};
    out.emplace_back("rdv-" + std::to_string(site) + "-" + std::to_string(i), std::move(f));
  }
  return out;
}

std::string ParallelFor(int n, int threads,
                        const std::function<std::string(int)>& fn) {
  std::atomic<int> next{0};
  std::mutex mu;
  std::string first_error;
  std::vector<std::thread> pool;
  for (int t = 0; t < std::max(1, std::min(threads, n)); ++t) {
    pool.emplace_back([&] {
      for (int i; (i = next++) < n;) {
        std::string err = fn(i);
        if (!err.empty()) {
          std::lock_guard<std::mutex> l(mu);
          if (first_error.empty()) first_error = err;
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  return first_error;
}

}  // namespace relais::server::bench
