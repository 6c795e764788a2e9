#pragma once
// Canonical JSON encoding of a Record (storage format and dump format).
//
// Grammar (keys always sorted, no whitespace, so equal records give equal
// bytes):
//   record  := {"c":COLLECTION,"f":{FIELD:[SIBLING,...],...},"id":ID,
//               "s":SITE,"vv":{REPLICA:COUNTER,...}}
//   SIBLING := [VALUE,REPLICA,COUNTER,HLC]

#include <span>
#include <string>
#include <string_view>

#include "common/model/record.h"
#include "common/util/status.h"

namespace relais::common {

std::string EncodeRecordJson(const Record& r);

// Parses a record; any structural problem is InvalidArgument (DataLoss is the
// caller's choice when the bytes came from its own storage).
Result<Record> DecodeRecordJson(std::string_view json);

// A lean DecodeRecordJson for hot read paths (the next-free-slot search):
// checks the same grammar and accepts exactly the same texts, but keeps only
// the fields named in `fields` (each with all its siblings, as the full
// decode gives them) and leaves `vv` empty. A field's winner depends only on
// its own siblings (merge.h Winner), so the winning values of the kept
// fields are those of the full decode.
Result<Record> DecodeRecordJsonFields(std::string_view json,
                                      std::span<const std::string_view> fields);

// The "vv" member alone: {"REPLICA":COUNTER,...}, byte for byte what
// SQLite's json_extract(state, '$.vv') returns for a canonical state.
std::string EncodeVersionVectorJson(const VersionVector& vv);
// InvalidArgument if malformed.
Result<VersionVector> DecodeVersionVectorJson(std::string_view json);

}  // namespace relais::common
