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

#include "common/report/facts.h"
#include "common/util/status.h"

namespace relais::server {

class ReleaseStore;  // release_store.h

class ReportBackend {
 public:
  virtual ~ReportBackend() = default;

  // Sites a council token may read, sorted and non-empty.
  // UNAUTHENTICATED for an empty, unknown or revoked token, and for any token
  // that is not a council token (a kiosk/replica token is unknown here).
  // Other codes (UNAVAILABLE, INTERNAL) are storage failures.
  virtual common::Result<std::vector<std::string>> CouncilSites(
      const std::string& token) = 0;

  // Report facts of `sites` over the days [first_day, last_day] (days since
  // 1970-01-01), up to date with what the hub has merged. May hold facts of
  // other sites or days too: they are ignored. An EMPTY `sites` asks for
  // every site the hub holds (the organisation of a release). UNAVAILABLE
  // (with a French message for the user) while the aggregates are still
  // being prepared.
  virtual common::Result<common::report::FactSet> Facts(
      const std::vector<std::string>& sites, int64_t first_day,
      int64_t last_day) = 0;

  // Prometheus text exposition of the hub's own counters (syncs, bytes,
  // errors, replicas last seen), "" if none. Must contain no health data.
  virtual std::string MetricsText() = 0;

  // Where released tables are persisted (release_store.h); nullptr: the
  // report server keeps them in memory (frozen until it stops).
  virtual ReleaseStore* Releases() { return nullptr; }
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
  using FactsFn = std::function<common::Result<common::report::FactSet>(
      const std::vector<std::string>& sites, int64_t first_day,
      int64_t last_day)>;
  using MetricsFn = std::function<std::string()>;

  // `tokens` must outlive this object. `metrics` may be empty.
  HubReportBackend(CouncilTokenChecker* tokens, FactsFn facts,
                   MetricsFn metrics)
      : tokens_(tokens),
        facts_(std::move(facts)),
        metrics_(std::move(metrics)) {}

  common::Result<std::vector<std::string>> CouncilSites(
      const std::string& token) override {
    return tokens_->Sites(token);
  }
  common::Result<common::report::FactSet> Facts(
      const std::vector<std::string>& sites, int64_t first_day,
      int64_t last_day) override {
    if (!facts_) return common::Status::Unavailable("pas de source");
    return facts_(sites, first_day, last_day);
  }
  std::string MetricsText() override { return metrics_ ? metrics_() : ""; }
  ReleaseStore* Releases() override { return releases_; }
  // Persists releases in `store` (must outlive this object), e.g. a
  // SqliteReleaseStore beside the hub's database.
  void set_releases(ReleaseStore* store) { releases_ = store; }

 private:
  ReleaseStore* releases_ = nullptr;
  CouncilTokenChecker* tokens_;
  FactsFn facts_;
  MetricsFn metrics_;
};

}  // namespace relais::server
