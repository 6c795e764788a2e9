#pragma once
// A hub (HubFixture, SQLite) holding data at sites S1, S2 and S3, signed
// snapshots of it, and helpers to craft hostile snapshot files with the
// hub's real key (what an attacker holding no key cannot do, so that the
// checks after the signature are exercised too). Shared by
// snapshot_file_test.cc and snapshot_sync_test.cc.

#include <sodium.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/snapshot/bootstrap.h"
#include "common/snapshot/format.h"
#include "common/snapshot/signing_key.h"
#include "server/hub_snapshot.h"
#include "tests/common/cli_run.h"
#include "tests/server/hub_fixture.h"

namespace relais::server::testing {

using relais::sync::SyncOnce;

namespace snap = common::snapshot;

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
inline void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

class SnapshotFixture : public HubFixture {
 protected:
  void SetUp() override {
    HubFixture::SetUp();
    s1_token_ = Enroll({"S1"}, "s1-secretariat");
    // Data at three sites, each written by its own replica and synced.
    const char* sites[] = {"S1", "S2", "S3"};
    const int counts[] = {kS1Appointments, 7, 5};
    for (int i = 0; i < 3; ++i) {
      const std::string tok = i == 0 ? s1_token_ : Enroll({sites[i]});
      auto rep = NewReplica(std::string("w-") + sites[i] + ".db", sites[i], 11 + i);
      ASSERT_TRUE(rep);
      AddAppointments(*rep, counts[i]);
      auto r = SyncOnce(*rep, Options(tok));
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      if (i == 0) writer_s1_ = std::move(rep);
    }
    key_path_ = dir_.File("hub-sign.key");
  }

  // relais-hub snapshot of `sites` into dir_/name; returns the path.
  std::string Snapshot(const std::vector<std::string>& sites, const std::string& name,
                       bool compress = true) {
    SnapshotRequest req;
    req.sites = sites;
    req.out_path = dir_.File(name);
    req.key_path = key_path_;
    req.compress = compress;
    req.page_records = 7;  // several pages even for a small hub
    auto s = WriteSnapshot(*store_, req, *common::SystemClock::Default());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return req.out_path;
  }

  snap::SigningKey Key() {
    auto k = snap::LoadOrCreateSigningKey(key_path_);
    EXPECT_TRUE(k.ok()) << k.status().ToString();
    return k.ok() ? *k : snap::SigningKey{};
  }

  snap::BootstrapRequest Request(const std::string& file, const std::string& db) {
    snap::BootstrapRequest req;
    req.db_path = dir_.File(db);
    req.site = "S1";
    req.snapshot_path = file;
    req.hub_key = Key().pub;
    return req;
  }

  // Signs `unsigned_bytes` (everything but the signature) with the hub key.
  std::string Sign(const std::string& unsigned_bytes) {
    const snap::SigningKey k = Key();
    crypto_sign_state st;
    crypto_sign_init(&st);
    crypto_sign_update(&st, reinterpret_cast<const unsigned char*>(unsigned_bytes.data()),
                       unsigned_bytes.size());
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_final_create(&st, sig, nullptr, k.secret.data());
    return unsigned_bytes + std::string(reinterpret_cast<char*>(sig), sizeof(sig));
  }

  // An uncompressed, signed snapshot with `header` and the given body.
  std::string Craft(const std::string& name, const snap::Header& header,
                    const std::string& body) {
    const std::string path = dir_.File(name);
    WriteAll(path, Sign(snap::EncodePreambleAndHeader(header) + body));
    return path;
  }

  static constexpr int kS1Appointments = 40;
  std::string s1_token_;
  std::string key_path_;
  std::unique_ptr<common::Replica> writer_s1_;
};

}  // namespace relais::server::testing
