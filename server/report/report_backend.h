#pragma once
// ReportBackend: what the funder HTTP endpoint needs from the hub, behind an
// interface so the report server never touches the hub's storage directly
// (domain notes §4.3: the funder view reads aggregates only).
//
// Implementations must be thread-safe: the HTTP server calls them from
// several worker threads at once.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/model/record.h"
#include "common/util/status.h"

namespace relais::server {

class ReportBackend {
 public:
  virtual ~ReportBackend() = default;

  // Sites a council token may read, sorted and non-empty.
  // UNAUTHENTICATED for an empty, unknown or revoked token, and for any token
  // that is not a council token (a kiosk/replica token is unknown here).
  // Other codes (UNAVAILABLE, INTERNAL) are storage failures.
  virtual common::Result<std::vector<std::string>> CouncilSites(
      const std::string& token) = 0;

  // Merged records of `sites` (every collection; tombstones included, the
  // aggregation skips them). May return records of other sites too: they
  // are ignored.
  virtual common::Result<std::vector<common::Record>> RecordsForSites(
      const std::vector<std::string>& sites) = 0;

  // Prometheus text exposition of the hub's own counters (syncs, bytes,
  // errors, replicas last seen), "" if none. Must contain no health data.
  virtual std::string MetricsText() = 0;
};

// Token check used by HubReportBackend (see council_tokens.h).
class CouncilTokenChecker {
 public:
  virtual ~CouncilTokenChecker() = default;
  virtual common::Result<std::vector<std::string>> Sites(
      const std::string& token) = 0;
};

// A ReportBackend assembled from parts, so relais-hub can wire it with two
// lambdas over its own store and counters (see docs/reporting.md §Câblage).
// Thread safety: that of the parts (the functions are called concurrently).
class HubReportBackend final : public ReportBackend {
 public:
  using RecordsFn = std::function<common::Result<std::vector<common::Record>>(
      const std::vector<std::string>& sites)>;
  using MetricsFn = std::function<std::string()>;

  // `tokens` must outlive this object. `metrics` may be empty.
  HubReportBackend(CouncilTokenChecker* tokens, RecordsFn records,
                   MetricsFn metrics)
      : tokens_(tokens),
        records_(std::move(records)),
        metrics_(std::move(metrics)) {}

  common::Result<std::vector<std::string>> CouncilSites(
      const std::string& token) override {
    return tokens_->Sites(token);
  }
  common::Result<std::vector<common::Record>> RecordsForSites(
      const std::vector<std::string>& sites) override {
    if (!records_) return common::Status::Unavailable("pas de source");
    return records_(sites);
  }
  std::string MetricsText() override { return metrics_ ? metrics_() : ""; }

 private:
  CouncilTokenChecker* tokens_;
  RecordsFn records_;
  MetricsFn metrics_;
};

}  // namespace relais::server
