// /metrics of a real in-process hub (gRPC on 127.0.0.1, on each store:
// SQLite, and PostgreSQL on the test's throw-away cluster),
// scraped over HTTP from the admin listener and read by an independent
// Prometheus text checker (prom_text_checker.h): naming, HELP/TYPE,
// cumulative buckets, +Inf == _count, the store label; the counts equal what
// the clients saw (round trips, records, bytes, status codes).
#include <gtest/gtest.h>

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "server/hub_metrics.h"
#include "server/report/admin_server.h"
#include "tests/pg/hub_stores.h"
#include "tests/server/hub_fixture.h"
#include "tests/server/prom_text_checker.h"

namespace relais::server::testing {

using relais::sync::SyncOptions;
using relais::sync::SyncOnce;
namespace {

namespace pb = relais::sync::v1;

// gRPC's code names in lower case, written out by hand for the oracle.
std::string CodeLabel(grpc::StatusCode c) {
  switch (c) {
    case grpc::StatusCode::INVALID_ARGUMENT: return "invalid_argument";
    case grpc::StatusCode::UNAUTHENTICATED: return "unauthenticated";
    case grpc::StatusCode::PERMISSION_DENIED: return "permission_denied";
    case grpc::StatusCode::FAILED_PRECONDITION: return "failed_precondition";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "resource_exhausted";
    case grpc::StatusCode::UNAVAILABLE: return "unavailable";
    default: return "code-" + std::to_string(static_cast<int>(c));
  }
}

// The hub on the store of the test's parameter; HubFixture's helpers
// (replicas, RawSync, Options) work unchanged. HubFixture::store_ is unused.
class HubMetricsTest : public HubFixture,
                       public ::testing::WithParamInterface<pgtest::StoreKind> {
 protected:
  void SetUp() override {
    kind_ = GetParam() == pgtest::StoreKind::kSqlite ? "sqlite" : "postgresql";
    store_labels_ = {{"store", kind_}};
    auto loc = pgtest::NewStoreLocation(GetParam(), dir_.File("hub.db"));
    ASSERT_TRUE(loc.ok()) << loc.status().ToString();
    auto store = pgtest::OpenStore(*loc);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    any_store_ = std::move(store).value();
    HubServiceOptions o;
    o.log = &log_;
    o.store_kind = kind_;
    service_ = std::make_unique<HubService>(*any_store_, *common::SystemClock::Default(), o);
    auto running = StartHubServer(service_.get(), ServerOptions{"127.0.0.1:0", "", "", 16 << 20});
    ASSERT_TRUE(running.ok()) << running.status().ToString();
    running_ = std::move(running).value();
    address_ = "127.0.0.1:" + std::to_string(running_.port);
    admin_ = std::make_unique<AdminServer>([this] { return service_->MetricsText(); }, "");
    auto port = admin_->Start("127.0.0.1", 0);
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    admin_port_ = *port;
  }
  void TearDown() override {
    if (admin_) admin_->Stop();
    StopHub();
    any_store_.reset();
  }

  // Enrols a token for `sites` in the test's store (hides HubFixture's).
  std::string Enroll(const std::vector<std::string>& sites, const std::string& name = "") {
    auto token = GenerateToken();
    EXPECT_TRUE(token.ok());
    TokenInfo info;
    info.token_hash = HashToken(*token);
    info.sites = sites;
    info.name = name;
    EXPECT_OK(any_store_->AddToken(info));
    return *token;
  }

  // GET /metrics on the admin listener, checked; failures name the text.
  PromText Scrape() {
    const std::string& store_kind = kind_;
    httplib::Client c("127.0.0.1", admin_port_);
    c.set_read_timeout(5, 0);
    auto res = c.Get("/metrics");
    PromText t;
    if (!res || res->status != 200) {
      t.errors.push_back("GET /metrics a échoué");
      return t;
    }
    EXPECT_EQ(res->get_header_value("Content-Type").rfind("text/plain; version=0.0.4", 0), 0u);
    t = CheckPromText(res->body, store_kind);
    last_text_ = res->body;
    return t;
  }

  double Must(const PromText& t, const std::string& name, const PromLabels& labels) {
    auto v = t.Value(name, labels);
    EXPECT_TRUE(v.has_value()) << name << " absent\n" << last_text_;
    return v.value_or(-1);
  }

  std::string kind_;
  PromLabels store_labels_;
  std::unique_ptr<HubStore> any_store_;
  std::unique_ptr<AdminServer> admin_;
  int admin_port_ = 0;
  std::string last_text_;
};

// The checker must fail on what it claims to catch, or the tests below
// prove nothing.
TEST(PromTextCheckerTest, RejectsBrokenExpositions) {
  const std::string good =
      "# HELP relais_hub_syncs_total x\n# TYPE relais_hub_syncs_total counter\n"
      "relais_hub_syncs_total{store=\"sqlite\"} 3\n"
      "# HELP relais_hub_sync_seconds x\n# TYPE relais_hub_sync_seconds histogram\n"
      "relais_hub_sync_seconds_bucket{store=\"sqlite\",le=\"0.1\"} 1\n"
      "relais_hub_sync_seconds_bucket{store=\"sqlite\",le=\"+Inf\"} 3\n"
      "relais_hub_sync_seconds_sum{store=\"sqlite\"} 0.5\n"
      "relais_hub_sync_seconds_count{store=\"sqlite\"} 3\n";
  EXPECT_TRUE(CheckPromText(good, "sqlite").errors.empty())
      << CheckPromText(good, "sqlite").ErrorText();
  auto bad = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    const size_t at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) t.replace(at, from.size(), to);
    return CheckPromText(t, "sqlite").errors;
  };
  EXPECT_FALSE(bad("# TYPE relais_hub_syncs_total counter\n", "").empty()) << "no TYPE";
  EXPECT_FALSE(bad("# HELP relais_hub_syncs_total x\n", "").empty()) << "no HELP";
  EXPECT_FALSE(bad("le=\"+Inf\"} 3", "le=\"+Inf\"} 0").empty()) << "not cumulative";
  EXPECT_FALSE(bad("_count{store=\"sqlite\"} 3", "_count{store=\"sqlite\"} 4").empty())
      << "+Inf != count";
  EXPECT_FALSE(bad("relais_hub_syncs_total", "relais_hub_syncs").empty()) << "counter name";
  EXPECT_FALSE(bad("relais_hub_syncs_total{store=\"sqlite\"}", "relais_hub_syncs_total").empty())
      << "no store label";
  EXPECT_FALSE(bad("relais_hub_sync_seconds_sum", "relais_hub_forged_sum").empty())
      << "sample of no family";
  EXPECT_FALSE(bad("le=\"0.1\"",
                   "le=\"5\"} 1\n"
                   "relais_hub_sync_seconds_bucket{store=\"sqlite\",le=\"1\"")
                   .empty())
      << "le out of order";
  EXPECT_FALSE(bad("store=\"sqlite\"} 3\n",
                   "store=\"sqlite\"} 3\nrelais_hub_syncs_total{store=\"sqlite\"} 3\n")
                   .empty())
      << "repeated series";
}

