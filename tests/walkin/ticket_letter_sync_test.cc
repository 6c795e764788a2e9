// Ticket letters assigned by the hub (issue #16, docs/domain.md
// "Numérotation"), through a real hub on 127.0.0.1 over both hub stores
// (SQLite and PostgreSQL): every replica of a site gets a distinct letter
// at its first sync, so two kiosks issuing tickets offline at the same time
// never hand out one number; the 27th replica of a site gets none and says
// why; a hub response carrying a letter out of A-Z is refused before
// anything is applied. Oracles: letters and numbers written by hand.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/domain/walkin_queue.h"
#include "common/model/ticket.h"
#include "common/replica/tickets.h"
#include "proto/sync.pb.h"
#include "tests/server/hub_fixture.h"

namespace relais::server::testing {
namespace {

using common::StatusCode;
using common::Ticket;
using relais::sync::SyncOnce;
namespace pb = relais::sync::v1;

class TicketLetterSyncTest : public StoreHubFixture {
 protected:
  std::vector<Ticket> Today(common::Replica& r) {
    auto day = common::TicketToday(r);
    EXPECT_TRUE(day.ok());
    auto t = common::TicketsOn(r, day.ok() ? *day : "");
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : std::vector<Ticket>{};
  }
  std::vector<std::string> Queue(common::Replica& r) {
    std::vector<std::string> out;
    for (const Ticket& t : common::domain::QueueOrder(Today(r), r.site_id(),
                                                      *common::TicketToday(r)))
      out.push_back(t.number + ":" + t.id);
    return out;
  }
};

TEST_P(TicketLetterSyncTest, DistinctLettersThenConcurrentOfflineTicketsAreUnique) {
  const std::string ta = Enroll({"S1"}), tb = Enroll({"S1"}), tc = Enroll({"S2"});
  auto a = NewReplica("a.db", "S1", 1), b = NewReplica("b.db", "S1", 2);
  auto c = NewReplica("c.db", "S2", 3);
  ASSERT_TRUE(a && b && c);
  // Before its first sync a kiosk has no letter and issues nothing.
  EXPECT_EQ(common::IssueTicket(*a).status().code(), StatusCode::kFailedPrecondition);
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  ASSERT_OK(SyncOnce(*b, Options(tb)));
  ASSERT_OK(SyncOnce(*c, Options(tc)));
  // First free letter at each site, in order of first sync.
  EXPECT_EQ(*common::TicketPrefix(*a), "A");
  EXPECT_EQ(*common::TicketPrefix(*b), "B");
  EXPECT_EQ(*common::TicketPrefix(*c), "A") << "letters are per site";

  // The link drops; both kiosks issue five tickets each at the same time.
  auto issue5 = [](common::Replica* r, std::vector<std::string>* out) {
    for (int i = 0; i < 5; ++i) {
      auto t = common::IssueTicket(*r);
      out->push_back(t.ok() ? t->number : t.status().ToString());
    }
  };
  std::vector<std::string> na, nb;
  std::thread tha(issue5, a.get(), &na), thb(issue5, b.get(), &nb);
  tha.join();
  thb.join();
  EXPECT_EQ(na, (std::vector<std::string>{"A1", "A2", "A3", "A4", "A5"}));
  EXPECT_EQ(nb, (std::vector<std::string>{"B1", "B2", "B3", "B4", "B5"}));

  ASSERT_OK(SyncOnce(*a, Options(ta)));
  ASSERT_OK(SyncOnce(*b, Options(tb)));
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  const auto all = Today(*a);
  ASSERT_EQ(all.size(), 10u);
  std::set<std::string> numbers;
  for (const Ticket& t : all) numbers.insert(t.number);
  EXPECT_EQ(numbers.size(), 10u) << "no number held twice";
  EXPECT_TRUE(common::domain::DuplicateNumbers(all, "S1", all[0].day).empty());
  EXPECT_EQ(Queue(*a), Queue(*b)) << "the queue converges";
  EXPECT_EQ(Queue(*a).size(), 10u);
  // Letters are for good: later syncs keep them, the hub lists them.
  EXPECT_EQ(*common::TicketPrefix(*a), "A");
  EXPECT_EQ(*common::TicketPrefix(*b), "B");
  auto letters = store_->ListTicketLetters();
  ASSERT_OK(letters.status());
  ASSERT_EQ(letters->size(), 3u);
  EXPECT_EQ((*letters)[0].site_id + (*letters)[0].letter + "=" + (*letters)[0].replica_id,
            "S1A=" + a->replica_id());
  EXPECT_EQ((*letters)[1].site_id + (*letters)[1].letter + "=" + (*letters)[1].replica_id,
            "S1B=" + b->replica_id());
  EXPECT_EQ((*letters)[2].site_id + (*letters)[2].letter + "=" + (*letters)[2].replica_id,
            "S2A=" + c->replica_id());
}

TEST_P(TicketLetterSyncTest, TwentySeventhReplicaOfASiteGetsNoLetterAndSaysWhy) {
  for (int i = 0; i < 26; ++i) {
    auto l = store_->AssignTicketLetter("S1", "k" + std::to_string(i));
    ASSERT_OK(l.status());
    EXPECT_EQ(*l, std::string(1, static_cast<char>('A' + i)));
  }
  EXPECT_EQ(*store_->AssignTicketLetter("S1", "k0"), "A") << "held letters are stable";
  const std::string t = Enroll({"S1"});
  auto r = NewReplica("r.db", "S1", 7);
  ASSERT_TRUE(r);
  ASSERT_OK(SyncOnce(*r, Options(t)));  // the sync itself goes on
  auto refused = common::IssueTicket(*r);
  ASSERT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("les 26 lettres du site S1"), std::string::npos)
      << refused.status().ToString();
  auto other_site = store_->AssignTicketLetter("S2", "k0");
  ASSERT_OK(other_site.status());
  EXPECT_EQ(*other_site, "A");
  // Malformed ids never reach the table.
  EXPECT_EQ(store_->AssignTicketLetter("S 1", "k0").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->AssignTicketLetter("S1", "").status().code(), StatusCode::kInvalidArgument);
}

TEST_P(TicketLetterSyncTest, ConcurrentAssignmentsNeverShareALetter) {
  constexpr int kThreads = 8;
  std::vector<std::string> got(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([this, i, &got] {
      auto l = store_->AssignTicketLetter("S1", "c" + std::to_string(i));
      got[i] = l.ok() ? *l : l.status().ToString();
    });
  for (std::thread& th : threads) th.join();
  std::set<std::string> distinct(got.begin(), got.end());
  EXPECT_EQ(distinct, (std::set<std::string>{"A", "B", "C", "D", "E", "F", "G", "H"}));
}

INSTANTIATE_TEST_SUITE_P(Stores, TicketLetterSyncTest, pgtest::AllStores(), pgtest::StoreName);

// A hub response (gRPC or change file) is applied by sync::ApplyResponse:
// a letter out of A-Z is refused before anything moves.
TEST(TicketLetterResponseTest, HostileLetterIsRefusedHonestOneIsStored) {
  common::testing::TempDir dir;
  ASSERT_OK(common::Status(common::Replica::Init(dir.File("k.db"), "S1").status()));
  auto r = common::Replica::Open(dir.File("k.db"));
  ASSERT_OK(r.status());
  auto response = [](const std::string& letter, bool full) {
    pb::SyncResponse resp;
    resp.add_sites("S1");
    resp.set_hub_epoch("e1");
    resp.set_pull_cursor(5);
    resp.set_hub_last_seq(5);
    resp.set_ticket_prefix(letter);
    resp.set_ticket_prefixes_full(full);
    return resp;
  };
  const std::string before = *(*r)->Dump();
  const std::string cursor0 = *(*r)->store()->GetMeta("pull_cursor");
  for (const std::string& bad : std::vector<std::string>{"a", "AB", "1", "\xc3\x89", std::string("A\0", 2), " ",
                                std::string(5000, 'Z')}) {
    SCOPED_TRACE(bad.size());
    auto applied = relais::sync::ApplyResponse(**r, 0, 0, response(bad, false));
    ASSERT_EQ(applied.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(applied.status().message().find("lettre de ticket"), std::string::npos)
        << applied.status().ToString();
    EXPECT_LT(applied.status().message().size(), 200u) << "the value is not echoed whole";
    EXPECT_EQ(*(*r)->store()->GetMeta("pull_cursor"), cursor0) << "nothing applied";
    EXPECT_EQ(*(*r)->store()->GetMeta(common::kTicketPrefixHubMeta), "");
  }
  EXPECT_EQ(*(*r)->Dump(), before);
  // "Site full" without a letter: remembered, and said when issuing.
  ASSERT_OK(common::Status(relais::sync::ApplyResponse(**r, 0, 0, response("", true)).status()));
  EXPECT_NE(common::IssueTicket(**r).status().message().find("26 lettres"), std::string::npos);
  // An honest letter is stored (and clears "full").
  ASSERT_OK(common::Status(relais::sync::ApplyResponse(**r, 5, 0, response("C", false)).status()));
  EXPECT_EQ(*common::TicketPrefix(**r), "C");
  EXPECT_EQ(*(*r)->store()->GetMeta(common::kTicketPrefixFullMeta), "");
  // A hub older than the field sends nothing: the letter stays.
  ASSERT_OK(common::Status(relais::sync::ApplyResponse(**r, 5, 0, response("", false)).status()));
  auto t = common::IssueTicket(**r);
  ASSERT_OK(t.status());
  EXPECT_EQ(t->number, "C1");
}

}  // namespace
}  // namespace relais::server::testing
