#include "tools/bench/hostile_push.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "common/convert/convert.h"
#include "common/model/record.h"
#include "proto/sync.grpc.pb.h"
#include "server/hub_server.h"

namespace relais::server::bench {

namespace pb = relais::sync::v1;
using common::Record;
using nlohmann::json;

namespace {

// Per-record caps the hub enforces (issue #14 rule (f)).
constexpr int kMaxVvEntries = 64;
constexpr size_t kMaxValueBytes = 4096;
constexpr size_t kMaxRecordValueBytes = 64 << 10;

// How a hostile record is built. The first shape the hub accepts is used:
// a hub may, within its rules, refuse some shapes (e.g. several siblings
// of one replica in a field) while the others stay legal.
struct Shape {
  int vv_extra;            // version-vector entries of other (fake) replicas
  int siblings_per_field;  // all with the attacker's own dots
};

double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

// Record `i` of push `round`: every sibling is a new write of the attacker.
Record HostileRecord(const HostileConfig& cfg, const Shape& shape, int i,
                     uint64_t round, const std::vector<std::string>& values) {
  Record r;
  r.collection = common::Collection::kAppointment;
  r.id = "rdv-hostile-" + std::to_string(i);
  r.site_id = cfg.site;
  // 16 siblings of 4096 bytes fill the 64 KiB in one field; one value per
  // field fills two free-text fields (8 KiB).
  const char* const kText[] = {"note", "patient_name"};
  const int per_field = shape.siblings_per_field;
  const int used_fields = std::min<int>(
      2, static_cast<int>(kMaxRecordValueBytes / kMaxValueBytes) / per_field);
  const uint64_t writes = static_cast<uint64_t>(per_field) * used_fields;
  uint64_t n = round * writes;
  const auto hlc = common::MakeHlc(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch()).count(), 0);
  for (int f = 0; f < used_fields; ++f)
    for (int s = 0; s < per_field; ++s)
      r.fields[kText[f]].push_back(
          {values[(f * per_field + s + i) % values.size()], {cfg.replica, ++n}, hlc});
  r.vv.Set(cfg.replica, n);
  for (int k = 0; k < shape.vv_extra && k < kMaxVvEntries - 1; ++k)
    r.vv.Set("fake-" + std::to_string(k), 1);
  return r;
}

// As many records as fit one push: the hub's record cap and its gRPC
// message limit (64 KiB of margin for the envelope).
pb::SyncRequest HostileBatch(const HostileConfig& cfg, const Shape& shape,
                             uint64_t round, const std::vector<std::string>& values) {
  const size_t max_bytes = static_cast<size_t>(ServerOptions{}.max_message_bytes) - (64 << 10);
  const int max_records = static_cast<int>(HubServiceOptions{}.max_push_records);
  pb::SyncRequest req;
  req.set_protocol_version(common::kProtocolVersion);
  req.set_replica_id(cfg.replica);
  req.set_site_id(cfg.site);
  size_t bytes = 0;
  for (int i = 0; i < max_records; ++i) {
    pb::Record p;
    common::ToProto(HostileRecord(cfg, shape, i, round, values), &p);
    const size_t add = p.ByteSizeLong() + 8;
    if (bytes + add > max_bytes) break;
    bytes += add;
    *req.add_push() = std::move(p);
  }
  req.set_push_seq(round + 1);
  return req;
}

grpc::Status Push(pb::Hub::Stub& stub, const std::string& token,
                  const pb::SyncRequest& req) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  ctx.AddMetadata("authorization", "Bearer " + token);
  pb::SyncResponse resp;
  return stub.Sync(&ctx, req, &resp);
}

}  // namespace

json RunHostilePush(const HostileConfig& cfg,
                    const std::function<common::Status()>& honest_noop) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection of its own
  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
  if (!cfg.ca_file.empty()) {
    std::ifstream in(cfg.ca_file);
    std::stringstream pem;
    pem << in.rdbuf();
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = pem.str();
    creds = grpc::SslCredentials(ssl);
  }
  auto stub = pb::Hub::NewStub(grpc::CreateCustomChannel(cfg.hub, creds, args));
  std::mt19937_64 rng(cfg.seed);
  std::vector<std::string> values(64, std::string(kMaxValueBytes, 'a'));
  for (std::string& v : values)
    for (char& c : v) c = static_cast<char>('a' + rng() % 26);

  // Find the heaviest shape the hub accepts (not timed).
  const Shape shapes[] = {{kMaxVvEntries - 1, 16}, {0, 16}, {kMaxVvEntries - 1, 1}, {0, 1}};
  Shape shape = shapes[0];
  uint64_t round = 0;
  std::string refused_shapes;
  for (const Shape& s : shapes) {
    shape = s;
    grpc::Status st = Push(*stub, cfg.token, HostileBatch(cfg, s, round, values));
    if (st.ok()) break;
    refused_shapes += std::to_string(s.vv_extra + 1) + "x" +
                      std::to_string(s.siblings_per_field) + ": " + st.error_message() + "; ";
  }
  ++round;
  const pb::SyncRequest sample = HostileBatch(cfg, shape, round, values);

  std::vector<double> push_s, honest_s;
  int refused = 0, honest_failed = 0;
  std::atomic<bool> done{false};
  std::thread attacker([&] {
    const auto t0 = std::chrono::steady_clock::now();
    while (Since(t0) < cfg.seconds) {
      const pb::SyncRequest req = HostileBatch(cfg, shape, round++, values);
      const auto p0 = std::chrono::steady_clock::now();
      if (!Push(*stub, cfg.token, req).ok()) ++refused;
      push_s.push_back(Since(p0));
    }
    done = true;
  });
  while (!done) {
    const auto h0 = std::chrono::steady_clock::now();
    if (!honest_noop().ok()) ++honest_failed;
    honest_s.push_back(Since(h0));
  }
  attacker.join();
  return json{{"phase", "hostile_push"},
              {"records_per_push", sample.push_size()},
              {"push_bytes", sample.ByteSizeLong()},
              {"vv_entries", shape.vv_extra + 1},
              {"siblings_per_field", shape.siblings_per_field},
              {"refused_shapes", refused_shapes},
              {"pushes", push_s.size()},
              {"pushes_refused", refused},
              {"push_p50_s", Quantile(push_s, 0.5)},
              {"push_max_s", Quantile(push_s, 1.0)},
              {"honest_noop_syncs", honest_s.size()},
              {"honest_failed", honest_failed},
              {"honest_p50_s", Quantile(honest_s, 0.5)},
              {"honest_p99_s", Quantile(honest_s, 0.99)},
              {"honest_max_s", Quantile(honest_s, 1.0)}};
}

}  // namespace relais::server::bench
