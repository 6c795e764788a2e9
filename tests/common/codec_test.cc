#include "common/codec/record_json.h"

#include <gtest/gtest.h>

#include "common/merge/merge.h"

namespace relais::common {
namespace {

TEST(CodecTest, RoundTripIsByteStable) {
  Record r;
  r.collection = Collection::kLedger;
  r.id = "ecr-1";
  r.site_id = "S1";
  ApplyLocalWrite(&r, "a", 123456789, {{"amount_cents", "12050"}, {"label", "Loyer « été » é"}});
  Record y = r;
  ApplyLocalWrite(&y, "b", 5, {{"label", "autre"}});
  ApplyLocalWrite(&r, "a", 6, {{"label", "encore"}});
  Record m = Merge(r, y);
  const std::string json = EncodeRecordJson(m);
  auto back = DecodeRecordJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);
  EXPECT_EQ(EncodeRecordJson(*back), json);
}

TEST(CodecTest, EscapesAndUtf8RoundTrip) {
  Record r;
  r.collection = Collection::kAppointment;
  r.id = "rdv-\"q\\";
  r.site_id = "S1";
  ApplyLocalWrite(&r, "a", 1,
                  {{"note", std::string("ligne 1\nligne 2\t\x01 « Zoé » \"x\" \\ ") + "\xF0\x9F\x98\x80"}});
  const std::string json = EncodeRecordJson(r);
  EXPECT_NE(json.find("\\u0001"), std::string::npos) << json;
  EXPECT_NE(json.find("\\u000a"), std::string::npos);  // newline, escaped
  auto back = DecodeRecordJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, r);
  EXPECT_EQ(EncodeRecordJson(*back), json);
  // Trailing bytes, missing parts and unknown keys are refused.
  EXPECT_FALSE(DecodeRecordJson(json + " ").ok());
  EXPECT_FALSE(DecodeRecordJson(json.substr(0, json.size() - 1)).ok());
  EXPECT_FALSE(DecodeRecordJson(R"({"c":"site","f":{},"id":"x","s":"S"})").ok());
  EXPECT_FALSE(DecodeRecordJson(R"({"c":"site","f":{},"id":"x","s":"S","vv":{},"z":1})").ok());
  // Invalid UTF-8 never enters a record.
  EXPECT_NE(ValidateField(Collection::kAppointment, "note", "caf\xE9"), "");
  EXPECT_NE(ValidateField(Collection::kAppointment, "note", "\xC0\xAF"), "");
  EXPECT_EQ(ValidateField(Collection::kAppointment, "note", "café"), "");
}

TEST(CodecTest, RejectsGarbage) {
  EXPECT_EQ(DecodeRecordJson("{").status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(DecodeRecordJson("[]").ok());
  EXPECT_FALSE(DecodeRecordJson(R"({"c":"nope","f":{},"id":"x","s":"S","vv":{}})").ok());
  EXPECT_FALSE(DecodeRecordJson(R"({"c":"site","f":{"name":[["x","a",-1,0]]},"id":"x","s":"S","vv":{}})").ok());
}

TEST(CodecTest, ValidateRecordCatchesImpossibleValues) {
  Record r;
  r.collection = Collection::kAppointment;
  r.id = "rdv";
  r.site_id = "S1";
  ApplyLocalWrite(&r, "a", 1, {{"duration", "15"}, {"status", "booked"}});
  EXPECT_EQ(ValidateRecord(r), "");
  Record bad = r;
  bad.fields["duration"][0].value = "-5";
  EXPECT_NE(ValidateRecord(bad), "");
  bad = r;
  bad.fields["status"][0].value = "teleported";
  EXPECT_NE(ValidateRecord(bad), "");
  bad = r;
  bad.fields["unknown"] = r.fields["status"];
  EXPECT_NE(ValidateRecord(bad), "");
  bad = r;
  bad.fields["status"][0].dot.counter = 7;  // write outside the vector
  EXPECT_NE(ValidateRecord(bad), "");
}

}  // namespace
}  // namespace relais::common
