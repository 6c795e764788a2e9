#pragma once
// A hub (SQLite or PostgreSQL, the test parameter; in process on 127.0.0.1) and replicas of site S1 with
// helpers to sync them, for the history purge tests (docs/sync-model.md
// §11).

#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/merge/purge.h"
#include "server/hub_purge.h"
#include "tests/server/hub_fixture.h"

namespace relais::server::testing {

class PurgeFixture : public StoreHubFixture {
 protected:
  struct Member {
    std::string file;
    std::string token;
    std::unique_ptr<common::Replica> replica;
    bool active = true;  // SyncAll syncs it
  };

  // A replica of S1 with its own token (named `name`).
  Member& Add(const std::string& name, uint64_t seed) {
    Member m;
    m.file = name + ".db";
    m.token = Enroll({"S1"}, name);
    m.replica = NewReplica(m.file, "S1", seed);
    members_.push_back(std::move(m));
    return members_.back();
  }

  relais::sync::SyncReport SyncOk(Member& m) {
    auto rep = relais::sync::SyncOnce(*m.replica, Options(m.token));
    EXPECT_TRUE(rep.ok()) << m.file << ": " << rep.status().ToString();
    return rep.ok() ? *rep : relais::sync::SyncReport{};
  }

  // Every member syncs, in order, `rounds` times.
  void SyncAll(int rounds = 2) {
    for (int i = 0; i < rounds; ++i)
      for (Member& m : members_)
        if (m.active) SyncOk(m);
  }

  std::optional<common::Record> AtHub(const std::string& id) {
    auto got = store_->Get("S1", common::Collection::kAppointment, id);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    if (!got.ok() || !got->has_value()) return std::nullopt;
    return (*got)->record;
  }

  std::optional<common::Record> At(Member& m, const std::string& id) {
    auto got = m.replica->Get(common::Collection::kAppointment, id);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? *got : std::nullopt;
  }

  void Delete(Member& m, const std::string& id) {
    auto w = m.replica->Write(common::Collection::kAppointment, id,
                              {{common::kDeletedField, "1"}});
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE(common::IsPurgeableTombstone(*w));
  }

  // The same hub store behind a new service with no automatic purge.
  void RestartHubWithoutAutoPurge() {
    StopHub();
    auto store = pgtest::OpenStore(Location());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    HubServiceOptions o{2000, 1000, 2 << 20, &log_};
    o.auto_purge = false;
    service_ = std::make_unique<HubService>(*store_, *common::SystemClock::Default(), o);
    auto running = StartHubServer(service_.get(), ServerOptions{"127.0.0.1:0", "", "", 16 << 20});
    ASSERT_TRUE(running.ok()) << running.status().ToString();
    running_ = std::move(running).value();
    address_ = "127.0.0.1:" + std::to_string(running_.port);
  }

  std::deque<Member> members_;  // references stay valid as members are added
};

}  // namespace relais::server::testing
