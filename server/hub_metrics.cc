#include "server/hub_metrics.h"

#include <cstdio>
#include <sstream>

#include "server/wire_limits.h"

namespace relais::server {

namespace {

// The bounds of LatencyHistogram::kBoundsNs as Prometheus writes them.
constexpr std::array<const char*, LatencyHistogram::kBuckets> kLe = {
    "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
    "0.25",   "0.5",   "1",      "2.5",   "5",    "10",    "+Inf"};

constexpr std::array<const char*, 17> kCodeNames = {
    "ok",        "cancelled",          "unknown",           "invalid_argument",
    "deadline_exceeded", "not_found",  "already_exists",    "permission_denied",
    "resource_exhausted", "failed_precondition", "aborted", "out_of_range",
    "unimplemented", "internal",       "unavailable",       "data_loss",
    "unauthenticated"};

uint64_t Load(const std::atomic<uint64_t>& a) {
  return a.load(std::memory_order_relaxed);
}

void Family(std::ostringstream& out, const char* name, const char* type,
            const char* help) {
  out << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type
      << "\n";
}

}  // namespace

void LatencyHistogram::Observe(std::chrono::nanoseconds d) {
  const int64_t ns = d.count() < 0 ? 0 : d.count();
  size_t i = 0;
  while (i < kBoundsNs.size() && ns > kBoundsNs[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(ns), std::memory_order_relaxed);
}

LatencyHistogram::Snapshot LatencyHistogram::Read() const {
  Snapshot s;
  uint64_t running = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    running += Load(buckets_[i]);
    s.cumulative[i] = running;
  }
  s.count = running;
  s.sum_seconds = static_cast<double>(Load(sum_ns_)) / 1e9;
  return s;
}

HubMetrics::HubMetrics(std::string store_kind)
    : store_label_("store=\"" + EscapePromLabel(store_kind) + "\"") {}

const char* HubMetrics::CodeName(int code) {
  if (code < 0 || code >= kCodes) return "unknown";
  return kCodeNames[static_cast<size_t>(code)];
}

void HubMetrics::RecordCall(int code, std::chrono::nanoseconds elapsed) {
  if (code < 0 || code >= kCodes) code = 2;  // UNKNOWN
  syncs_.fetch_add(1, std::memory_order_relaxed);
  if (code != 0) errors_[static_cast<size_t>(code)].fetch_add(1, std::memory_order_relaxed);
  sync_.Observe(elapsed);
}

void HubMetrics::RecordAccepted(const std::string& replica_id, int64_t now_ms,
                                int64_t pushed, int64_t pulled, int64_t ignored) {
  pushed_.fetch_add(static_cast<uint64_t>(pushed), std::memory_order_relaxed);
  pulled_.fetch_add(static_cast<uint64_t>(pulled), std::memory_order_relaxed);
  ignored_.fetch_add(static_cast<uint64_t>(ignored), std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(seen_mu_);
  last_seen_ms_[replica_id] = now_ms;
}

void HubMetrics::AddBytes(int64_t bytes) {
  if (bytes > 0) bytes_.fetch_add(static_cast<uint64_t>(bytes), std::memory_order_relaxed);
}

namespace {

void Counter(std::ostringstream& out, const std::string& store, const char* name,
             const char* help, uint64_t value) {
  Family(out, name, "counter", help);
  out << name << "{" << store << "} " << value << "\n";
}

void Histogram(std::ostringstream& out, const std::string& store, const char* name,
               const char* help, const LatencyHistogram& h) {
  const LatencyHistogram::Snapshot s = h.Read();
  Family(out, name, "histogram", help);
  for (size_t i = 0; i < LatencyHistogram::kBuckets; ++i)
    out << name << "_bucket{" << store << ",le=\"" << kLe[i] << "\"} "
        << s.cumulative[i] << "\n";
  char sum[64];
  std::snprintf(sum, sizeof sum, "%.6f", s.sum_seconds);
  out << name << "_sum{" << store << "} " << sum << "\n"
      << name << "_count{" << store << "} " << s.count << "\n";
}

}  // namespace

std::string HubMetrics::Render() const {
  std::ostringstream out;
  const std::string& st = store_label_;
  Counter(out, st, "relais_hub_syncs_total",
          "Sync calls answered by this hub, refused ones included.", Load(syncs_));
  Family(out, "relais_hub_sync_errors_total", "counter",
         "Sync calls that ended with a gRPC error, by code.");
  for (int c = 1; c < kCodes; ++c) {
    const uint64_t n = Load(errors_[static_cast<size_t>(c)]);
    if (n == 0) continue;  // one series per code seen
    out << "relais_hub_sync_errors_total{" << st << ",code=\"" << CodeName(c)
        << "\"} " << n << "\n";
  }
  Counter(out, st, "relais_hub_records_pushed_total",
          "Records received in accepted Sync calls.", Load(pushed_));
  Counter(out, st, "relais_hub_records_pulled_total",
          "Records sent back in accepted Sync calls.", Load(pulled_));
  Counter(out, st, "relais_hub_push_parts_ignored_total",
          "Pushed parts not taken (another replica's unseen writes, omissions "
          "without a new write).",
          Load(ignored_));
  Counter(out, st, "relais_hub_sync_bytes_total",
          "Protobuf bytes in and out (before gzip).", Load(bytes_));
  Histogram(out, st, "relais_hub_sync_seconds",
            "Whole Sync call, from the handler's start to the response.", sync_);
  Histogram(out, st, "relais_hub_store_push_seconds",
            "Time in the store's Push (one transaction).", store_push_);
  Histogram(out, st, "relais_hub_store_pull_seconds",
            "Time in the store's Pull.", store_pull_);
  Family(out, "relais_hub_replica_last_sync_seconds", "gauge",
         "Last successful sync of each replica seen by this hub (Unix seconds).");
  std::lock_guard<std::mutex> lock(seen_mu_);
  for (const auto& [replica, ms] : last_seen_ms_)
    out << "relais_hub_replica_last_sync_seconds{" << st << ",replica=\""
        << EscapePromLabel(replica) << "\"} " << ms / 1000 << "\n";
  return out.str();
}

}  // namespace relais::server
