// domain/walkin_queue.h: order, estimate, numbering, duplicates. Oracles:
// queues and numbers written out by hand.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/domain/walkin_queue.h"

namespace relais::common::domain {
namespace {

Ticket T(const std::string& id, const std::string& number, int64_t issued,
         const std::string& status = "waiting", const std::string& site = "S1",
         const std::string& day = "2026-12-03") {
  Ticket t;
  t.id = id;
  t.number = number;
  t.issued_at_ms = issued;
  t.status = status;
  t.site_id = site;
  t.day = day;
  return t;
}

std::vector<std::string> Ids(const std::vector<Ticket>& q) {
  std::vector<std::string> out;
  for (const Ticket& t : q) out.push_back(t.id);
  return out;
}

TEST(WalkinQueueTest, OrderByIssueThenNumberThenId) {
  std::vector<Ticket> all = {
      T("t5", "B1", 3000), T("t1", "A2", 1000), T("t2", "B1", 1000),
      T("t3", "A1", 2000), T("t4", "A1", 2000),
      T("t6", "A3", 500, "called"), T("t7", "A4", 400, "done"),
      T("t8", "C1", 100, "waiting", "S2"), T("t9", "C2", 100, "waiting", "S1", "2026-12-02")};
  Ticket del = T("t10", "A9", 50);
  del.deleted = true;
  all.push_back(del);
  EXPECT_EQ(Ids(QueueOrder(all, "S1", "2026-12-03")),
            (std::vector<std::string>{"t1", "t2", "t3", "t4", "t5"}));
  // Input order does not matter.
  std::vector<Ticket> rev(all.rbegin(), all.rend());
  EXPECT_EQ(Ids(QueueOrder(rev, "S1", "2026-12-03")), Ids(QueueOrder(all, "S1", "2026-12-03")));
}

TEST(WalkinQueueTest, MedianOfDoneTicketsOrDefault) {
  std::vector<Ticket> all;
  EXPECT_EQ(MedianServiceMs(all, "S1", "2026-12-03"), 15 * 60 * 1000);
  auto done = [](const std::string& id, int64_t called, int64_t ended) {
    Ticket t = T(id, "A1", 0, "done");
    t.called_at_ms = called;
    t.ended_at_ms = ended;
    return t;
  };
  all.push_back(done("a", 1000, 1000 + 10 * 60000));
  EXPECT_EQ(MedianServiceMs(all, "S1", "2026-12-03"), 10 * 60000);
  all.push_back(done("b", 0, 5000));         // never called: ignored
  all.push_back(done("c", 9000, 8000));      // ends before its call: ignored
  Ticket left = done("d", 1000, 1000 + 60000);
  left.status = "left";                      // not a service
  all.push_back(left);
  EXPECT_EQ(MedianServiceMs(all, "S1", "2026-12-03"), 10 * 60000);
  all.push_back(done("e", 0 + 1, 1 + 20 * 60000));
  EXPECT_EQ(MedianServiceMs(all, "S1", "2026-12-03"), 15 * 60000);  // (10+20)/2
  all.push_back(done("f", 1, 1 + 30 * 60000));
  EXPECT_EQ(MedianServiceMs(all, "S1", "2026-12-03"), 20 * 60000);
  EXPECT_EQ(MedianServiceMs(all, "S2", "2026-12-03"), 15 * 60000);
}

TEST(WalkinQueueTest, EstimateIsPositionTimesMedian) {
  EXPECT_EQ(EstimatedWaitMs(1, 600000), 600000);
  EXPECT_EQ(EstimatedWaitMs(4, 600000), 2400000);
  EXPECT_EQ(EstimatedWaitMs(0, 600000), 0);
  EXPECT_EQ(EstimatedWaitMs(-3, 600000), 0);
}

TEST(WalkinQueueTest, NextNumberPerSiteDayAndPrefix) {
  std::vector<Ticket> all;
  auto next = [&](const std::string& p) {
    auto n = NextTicketNumber(all, "S1", "2026-12-03", p);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : std::string();
  };
  EXPECT_EQ(next("A"), "A1");
  all = {T("1", "A1", 0), T("2", "A7", 0, "done"), T("3", "B12", 0),
         T("4", "A40", 0, "waiting", "S2"), T("5", "A50", 0, "waiting", "S1", "2026-12-02")};
  Ticket gone = T("6", "A9", 0);
  gone.deleted = true;  // a deleted ticket's number is never handed out again
  all.push_back(gone);
  EXPECT_EQ(next("A"), "A10");
  EXPECT_EQ(next("B"), "B13");
  EXPECT_EQ(next("C"), "C1");
  EXPECT_FALSE(NextTicketNumber(all, "S1", "2026-12-03", "a").ok());
  EXPECT_FALSE(NextTicketNumber(all, "S1", "2026-12-03", "AB").ok());
  all.push_back(T("7", "A9999", 0));
  auto full = NextTicketNumber(all, "S1", "2026-12-03", "A");
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(next("B"), "B13");
}

TEST(WalkinQueueTest, DuplicateNumbersAreReported) {
  std::vector<Ticket> all = {T("1", "A1", 0), T("2", "A2", 0), T("3", "A1", 5),
                             T("4", "A2", 0, "waiting", "S2")};
  EXPECT_EQ(DuplicateNumbers(all, "S1", "2026-12-03"), (std::vector<std::string>{"A1"}));
  EXPECT_TRUE(DuplicateNumbers(all, "S2", "2026-12-03").empty());
}

}  // namespace
}  // namespace relais::common::domain
