// The ticket merge rule (merge/policy.h): worked cases, then a property test
// over random concurrent edit sequences (seed printed, RELAIS_SEED replays):
// the merge is commutative, associative and idempotent on every pair or
// triple of states met, a sync never moves a shown status backwards, and
// after a full exchange every replica shows the same tickets and the same
// queue. Oracles: the status ranks written by hand, and the laws themselves.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "common/domain/walkin_queue.h"
#include "common/merge/accept.h"
#include "common/merge/merge.h"
#include "common/model/ticket.h"
#include "tests/common/test_seed.h"

namespace relais::common {
namespace {

// Oracle: the documented order, independent of TicketStatusRank.
int Rank(const std::string& s) {
  static const std::map<std::string, int> k = {
      {"waiting", 0}, {"called", 1}, {"left", 2}, {"done", 3}, {"converted", 4}};
  return k.at(s);
}

Record Issued(const std::string& rep, Hlc hlc, const std::string& number = "A1") {
  Record r;
  r.collection = Collection::kTicket;
  r.id = "tk-" + rep;
  r.site_id = "S1";
  EXPECT_TRUE(ApplyLocalWrite(&r, rep, hlc,
                              {{field::kTicketDay, "2026-12-03"},
                               {field::kTicketNumber, number},
                               {field::kIssuedAt, std::to_string(hlc)},
                               {field::kStatus, "waiting"}}));
  return r;
}

void Edit(Record* r, const std::string& rep, Hlc hlc, std::map<std::string, std::string> ch) {
  ApplyLocalWrite(r, rep, hlc, domain::TicketStatusWrite(*r, std::move(ch)));
}

std::string Shown(const Record& r, const char* f) {
  const FieldView v = View(r);
  return v.count(f) ? v.at(f) : "";
}

TEST(TicketMergeTest, TerminalStatesResolveDeterministically) {
  const Record base = Issued("a", 100);
  struct Case {
    const char *x, *y, *want;
  } cases[] = {{"done", "left", "done"},      {"converted", "done", "converted"},
               {"left", "converted", "converted"}, {"called", "left", "left"},
               {"waiting", "called", "called"}};
  for (const Case& c : cases) {
    for (bool x_later : {false, true}) {
      Record a = base, b = base;
      Edit(&a, "a", x_later ? 300 : 200, {{field::kStatus, c.x}});
      Edit(&b, "b", x_later ? 200 : 300, {{field::kStatus, c.y}});
      const Record m = Merge(a, b);
      EXPECT_EQ(Shown(m, field::kStatus), c.want) << c.x << " vs " << c.y;
      EXPECT_TRUE(ConflictFields(m).empty()) << "settled without staff";
      EXPECT_EQ(m, Merge(b, a));
    }
  }
}

TEST(TicketMergeTest, RoomComesFromTheWinningStatusWrite) {
  const Record base = Issued("a", 100);
  Record a = base, b = base;
  // Two desks call the same ticket at once; b's call is later and wins.
  Edit(&a, "a", 200, {{field::kStatus, "called"}, {field::kRoom, "1"}, {field::kCalledAt, "200"}});
  Edit(&b, "b", 300, {{field::kStatus, "called"}, {field::kRoom, "2"}, {field::kCalledAt, "300"}});
  Record m = Merge(a, b);
  EXPECT_EQ(Shown(m, field::kRoom), "2");
  EXPECT_EQ(Shown(m, field::kCalledAt), "300");
  // Then a (having seen both) is told the patient left from room 1's call:
  // the terminal status wins over b's later-stamped call, and the room
  // shown is the one a's write carried (the shown room, "2").
  Record a2 = m;
  Edit(&a2, "a", 150, {{field::kStatus, "left"}, {field::kEndedAt, "400"}});
  EXPECT_EQ(Shown(a2, field::kRoom), "2");
  // Room of a losing call never shows with the winning status: a calls to
  // room 1 late, b finishes its own earlier call to room 2 as done.
  Record c = base, d = base;
  Edit(&c, "a", 900, {{field::kStatus, "called"}, {field::kRoom, "1"}, {field::kCalledAt, "900"}});
  Edit(&d, "b", 200, {{field::kStatus, "called"}, {field::kRoom, "2"}, {field::kCalledAt, "200"}});
  Edit(&d, "b", 250, {{field::kStatus, "done"}, {field::kEndedAt, "250"}});
  const Record m2 = Merge(c, d);
  EXPECT_EQ(Shown(m2, field::kStatus), "done");
  EXPECT_EQ(Shown(m2, field::kRoom), "2");
  EXPECT_EQ(Shown(m2, field::kCalledAt), "200");
  EXPECT_EQ(Shown(m2, field::kEndedAt), "250");
}

TEST(TicketMergeTest, HubRefusesAStatusGoingBack) {
  // The hub holds a ticket finished by kiosk a.
  Record hub = Issued("a", 100);
  Edit(&hub, "a", 200, {{field::kStatus, "called"}, {field::kRoom, "1"}, {field::kCalledAt, "200"}});
  Edit(&hub, "a", 300, {{field::kStatus, "done"}, {field::kEndedAt, "300"}});
  const int64_t now_ms = 1000;
  // Kiosk b has pulled it and writes it back to "waiting" in its own name.
  Record back = hub;
  Edit(&back, "b", 400, {{field::kStatus, "waiting"}});
  auto refused = Accept(back, &hub, "b", now_ms);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("statut de ticket en recul"), std::string::npos)
      << refused.status().message();
  // A forward write (converted) and a concurrent stale "called" are taken.
  Record fwd = hub;
  Edit(&fwd, "b", 400, {{field::kStatus, "converted"}, {field::kAppointment, "rdv-1"}});
  auto taken = Accept(fwd, &hub, "b", now_ms);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_EQ(Shown(taken->state(), field::kStatus), "converted");
  Record stale = Issued("a", 100);
  Edit(&stale, "c", 250, {{field::kStatus, "called"}, {field::kRoom, "2"}, {field::kCalledAt, "250"}});
  auto concurrent = Accept(stale, &hub, "c", now_ms);
  ASSERT_TRUE(concurrent.ok()) << concurrent.status().ToString();
  EXPECT_EQ(Shown(concurrent->state(), field::kStatus), "done");
  EXPECT_EQ(Shown(concurrent->state(), field::kRoom), "1");
}

// One random forward move from the shown status (as the replica API allows).
bool RandomMove(Record* r, const std::string& rep, Hlc hlc, std::mt19937_64& rng) {
  const std::string st = Shown(*r, field::kStatus);
  std::vector<std::map<std::string, std::string>> moves;
  const std::string t = std::to_string(hlc);
  const std::string room = std::to_string(1 + rng() % 3);
  if (st == "waiting" || st == "called") {
    moves.push_back({{field::kStatus, "called"}, {field::kRoom, room}, {field::kCalledAt, t}});
    moves.push_back({{field::kStatus, "left"}, {field::kEndedAt, t}});
    moves.push_back({{field::kStatus, "converted"}, {field::kEndedAt, t},
                     {field::kAppointment, "rdv-" + rep + t}});
  }
  if (st == "called") moves.push_back({{field::kStatus, "done"}, {field::kEndedAt, t}});
  if (moves.empty()) return false;
  Edit(r, rep, hlc, moves[rng() % moves.size()]);
  return true;
}

TEST(TicketMergeTest, RandomConcurrentEditsConverge) {
  const uint64_t seed = relais::testing::TestSeed();
  std::mt19937_64 rng(seed);
  const std::vector<std::string> reps = {"ra", "rb", "rc"};
  int concurrent_statuses = 0;  // merges that met concurrent status writes
  for (int round = 0; round < 150; ++round) {
    SCOPED_TRACE("round " + std::to_string(round) + " seed " + std::to_string(seed));
    // Each replica issues one ticket; states[rep][id].
    std::map<std::string, std::map<std::string, Record>> states;
    std::map<std::string, std::vector<Record>> seen;  // id -> every state met
    for (const std::string& rep : reps) {
      // Issue instants may tie: the number, then the id, order them.
      Record t = Issued(rep, 1000 + rng() % 3, std::string(1, DefaultTicketPrefix(rep)) + "1");
      states[rep][t.id] = t;
      seen[t.id].push_back(t);
    }
    for (int step = 0; step < 25; ++step) {
      const std::string& rep = reps[rng() % reps.size()];
      if (rng() % 3 == 0) {  // sync rep with another
        const std::string& other = reps[rng() % reps.size()];
        for (auto& [id, theirs] : states[other]) {
          auto mine = states[rep].find(id);
          if (mine == states[rep].end()) {
            states[rep][id] = theirs;
            continue;
          }
          const Record m = Merge(mine->second, theirs);
          const int before = std::max(Rank(Shown(mine->second, field::kStatus)),
                                      Rank(Shown(theirs, field::kStatus)));
          EXPECT_GE(Rank(Shown(m, field::kStatus)), before) << "status went back";
          if (m.fields.at(field::kStatus).size() > 1) ++concurrent_statuses;
          mine->second = m;
          theirs = m;
          seen[id].push_back(m);
        }
      } else if (!states[rep].empty()) {  // a local move on a random ticket held
        auto it = states[rep].begin();
        std::advance(it, rng() % states[rep].size());
        // Clocks disagree: stamps are random, the dot breaks ties.
        if (RandomMove(&it->second, rep, 2000 + rng() % 1000, rng))
          seen[it->first].push_back(it->second);
      }
    }
    // Join laws on the states met.
    for (const auto& [id, list] : seen) {
      for (int k = 0; k < 20; ++k) {
        const Record& a = list[rng() % list.size()];
        const Record& b = list[rng() % list.size()];
        const Record& c = list[rng() % list.size()];
        ASSERT_EQ(Merge(a, b), Merge(b, a));
        ASSERT_EQ(Merge(a, a), a);
        ASSERT_EQ(Merge(Merge(a, b), c), Merge(a, Merge(b, c)));
      }
    }
    // Full exchange in a random order, then every replica agrees.
    std::map<std::string, Record> joined;
    for (const std::string& rep : reps)
      for (const auto& [id, r] : states[rep])
        joined[id] = joined.count(id) ? Merge(joined[id], r) : r;
    std::vector<std::string> order = reps;
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<std::vector<std::string>> queues;
    for (const std::string& rep : order) {
      std::vector<std::string> ids;
      for (const auto& [id, r] : joined) ids.push_back(id);
      std::shuffle(ids.begin(), ids.end(), rng);
      std::vector<Ticket> tickets;
      for (const std::string& id : ids) {
        auto mine = states[rep].find(id);
        const Record m = mine == states[rep].end() ? joined[id] : Merge(joined[id], mine->second);
        ASSERT_EQ(m, joined[id]);
        EXPECT_TRUE(ConflictFields(m).empty());
        tickets.push_back(TicketFromView(m, View(m)));
      }
      std::vector<std::string> q;
      for (const Ticket& t : domain::QueueOrder(tickets, "S1", "2026-12-03")) q.push_back(t.id);
      queues.push_back(q);
    }
    for (const auto& q : queues) EXPECT_EQ(q, queues.front());
  }
  EXPECT_GT(concurrent_statuses, 0) << "the random runs never met a concurrent status";
}

}  // namespace
}  // namespace relais::common
