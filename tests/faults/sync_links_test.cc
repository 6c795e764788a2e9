// Random operations at 5 replicas of 3 sites, synced through the fault proxy
// under several link profiles with connections cut mid-batch. Afterwards
// every replica of a site is byte-identical to the others and to the hub,
// and every operation performed is present exactly once. Each test also
// checks that its fault really happened: the proxy counted cuts and dropped
// bytes (or refused connections), and syncs failed. Seeded: each test has a
// fixed seed, printed, that RELAIS_SEED replaces. On both hub stores.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "common/codec/record_json.h"
#include "tests/server/hub_fixture.h"
#include "tools/faultproxy/fault_proxy.h"

namespace relais::server {

using relais::sync::SyncOptions;
using relais::sync::SyncOnce;
namespace {

using common::Collection;
using common::Replica;

// `fixed`, or RELAIS_SEED when set; printed either way.
uint64_t SeedOr(uint64_t fixed) {
  const char* env = std::getenv("RELAIS_SEED");
  const uint64_t seed = (env && *env) ? std::strtoull(env, nullptr, 10) : fixed;
  std::cout << "seed=" << seed << " (rejouer : RELAIS_SEED=" << seed << ")" << std::endl;
  return seed;
}

struct Node {
  std::unique_ptr<Replica> rep;
  std::string token;
  std::string site;
};

// What the test did, per site: the oracle.
struct Oracle {
  std::map<std::string, std::set<std::string>> appts, ledger, checked_in;
};

// The scenarios' helpers, over a hub on the store Kind() names.
class LinksBase : public testing::HubFixture {
 protected:
  void MakeNodes(uint64_t seed) {
    const std::vector<std::string> sites = {"S1", "S1", "S2", "S2", "S3"};
    for (size_t i = 0; i < sites.size(); ++i) {
      Node n;
      n.site = sites[i];
      n.rep = NewReplica("n" + std::to_string(i) + ".db", n.site, seed * 10 + i);
      ASSERT_NE(n.rep, nullptr);
      n.token = Enroll({n.site});
      ASSERT_TRUE(n.rep->AddPractitioner("p-" + n.site + "-" + std::to_string(i),
                                         "Dr " + std::to_string(i), "medecin").ok());
      nodes_.push_back(std::move(n));
    }
  }

  void RandomOp(Node& n, std::mt19937_64& rng) {
    const std::string site = n.site;
    auto practs = n.rep->Practitioners();
    ASSERT_TRUE(practs.ok());
    const std::string p = (*practs)[rng() % practs->size()].id;
    switch (rng() % 4) {
      case 0: {
        common::NewAppointment a;
        a.practitioner = p;
        a.patient_name = "Patient " + std::to_string(rng() % 1000);
        a.start = 1795500000 + static_cast<int64_t>(rng() % 100) * 900;
        a.note = std::string(rng() % 200, 'n');  // vary the record size
        auto r = n.rep->AddAppointment(a);
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        oracle_.appts[site].insert(r->first);
        break;
      }
      case 1: {
        auto all = n.rep->AllAppointments();
        ASSERT_TRUE(all.ok());
        if (all->empty()) break;
        const auto& a = (*all)[rng() % all->size()];
        if (a.status == "cancelled") break;
        auto r = n.rep->CheckIn(a.id, "", "kiosk");
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        oracle_.checked_in[site].insert(a.id);
        break;
      }
      case 2: {
        auto r = n.rep->AddLedgerEntry({static_cast<int64_t>(1 + rng() % 90000), "loyer", p,
                                        "equal", "", "2026-11", ""});
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        oracle_.ledger[site].insert(*r);
        break;
      }
      default:
        ASSERT_TRUE(n.rep->SetPresence(p, "2026-11-2" + std::to_string(rng() % 8),
                                       rng() % 2 ? "am" : "pm",
                                       rng() % 2 ? "present" : "absent", "", "")
                        .ok());
    }
  }

