// libFuzzer target for the hub's decode -> validate -> merge path: arbitrary
// bytes as a SyncRequest, each pushed record through FromProto,
// ValidateRecord, then Merge with itself and with a fixed state of the same
// key. Crashes, sanitizer reports and broken join laws abort.
// Build: CC=clang CXX=clang++ cmake -B build-fuzz -DRELAIS_FUZZ=ON
//        cmake --build build-fuzz --target fuzz_sync_request
// Run:   ./fuzz_sync_request -max_total_time=60 corpus/
#include <cstdint>
#include <cstdlib>

#include "common/convert/convert.h"
#include "common/merge/merge.h"
#include "common/model/schema.h"
#include "proto/sync.pb.h"

namespace {

using relais::common::Record;

Record Base(const Record& like) {
  Record b;
  b.collection = like.collection;
  b.id = like.id;
  b.site_id = like.site_id;
  relais::common::ApplyLocalWrite(&b, "fuzz-base", 1, {{"note", "base"}});
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  relais::sync::v1::SyncRequest req;
  if (!req.ParseFromArray(data, static_cast<int>(size))) return 0;
  for (const auto& p : req.push()) {
    auto r = relais::common::FromProto(p);
    if (!r.ok()) continue;
    if (!relais::common::ValidateRecord(*r).empty()) continue;
    const Record& in = *r;
    if (relais::common::Merge(in, in) != in) std::abort();  // idempotent
    const Record base = Base(in);
    const Record ab = relais::common::Merge(base, in);
    if (ab != relais::common::Merge(in, base)) std::abort();  // commutative
    if (relais::common::Merge(ab, in) != ab) std::abort();    // absorbs
    relais::sync::v1::Record back;
    relais::common::ToProto(in, &back);
    auto again = relais::common::FromProto(back);
    if (!again.ok() || *again != in) std::abort();  // wire round trip
  }
  return 0;
}
