// The walk-in queue through a real hub on 127.0.0.1 (tests/server/
// hub_fixture.h): two kiosks of one house issue tickets offline at the same
// time, then sync; numbers are unique and both show the same queue. Then a
// hostile replica pushes crafted tickets (unknown status, huge number,
// foreign site): each push is refused with a French message and the honest
// tickets survive. Oracles: numbers and orders written by hand.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "common/domain/walkin_queue.h"
#include "common/model/ticket.h"
#include "common/replica/tickets.h"
#include "tests/server/hub_fixture.h"

namespace relais::server::testing {

using relais::sync::SyncOnce;
namespace {

namespace pb = relais::sync::v1;
using common::Ticket;

class WalkinSyncTest : public HubFixture {
 protected:
  std::unique_ptr<common::Replica> Kiosk(const std::string& file, const std::string& prefix,
                                         uint64_t seed) {
    auto id = common::Replica::Init(dir_.File(file), "S1");
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    auto r = common::Replica::Open(dir_.File(file), &clock_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return nullptr;
    (*r)->SeedForTest(seed);
    if (!prefix.empty()) {
      EXPECT_TRUE(common::SetTicketPrefix(**r, prefix).ok());
    }
    return std::move(r).value();
  }
  std::vector<Ticket> Day(common::Replica& r) {
    auto day = common::TicketToday(r);
    EXPECT_TRUE(day.ok());
    auto t = common::TicketsOn(r, day.ok() ? *day : "");
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : std::vector<Ticket>{};
  }
  std::vector<std::string> Queue(common::Replica& r) {
    std::vector<std::string> out;
    const auto all = Day(r);
    for (const Ticket& t : common::domain::QueueOrder(all, "S1", *common::TicketToday(r)))
      out.push_back(t.number + ":" + t.id);
    return out;
  }
  // The hub's clock is the system's: the kiosks use it too (their stamps
  // must not be far ahead of the hub's).
  common::FakeClock clock_{common::SystemClock::Default()->NowMillis()};
};

TEST_F(WalkinSyncTest, TwoKiosksOfflineThenSyncAgreeOnTheQueue) {
  const std::string ta = Enroll({"S1"}), tb = Enroll({"S1"});
  auto a = Kiosk("a.db", "A", 1), b = Kiosk("b.db", "B", 2);
  ASSERT_TRUE(a && b);
  // Offline, interleaved in time, one second apart: A1 B1 A2 B2 A3 B3.
  for (int i = 0; i < 3; ++i) {
    auto x = common::IssueTicket(*a);
    ASSERT_OK(x.status());
    clock_.Advance(1000);
    auto y = common::IssueTicket(*b);
    ASSERT_OK(y.status());
    clock_.Advance(1000);
  }
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  ASSERT_OK(SyncOnce(*b, Options(tb)));
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  const auto all_a = Day(*a), all_b = Day(*b);
  ASSERT_EQ(all_a.size(), 6u);
  ASSERT_EQ(all_b.size(), 6u);
  std::set<std::string> numbers;
  for (const Ticket& t : all_a) numbers.insert(t.number);
  EXPECT_EQ(numbers, (std::set<std::string>{"A1", "A2", "A3", "B1", "B2", "B3"}));
  const auto qa = Queue(*a);
  EXPECT_EQ(qa, Queue(*b));
  std::vector<std::string> order;
  for (const std::string& q : qa) order.push_back(q.substr(0, q.find(':')));
  EXPECT_EQ(order, (std::vector<std::string>{"A1", "B1", "A2", "B2", "A3", "B3"}));

  // Both desks call "the next one" offline: the same patient A1 is called
  // twice (two rooms); after sync both show one call, the later one.
  auto ca = common::CallNextTicket(*a, "1");
  clock_.Advance(500);
  auto cb = common::CallNextTicket(*b, "2");
  ASSERT_OK(ca.status());
  ASSERT_OK(cb.status());
  EXPECT_EQ(ca->id, cb->id);
  // A finishes its patient as done; B's desk meanwhile sees them leave.
  clock_.Advance(60000);
  ASSERT_OK(common::FinishTicket(*a, ca->id, "done"));
  ASSERT_OK(common::FinishTicket(*b, cb->id, "left"));
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  ASSERT_OK(SyncOnce(*b, Options(tb)));
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  EXPECT_EQ(*a->Dump(), *b->Dump());
  auto rec = a->Get(common::Collection::kTicket, ca->id);
  ASSERT_OK(rec.status());
  const Ticket t = common::TicketFromView(**rec, common::View(**rec));
  EXPECT_EQ(t.status, "done") << "done beats left";
  EXPECT_EQ(t.room, "1") << "the room of the desk that finished the visit";
  EXPECT_TRUE(common::ConflictFields(**rec).empty());
  EXPECT_EQ(Queue(*a), Queue(*b));
  EXPECT_EQ(Queue(*a).size(), 5u);
}

TEST_F(WalkinSyncTest, SameHandSetPrefixOfflineIsDetectedThenHubLettersTakeOver) {
  const std::string ta = Enroll({"S1"}), tb = Enroll({"S1"});
  auto a = Kiosk("a.db", "C", 1), b = Kiosk("b.db", "C", 2);
  ASSERT_TRUE(a && b);
  ASSERT_OK(common::IssueTicket(*a));
  ASSERT_OK(common::IssueTicket(*b));
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  ASSERT_OK(SyncOnce(*b, Options(tb)));
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  const auto all = Day(*a);
  ASSERT_EQ(all.size(), 2u) << "two records, one number";
  EXPECT_EQ(common::domain::DuplicateNumbers(all, "S1", all[0].day),
            (std::vector<std::string>{"C1"}));
  // A number held twice cannot name a ticket; the id still can.
  EXPECT_EQ(common::CallTicket(*a, "C1", "1").status().code(),
            common::StatusCode::kFailedPrecondition);
  auto clashes = common::TicketPrefixClashes(*a, "C");
  ASSERT_OK(clashes.status());
  EXPECT_EQ(*clashes, (std::vector<std::string>{b->replica_id()}));
  // After sync the hub's letters (distinct: A for the first to sync, B)
  // replace the letter set by hand: no clash from then on.
  auto next = common::IssueTicket(*a);
  ASSERT_OK(next.status());
  EXPECT_EQ(next->number, "A1");
  auto next_b = common::IssueTicket(*b);
  ASSERT_OK(next_b.status());
  EXPECT_EQ(next_b->number, "B1");
}

TEST_F(WalkinSyncTest, CraftedTicketsAreRefusedHonestOnesSurvive) {
  const std::string ta = Enroll({"S1"}), tm = Enroll({"S1"}), tc = Enroll({"S1"});
  auto a = Kiosk("a.db", "A", 1), m = Kiosk("m.db", "M", 2);
  ASSERT_TRUE(a && m);
  for (int i = 0; i < 3; ++i) ASSERT_OK(common::IssueTicket(*a));
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  const std::string honest = *a->Dump();

  ASSERT_OK(common::IssueTicket(*m));
  auto set_field = [](const char* f, const std::string& v) {
    return [f, v](common::Record* r) {
      if (r->collection == common::Collection::kTicket) r->fields.at(f)[0].value = v;
    };
  };
  struct Attack {
    const char* what;
    std::function<void(common::Record*)> edit;
    grpc::StatusCode code;
    const char* message_part;
  } attacks[] = {
      {"unknown status", set_field(common::field::kStatus, "booked"),
       grpc::StatusCode::INVALID_ARGUMENT, "statut de ticket inconnu"},
      {"huge number", set_field(common::field::kTicketNumber, "M99999999999"),
       grpc::StatusCode::INVALID_ARGUMENT, "numéro de ticket invalide"},
      {"bad day", set_field(common::field::kTicketDay, "2026-02-31"),
       grpc::StatusCode::INVALID_ARGUMENT, "jour invalide"},
      {"foreign site",
       [](common::Record* r) {
         if (r->collection == common::Collection::kTicket) r->site_id = "S2";
       },
       grpc::StatusCode::PERMISSION_DENIED, "hors du périmètre"},
  };
  for (const Attack& at : attacks) {
    SCOPED_TRACE(at.what);
    pb::SyncResponse resp;
    const grpc::Status s = RawSync(tm, PushRequest(*m, at.edit), &resp);
    EXPECT_EQ(s.error_code(), at.code) << s.error_message();
    EXPECT_NE(s.error_message().find(at.message_part), std::string::npos) << s.error_message();
  }
  // The attacker pulls the honest tickets, then writes a finished one back
  // into the queue in its own name: the hub refuses the state.
  ASSERT_OK(SyncOnce(*a, Options(ta)));  // nothing new
  {
    auto first = common::CallNextTicket(*a, "1");
    ASSERT_OK(first);
    ASSERT_OK(common::FinishTicket(*a, first->id, "done"));
    ASSERT_OK(SyncOnce(*a, Options(ta)));
    common::Record done_rec = **a->Get(common::Collection::kTicket, first->id);
    ASSERT_OK(m->store()->ApplyRemote({done_rec}, {}));
    ASSERT_OK(m->Write(common::Collection::kTicket, first->id,
                       {{common::field::kStatus, "waiting"}}));
    pb::SyncResponse resp;
    const grpc::Status s = RawSync(tm, PushRequest(*m), &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
    EXPECT_NE(s.error_message().find("statut de ticket en recul"), std::string::npos)
        << s.error_message();
  }
  const std::string honest_after = *a->Dump();
  // A fresh kiosk of S1 gets exactly the honest tickets.
  auto c = Kiosk("c.db", "", 3);
  ASSERT_OK(SyncOnce(*c, Options(tc)));
  EXPECT_EQ(*c->Dump(), honest_after);
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  EXPECT_EQ(*a->Dump(), honest_after);
  EXPECT_NE(honest_after, honest);
  // The attacker's honest ticket still goes through once its forged
  // state is gone (a fresh replica with the same token).
  const std::string tm2 = Enroll({"S1"});
  m = Kiosk("m2.db", "M", 4);
  ASSERT_OK(common::IssueTicket(*m));
  ASSERT_OK(SyncOnce(*m, Options(tm2)));
  ASSERT_OK(SyncOnce(*c, Options(tc)));
  EXPECT_EQ(Day(*c).size(), 4u);
}

}  // namespace
}  // namespace relais::server::testing
