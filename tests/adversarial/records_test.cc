// Record-level attacks on the hub (issue #14, points 1, 2, 3, 5, 6, 7): a
// crafted client (attack_client.h) against a real hub on 127.0.0.1, honest
// replicas syncing with the real client. The oracle is the honest-only
// world: what the honest replicas would hold had the attacker done nothing,
// plus what the attacker legitimately wrote in its own name. For forgeries
// the attacker's own push may be accepted (forged parts ignored) or refused
// (INVALID_ARGUMENT); only the honest outcome is asserted.
// Every attack on the hub runs on both stores (SQLite, PostgreSQL: TEST_P
// over pgtest::AllStores()); CouncilTokenCannotSync stays on SQLite: the
// funding office's tokens live in the hub's local SQLite file whatever the
// store (relais-hub --store ... --db local.db).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <thread>
#include <tuple>

#include "common/domain/ledger.h"
#include "common/model/schema.h"
#include "common/report/facts.h"
#include "common/report/usage.h"
#include "server/report/council_tokens.h"
#include "tests/adversarial/attack_client.h"
#include "tests/server/hub_fixture.h"

namespace relais::adversarial {

using relais::sync::SyncOnce;
namespace {

using common::Collection;
using common::Dot;
using sync::SyncOnce;
namespace field = common::field;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class AttackTest : public server::testing::HubFixture {
 protected:
  // A fresh replica of `site` with its own token, synced from scratch: it
  // holds exactly what the hub serves for the site.
  std::unique_ptr<common::Replica> Witness(const std::string& site) {
    auto w = NewReplica("witness" + std::to_string(++witnesses_) + ".db", site, 900);
    auto r = SyncOnce(*w, Options(Enroll({site})));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return w;
  }
  static Record Held(common::Replica& r, Collection c, const std::string& id) {
    auto got = r.Get(c, id);
    return got.ok() && got->has_value() ? **got : Record{};
  }
  static std::string Dump(common::Replica& r) {
    auto d = r.Dump();
    return d.ok() ? *d : "dump: " + d.status().ToString();
  }
  static bool ForgeryOutcome(const grpc::Status& s) {
    return s.ok() || s.error_code() == grpc::StatusCode::INVALID_ARGUMENT;
  }
  int witnesses_ = 0;
};

// The same over the store of the test's parameter.
class StoreAttackTest : public AttackTest,
                        public ::testing::WithParamInterface<pgtest::StoreKind> {
 protected:
  pgtest::StoreKind Kind() const override { return GetParam(); }
};
INSTANTIATE_TEST_SUITE_P(Stores, StoreAttackTest, pgtest::AllStores(), pgtest::StoreName);

// 1. A third replica pushes A's appointment with vv {A: 2^62, C: 1} and only
// status=cancelled; A checks the patient in; everyone keeps syncing.
// Parameters: the store, and whether the forged dot is A's (else C's).
class ForgedVectorTest
    : public AttackTest,
      public ::testing::WithParamInterface<std::tuple<pgtest::StoreKind, bool>> {
 protected:
  pgtest::StoreKind Kind() const override { return std::get<0>(GetParam()); }
};

TEST_P(ForgedVectorTest, HonestReplicasKeepSyncingAndKeepTheirFields) {
  auto a = NewReplica("a.db", "S1", 1), b = NewReplica("b.db", "S1", 2),
       c = NewReplica("c.db", "S1", 3);
  const std::string ta = Enroll({"S1"}), tb = Enroll({"S1"}), tc = Enroll({"S1"});
  const std::string id = server::testing::AddAppointments(*a, 1).at(0);
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  ASSERT_OK(SyncOnce(*b, Options(tb)));
  ASSERT_OK(SyncOnce(*c, Options(tc)));
  const Record original = Held(*a, Collection::kAppointment, id);
  const std::string A = a->replica_id(), C = c->replica_id();
  const uint64_t huge = uint64_t{1} << 62;
  const Dot dot = std::get<1>(GetParam()) ? Dot{A, huge} : Dot{C, 1};
  const Record forged =
      Forge(Collection::kAppointment, id, "S1", {{A, huge}, {C, 1}},
            {{field::kStatus, "cancelled", dot, common::MakeHlc(NowMs(), 0)}});
  Reply attack = Call(*OwnStub(address_), tc, Request(C, "S1", {forged}));
  EXPECT_TRUE(ForgeryOutcome(attack.status)) << attack.status.error_message();

  ASSERT_OK(a->CheckIn(id, "", "kiosk"));
  auto first = SyncOnce(*a, Options(ta));
  EXPECT_OK(first);
  EXPECT_OK(SyncOnce(*b, Options(tb)));
  EXPECT_OK(SyncOnce(*a, Options(ta)));
  const Record at_b = Held(*b, Collection::kAppointment, id);
  const auto status = Values(at_b, field::kStatus);
  EXPECT_NE(std::find(status.begin(), status.end(), "checked_in"), status.end())
      << "A's check-in never reached B";
  EXPECT_EQ(Values(at_b, field::kPatientName), Values(original, field::kPatientName));
  EXPECT_EQ(Values(at_b, field::kStart), Values(original, field::kStart));
  EXPECT_FALSE(Values(at_b, field::kStart).empty());
  EXPECT_EQ(Dump(*a), Dump(*b)) << "A and B do not converge";
  auto w = Witness("S1");
  const uint64_t real = Held(*a, Collection::kAppointment, id).vv.Get(A);
  EXPECT_LE(Held(*w, Collection::kAppointment, id).vv.Get(A), real)
      << "the hub credits A with writes A never made";
}

INSTANTIATE_TEST_SUITE_P(
    DotOfAOrOfC, ForgedVectorTest, ::testing::Combine(pgtest::AllStores(), ::testing::Bool()),
    [](const ::testing::TestParamInfo<ForgedVectorTest::ParamType>& info) {
      return std::string(std::get<1>(info.param) ? "DotOfA_" : "DotOfC_") +
             pgtest::StoreName({std::get<0>(info.param), info.index});
    });

// 2. A replica of S2 creates S1's predictable ids first.
grpc::Status Normalized(const Reply& r, uint64_t seq_before,
                        const std::string& id, std::string* bytes) {
  pb::SyncResponse resp = r.response;
  // Whether the hub's position moved, not by how much: PostgreSQL positions
  // come from transaction ids and are not 1, 2, 3 (server/pg_hub_store.h).
  const bool moved = r.status.ok() && resp.hub_last_seq() > seq_before;
  resp.clear_hub_time_ms();
  resp.clear_hub_last_seq();
  resp.clear_pull_cursor();
  std::string msg = r.status.error_message();
  for (size_t at; (at = msg.find(id)) != std::string::npos;) msg.replace(at, id.size(), "<id>");
  *bytes = resp.SerializeAsString() + "|moved=" + std::to_string(moved);
  return grpc::Status(r.status.error_code(), msg);
}

TEST_P(StoreAttackTest, SquattedIdsStayWithTheirSiteAndRevealNothing) {
  auto a = NewReplica("a.db", "S1", 11), b = NewReplica("b.db", "S1", 12),
       d = NewReplica("d.db", "S2", 13);
  const std::string ta = Enroll({"S1"}), tb = Enroll({"S1"}), td = Enroll({"S2"});
  const std::string appt = a->NewId("rdv");  // the id S1's next booking uses
  const std::string pres = common::PresenceId("p1@S1", "2026-12-03", "am");
  const std::map<std::string, std::string> squat_appt = {
      {field::kPractitioner, "p1@S1"}, {field::kPatientName, "Squatteur"},
      {field::kStart, "1795000000"}, {field::kDuration, "15"},
      {field::kStatus, "booked"}};
  ASSERT_OK(d->Write(Collection::kAppointment, appt, squat_appt));
  ASSERT_OK(d->Write(Collection::kPresence, pres,
                     {{field::kPractitioner, "p1@S1"}, {field::kDate, "2026-12-03"},
                      {field::kHalf, "am"}, {field::kState, "absent"}}));
  ASSERT_OK(SyncOnce(*d, Options(td)));

  // S1's records that nobody squatted reach the hub first.
  ASSERT_OK(a->AddPractitioner("p1", "Dr Martin", "medecin"));
  ASSERT_OK(a->SetPresence("p1", "2026-12-04", "am", "present", "", "2"));
  const std::string other = server::testing::AddAppointments(*a, 1).at(0);
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  ASSERT_OK(a->SetPresence("p1", "2026-12-03", "am", "present", "", "2"));
  ASSERT_OK(a->Write(Collection::kAppointment, appt,
                     {{field::kPractitioner, "p1@S1"}, {field::kPatientName, "Jeanne S1"},
                      {field::kStart, "1795000000"}, {field::kDuration, "15"},
                      {field::kStatus, "booked"}}));
  auto pushed = SyncOnce(*a, Options(ta));
  EXPECT_OK(pushed);
  EXPECT_EQ(*a->PendingCount(), 0) << "S1's records stuck behind the squat";
  EXPECT_OK(SyncOnce(*b, Options(tb)));
  const Record b_appt = Held(*b, Collection::kAppointment, appt);
  EXPECT_EQ(b_appt.site_id, "S1");
  EXPECT_EQ(Values(b->Opened(b_appt), field::kPatientName),
            std::vector<std::string>{"Jeanne S1"});
  EXPECT_EQ(Values(Held(*b, Collection::kPresence, pres), field::kState),
            std::vector<std::string>{"present"});

  EXPECT_OK(SyncOnce(*d, Options(td)));
  auto at_d = d->store()->ListAll();
  ASSERT_OK(at_d);
  for (const Record& r : *at_d) {
    EXPECT_EQ(r.site_id, "S2") << r.id;
    for (const auto& [name, sibs] : d->Opened(r).fields)
      for (const auto& s : sibs) EXPECT_NE(s.value, "Jeanne S1") << r.id;
  }
  EXPECT_EQ(Values(d->Opened(Held(*d, Collection::kAppointment, appt)), field::kPatientName),
            std::vector<std::string>{"Squatteur"});

  // Probing: an id that exists at S1 and one that exists nowhere must get
  // the same answer (code, message, response fields, sequence movement).
  auto stub = OwnStub(address_);
  const std::string D = d->replica_id();
  auto probe = [&](Collection c, const std::string& id) -> std::string {
    const Dot dot{D, 1};
    const common::Hlc h = common::MakeHlc(NowMs(), 0);
    Record r;
    if (c == Collection::kPresence) {
      r = Forge(c, id, "S2", {{D, 1}},
                {{field::kPractitioner, "p1@S1", dot, h},
                 {field::kDate, id.substr(9, 10), dot, h},
                 {field::kHalf, "am", dot, h},
                 {field::kState, "absent", dot, h}});
    } else {
      r = Forge(c, id, "S2", {{D, 1}},
                {{field::kPatientName, "Sonde", dot, h},
                 {field::kStart, "1795000000", dot, h}});
    }
    const uint64_t before = Call(*stub, td, Request(D, "S2", {})).response.hub_last_seq();
    std::string bytes;
    const grpc::Status s =
        Normalized(Call(*stub, td, Request(D, "S2", {r})), before, id, &bytes);
    std::string outcome = std::to_string(static_cast<int>(s.error_code()));
    outcome += ":" + s.error_message();
    return outcome + "|" + bytes;
  };
  const std::string nowhere = "rdv-" + D.substr(0, 6) + "ffffffffff";
  EXPECT_EQ(probe(Collection::kAppointment, other), probe(Collection::kAppointment, nowhere));
  EXPECT_EQ(probe(Collection::kPresence, common::PresenceId("p1@S1", "2026-12-04", "am")),
            probe(Collection::kPresence, common::PresenceId("p1@S1", "2026-12-05", "am")));
}

// 3. One ~2 MB push (the same record twice, 60,000 siblings each) in a loop
// for ~2 s while another site runs no-op syncs.
TEST_P(StoreAttackTest, HugeSiblingListsAreRefusedQuicklyAndOthersKeepSyncing) {
  auto c = NewReplica("c.db", "S1", 21), e = NewReplica("e.db", "S2", 22);
  const std::string tc = Enroll({"S1"}), te = Enroll({"S2"});
  server::testing::AddAppointments(*e, 3);
  ASSERT_OK(SyncOnce(*e, Options(te)));
  const std::string C = c->replica_id();
  Record big;
  big.collection = Collection::kAppointment;
  big.id = "rdv-" + C.substr(0, 6) + "0000000000";
  big.site_id = "S1";
  big.vv.Set(C, 60000);
  const common::Hlc h = common::MakeHlc(NowMs(), 0);
  for (uint64_t i = 1; i <= 60000; ++i)
    big.fields[field::kNote].push_back({"x", Dot{C, i}, h});
  const pb::SyncRequest req = Request(C, "S1", {big, big});
  std::printf("attack push: %zu bytes\n", req.ByteSizeLong());
  EXPECT_GT(req.ByteSizeLong(), 1500000u);

  auto stub = OwnStub(address_);
  std::vector<Reply> attacks;
  std::atomic<bool> done{false};
  std::thread attacker([&] {
    const auto t0 = std::chrono::steady_clock::now();
    while (SecondsSince(t0) < 2.0) attacks.push_back(Call(*stub, tc, req, 5000));
    done = true;
  });
  sync::SyncOptions o = Options(te);
  o.deadline_ms = 5000;
  Latencies honest;
  int failed = 0;
  while (!done) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = SyncOnce(*e, o);
    honest.s.push_back(SecondsSince(t0));
    if (!r.ok() || r->pushed + r->pulled != 0) ++failed;
  }
  attacker.join();
  Latencies attack;
  for (const Reply& r : attacks) attack.s.push_back(r.seconds);
  std::printf("honest no-op syncs during the attack: n=%zu p50=%.4f s max=%.4f s; "
              "attack pushes: n=%zu p50=%.4f s max=%.4f s\n",
              honest.s.size(), honest.Quantile(0.5), honest.Max(), attack.s.size(),
              attack.Quantile(0.5), attack.Max());
  EXPECT_GE(attacks.size(), 2u);
  for (const Reply& r : attacks) {
    EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << r.status.error_message();
    EXPECT_LT(r.seconds, 1.0) << "refusal took too long";
  }
  EXPECT_GE(honest.s.size(), 5u);
  EXPECT_EQ(failed, 0);
  EXPECT_LT(honest.Max(), 1.0) << "an honest no-op sync stalled";
  auto w = Witness("S1");
  EXPECT_TRUE(Held(*w, Collection::kAppointment, big.id).id.empty())
      << "the hub stored the attack record";
}

// 5. A second token of S1 presents A's replica id.
TEST_P(StoreAttackTest, SecondTokenCannotTakeOverAReplicaId) {
  auto a = NewReplica("a.db", "S1", 31), b = NewReplica("b.db", "S1", 32),
       m = NewReplica("m.db", "S1", 33);
  const std::string ta = Enroll({"S1"}), tb = Enroll({"S1"}), t2 = Enroll({"S1"});
  server::testing::AddAppointments(*a, 2);
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  ASSERT_OK(SyncOnce(*b, Options(tb)));
  ASSERT_OK(m->AddPractitioner("p9", "Dr Intrus", "medecin"));
  auto stub = OwnStub(address_);
  const std::string A = a->replica_id();
  Reply push = Call(*stub, t2, Request(A, "S1", Pending(*m)));
  EXPECT_EQ(push.status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << push.status.error_message();
  Reply pull = Call(*stub, t2, Request(A, "S1", {}));
  EXPECT_EQ(pull.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(pull.response.pull_size(), 0);

  server::testing::AddAppointments(*b, 1);
  EXPECT_OK(SyncOnce(*b, Options(tb)));
  EXPECT_OK(SyncOnce(*a, Options(ta)));
  auto w = Witness("S1");
  EXPECT_EQ(Dump(*a), Dump(*w)) << "A misses records the hub holds for its site";
}

// 6. Clocks: far-future HLC stamps.
TEST_P(StoreAttackTest, FarFutureStampsAreRefusedAndHonestWritesWin) {
  auto a = NewReplica("a.db", "S1", 41), b = NewReplica("b.db", "S1", 42),
       c = NewReplica("c.db", "S1", 43);
  const std::string ta = Enroll({"S1"}), tb = Enroll({"S1"}), tc = Enroll({"S1"});
  ASSERT_OK(a->AddPractitioner("p1", "Dr Martin", "medecin"));
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  ASSERT_OK(SyncOnce(*c, Options(tc)));
  ASSERT_OK(c->SetPresence("p1", "2026-12-03", "am", "absent", "", ""));
  const std::string pres = common::PresenceId("p1@S1", "2026-12-03", "am");
  auto stub = OwnStub(address_);
  const int64_t ten_years_ms = int64_t{10} * 365 * 86400 * 1000;
  for (common::Hlc stamp : {common::Hlc{std::numeric_limits<int64_t>::max()},
                            common::MakeHlc(NowMs() + ten_years_ms, 0)}) {
    Record r = PendingOne(*c, Collection::kPresence, pres);
    ASSERT_EQ(r.id, pres);
    for (auto& [name, sibs] : r.fields)
      for (auto& s : sibs) s.hlc = stamp;
    Reply reply = Call(*stub, tc, Request(c->replica_id(), "S1", {r}));
    EXPECT_EQ(reply.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << "stamp " << stamp << " accepted";
    EXPECT_FALSE(reply.status.error_message().empty());
  }
  ASSERT_OK(a->SetPresence("p1", "2026-12-03", "am", "present", "", "1"));
  EXPECT_OK(SyncOnce(*a, Options(ta)));
  EXPECT_OK(SyncOnce(*b, Options(tb)));
  auto shown = b->PresenceOn("2026-12-03");
  ASSERT_OK(shown);
  ASSERT_EQ(shown->size(), 1u);
  EXPECT_EQ((*shown)[0].state, "present") << "a forged stamp beat the honest write";

  auto w = Witness("S1");
  auto held = w->store()->ListAll();
  ASSERT_OK(held);
  const int64_t now_ms = NowMs();
  for (const Record& r : *held)
    EXPECT_LE(common::report::LatestWriteMs(r), now_ms + 60000) << r.id;
  common::report::UsageQuery q{"2026-11", "2026-12", common::report::Granularity::kMonth,
                               {"S1"}, now_ms / 1000};
  auto rep = common::report::BuildUsageReport(*held, q);
  ASSERT_OK(rep);
  EXPECT_GT(rep->tables[0].last_write_ms, 0);
  EXPECT_LE(rep->tables[0].last_write_ms, now_ms + 60000);
}

// 6b. A hub database that already holds a far-future stamp (written before
// the hub refused them): the report never shows a date after its "now".
TEST(StoredClockTest, ReportClampsLatestWriteToNow) {
  const int64_t now_s = 1796000000;  // 2026-11-30
  auto record = [](const std::string& id, common::Hlc hlc) {
    return Forge(Collection::kPresence, id, "S1", {{"r1", 1}},
                 {{field::kPractitioner, "p1@S1", Dot{"r1", 1}, hlc},
                  {field::kDate, "2026-11-20", Dot{"r1", 1}, hlc},
                  {field::kHalf, "am", Dot{"r1", 1}, hlc},
                  {field::kState, "present", Dot{"r1", 1}, hlc}});
  };
  common::report::UsageQuery q{"2026-11", "2026-11", common::report::Granularity::kMonth,
                               {"S1", "S2"}, now_s};
  const std::vector<Record> records = {
      record("pr:p1@S1:2026-11-20:am", common::Hlc{std::numeric_limits<int64_t>::max()}),
      Forge(Collection::kSite, "S2", "S2", {{"r2", 1}},
            {{"name", "Maison 2", Dot{"r2", 1}, common::MakeHlc(1795000000123, 0)}})};
  auto rep = common::report::BuildSuppressedUsageReport(records, q);
  ASSERT_OK(rep);
  EXPECT_EQ(rep->tables[0].last_write_ms, now_s * 1000) << "future stamp not clamped";
  EXPECT_EQ(rep->tables[1].last_write_ms, 1795000000123) << "a past stamp is kept";
  auto doc = nlohmann::json::parse(common::report::RenderJson(*rep), nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  const std::string generated = doc["genere_le"].is_string() ? doc["genere_le"].get<std::string>()
                                                             : common::FormatUtc(now_s);
  for (const auto& t : doc["tableaux"]) {
    if (t.contains("derniere_donnee") && t["derniere_donnee"].is_string()) {
      EXPECT_LE(t["derniere_donnee"].get<std::string>(), generated);
    }
  }
  // The aggregate store's path: a FactSet whose latest write is far ahead.
  common::report::FactSet facts;
  facts["S1"].last_write_ms = std::numeric_limits<int64_t>::max();
  auto from_facts = common::report::BuildUsageReport(facts, q);
  ASSERT_OK(from_facts);
  EXPECT_EQ(from_facts->tables[0].last_write_ms, now_s * 1000);
}

// 7. The hub validates like the CLI: impossible dates, unbounded amounts,
// missing payer.
TEST_P(StoreAttackTest, InvalidValuesAreRefusedAndNeverReachOthers) {
  auto a = NewReplica("a.db", "S1", 51), b = NewReplica("b.db", "S1", 52),
       c = NewReplica("c.db", "S1", 53);
  const std::string ta = Enroll({"S1"}), tb = Enroll({"S1"}), tc = Enroll({"S1"});
  ASSERT_OK(a->AddPractitioner("p1", "Dr Martin", "medecin"));
  ASSERT_OK(a->AddPractitioner("p2", "Dr Durand", "infirmier"));
  ASSERT_OK(a->AddLedgerEntry({12000, "loyer", "p1", "equal", "loyer", "2026-11", ""}));
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  ASSERT_OK(SyncOnce(*b, Options(tb)));
  ASSERT_OK(SyncOnce(*c, Options(tc)));
  auto balance = [&]() -> std::string {
    auto bal = common::domain::MonthlyBalances(*b->LedgerAll(), *b->Practitioners(),
                                               *b->PresenceInMonth("2026-11"), "2026-11");
    if (!bal.ok()) return bal.status().ToString();
    std::string out;
    for (const auto& x : *bal) out += x.practitioner + "=" + std::to_string(x.balance()) + ";";
    return out;
  };
  const std::string before = balance();

  auto stub = OwnStub(address_);
  const std::string C = c->replica_id();
  auto refused = [&](const Record& r, const char* what) {
    Reply reply = Call(*stub, tc, Request(C, "S1", {r}));
    EXPECT_EQ(reply.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << what;
  };
  ASSERT_OK(c->SetPresence("p1", "2026-02-27", "am", "present", "", ""));
  Record bad_date = PendingOne(*c, Collection::kPresence,
                               common::PresenceId("p1@S1", "2026-02-27", "am"));
  ASSERT_FALSE(bad_date.id.empty());
  bad_date.id = common::PresenceId("p1@S1", "2026-02-31", "am");
  bad_date.fields[field::kDate][0].value = "2026-02-31";
  refused(bad_date, "presence dated 2026-02-31");
  auto entry = c->AddLedgerEntry({100, "fournitures", "p1", "equal", "achat", "2026-11", ""});
  ASSERT_OK(entry);
  Record no_payer = PendingOne(*c, Collection::kLedger, *entry);
  ASSERT_FALSE(no_payer.id.empty());
  no_payer.fields.erase(field::kPayer);
  Record huge = no_payer;
  huge.id += "x";
  huge.fields[field::kAmountCents][0].value = "-1000000000";
  refused(huge, "ledger entry of -10^9 cents without payer");
  refused(no_payer, "ledger entry without payer");

  EXPECT_OK(SyncOnce(*a, Options(ta)));
  EXPECT_OK(SyncOnce(*b, Options(tb)));
  for (auto* r : {a.get(), b.get()}) {
    EXPECT_TRUE(Held(*r, Collection::kPresence, bad_date.id).id.empty());
    EXPECT_TRUE(Held(*r, Collection::kLedger, huge.id).id.empty());
    EXPECT_TRUE(Held(*r, Collection::kLedger, no_payer.id).id.empty());
  }
  EXPECT_EQ(balance(), before);
  // 120.00 EUR paid by p1, split equally between p1 and p2.
  EXPECT_EQ(before, "p1@S1=6000;p2@S1=-6000;");
}

// The funding office's read token (its own table) opens no sync session.
TEST_F(AttackTest, CouncilTokenCannotSync) {
  auto council = server::SqliteCouncilTokens::Open(dir_.File("hub.db"));
  ASSERT_TRUE(council.ok()) << council.status().ToString();
  auto token = (*council)->Enroll("Conseil", {"S1"}, *common::SystemClock::Default());
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  auto stub = OwnStub(address_);
  const Reply pull = Call(*stub, *token, Request("curieux", "S1", {}));
  EXPECT_EQ(pull.status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << pull.status.error_message();
  EXPECT_EQ(pull.response.pull_size(), 0);
}

}  // namespace
}  // namespace relais::adversarial
