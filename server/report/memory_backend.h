#pragma once
// An in-memory ReportBackend for tests and the demo. Thread-safe.

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "server/report/report_backend.h"

namespace relais::server {

class MemoryReportBackend final : public ReportBackend {
 public:
  void AddToken(const std::string& token, std::vector<std::string> sites) {
    std::lock_guard<std::mutex> l(mu_);
    tokens_[token] = std::move(sites);
  }
  // Projects `records` to facts (FactsFromRecords) once, here.
  void SetRecords(const std::vector<common::Record>& records) {
    common::report::FactSet facts = common::report::FactsFromRecords(records);
    std::lock_guard<std::mutex> l(mu_);
    facts_ = std::move(facts);
  }
  void SetMetrics(std::string text) {
    std::lock_guard<std::mutex> l(mu_);
    metrics_ = std::move(text);
  }
  // Makes Facts fail with `s` (OK to clear).
  void FailRecords(common::Status s) {
    std::lock_guard<std::mutex> l(mu_);
    fail_ = std::move(s);
  }

  common::Result<std::vector<std::string>> CouncilSites(
      const std::string& token) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = tokens_.find(token);
    if (token.empty() || it == tokens_.end())
      return common::Status::Unauthenticated("jeton conseil inconnu");
    return it->second;
  }
  common::Result<common::report::FactSet> Facts(
      const std::vector<std::string>&, int64_t, int64_t) override {
    std::lock_guard<std::mutex> l(mu_);
    if (!fail_.ok()) return fail_;
    return facts_;
  }
  std::string MetricsText() override {
    std::lock_guard<std::mutex> l(mu_);
    return metrics_;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<std::string>> tokens_;
  common::report::FactSet facts_;
  std::string metrics_;
  common::Status fail_;
};

}  // namespace relais::server
