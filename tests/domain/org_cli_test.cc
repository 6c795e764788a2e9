// `relais org ...`, `practitioner add --sites --pole`, `plage exception
// --start/--end` and `slot next --pole`, in process on a temporary
// two-site replica: the happy path against hand-written lines, and hostile
// arguments refused with exit 2 before anything is written.
#include <gtest/gtest.h>

#include "common/replica/replica.h"
#include "common/replica/slot_inputs.h"
#include "tests/common/cli_run.h"
#include "tests/common/test_util.h"

namespace relais::common {
namespace {

using testing::TempDir;

std::pair<int, std::string> RelaisCli(std::vector<std::string> args) {
  relais::testing::CliResult r = relais::testing::RunRelaisCli(std::move(args));
  return {r.code, r.out + r.err};
}

class OrgCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("sec.db");
    ASSERT_EQ(RelaisCli({"init", "--db", db_, "--org", "O", "--site", "S1", "--site", "S2"}).first,
              0);
  }
  void Ok(std::vector<std::string> args) {
    auto [rc, out] = RelaisCli(args);
    EXPECT_EQ(rc, 0) << out;
  }
  std::string Dump() { return RelaisCli({"dump", "--db", db_, "--json"}).second; }

  TempDir dir_;
  std::string db_;
};

TEST_F(OrgCliTest, BuildsAndShowsTheOrganisation) {
  Ok({"org", "site", "set", "--db", db_, "--id", "S1", "--name", "Digoin", "--kind", "centre",
      "--hours", "1-5 08:00-20:00;6 08:00-12:00", "--commune", "Digoin"});
  Ok({"org", "site", "set", "--db", db_, "--id", "S2", "--name", "Autun", "--kind", "antenne",
      "--hours", "2 14:00-18:00"});
  Ok({"org", "pole", "add", "--db", db_, "--id", "mg", "--name", "Médecine générale"});
  auto room = RelaisCli({"org", "room", "add", "--db", db_, "--id", "salle1", "--site", "S2",
                         "--name", "Salle 1", "--pole", "mg"});
  EXPECT_EQ(room, std::make_pair(0, std::string("salle1@S2\n")));
  Ok({"practitioner", "add", "--db", db_, "--id", "a", "--name", "Dr A", "--profession",
      "medecin", "--sites", "S1,S2", "--pole", "mg"});
  Ok({"practitioner", "add", "--db", db_, "--id", "b", "--name", "Dr B", "--profession",
      "infirmier"});
  auto [rc, out] = RelaisCli({"org", "show", "--db", db_});
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(out,
            "organisation\tO\n"
            "  site\tS1\tDigoin\tcentre\thoraires 1-5 08:00-20:00;6 08:00-12:00\tDigoin\n"
            "  site\tS2\tAutun\tantenne\thoraires 2 14:00-18:00\t-\n"
            "  pôle\tmg\tMédecine générale\n"
            "    praticien\ta@O\tDr A\tmedecin\tsites S1,S2\n"
            "    salle\tsalle1@S2\tSalle 1\tS2\n"
            "  sans pôle\n"
            "    praticien\tb@O\tDr B\tinfirmier\tsites -\n");

  // a works Tuesdays 13:00-16:00 at S2, which opens at 14:00; b at S1.
  // Tuesday 8 December 2026 (CET): 14:00 and 15:00 for a.
  for (const auto& [who, site] : {std::pair{"a", "S2"}, std::pair{"b", "S1"}})
    Ok({"plage", "add", "--db", db_, "--practitioner", who, "--weekday", "2", "--start", "13:00",
        "--end", "16:00", "--kind", "programmee", "--slot", "60", "--from", "2026-12-01",
        "--site", site});
  auto next = RelaisCli({"slot", "next", "--db", db_, "--after", "2026-12-08T00:00", "--count",
                         "2", "--pole", "mg"});
  EXPECT_EQ(next, std::make_pair(0, std::string("créneau\t2026-12-08T14:00\t60 min\ta@O\tS2\tprogrammee\n"
                                                "créneau\t2026-12-08T15:00\t60 min\ta@O\tS2\tprogrammee\n")));
  // A leave 14:00-15:00 that day keeps 15:00 (touching).
  Ok({"plage", "exception", "--db", db_, "--kind", "conge", "--practitioner", "a", "--from",
      "2026-12-08", "--to", "2026-12-08", "--start", "14:00", "--end", "15:00"});
  next = RelaisCli({"slot", "next", "--db", db_, "--after", "2026-12-08T00:00", "--count", "2",
                    "--pole", "mg"});
  EXPECT_EQ(next, std::make_pair(0, std::string("créneau\t2026-12-08T15:00\t60 min\ta@O\tS2\tprogrammee\n"
                                                "créneau\t2026-12-15T14:00\t60 min\ta@O\tS2\tprogrammee\n")));
  auto list = RelaisCli({"plage", "list", "--db", db_});
  EXPECT_NE(list.second.find("\tconge\ta@O\t-\t2026-12-08..2026-12-08\t14:00-15:00\n"),
            std::string::npos)
      << list.second;
}

