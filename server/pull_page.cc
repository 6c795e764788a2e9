#include "server/pull_page.h"

#include <algorithm>

#include "common/codec/record_json.h"

namespace relais::server {

common::Result<bool> PullPageBuilder::Add(const std::string& state_json, uint64_t seq) {
  if (out_->records.size() == max_records_ ||
      (!out_->records.empty() && bytes_ + state_json.size() > max_bytes_)) {
    out_->has_more = true;
    return false;
  }
  bytes_ += state_json.size();
  auto rec = common::DecodeRecordJson(state_json);
  if (!rec.ok()) return common::Status::DataLoss("enregistrement du hub illisible");
  out_->records.push_back(std::move(rec).value());
  out_->cursor = seq;
  return true;
}

void PullPageBuilder::Finish(uint64_t after, uint64_t last) {
  if (!out_->has_more) out_->cursor = std::max(after, last);
}

}  // namespace relais::server