  SyncOptions ViaProxy(const Node& n, int port) const {
    SyncOptions o = Options(n.token);
    o.hub = "127.0.0.1:" + std::to_string(port);
    o.deadline_ms = 3000;
    o.push_batch_records = 7;  // small batches: cuts land mid-session
    o.pull_batch_records = 7;
    return o;
  }

  void CheckConvergedAndComplete(uint64_t seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::map<std::string, std::string> dump_of_site;
    for (Node& n : nodes_) {
      const std::string dump = *n.rep->Dump();
      auto [it, fresh] = dump_of_site.emplace(n.site, dump);
      if (!fresh) {
        EXPECT_EQ(dump, it->second) << "replicas of " << n.site << " differ";
      }
      EXPECT_EQ(*n.rep->PendingCount(), 0);
      // Hub holds exactly the replica's states.
      const auto records = n.rep->store()->ListAll();
      ASSERT_TRUE(records.ok());
      for (const auto& r : *records) {
        auto hub = store_->Get(r.site_id, r.collection, r.id);
        ASSERT_TRUE(hub.ok()) << hub.status().ToString();
        ASSERT_TRUE(hub->has_value()) << r.id;
        EXPECT_EQ(common::EncodeRecordJson((*hub)->record), common::EncodeRecordJson(r));
      }
      // Every operation present exactly once (ids are unique keys).
      std::set<std::string> appts, ledger;
      const auto all_appts = n.rep->AllAppointments();
      const auto all_ledger = n.rep->LedgerAll();
      ASSERT_TRUE(all_appts.ok() && all_ledger.ok());
      for (const auto& a : *all_appts) {
        appts.insert(a.id);
        if (oracle_.checked_in[n.site].count(a.id)) {
          EXPECT_NE(a.checkin_at, 0) << "check-in lost for " << a.id;
          EXPECT_NE(a.status, "booked") << a.id;
        }
      }
      for (const auto& e : *all_ledger) ledger.insert(e.id);
      EXPECT_EQ(appts, oracle_.appts[n.site]);
      EXPECT_EQ(ledger, oracle_.ledger[n.site]);
      EXPECT_EQ(all_ledger->size(), oracle_.ledger[n.site].size());
    }
  }

  void RunProfile(const LinkProfile& profile, uint64_t fixed_seed, bool flap, int steps = 70) {
    const uint64_t seed = SeedOr(fixed_seed);
    SCOPED_TRACE("profile " + profile.name + ", seed " + std::to_string(seed));
    MakeNodes(seed);
    FaultProxy proxy(address_, profile, seed);
    auto port = proxy.Start();
    ASSERT_TRUE(port.ok());
    std::mt19937_64 rng(seed);
    int failures = 0;
    for (int step = 0; step < steps; ++step) {
      Node& n = nodes_[rng() % nodes_.size()];
      if (rng() % 3 == 0) {
        if (flap) proxy.SetProfile(rng() % 2 ? profile : *NamedProfile("offline"));
        failures += SyncOnce(*n.rep, ViaProxy(n, *port)).ok() ? 0 : 1;
      } else {
        RandomOp(n, rng);
        if (HasFatalFailure()) return;
      }
    }
    // The fault really happened: syncs failed, the proxy cut connections and
    // dropped bytes mid-stream (or refused them while offline).
    const ProxyCounters faults = proxy.counters();
    EXPECT_GT(failures, 0) << "aucune synchro n'a échoué: la panne n'a pas mordu";
    EXPECT_GT(faults.cuts, 0) << "aucune coupure injectée";
    EXPECT_GT(faults.bytes_dropped, 0) << "aucun octet perdu en route";
    if (flap) {
      EXPECT_GT(faults.refused, 0) << "jamais hors ligne";
    }
    // The link comes back: every replica syncs until it succeeds (bounded).
    proxy.SetProfile(LinkProfile{});
    for (int round = 0; round < 2; ++round)
      for (Node& n : nodes_) {
        Status last = Status::Unavailable("");
        for (int attempt = 0; attempt < 5 && !last.ok(); ++attempt) {
          auto r = SyncOnce(*n.rep, ViaProxy(n, *port));
          last = r.ok() ? Status::OK() : r.status();
        }
        ASSERT_TRUE(last.ok()) << last.ToString();
      }
    CheckConvergedAndComplete(seed);
    RecordProperty("failed_syncs_" + profile.name, failures);
  }