TEST_F(OrgCliTest, HostileArgumentsExitTwoAndWriteNothing) {
  Ok({"org", "pole", "add", "--db", db_, "--id", "mg", "--name", "MG"});
  Ok({"practitioner", "add", "--db", db_, "--id", "a", "--name", "A", "--profession", "m",
      "--sites", "S1"});
  const std::string before = Dump();
  const std::vector<std::vector<std::string>> bad = {
      {"org", "site", "set", "--db", db_, "--id", "S3", "--name", "Hors"},  // not held
      {"org", "site", "set", "--db", db_, "--id", "O", "--name", "Org"},    // the org
      {"org", "site", "set", "--db", db_, "--id", "S1", "--name", "X", "--hours",
       "1 08:00-12:00,11:00-13:00"},
      {"org", "site", "set", "--db", db_, "--id", "S1", "--name", "X", "--hours", "1 25:00-26:00"},
      {"org", "site", "set", "--db", db_, "--id", "S1", "--name", "X", "--kind", "hopital"},
      {"org", "site", "set", "--db", db_, "--id", "S1", "--name", ""},
      {"org", "site", "set", "--db", db_, "--id", "S1", "--name", "X", "--commune", "a\nb"},
      {"org", "pole", "add", "--db", db_, "--id", "a b", "--name", "X"},
      {"org", "pole", "add", "--db", db_, "--id", "p2", "--name", std::string(201, 'x')},
      {"org", "room", "add", "--db", db_, "--id", "r", "--site", "S9", "--name", "X"},
      {"org", "room", "add", "--db", db_, "--id", "r", "--site", "S1", "--name", "X", "--pole",
       "inconnu"},
      {"org", "room", "add", "--db", db_, "--id", "r/1", "--site", "S1", "--name", "X"},
      {"practitioner", "add", "--db", db_, "--id", "a", "--name", "A", "--profession", "m",
       "--sites", "S1,S1"},
      {"practitioner", "add", "--db", db_, "--id", "a", "--name", "A", "--profession", "m",
       "--pole", "inconnu"},
      {"plage", "exception", "--db", db_, "--kind", "fermeture", "--from", "2026-12-08", "--to",
       "2026-12-08", "--start", "14:00"},
      {"plage", "exception", "--db", db_, "--kind", "fermeture", "--from", "2026-12-08", "--to",
       "2026-12-08", "--start", "15:00", "--end", "14:00"},
      {"plage", "exception", "--db", db_, "--kind", "fermeture", "--from", "2026-12-08", "--to",
       "2026-12-08", "--start", "14:00", "--end", "25:00"},
      {"slot", "next", "--db", db_, "--pole", "x y"},
      // a works at S1 only: no plage at S2.
      {"plage", "add", "--db", db_, "--practitioner", "a", "--weekday", "2", "--start", "09:00",
       "--end", "10:00", "--kind", "programmee", "--slot", "30", "--from", "2026-12-01",
       "--site", "S2"},
  };
  for (const auto& args : bad) {
    auto [rc, out] = RelaisCli(args);
    EXPECT_EQ(rc, 2) << args[0] << " " << args[1] << " " << args[2] << ": " << out;
    EXPECT_NE(out.find("relais: "), std::string::npos);
  }
  EXPECT_EQ(Dump(), before);
}

