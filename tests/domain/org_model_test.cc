// The organisation model (model/org.h, docs/domain.md §6d): the opening-hours
// parser against hand-written expectations and crafted hostile texts, the
// per-field checks the hub runs on the new fields and collections, and the
// merge rules of concurrent edits (merge/policy.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/merge/merge.h"
#include "common/merge/policy.h"
#include "common/model/org.h"
#include "common/model/schedule.h"
#include "common/model/validate.h"

namespace relais::common {
namespace {

std::vector<OpeningInterval> Hours(const std::string& text) {
  std::vector<OpeningInterval> out;
  const std::string err = ParseOpeningHours(text, &out);
  EXPECT_EQ(err, "") << text;
  return out;
}

std::string HoursError(const std::string& text) {
  std::vector<OpeningInterval> out = {{1, 0, 1}};
  const std::string err = ParseOpeningHours(text, &out);
  EXPECT_TRUE(out.empty()) << text;  // nothing half-parsed is handed back
  return err;
}

TEST(OpeningHoursTest, ParsesTheDocumentedForms) {
  EXPECT_TRUE(Hours("").empty());
  // 08:00 = 480, 12:00 = 720, 14:00 = 840, 19:00 = 1140, 20:00 = 1200.
  EXPECT_EQ(Hours("6 08:00-12:00"), (std::vector<OpeningInterval>{{6, 480, 720}}));
  EXPECT_EQ(Hours("1-2 08:00-12:00,14:00-19:00;6 08:00-12:00"),
            (std::vector<OpeningInterval>{
                {1, 480, 720}, {1, 840, 1140}, {2, 480, 720}, {2, 840, 1140}, {6, 480, 720}}));
  // Sorted by day whatever the order typed; touching intervals accepted;
  // 24:00 is the end of the day.
  EXPECT_EQ(Hours("7 12:00-24:00;3 08:00-12:00,12:00-14:00"),
            (std::vector<OpeningInterval>{{3, 480, 720}, {3, 720, 840}, {7, 720, 1440}}));
  // Two intervals a day, every day: 14 intervals, the most allowed.
  EXPECT_EQ(Hours("1-7 08:00-12:00,14:00-20:00").size(), 14u);
}

TEST(OpeningHoursTest, RefusesHostileOrBrokenTexts) {
  // Overlaps, also across two entries naming the same day.
  EXPECT_NE(HoursError("1 08:00-12:00,11:00-13:00").find("chevauchent"), std::string::npos);
  EXPECT_NE(HoursError("1-5 08:00-12:00;3 09:00-10:00").find("chevauchent"),
            std::string::npos);
  // Impossible times and empty or reversed intervals.
  for (const char* t : {"1 25:00-26:00", "1 08:00-24:01", "1 08:60-09:00", "1 24:00-24:00",
                        "1 10:00-09:00", "1 09:00-09:00", "1 8:00-12:00"})
    EXPECT_NE(HoursError(t).find("plage horaire invalide"), std::string::npos) << t;
  // Days out of 1..7, reversed ranges, missing days.
  for (const char* t : {"0 08:00-12:00", "8 08:00-12:00", "5-1 08:00-12:00", "08:00-12:00",
                        "1-5", "lundi 08:00-12:00", "1,2 08:00-12:00"})
    EXPECT_NE(HoursError(t).find("jours invalides"), std::string::npos) << t;
  // Garbage, stray separators, spaces, control characters.
  for (const char* t : {";", "1 08:00-12:00;", "1  08:00-12:00", "1 08:00-12:00,",
                        " 1 08:00-12:00", "1 08:00-12:00\n", "\x01\x02"})
    EXPECT_NE(HoursError(t), "") << t;
  // 200 intervals: refused on the count, whatever the text length allows.
  std::string many;
  for (int i = 0; i < 200; ++i)
    many += std::string(many.empty() ? "" : ";") + std::to_string(1 + i % 7) + " 08:00-08:01";
  EXPECT_NE(HoursError(many), "");
  EXPECT_NE(HoursError("1-7 08:00-09:00,10:00-11:00,12:00-13:00").find("trop d'intervalles"),
            std::string::npos);
  // Longer than the byte bound.
  EXPECT_NE(HoursError(std::string(401, '1')).find("trop longs"), std::string::npos);
}

TEST(OrgFieldsTest, HubChecksEachNewField) {
  EXPECT_EQ(ValidateField(Collection::kSite, "hours", "1-5 08:00-20:00;6 08:00-12:00"), "");
  EXPECT_NE(ValidateField(Collection::kSite, "hours", "1 08:00-12:00,11:00-13:00"), "");
  EXPECT_EQ(ValidateField(Collection::kSite, "site_kind", "antenne"), "");
  EXPECT_NE(ValidateField(Collection::kSite, "site_kind", "hopital"), "");
  EXPECT_NE(ValidateField(Collection::kSite, "org", "a b"), "");
  EXPECT_EQ(ValidateField(Collection::kSite, "commune", "Chalon-sur-Saône"), "");
  EXPECT_NE(ValidateField(Collection::kSite, "commune", "x\ny"), "");
  EXPECT_NE(ValidateField(Collection::kSite, "address", std::string(201, 'a')), "");
  EXPECT_EQ(ValidateField(Collection::kPractitioner, "sites", "S1,S2"), "");
  EXPECT_EQ(ValidateField(Collection::kPractitioner, "sites", ""), "");
  for (const char* bad : {"S1,S1", "S1,", ",S1", "S1 S2", "S1,,S2", "S1,a@b"})
    EXPECT_NE(ValidateField(Collection::kPractitioner, "sites", bad), "") << bad;
  std::string sixty_five;
  for (int i = 0; i < 65; ++i) sixty_five += (i ? ",s" : "s") + std::to_string(i);
  EXPECT_NE(ValidateField(Collection::kPractitioner, "sites", sixty_five), "");
  EXPECT_NE(ValidateField(Collection::kPractitioner, "pole", "mère enfant"), "");
  EXPECT_EQ(ValidateField(Collection::kPole, "name", "Mère-enfant"), "");
  EXPECT_NE(ValidateField(Collection::kPole, "name", ""), "");
  EXPECT_NE(ValidateField(Collection::kPole, "pole", "x"), "");  // unknown field
  EXPECT_EQ(ValidateField(Collection::kRoom, "pole", "mg"), "");
  EXPECT_NE(ValidateField(Collection::kRoom, "hours", "1 08:00-09:00"), "");
  EXPECT_EQ(ValidateField(Collection::kScheduleException, "start_time", "14:00"), "");
  EXPECT_EQ(ValidateField(Collection::kScheduleException, "end_time", "24:00"), "");
  EXPECT_NE(ValidateField(Collection::kScheduleException, "start_time", "24:00"), "");
  EXPECT_NE(ValidateField(Collection::kScheduleException, "end_time", "00:00"), "");
  EXPECT_EQ(CollectionName(Collection::kPole), std::string("pole"));
  EXPECT_EQ(ParseCollection("room"), Collection::kRoom);
}

TEST(OrgFieldsTest, NewCollectionsNeedAName) {
  Record r;
  r.collection = Collection::kPole;
  r.id = "mg";
  r.site_id = "ORG";
  r.vv.Set("rep1", 1);
  r.fields["_deleted"] = {Sibling{"0", Dot{"rep1", 1}, 1}};
  EXPECT_NE(ValidateNewRecord(r).find("'name'"), std::string::npos);
  r.fields["name"] = {Sibling{"Médecine générale", Dot{"rep1", 1}, 1}};
  EXPECT_EQ(ValidateNewRecord(r), "");
}

// Two concurrent siblings of `field`: the shown value (both orders) and
// whether staff must look.
std::pair<std::string, bool> Merge2(Collection c, const std::string& field,
                                    const std::string& older, const std::string& newer) {
  std::vector<Sibling> sibs = {Sibling{older, Dot{"a", 1}, 100},
                               Sibling{newer, Dot{"b", 1}, 200}};
  const std::string w = Winner(c, field, sibs).value;
  std::vector<Sibling> rev(sibs.rbegin(), sibs.rend());
  EXPECT_EQ(Winner(c, field, rev).value, w);
  return {w, NeedsAttention(c, field, sibs)};
}

TEST(OrgMergeTest, SiteFieldsLatestWriteNeedingAttention) {
  EXPECT_EQ(Merge2(Collection::kSite, "hours", "1-5 08:00-20:00", "1-5 09:00-19:00"),
            std::make_pair(std::string("1-5 09:00-19:00"), true));
  EXPECT_EQ(Merge2(Collection::kSite, "site_kind", "antenne", "centre"),
            std::make_pair(std::string("centre"), true));
  EXPECT_EQ(Merge2(Collection::kPractitioner, "pole", "mg", "dentaire"),
            std::make_pair(std::string("dentaire"), true));
}

TEST(OrgMergeTest, DeletedPoleOrRoomStaysWhileEdited) {
  for (Collection c : {Collection::kPole, Collection::kRoom}) {
    EXPECT_EQ(Merge2(c, kDeletedField, "0", "1"), std::make_pair(std::string("0"), true));
    EXPECT_EQ(Merge2(c, kDeletedField, "1", "0"), std::make_pair(std::string("0"), true));
  }
}

Record TwoWriters(Collection c, const std::string& field, const std::string& a,
                  const std::string& b) {
  Record r;
  r.collection = c;
  r.id = "x";
  r.site_id = "S1";
  r.vv.Set("a", 1);
  r.vv.Set("b", 1);
  r.fields[field] = {Sibling{a, Dot{"a", 1}, 100}, Sibling{b, Dot{"b", 1}, 200}};
  return r;
}

TEST(OrgMergeTest, ConcurrentSitesShowTheUnion) {
  // A adds S2, B adds S3 to a practitioner of S1: S1,S2,S3 is shown, sorted.
  Record r = TwoWriters(Collection::kPractitioner, "sites", "S1,S3", "S2,S1");
  r.fields["name"] = {Sibling{"Dr A", Dot{"a", 1}, 100}};
  EXPECT_EQ(View(r).at("sites"), "S1,S2,S3");
  EXPECT_EQ(PractitionerFromView(r, View(r)).sites, "S1,S2,S3");
  EXPECT_EQ(ConflictFields(r), std::vector<std::string>{"sites"});
  // One value: shown as written.
  r.fields["sites"] = {Sibling{"S2,S1", Dot{"b", 1}, 200}};
  EXPECT_EQ(View(r).at("sites"), "S2,S1");
}

TEST(OrgMergeTest, ConcurrentPartialDayShowsTheWholeDay) {
  // A moves the leave's start to 14:00, B to 15:00 (end 18:00 agreed).
  Record r = TwoWriters(Collection::kScheduleException, "start_time", "14:00", "15:00");
  r.fields["end_time"] = {Sibling{"18:00", Dot{"a", 1}, 100}};
  const FieldView v = View(r);
  EXPECT_EQ(v.at("start_time"), "");
  EXPECT_EQ(v.at("end_time"), "");
  const DayPart part = ExceptionDayPart(ScheduleExceptionFromView(r, v));
  EXPECT_EQ(part.from, 0);
  EXPECT_EQ(part.to, 1440);
  // A stored pair that is no interval (different fields edited
  // concurrently: start 16:00 after end 15:00) also counts as whole days.
  ScheduleException e;
  e.start_time = "16:00";
  e.end_time = "15:00";
  EXPECT_EQ(ExceptionDayPart(e).from, 0);
  EXPECT_EQ(ExceptionDayPart(e).to, 1440);
  e.start_time = "14:00";
  EXPECT_EQ(ExceptionDayPart(e).from, 840);
  EXPECT_EQ(ExceptionDayPart(e).to, 900);
}

}  // namespace
}  // namespace relais::common