  std::vector<Node> nodes_;
  Oracle oracle_;
};

class SyncLinksTest : public LinksBase,
                      public ::testing::WithParamInterface<pgtest::StoreKind> {
 protected:
  pgtest::StoreKind Kind() const override { return GetParam(); }
};

TEST_P(SyncLinksTest, CutsMidBatchLoseAndDuplicateNothing) {
  LinkProfile p;
  p.name = "cut-after-bytes";
  p.cut_after_bytes = 2500;
  RunProfile(p, 7, false);
}

TEST_P(SyncLinksTest, RandomCutsOnASlowLink) {
  LinkProfile p;
  p.name = "slow-random-cuts";
  p.latency_ms = 15;
  p.up_bytes_per_s = p.down_bytes_per_s = 200000;
  p.cut_probability = 0.05;
  RunProfile(p, 11, false);
}

TEST_P(SyncLinksTest, FlappingLinkOfflineAndBack) {
  LinkProfile p = *NamedProfile("direct");
  p.cut_probability = 0.1;  // 0.02 never cut with seed 23: the counters showed it
  RunProfile(p, 23, true);
}

// The shipped named profiles, each with connections also cut mid-batch.
class NamedProfileTest
    : public LinksBase,
      public ::testing::WithParamInterface<std::tuple<pgtest::StoreKind, const char*>> {
 protected:
  pgtest::StoreKind Kind() const override { return std::get<0>(GetParam()); }
};

TEST_P(NamedProfileTest, ConvergesWithCutsMidBatch) {
  LinkProfile p = *NamedProfile(std::get<1>(GetParam()));
  p.cut_after_bytes = 3000;
  RunProfile(p, 31, false, 40);
}

INSTANTIATE_TEST_SUITE_P(
    Profiles, NamedProfileTest,
    ::testing::Combine(pgtest::AllStores(), ::testing::Values("edge", "satellite", "adsl-flaky")),
    [](const ::testing::TestParamInfo<NamedProfileTest::ParamType>& info) {
      std::string name = std::get<1>(info.param);
      for (char& ch : name)
        if (ch == '-') ch = '_';
      return name + "_" + pgtest::StoreName({std::get<0>(info.param), info.index});
    });

TEST_P(SyncLinksTest, BlackHoleTimesOutWithClearErrorAndLosesNothing) {
  MakeNodes(5);
  FaultProxy proxy(address_, *NamedProfile("blackhole"));
  auto port = proxy.Start();
  ASSERT_TRUE(port.ok());
  std::mt19937_64 rng(5);
  for (int i = 0; i < 5; ++i) RandomOp(nodes_[0], rng);
  const std::string before = *nodes_[0].rep->Dump();
  SyncOptions o = ViaProxy(nodes_[0], *port);
  o.deadline_ms = 500;
  auto r = SyncOnce(*nodes_[0].rep, o);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().code() == common::StatusCode::kDeadlineExceeded ||
              r.status().code() == common::StatusCode::kUnavailable)
      << r.status().ToString();
  EXPECT_FALSE(r.status().message().empty());
  EXPECT_GT(proxy.counters().bytes_dropped, 0) << "le trou noir n'a rien avalé";
  EXPECT_EQ(proxy.counters().bytes_down, 0);
  EXPECT_EQ(*nodes_[0].rep->Dump(), before);
  proxy.SetProfile(LinkProfile{});
  ASSERT_TRUE(SyncOnce(*nodes_[0].rep, ViaProxy(nodes_[0], *port)).ok());
  EXPECT_EQ(*nodes_[0].rep->PendingCount(), 0);
}

INSTANTIATE_TEST_SUITE_P(Stores, SyncLinksTest, pgtest::AllStores(), pgtest::StoreName);

}  // namespace
}  // namespace relais::server
