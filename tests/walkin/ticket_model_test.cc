// The ticket model (model/ticket.h): fields, hostile values refused with a
// French message, numbering helpers. Oracles: literal values written by
// hand, and the FNV-1a letters computed outside the code (Python).
#include <gtest/gtest.h>

#include <string>

#include "common/model/record.h"
#include "common/model/ticket.h"
#include "common/model/validate.h"

namespace relais::common {
namespace {

TEST(TicketModelTest, CollectionIsKnownEverywhere) {
  EXPECT_EQ(static_cast<int>(Collection::kTicket), 10);
  EXPECT_EQ(kCollectionCount, 11);
  EXPECT_STREQ(CollectionName(Collection::kTicket), "ticket");
  EXPECT_EQ(ParseCollection("ticket"), Collection::kTicket);
}

TEST(TicketModelTest, HonestValuesPass) {
  EXPECT_EQ(ValidateField(Collection::kTicket, "day", "2026-12-03"), "");
  EXPECT_EQ(ValidateField(Collection::kTicket, "number", "A1"), "");
  EXPECT_EQ(ValidateField(Collection::kTicket, "number", "Z9999"), "");
  EXPECT_EQ(ValidateField(Collection::kTicket, "issued_at", "1796288400000"), "");
  for (const char* s : {"waiting", "called", "done", "left", "converted"})
    EXPECT_EQ(ValidateField(Collection::kTicket, "status", s), "") << s;
  EXPECT_EQ(ValidateField(Collection::kTicket, "room", "Salle 2"), "");
  EXPECT_EQ(ValidateField(Collection::kTicket, "called_at", ""), "");
  EXPECT_EQ(ValidateField(Collection::kTicket, "ended_at", "0"), "");
  EXPECT_EQ(ValidateField(Collection::kTicket, "issuer", "ab12cd"), "");
  EXPECT_EQ(ValidateField(Collection::kTicket, "appointment", "rdv-abc"), "");
}

TEST(TicketModelTest, HostileValuesRefused) {
  auto bad = [](const char* f, const std::string& v) {
    return !ValidateField(Collection::kTicket, f, v).empty();
  };
  EXPECT_TRUE(bad("status", "booked"));  // an appointment status, not a ticket's
  EXPECT_TRUE(bad("status", "WAITING"));
  EXPECT_TRUE(bad("status", ""));
  EXPECT_TRUE(bad("day", "2026-02-30"));
  EXPECT_TRUE(bad("day", "03/12/2026"));
  EXPECT_TRUE(bad("day", "2026-12-3"));
  EXPECT_TRUE(bad("number", "A10000"));  // counter past 9999
  EXPECT_TRUE(bad("number", "A99999999999999999999"));
  EXPECT_TRUE(bad("number", "A0"));
  EXPECT_TRUE(bad("number", "A012"));
  EXPECT_TRUE(bad("number", "a12"));
  EXPECT_TRUE(bad("number", "12"));
  EXPECT_TRUE(bad("number", "AB12"));
  EXPECT_TRUE(bad("issued_at", ""));
  EXPECT_TRUE(bad("issued_at", "-1"));
  EXPECT_TRUE(bad("issued_at", "7258118400001"));  // after 2200-01-01
  EXPECT_TRUE(bad("called_at", "demain"));
  EXPECT_TRUE(bad("room", std::string(65, 'x')));
  EXPECT_TRUE(bad("room", "salle\n2"));
  EXPECT_TRUE(bad("issuer", "a/b"));
  EXPECT_TRUE(bad("appointment", std::string(129, 'r')));
  EXPECT_TRUE(bad("patient_name", "Jeanne"));  // no such field on a ticket
  const std::string msg = ValidateField(Collection::kTicket, "status", "booked");
  EXPECT_NE(msg.find("statut de ticket inconnu"), std::string::npos) << msg;
}

Record NewTicketRecord(std::map<std::string, std::string> f) {
  Record r;
  r.collection = Collection::kTicket;
  r.id = "tk-1";
  r.site_id = "S1";
  r.vv.Set("rep1", 1);
  for (const auto& [k, v] : f) r.fields[k] = {Sibling{v, Dot{"rep1", 1}, 1}};
  return r;
}

TEST(TicketModelTest, CreationNeedsDayNumberIssuedAtStatus) {
  std::map<std::string, std::string> f = {{"day", "2026-12-03"},
                                          {"number", "B3"},
                                          {"issued_at", "1796288400000"},
                                          {"status", "waiting"}};
  EXPECT_EQ(ValidateNewRecord(NewTicketRecord(f)), "");
  for (const char* k : {"day", "number", "issued_at", "status"}) {
    auto g = f;
    g.erase(k);
    EXPECT_NE(ValidateNewRecord(NewTicketRecord(g)), "") << k;
  }
}

TEST(TicketModelTest, NumbersParseAndFormat) {
  char p = 0;
  int n = 0;
  ASSERT_TRUE(ParseTicketNumber("C42", &p, &n));
  EXPECT_EQ(p, 'C');
  EXPECT_EQ(n, 42);
  EXPECT_EQ(FormatTicketNumber('C', 42), "C42");
  EXPECT_EQ(FormatTicketNumber('Z', 9999), "Z9999");
  EXPECT_FALSE(ParseTicketNumber("C", &p, &n));
  EXPECT_FALSE(ParseTicketNumber("C4a", &p, &n));
  EXPECT_TRUE(IsValidTicketPrefix("Q"));
  EXPECT_FALSE(IsValidTicketPrefix("q"));
  EXPECT_FALSE(IsValidTicketPrefix("QQ"));
  EXPECT_FALSE(IsValidTicketPrefix(""));
}

TEST(TicketModelTest, DefaultPrefixIsFnv1aOfTheReplicaId) {
  // Letters computed in Python: chr(65 + fnv1a32(s) % 26).
  EXPECT_EQ(DefaultTicketPrefix("a1b2c3d4"), 'L');
  EXPECT_EQ(DefaultTicketPrefix(""), 'D');
  EXPECT_EQ(DefaultTicketPrefix("kiosk-1"), 'W');
  EXPECT_EQ(DefaultTicketPrefix("0123456789abcdef"), 'X');
}

TEST(TicketModelTest, StatusRanks) {
  EXPECT_LT(TicketStatusRank("waiting"), TicketStatusRank("called"));
  EXPECT_LT(TicketStatusRank("called"), TicketStatusRank("left"));
  EXPECT_LT(TicketStatusRank("left"), TicketStatusRank("done"));
  EXPECT_LT(TicketStatusRank("done"), TicketStatusRank("converted"));
  EXPECT_EQ(TicketStatusRank("booked"), -1);
  EXPECT_FALSE(IsTerminalTicketStatus("called"));
  EXPECT_TRUE(IsTerminalTicketStatus("left"));
}

}  // namespace
}  // namespace relais::common