// `relais init --site S1 --site S2` (no --org): the organisation is S1,
// which is also a real site with its own record.
TEST(OrgCliNoOrgTest, FirstSiteIsTheOrganisationAndASite) {
  TempDir dir;
  const std::string db = dir.File("two.db");
  ASSERT_EQ(RelaisCli({"init", "--db", db, "--site", "S1", "--site", "S2"}).first, 0);
  EXPECT_EQ(RelaisCli({"org", "site", "set", "--db", db, "--id", "S1", "--name", "Digoin"}),
            std::make_pair(0, std::string("S1\n")));
  EXPECT_EQ(RelaisCli({"org", "show", "--db", db}),
            std::make_pair(0, std::string("organisation\tS1\n"
                                          "  site\tS1\tDigoin\t-\thoraires -\t-\n"
                                          "  site\tS2\t-\t-\thoraires -\t-\n"
                                          "  sans pôle\n")));
}

// A site record written before the organisation fields existed (only
// retention_months, the site's id), in a file taken back to replica schema
// 2 (no org/scope meta, no purge column and table of v4, user_version 2:
// what a replica made before issue #19 holds), opens, keeps its data, shows "-" for what it lacks and
// restricts no slot.
TEST(OrgMigrationTest, OldSiteRecordStillReadsAndRestrictsNothing) {
  TempDir dir;
  const std::string db = dir.File("old.db");
  auto init = Replica::Init(db, "S1");
  ASSERT_OK(init.status());
  {
    auto r = Replica::Open(db);
    ASSERT_OK(r.status());
    auto w = (*r)->Write(Collection::kSite, "S1", {{field::kRetentionMonths, "24"}});
    ASSERT_OK(w.status());
    ASSERT_OK((*r)->AddPractitioner("a", "Dr A", "medecin"));
    ASSERT_OK((*r)->store()->db()->Exec(
        "DELETE FROM meta WHERE key IN ('org', 'scope'); ALTER TABLE records DROP COLUMN hub_at;"
        " DROP TABLE rebootstrap_pending; PRAGMA user_version = 2;"));
  }
  {
    auto r = Replica::Open(db);  // migrates 2 -> current
    ASSERT_OK(r.status());
    EXPECT_EQ((*r)->org_id(), "S1");
    EXPECT_EQ((*r)->scope(), std::vector<std::string>{"S1"});
  }
  auto show = RelaisCli({"org", "show", "--db", db});
  EXPECT_EQ(show, std::make_pair(0, std::string("organisation\tS1\n"
                                                "  site\tS1\t-\t-\thoraires -\t-\n"
                                                "  sans pôle\n"
                                                "    praticien\ta@S1\tDr A\tmedecin\tsites -\n")));
  ASSERT_EQ(RelaisCli({"plage", "add", "--db", db, "--practitioner", "a", "--weekday", "2",
                       "--start", "07:00", "--end", "08:00", "--kind", "programmee", "--slot",
                       "60", "--from", "2026-12-01"})
                .first,
            0);
  auto next = RelaisCli({"slot", "next", "--db", db, "--after", "2026-12-08T00:00", "--count", "1"});
  EXPECT_EQ(next.second, "créneau\t2026-12-08T07:00\t60 min\ta@S1\tS1\tprogrammee\n");
  auto r = Replica::Open(db);
  ASSERT_OK(r.status());
  auto rec = (*r)->Get(Collection::kSite, "S1");
  ASSERT_OK(rec.status());
  ASSERT_TRUE(rec->has_value());
  EXPECT_EQ(View(**rec).at(field::kRetentionMonths), "24");
}

}  // namespace
}  // namespace relais::common
