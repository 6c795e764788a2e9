#include "common/net/http_sync_wire.h"

#include <cctype>

namespace relais::net {

using common::StatusCode;

int HttpStatusForCode(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument:
    case StatusCode::kOutOfRange: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kAborted: return 409;
    case StatusCode::kFailedPrecondition: return 412;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kUnimplemented: return 501;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kDeadlineExceeded: return 504;
    default: return 500;
  }
}

StatusCode CodeForHttpStatus(long s) {
  switch (s) {
    case 401: return StatusCode::kUnauthenticated;
    case 403: return StatusCode::kPermissionDenied;
    case 404:
    case 405:
    case 501: return StatusCode::kUnimplemented;
    case 408:
    case 504: return StatusCode::kDeadlineExceeded;
    case 413:
    case 429: return StatusCode::kResourceExhausted;
    case 502:
    case 503: return StatusCode::kUnavailable;
    default: break;
  }
  if (s >= 400 && s < 500) return StatusCode::kInvalidArgument;
  if (s >= 500 && s < 600) return StatusCode::kInternal;
  return StatusCode::kUnknown;
}

bool ParseStatusHeader(const std::string& value, StatusCode* code) {
  if (value.empty() || value.size() > 2) return false;
  int n = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  if (n < 1 || n > 16) return false;
  *code = static_cast<StatusCode>(n);
  return true;
}

bool IsProtobufContentType(const std::string& value) {
  std::string t;
  for (char c : value) {
    if (c == ';') break;
    if (c == ' ' || c == '\t') continue;
    t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return t == kHttpSyncContentType;
}

}  // namespace relais::net
