#pragma once
// A hub store (the test's parameter: SQLite or PostgreSQL) served over gRPC
// on loopback, two replicas of site "s1" with their own tokens: house A
// syncs by file, house B over gRPC. Helpers run each leg of the sync by
// file and tamper with files.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "common/sync/change_file.h"
#include "common/sync/change_file_replica.h"
#include "server/hub_changes.h"
#include "tests/server/hub_fixture.h"

namespace relais::server::testing {

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

class SyncFileFixture : public StoreHubFixture {
 protected:
  void SetUp() override {
    StoreHubFixture::SetUp();
    if (HasFatalFailure()) return;
    token_a_ = Enroll({"s1"}, "maison-a");
    token_b_ = Enroll({"s1"}, "maison-b");
    a_ = NewReplica("a.db", "s1", 1);
    b_ = NewReplica("b.db", "s1", 2);
    ASSERT_TRUE(a_ && b_);
  }

  // A's changes written to `file` (the office imports it).
  void ExportA(const std::string& file) {
    auto r = sync::ExportChanges(*a_, token_a_, dir_.File(file));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  // The office's import of change file `in`: the response bytes, or the
  // error.
  common::Result<ChangesImport> HubImport(const std::string& in) {
    return ImportChanges(*store_, *common::SystemClock::Default(), HubServiceOptions{},
                         ReadAll(dir_.File(in)));
  }

  // Hub import of `in` whose response is written to `out`.
  void HubImportTo(const std::string& in, const std::string& out) {
    auto r = HubImport(in);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_OK(sync::WriteChangeFile(dir_.File(out), r->response));
  }

  common::Result<sync::ImportReport> ImportIntoA(const std::string& file) {
    return sync::ImportResponse(*a_, token_a_, dir_.File(file));
  }

  void SyncB() {
    auto r = sync::SyncOnce(*b_, Options(token_b_));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  // Everything the hub holds (each record's state, hub sequence and origin)
  // and the tokens' bindings, as one comparable string: the oracle of "no
  // change to the hub". Not LastSeq(): on PostgreSQL it is a horizon that
  // any transaction, even a rolled-back one, may move.
  std::string HubState() {
    std::string s;
    auto tokens = store_->ListTokens();
    EXPECT_TRUE(tokens.ok());
    for (const TokenInfo& t : *tokens)
      s += t.name + "=" + t.replica_id + (t.revoked ? "(r)" : "") + ";";
    auto sites = store_->Sites();
    EXPECT_TRUE(sites.ok());
    for (const std::string& site : *sites) s += site + ",";
    Scope all{"", "", {"s1"}};
    auto pulled = store_->Pull(all, 0, 1000000, size_t{1} << 30);
    EXPECT_TRUE(pulled.ok());
    if (!pulled.ok()) return s;
    s += common::DumpJson(pulled->records);
    for (const common::Record& r : pulled->records) {
      auto stored = store_->Get(r.site_id, r.collection, r.id);
      EXPECT_TRUE(stored.ok() && stored->has_value());
      if (stored.ok() && stored->has_value())
        s += "|" + r.id + "@" + std::to_string((*stored)->hub_seq) + ":" + (*stored)->origin;
    }
    return s;
  }

  std::string token_a_, token_b_;
  std::unique_ptr<common::Replica> a_, b_;
};

}  // namespace relais::server::testing
