// The offline list of communes (common/geo/communes.h): the shipped file's
// known rows (facts checked by hand against La Poste's file), the desk's
// resolution rules, and hostile lists refused line by line.
#include "common/geo/communes.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace relais::common::geo {
namespace {

const CommuneList& Shipped() {
  const Result<CommuneList>& r = ShippedCommunes();
  EXPECT_TRUE(r.ok()) << r.status().message();
  return *r;
}

TEST(CommunesTest, ShippedListHasTheDocumentedRows) {
  const CommuneList& l = Shipped();
  EXPECT_EQ(l.size(), 35578u);  // common/geo/data/README.md
  EXPECT_NE(l.provenance().find("licence=ODbL 1.0"), std::string::npos);
  EXPECT_EQ(std::string(ShippedCommunesSha256()).size(), 64u);
}

TEST(CommunesTest, PostcodeServingSeveralCommunes) {
  const auto cs = Shipped().ByPostcode("71160");
  ASSERT_EQ(cs.size(), 7u);
  EXPECT_EQ(cs[0].insee, "71176");
  EXPECT_EQ(cs[0].name, "DIGOIN");
  EXPECT_EQ(cs.back().name, "ST AGNAN");
  EXPECT_TRUE(Shipped().ByPostcode("00000").empty());
}

TEST(CommunesTest, CorsicaAndOverseas) {
  auto a = Shipped().ByInsee("2A004");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->name, "AJACCIO");
  EXPECT_EQ(a->postcode, "20000");  // the smallest of its three postcodes
  auto r = Shipped().Resolve("97400", "");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->insee, "97411");
}

TEST(CommunesTest, ResolveAsADeskTypesIt) {
  const CommuneList& l = Shipped();
  // Several communes: a choice is required, and the error lists them.
  auto none = l.Resolve("71160", "");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("GILLY SUR LOIRE"), std::string::npos);
  // By name, accents, hyphens and « Saint » as typed.
  auto s = l.Resolve("71160", "Saint-Agnan");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->insee, "71382");
  auto g = l.Resolve("71160", "gilly-sur-loire");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->insee, "71220");
  auto e = l.Resolve("01400", "L'Abergement-Clémenciat");
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(e->insee, "01001");
  // By INSEE code, only within the postcode.
  EXPECT_TRUE(l.Resolve("71160", "71176").ok());
  EXPECT_FALSE(l.Resolve("71160", "75101").ok());
  // Hostile input.
  EXPECT_FALSE(l.Resolve("7116", "").ok());
  EXPECT_FALSE(l.Resolve("71160x", "").ok());
  EXPECT_FALSE(l.Resolve("71160", std::string(10000, '\xff')).ok());
  EXPECT_FALSE(l.Resolve("71160", std::string("DIGOIN\0X", 8)).ok());
}

TEST(CommunesTest, InseeAndPostcodeFormats) {
  EXPECT_TRUE(IsInseeCode("71176"));
  EXPECT_TRUE(IsInseeCode("2B033"));
  EXPECT_FALSE(IsInseeCode("2C033"));
  EXPECT_FALSE(IsInseeCode("7117"));
  EXPECT_FALSE(IsInseeCode("71176 "));
  EXPECT_TRUE(IsPostcode("01400"));
  EXPECT_FALSE(IsPostcode("2A004"));
}

TEST(CommunesTest, HostileListsAreRefusedWithTheLine) {
  const std::string head = "# relais-communes 1;source=test\ncode_postal;code_insee;nom\n";
  EXPECT_TRUE(CommuneList::Parse(head + "71160;71176;DIGOIN\n").ok());
  for (const std::string& bad : std::vector<std::string>{
           "no header\n",
           "# relais-communes 1;x\nwrong;columns\n71160;71176;DIGOIN\n",
           head,                                         // no row
           head + "71160;71176;DIGOIN;extra\n",          // four fields
           head + "7116;71176;DIGOIN\n",                 // postcode
           head + "71160;7117X;DIGOIN\n",                // INSEE
           head + "71160;71176;digoin\n",                // name alphabet
           head + "71160;71176;DIGOIN  SUD\n",           // double space
           head + "71160;71176;" + std::string(65, 'A') + "\n",
           head + "71160;71220;GILLY\n71160;71176;DIGOIN\n",  // unsorted
           head + "71160;71176;DIGOIN\n71160;71176;DIGOIN\n",  // duplicate
       }) {
    auto r = CommuneList::Parse(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
  auto r = CommuneList::Parse(head + "71160;71176;DIGOIN\n71160;7117;X\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("ligne 4"), std::string::npos) << r.status().message();
  EXPECT_FALSE(CommuneList::Parse(std::string(5u << 20, 'a')).ok());
}

}  // namespace
}  // namespace relais::common::geo
