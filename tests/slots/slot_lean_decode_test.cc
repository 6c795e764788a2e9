// The lean appointment decode of the slot search (SlotAppointmentFromState,
// codec DecodeRecordJsonFields) against the full decode: hand-computed
// winners for conflicts and tombstones, then seeded random records with
// siblings, escapes and other fields, and corrupted texts (the lean decode
// must refuse exactly what the full decode refuses).
#include <gtest/gtest.h>

#include <array>
#include <random>
#include <string>

#include "common/codec/record_json.h"
#include "common/merge/merge.h"
#include "common/replica/slot_inputs.h"
#include "tests/common/test_seed.h"
#include "tests/common/test_util.h"

namespace relais::common {
namespace {

Record Appt(const std::string& id) {
  Record r;
  r.collection = Collection::kAppointment;
  r.id = id;
  r.site_id = "S1";
  return r;
}

// Concurrent writes of `a` and `b` to the same record state `base`.
Record Concurrent(const Record& base, const std::map<std::string, std::string>& a, Hlc ha,
                  const std::map<std::string, std::string>& b, Hlc hb) {
  Record x = base, y = base;
  ApplyLocalWrite(&x, "rep-x", ha, a);
  ApplyLocalWrite(&y, "rep-y", hb, b);
  return Merge(x, y);
}

TEST(SlotLeanDecodeTest, HandComputedWinners) {
  Record base = Appt("rdv-1");
  ApplyLocalWrite(&base, "rep-0", 10,
                  {{field::kPractitioner, "a@S1"}, {field::kStart, "1800000000"},
                   {field::kDuration, "20"}, {field::kStatus, "booked"},
                   {field::kPatientName, "Jeanne \"J\" \\ D\u00e9"}, {field::kNote, "x],[y"}});
  // checked_in (older) vs cancelled (newer): progress is shown first
  // (policy.h), so the slot stays busy. Start: the later write (hlc 30).
  const Record r = Concurrent(base, {{field::kStatus, "checked_in"}, {field::kStart, "1800000600"}},
                              20, {{field::kStatus, "cancelled"}, {field::kStart, "1800001200"}}, 30);
  ASSERT_EQ(r.fields.at(field::kStatus).size(), 2u);
  auto lean = SlotAppointmentFromState(EncodeRecordJson(r));
  ASSERT_OK(lean);
  EXPECT_EQ(lean->status, "checked_in");
  EXPECT_EQ(lean->start, 1800001200);
  EXPECT_EQ(lean->duration_min, 20);
  EXPECT_EQ(lean->practitioner, "a@S1");
  EXPECT_EQ(lean->kind, "consultation");  // absent field: the model default
  EXPECT_FALSE(lean->deleted);
  EXPECT_EQ(lean->patient_name, "");      // not read
  EXPECT_EQ(lean->id, "rdv-1");
  EXPECT_EQ(lean->site_id, "S1");

  // A deletion concurrent with an edit: the later write (the deletion) wins.
  const Record d = Concurrent(base, {{field::kDuration, "45"}}, 40, {{kDeletedField, "1"}}, 50);
  auto lean_d = SlotAppointmentFromState(EncodeRecordJson(d));
  ASSERT_OK(lean_d);
  EXPECT_TRUE(lean_d->deleted);
  EXPECT_EQ(lean_d->duration_min, 45);
}

std::string RandomValue(std::mt19937_64& rng) {
  static const std::array<std::string, 8> kPieces = {"a", "\"", "\\", "\n", "é", "],[", "{", "0"};
  std::string s;
  const int n = static_cast<int>(rng() % 6);
  for (int i = 0; i < n; ++i) s += kPieces[rng() % kPieces.size()];
  return s;
}

// A record with random writes from three replicas merged in random order.
Record RandomAppointment(std::mt19937_64& rng, int i) {
  static const std::array<const char*, 6> kStatus = {"booked", "checked_in", "in_consultation",
                                                     "done", "no_show", "cancelled"};
  Record base = Appt("rdv-" + std::to_string(i));
  Hlc hlc = 1 + rng() % 5;
  ApplyLocalWrite(&base, "rep-0", hlc,
                  {{field::kPractitioner, "p" + std::to_string(rng() % 3) + "@S1"},
                   {field::kStart, std::to_string(1800000000 + rng() % 100000)},
                   {field::kStatus, "booked"}});
  std::vector<Record> states(3, base);
  for (int w = 0; w < 6; ++w) {
    Record& s = states[rng() % 3];
    std::map<std::string, std::string> ch;
    switch (rng() % 7) {
      case 0: ch[field::kStatus] = kStatus[rng() % kStatus.size()]; break;
      case 1: ch[field::kStart] = std::to_string(1800000000 + rng() % 100000); break;
      case 2: ch[field::kDuration] = rng() % 4 ? std::to_string(5 + rng() % 60) : "x"; break;
      case 3: ch[kDeletedField] = rng() % 2 ? "1" : "0"; break;
      case 4: ch[field::kPractitioner] = "p" + std::to_string(rng() % 3) + "@S1"; break;
      case 5: ch[field::kKind] = rng() % 2 ? "snp" : "teleconsultation"; break;
      default: ch[field::kNote] = RandomValue(rng); ch[field::kPatientName] = RandomValue(rng);
    }
    ApplyLocalWrite(&s, "rep-" + std::to_string(&s - states.data()), hlc + rng() % 20, ch);
    if (rng() % 3 == 0) {  // partial exchange
      Record& t = states[rng() % 3];
      t = Merge(t, s);
    }
  }
  Record out = states[0];
  for (size_t k = 1; k < states.size(); ++k) out = Merge(out, states[k]);
  return out;
}

TEST(SlotLeanDecodeTest, RandomRecordsAgreeWithFullDecode) {
  const uint64_t seed = relais::testing::TestSeed();
  std::mt19937_64 rng(seed);
  int with_siblings = 0, deleted = 0;
  for (int i = 0; i < 3000; ++i) {
    const Record r = RandomAppointment(rng, i);
    const std::string text = EncodeRecordJson(r);
    if (text.find("],[") != std::string::npos) ++with_siblings;
    auto full = DecodeRecordJson(text);
    ASSERT_OK(full);
    const Appointment want = AppointmentFromView(*full, View(*full));
    auto got = SlotAppointmentFromState(text);
    ASSERT_OK(got);
    if (want.deleted) ++deleted;
    ASSERT_EQ(got->id, want.id) << text;
    EXPECT_EQ(got->site_id, want.site_id) << text;
    EXPECT_EQ(got->practitioner, want.practitioner) << text;
    EXPECT_EQ(got->start, want.start) << text;
    EXPECT_EQ(got->duration_min, want.duration_min) << text;
    EXPECT_EQ(got->status, want.status) << text;
    EXPECT_EQ(got->kind, want.kind) << text;
    EXPECT_EQ(got->deleted, want.deleted) << text;
    // SlotAppointmentFromRecord (the cache's path) gives the same.
    const Appointment from_rec = SlotAppointmentFromRecord(*full);
    EXPECT_EQ(from_rec.status, got->status);
    EXPECT_EQ(from_rec.start, got->start);
    EXPECT_EQ(from_rec.deleted, got->deleted);
    if (HasFailure()) return;
  }
  // The generator must exercise what it claims to.
  EXPECT_GT(with_siblings, 300);
  EXPECT_GT(deleted, 50);
}

TEST(SlotLeanDecodeTest, CorruptTextsRefusedLikeTheFullDecode) {
  const uint64_t seed = relais::testing::TestSeed();
  std::mt19937_64 rng(seed);
  static constexpr std::array<std::string_view, 2> kFields = {"start", "status"};
  int refused = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text = EncodeRecordJson(RandomAppointment(rng, i));
    switch (rng() % 4) {
      case 0: text.resize(rng() % text.size()); break;                       // truncated
      case 1: text[rng() % text.size()] = static_cast<char>(rng() % 256); break;  // flipped
      case 2: text.insert(rng() % text.size(), "\\q"); break;               // bad escape
      default: text.erase(rng() % text.size(), 1 + rng() % 3);
    }
    const bool full_ok = DecodeRecordJson(text).ok();
    const bool lean_ok = DecodeRecordJsonFields(text, kFields).ok();
    ASSERT_EQ(full_ok, lean_ok) << text;
    auto slot = SlotAppointmentFromState(text);
    ASSERT_EQ(slot.ok(), full_ok) << text;
    if (!slot.ok()) {
      ++refused;
      EXPECT_EQ(slot.status().code(), StatusCode::kDataLoss);
    }
  }
  EXPECT_GT(refused, 1000);
  // Honest data still decodes after the hostile inputs.
  auto ok = SlotAppointmentFromState(EncodeRecordJson(RandomAppointment(rng, 0)));
  EXPECT_OK(ok);
}

}  // namespace
}  // namespace relais::common
