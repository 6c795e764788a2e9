#pragma once
// Conversion between the record model (common/model/record.h) and its wire
// form (proto/sync.proto). The only common code that includes *.pb.h.
//
// ToProto is total. FromProto checks the wire structure only (collection
// known, sibling replica indexes in range, vv entries unique and non-zero,
// field names unique) and returns INVALID_ARGUMENT naming the record and
// the problem; domain validation (ValidateRecord) is the caller's job.
// Thread-safe (pure functions).

#include <cstdint>
#include <string>
#include <string_view>

#include "common/model/record.h"
#include "common/util/status.h"
#include "proto/sync.pb.h"

namespace relais::common {

// Version of the sync protocol spoken by this build (SyncRequest field 1).
inline constexpr uint32_t kProtocolVersion = 1;

void ToProto(const Record& r, relais::sync::v1::Record* out);
Result<Record> FromProto(const relais::sync::v1::Record& p);

// A record as serialized protobuf bytes (the wire form, used by signed
// snapshot files: common/snapshot). DecodeRecord: INVALID_ARGUMENT for bytes
// that are not a Record message, then FromProto's checks.
std::string EncodeRecord(const Record& r);
Result<Record> DecodeRecord(std::string_view bytes);

}  // namespace relais::common
