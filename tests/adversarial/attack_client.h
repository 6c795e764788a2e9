#pragma once
// A crafted sync client for the adversarial tests: hand-made SyncRequests on
// a connection of its own, forged record states, and latency figures of the
// honest syncs that run meanwhile. Test-only; loopback only.
//
// The attacker speaks the real protocol (proto/sync.proto) through the
// generated stub, so anything a modified `relais` binary could send, these
// helpers can send. Nothing here bypasses the hub's gRPC front door.

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/convert/convert.h"
#include "common/model/record.h"
#include "common/replica/replica.h"
#include "proto/sync.grpc.pb.h"

namespace relais::adversarial {

namespace pb = relais::sync::v1;
using common::Record;

inline double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
      .count();
}

// A stub on a channel that shares no TCP connection with any other channel
// of the process (gRPC pools subchannels globally by default): the attacker's
// calls never queue behind, or ahead of, the honest clients' on our side.
inline std::unique_ptr<pb::Hub::Stub> OwnStub(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetMaxReceiveMessageSize(64 << 20);
  return pb::Hub::NewStub(grpc::CreateCustomChannel(
      address, grpc::InsecureChannelCredentials(), args));
}

struct Reply {
  grpc::Status status;
  pb::SyncResponse response;
  double seconds = 0;
};

// One Sync call with `token` (no metadata if empty), bounded by `deadline_ms`.
inline Reply Call(pb::Hub::Stub& stub, const std::string& token,
                  const pb::SyncRequest& req, int deadline_ms = 10000) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::milliseconds(deadline_ms));
  if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
  Reply r;
  const auto t0 = std::chrono::steady_clock::now();
  r.status = stub.Sync(&ctx, req, &r.response);
  r.seconds = SecondsSince(t0);
  return r;
}

// A request from `replica` (home `site`) pushing `records` as they are.
inline pb::SyncRequest Request(const std::string& replica,
                               const std::string& site,
                               const std::vector<Record>& records,
                               uint64_t push_seq = 1) {
  pb::SyncRequest req;
  req.set_protocol_version(common::kProtocolVersion);
  req.set_replica_id(replica);
  req.set_site_id(site);
  for (const Record& r : records) common::ToProto(r, req.add_push());
  if (!records.empty()) req.set_push_seq(push_seq);
  return req;
}

// Every local change of `r` not acknowledged yet (whole states), in order.
inline std::vector<Record> Pending(common::Replica& r) {
  std::vector<Record> out;
  auto changes = r.store()->ChangesSince(0, 100000, 64 << 20);
  if (!changes.ok()) return out;
  for (common::PendingChange& ch : *changes) out.push_back(ch.record);
  return out;
}

// The pending change of `r` with this collection and id (whole state), or
// a record with an empty id.
inline Record PendingOne(common::Replica& r, common::Collection c,
                         const std::string& id) {
  for (Record& rec : Pending(r))
    if (rec.collection == c && rec.id == id) return rec;
  return Record{};
}

// A record state written from scratch: `vv` as given, each field one
// sibling (value, dot, hlc).
struct ForgedField {
  std::string name, value;
  common::Dot dot;
  common::Hlc hlc = 0;
};
inline Record Forge(common::Collection c, const std::string& id,
                    const std::string& site,
                    const std::vector<std::pair<std::string, uint64_t>>& vv,
                    const std::vector<ForgedField>& fields) {
  Record r;
  r.collection = c;
  r.id = id;
  r.site_id = site;
  for (const auto& [replica, n] : vv) r.vv.Set(replica, n);
  for (const ForgedField& f : fields)
    r.fields[f.name].push_back(common::Sibling{f.value, f.dot, f.hlc});
  for (auto& [name, sibs] : r.fields)
    std::sort(sibs.begin(), sibs.end(),
              [](const auto& a, const auto& b) { return a.dot < b.dot; });
  return r;
}

// The values of `field` in `r` (all siblings), empty if absent.
inline std::vector<std::string> Values(const Record& r,
                                       const std::string& field) {
  std::vector<std::string> out;
  auto it = r.fields.find(field);
  if (it == r.fields.end()) return out;
  for (const common::Sibling& s : it->second) out.push_back(s.value);
  return out;
}

// Latency sample in seconds; order statistics by nearest rank.
struct Latencies {
  std::vector<double> s;
  double Quantile(double q) const {
    if (s.empty()) return 0;
    std::vector<double> v = s;
    std::sort(v.begin(), v.end());
    size_t i = static_cast<size_t>(q * static_cast<double>(v.size()));
    return v[std::min(i, v.size() - 1)];
  }
  double Max() const { return s.empty() ? 0 : *std::max_element(s.begin(), s.end()); }
};

}  // namespace relais::adversarial
