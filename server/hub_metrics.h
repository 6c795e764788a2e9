#pragma once
// HubMetrics: the hub's sync counters and latency histograms, and their
// Prometheus text exposition (format 0.0.4), served on the admin listener's
// /metrics (server/report/admin_server.h).
//
// Families (all prefixed relais_hub_, every series labelled
// store="<store_kind>", "sqlite" or "postgresql"):
//   syncs_total                    counter   Sync calls answered, refused ones included
//   sync_errors_total{code}        counter   calls that ended with a gRPC error, one
//                                            series per code seen ("unavailable", ...)
//   records_pushed_total           counter   records received in accepted calls
//   records_pulled_total           counter   records sent back in accepted calls
//   push_parts_ignored_total       counter   pushed parts not taken (merge/accept.h)
//   sync_bytes_total               counter   protobuf bytes in and out (before gzip)
//   sync_seconds                   histogram a whole call, from the handler's start to
//                                            the response being ready (refusals included)
//   store_push_seconds             histogram time in HubStore::Push
//   store_pull_seconds             histogram time in HubStore::Pull
//   replica_last_sync_seconds{replica} gauge last successful sync of a replica seen
//                                            by THIS hub process (Unix seconds)
// With several hubs over one database each process exposes its own counts:
// sum them across instances (the `instance` label Prometheus adds).
//
// Thread safety: every Record*/Observe is safe from any thread. Counters and
// histogram buckets are relaxed atomics (no lock on the sync path); only the
// per-replica gauge takes a mutex, once per successful call. Render() reads a
// moment-in-time view: a histogram's +Inf bucket always equals its _count
// (both come from the same bucket reads); _sum may lag by the calls in flight.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace relais::server {

// A latency histogram with fixed buckets from 0.5 ms to 10 s.
class LatencyHistogram {
 public:
  // Bucket upper bounds ("le"), ascending; a last +Inf bucket is implied.
  static constexpr std::array<int64_t, 14> kBoundsNs = {
      500'000,     1'000'000,   2'500'000,     5'000'000,     10'000'000,
      25'000'000,  50'000'000,  100'000'000,   250'000'000,   500'000'000,
      1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000};
  static constexpr size_t kBuckets = kBoundsNs.size() + 1;

  // Counts one observation; a negative duration counts as 0. Lock-free.
  void Observe(std::chrono::nanoseconds d);

  struct Snapshot {
    std::array<uint64_t, kBuckets> cumulative{};  // [i] = observations <= bound i
    uint64_t count = 0;                           // == cumulative.back()
    double sum_seconds = 0;
  };
  Snapshot Read() const;

 private:
  std::array<std::atomic<uint64_t>, kBuckets> buckets_{};  // NOT cumulative
  std::atomic<uint64_t> sum_ns_{0};
};

class HubMetrics {
 public:
  // `store_kind` becomes the store="..." label of every series (escaped).
  explicit HubMetrics(std::string store_kind);

  // One call ended with gRPC status `code` (0 = OK; a value outside 0..16 is
  // counted as "unknown") after `elapsed`: syncs_total, sync_seconds and,
  // unless OK, sync_errors_total{code}.
  void RecordCall(int code, std::chrono::nanoseconds elapsed);
  // The content of an accepted call; `replica_id` was validated (1-64 of
  // [A-Za-z0-9._-]) and is escaped anyway.
  void RecordAccepted(const std::string& replica_id, int64_t now_ms,
                      int64_t pushed, int64_t pulled, int64_t ignored);
  void AddBytes(int64_t bytes);

  LatencyHistogram& store_push() { return store_push_; }
  LatencyHistogram& store_pull() { return store_pull_; }

  // The whole exposition, each family with one HELP and one TYPE line.
  std::string Render() const;

  // "ok", "cancelled", ..., "unauthenticated": gRPC's code names in lower case.
  static const char* CodeName(int code);

 private:
  static constexpr int kCodes = 17;  // grpc::StatusCode 0..16
  const std::string store_label_;    // `store="..."`, escaped once
  std::atomic<uint64_t> syncs_{0}, pushed_{0}, pulled_{0}, ignored_{0}, bytes_{0};
  std::array<std::atomic<uint64_t>, kCodes> errors_{};
  LatencyHistogram sync_, store_push_, store_pull_;
  mutable std::mutex seen_mu_;
  std::map<std::string, int64_t> last_seen_ms_;  // guarded by seen_mu_
};

// Measures one store call into `h` (RAII): the time from construction to
// destruction.
class ScopedObserve {
 public:
  explicit ScopedObserve(LatencyHistogram& h)
      : h_(h), start_(std::chrono::steady_clock::now()) {}
  ~ScopedObserve() { h_.Observe(std::chrono::steady_clock::now() - start_); }
  ScopedObserve(const ScopedObserve&) = delete;
  ScopedObserve& operator=(const ScopedObserve&) = delete;

 private:
  LatencyHistogram& h_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace relais::server