TEST(LatencyHistogramTest, BucketBoundsAreInclusiveUpperBounds) {
  LatencyHistogram h;
  using std::chrono::nanoseconds;
  h.Observe(nanoseconds(500'000));       // exactly 0.5 ms: le="0.0005"
  h.Observe(nanoseconds(500'001));       // just above: le="0.001"
  h.Observe(nanoseconds(-5));            // a clock step back counts as 0
  h.Observe(std::chrono::seconds(10));   // le="10"
  h.Observe(std::chrono::seconds(11));   // +Inf only
  const LatencyHistogram::Snapshot s = h.Read();
  EXPECT_EQ(s.cumulative[0], 2u);
  EXPECT_EQ(s.cumulative[1], 3u);
  EXPECT_EQ(s.cumulative[12], 3u);  // le="5"
  EXPECT_EQ(s.cumulative[13], 4u);  // le="10"
  EXPECT_EQ(s.cumulative[14], 5u);
  EXPECT_EQ(s.count, 5u);
  EXPECT_NEAR(s.sum_seconds, 21.001000001, 1e-9);
}

// The store label is escaped: a kind with a quote, a backslash and a
// newline comes back intact through the checker's unescaping.
TEST(HubMetricsRenderTest, StoreLabelIsEscaped) {
  const std::string kind = "pg\"x\\y\nrelais_hub_forged_total 1";
  HubMetrics m(kind);
  m.RecordCall(14, std::chrono::milliseconds(3));
  const std::string text = m.Render();
  const PromText t = CheckPromText(text, kind);
  EXPECT_TRUE(t.errors.empty()) << t.ErrorText() << text;
  EXPECT_EQ(t.Value("relais_hub_sync_errors_total", {{"store", kind}, {"code", "unavailable"}}), 1);
  EXPECT_EQ(text.find("\nrelais_hub_forged_total"), std::string::npos) << text;
}

TEST_P(HubMetricsTest, SyncSecondsCountsEverySyncCallOfARealHub) {
  auto a = NewReplica("a.db", "S1", 1), b = NewReplica("b.db", "S1", 2),
       c = NewReplica("c.db", "S2", 3);
  const std::string ta = Enroll({"S1"}), tb = Enroll({"S1"}), tc = Enroll({"S2"});
  ASSERT_TRUE(Scrape().errors.empty()) << "before any call\n" << last_text_;
  AddAppointments(*a, 5);
  int calls = 0, pushed = 0, pulled = 0;
  int64_t bytes = 0;
  auto sync = [&](common::Replica& r, const std::string& token, size_t batch) {
    SyncOptions o = Options(token);
    o.pull_batch_records = batch;  // small pulls: several round trips
    auto rep = SyncOnce(r, o);
    ASSERT_TRUE(rep.ok()) << rep.status().ToString();
    calls += rep->round_trips;
    pushed += rep->pushed;
    pulled += rep->pulled;
    bytes += rep->bytes;
  };
  sync(*a, ta, 500);
  sync(*b, tb, 2);  // 6 records in batches of 2
  sync(*c, tc, 500);
  AddAppointments(*b, 3);
  sync(*b, tb, 500);
  sync(*a, ta, 500);
  ASSERT_GT(calls, 5) << "the small pull batches must cost extra round trips";
  ASSERT_GT(pulled, 0);

  const PromText t = Scrape();
  ASSERT_TRUE(t.errors.empty()) << t.ErrorText() << last_text_;
  EXPECT_EQ(Must(t, "relais_hub_sync_seconds_count", store_labels_), calls);
  EXPECT_EQ(Must(t, "relais_hub_syncs_total", store_labels_), calls);
  EXPECT_EQ(Must(t, "relais_hub_store_push_seconds_count", store_labels_), calls);
  EXPECT_EQ(Must(t, "relais_hub_store_pull_seconds_count", store_labels_), calls);
  EXPECT_EQ(Must(t, "relais_hub_records_pushed_total", store_labels_), pushed);
  EXPECT_EQ(Must(t, "relais_hub_records_pulled_total", store_labels_), pulled);
  EXPECT_EQ(Must(t, "relais_hub_sync_bytes_total", store_labels_), bytes);
  EXPECT_EQ(Must(t, "relais_hub_push_parts_ignored_total", store_labels_), 0);
  EXPECT_TRUE(t.Named("relais_hub_sync_errors_total").empty()) << "no error, no series";
  EXPECT_GT(Must(t, "relais_hub_sync_seconds_sum", store_labels_), 0);
  // Each replica's last sync, in Unix seconds, now.
  const double now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
  for (common::Replica* r : {a.get(), b.get(), c.get()}) {
    const double seen = Must(t, "relais_hub_replica_last_sync_seconds",
                             {{"store", kind_}, {"replica", r->replica_id()}});
    EXPECT_LE(seen, now + 1);
    EXPECT_GE(seen, now - 120);
  }
  EXPECT_EQ(t.Named("relais_hub_replica_last_sync_seconds").size(), 3u);
}

// Junk from strangers and confused clients: every refusal is one sync, one
// sync_seconds observation and one error of its code; the format holds and
// nothing the caller sent becomes a series.
TEST_P(HubMetricsTest, JunkCallsCountAsErrorsOfTheirCodeAndKeepTheFormat) {
  auto a = NewReplica("a.db", "S1", 1);
  const std::string ta = Enroll({"S1"}), revoked = Enroll({"S1"}, "partie");
  ASSERT_OK(any_store_->Revoke("", "partie"));
  std::map<std::string, int> want;  // code label -> calls the clients saw
  int junk = 0;
  auto call = [&](const std::string& token, const pb::SyncRequest& req) {
    pb::SyncResponse resp;
    const grpc::Status st = RawSync(token, req, &resp);
    EXPECT_FALSE(st.ok());
    ++want[CodeLabel(st.error_code())];
    ++junk;
    return st.error_code();
  };
  pb::SyncRequest req;
  req.set_protocol_version(common::kProtocolVersion);
  req.set_replica_id(a->replica_id());
  req.set_site_id("S1");
  EXPECT_EQ(call("", req), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(call("n'importe-quoi", req), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(call(revoked, req), grpc::StatusCode::UNAUTHENTICATED);
  pb::SyncRequest old = req;
  old.set_protocol_version(999);
  EXPECT_EQ(call(ta, old), grpc::StatusCode::FAILED_PRECONDITION);
  pb::SyncRequest forged = req;
  forged.set_replica_id("x\"} 1\nrelais_hub_forged_total{store=\"sqlite\"} 9");
  EXPECT_EQ(call(ta, forged), grpc::StatusCode::INVALID_ARGUMENT);
  pb::SyncRequest other_site = req;
  other_site.set_site_id("S2");
  call(ta, other_site);  // refused with whatever code Authorize gives
  pb::SyncRequest huge = req;
  huge.set_replica_id(std::string(5 << 20, 'a'));  // > max_message_bytes
  EXPECT_EQ(call(ta, huge), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(want["unauthenticated"], 3);

  // The hub still serves an honest replica.
  AddAppointments(*a, 2);
  auto rep = SyncOnce(*a, Options(ta));
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();

  const PromText t = Scrape();
  ASSERT_TRUE(t.errors.empty()) << t.ErrorText() << last_text_;
  EXPECT_EQ(Must(t, "relais_hub_syncs_total", store_labels_), junk + rep->round_trips);
  EXPECT_EQ(Must(t, "relais_hub_sync_seconds_count", store_labels_), junk + rep->round_trips);
  EXPECT_EQ(Must(t, "relais_hub_store_push_seconds_count", store_labels_), rep->round_trips)
      << "no junk call reaches the store";
  std::map<std::string, int> got;
  for (const PromSample* s : t.Named("relais_hub_sync_errors_total")) {
    EXPECT_EQ(s->labels.size(), 2u);
    got[s->labels.at("code")] = static_cast<int>(s->value);
  }
  EXPECT_EQ(got, want) << last_text_;
  EXPECT_EQ(last_text_.find("forged"), std::string::npos) << last_text_;
  EXPECT_EQ(t.Named("relais_hub_replica_last_sync_seconds").size(), 1u);
}

// Many threads syncing while /metrics is scraped: every scrape passes the
// checker (+Inf == _count mid-flight) and the final count is exact.
TEST_P(HubMetricsTest, ConcurrentSyncsAndScrapesStayConsistent) {
  constexpr int kThreads = 4, kRounds = 6;
  std::vector<std::unique_ptr<common::Replica>> replicas;
  std::vector<std::string> tokens;
  for (int i = 0; i < kThreads; ++i) {
    const std::string site = "S" + std::to_string(i + 1);
    replicas.push_back(NewReplica("r" + std::to_string(i) + ".db", site, 10 + i));
    tokens.push_back(Enroll({site}));
  }
  std::atomic<int> calls{0}, pushed{0}, failures{0}, running{kThreads};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < kRounds; ++k) {
        AddAppointments(*replicas[i], 2);
        auto rep = SyncOnce(*replicas[i], Options(tokens[i]));
        if (!rep.ok()) ++failures;
        else calls += rep->round_trips, pushed += rep->pushed;
      }
      --running;
    });
  }
  int scrapes = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (running > 0 && scrapes < 500 && std::chrono::steady_clock::now() < deadline) {
    const PromText t = Scrape();
    EXPECT_TRUE(t.errors.empty()) << t.ErrorText() << last_text_;
    if (!t.errors.empty()) break;
    ++scrapes;
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  EXPECT_GT(scrapes, 0);
  const PromText t = Scrape();
  ASSERT_TRUE(t.errors.empty()) << t.ErrorText() << last_text_;
  EXPECT_EQ(Must(t, "relais_hub_sync_seconds_count", store_labels_), calls.load());
  EXPECT_EQ(Must(t, "relais_hub_syncs_total", store_labels_), calls.load());
  EXPECT_EQ(Must(t, "relais_hub_records_pushed_total", store_labels_), pushed.load());
  EXPECT_GE(pushed, kThreads * kRounds * 2) << "2 appointments a round";
  std::cout << "concurrent: " << calls << " sync calls, " << scrapes << " scrapes\n";
}

INSTANTIATE_TEST_SUITE_P(Stores, HubMetricsTest, pgtest::AllStores(), pgtest::StoreName);

}  // namespace
}  // namespace relais::server::testing
