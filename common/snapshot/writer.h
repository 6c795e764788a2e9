#pragma once
// Writes a signed snapshot file (format.h), streaming: memory stays bounded
// whatever the number of records (one record and one compression buffer).
//
// The body is written first to "<out>.corps" (0600), since the header
// carries the record count; Finish() then writes "<out>.tmp" (header, body,
// signature), fsyncs it and renames it to <out>. A Writer destroyed before
// Finish() succeeded removes both temporaries and leaves <out> untouched.
// Not thread-safe.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "common/model/record.h"
#include "common/snapshot/format.h"
#include "common/snapshot/signing_key.h"
#include "common/util/status.h"

namespace relais::common::snapshot {

class Writer {
 public:
  static Result<std::unique_ptr<Writer>> Create(const std::string& out_path,
                                                Compression compression);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Appends a whole record state (INVALID_ARGUMENT for a partial one or one
  // over kMaxRecordBytes).
  Status Add(const Record& r);
  uint64_t count() const { return count_; }
  // `header`'s compression and record_count are set by the Writer.
  Status Finish(Header header, const SigningKey& key);

 private:
  Writer(std::string out, Compression c) : out_(std::move(out)), compression_(c) {}
  Status Emit(const std::string& bytes, bool end);

  std::string out_;
  Compression compression_;
  std::FILE* body_ = nullptr;
  void* zstd_ = nullptr;  // ZSTD_CCtx*
  std::string pending_;   // uncompressed bytes not yet handed to zstd
  uint64_t count_ = 0;
  bool finished_ = false;
};

}  // namespace relais::common::snapshot
