#include "common/replica/replica.h"

#include <gtest/gtest.h>

#include "tests/common/test_util.h"

namespace relais::common {
namespace {

using testing::TempDir;

class ReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("site.db");
    auto id = Replica::Init(path_, "S1");
    ASSERT_OK(id);
    EXPECT_EQ(id->size(), 16u);
    auto r = Replica::Open(path_, &clock_);
    ASSERT_OK(r);
    rep_ = std::move(r).value();
    ASSERT_OK(rep_->AddPractitioner("p1", "Dr Martin", "medecin"));
  }

  NewAppointment Appt(const std::string& when) {
    NewAppointment a;
    a.practitioner = "p1";
    a.patient_name = "Jeanne Dupont";
    a.patient_birth = "1950-03-02";
    a.start = *ParseParisDateTime(when);
    return a;
  }

  TempDir dir_;
  std::string path_;
  FakeClock clock_{1795000000000};  // 2026-11-19
  std::unique_ptr<Replica> rep_;
};

TEST_F(ReplicaTest, InitTwiceIsRefused) {
  auto again = Replica::Init(path_, "S1");
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(Replica::Init(dir_.File("b.db"), "bad site!").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(ReplicaTest, AppointmentLifecycle) {
  auto added = rep_->AddAppointment(Appt("2026-11-24T09:00"));
  ASSERT_OK(added);
  const auto& [id, code] = *added;
  EXPECT_EQ(code.size(), 6u);
  for (char c : code) EXPECT_EQ(std::string("0O1I").find(c), std::string::npos);
  auto day = rep_->AppointmentsOn({2026, 11, 24});
  ASSERT_OK(day);
  ASSERT_EQ(day->size(), 1u);
  EXPECT_EQ((*day)[0].status, "booked");
  EXPECT_TRUE(rep_->AppointmentsOn({2026, 11, 25})->empty());

  auto in = rep_->CheckIn("", code, "kiosk");
  ASSERT_OK(in);
  EXPECT_EQ(in->status, "checked_in");
  EXPECT_EQ(in->checkin_via, "kiosk");
  ASSERT_OK(rep_->SetStatus(id, "in_consultation"));
  ASSERT_OK(rep_->SetStatus(id, "done"));
  auto rec = *rep_->Get(Collection::kAppointment, id);
  EXPECT_EQ(View(*rec)["status"], "done");
  EXPECT_EQ(rec->vv.Get(rep_->replica_id()), 4u);
}

TEST_F(ReplicaTest, BadInputWritesNothing) {
  const std::string before = *rep_->Dump();
  NewAppointment a = Appt("2026-11-24T09:00");
  a.practitioner = "inconnu";
  EXPECT_EQ(rep_->AddAppointment(a).status().code(), StatusCode::kInvalidArgument);
  a = Appt("2026-11-24T09:00");
  a.duration_min = -5;
  EXPECT_EQ(rep_->AddAppointment(a).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(rep_->SetStatus("rdv-nope", "done").code(), StatusCode::kNotFound);
  EXPECT_FALSE(rep_->CheckIn("", "ZZZZZZ", "kiosk").ok());
  EXPECT_EQ(rep_->SetPresence("p1", "2026-02-30", "am", "present", "", "").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(rep_->SetPresence("p1", "2026-11-24", "am", "remplace", "", "").code(),
            StatusCode::kInvalidArgument);
  NewLedgerEntry e{0, "loyer", "p1", "equal", "", "2026-11", ""};
  EXPECT_EQ(rep_->AddLedgerEntry(e).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*rep_->Dump(), before);
}

// The replica applies the shared validation (model/validate.h) to what it
// creates: nothing the hub would refuse as a new record is ever written.
TEST_F(ReplicaTest, SharedValidationOnEveryInputPath) {
  const std::string before = *rep_->Dump();
  NewAppointment a = Appt("2026-11-24T09:00");
  a.patient_birth = "2023-02-29";
  EXPECT_EQ(rep_->AddAppointment(a).status().code(), StatusCode::kInvalidArgument);
  a = Appt("2026-11-24T09:00");
  a.patient_name = "DUPONT\nJeanne";
  EXPECT_EQ(rep_->AddAppointment(a).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(rep_->SetPresence("p1", "2026-04-31", "am", "present", "", "").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(rep_->SetPresence("p1", "2026-11-24", "soir", "present", "", "").code(),
            StatusCode::kInvalidArgument);
  for (const NewLedgerEntry& e :
       {NewLedgerEntry{kMaxAmountCents + 1, "loyer", "p1", "equal", "", "2026-11", ""},
        NewLedgerEntry{100, "loyer", "p1", "equal", "", "2026-13", ""},
        NewLedgerEntry{100, "", "p1", "equal", "", "2026-11", ""},
        NewLedgerEntry{100, "loyer", "", "equal", "", "2026-11", ""}})
    EXPECT_EQ(rep_->AddLedgerEntry(e).status().code(), StatusCode::kInvalidArgument)
        << e.amount_cents << " " << e.month << " " << e.category << " " << e.payer;
  // A generic write may not create a record without its required fields...
  EXPECT_EQ(rep_->Write(Collection::kAppointment, "rdv-x", {{"room", "1"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(rep_->Write(Collection::kPresence, "pr:x", {{"state", "present"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(rep_->Write(Collection::kAppointment, "rdv\nx",
                        {{"practitioner", "p1@S1"}, {"start", "1795500000"}})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  // ... nor write a sealed field with content the input path refuses.
  EXPECT_EQ(rep_->Write(Collection::kAppointment, "rdv-y",
                        {{"practitioner", "p1@S1"}, {"start", "1795500000"},
                         {"patient_birth", "1950-02-31"}})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*rep_->Dump(), before);
  // What it does create passes the hub's check for a new record.
  ASSERT_OK(rep_->AddLedgerEntry({kMaxAmountCents, "travaux", "p1", "equal", "", "2026-11", ""}));
  ASSERT_OK(rep_->SetPresence("p1", "2024-02-29", "am", "present", "", ""));
  auto added = rep_->AddAppointment(Appt("2026-11-24T09:00"));
  ASSERT_OK(added);
  auto all = rep_->store()->ListAll();
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 4u);  // practitioner, ledger, presence, appointment
  for (const Record& r : *all) EXPECT_EQ(ValidateNewRecord(r), "") << r.id;
}

TEST_F(ReplicaTest, PresenceIsOneRecordPerHalfDay) {
  ASSERT_OK(rep_->SetPresence("p1", "2026-11-24", "am", "present", "", "2"));
  ASSERT_OK(rep_->SetPresence("p1", "2026-11-24", "am", "remplace", "Dr Roux", "2"));
  ASSERT_OK(rep_->SetPresence("p1", "2026-11-24", "pm", "absent", "", ""));
  auto list = rep_->PresenceOn("2026-11-24");
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].state, "remplace");
  EXPECT_EQ((*list)[0].replacement, "Dr Roux");
  EXPECT_EQ(rep_->PresenceInMonth("2026-11")->size(), 2u);
}

TEST_F(ReplicaTest, LedgerReversalOnlyOnce) {
  auto id = rep_->AddLedgerEntry({12050, "loyer", "p1", "equal", "Loyer", "2026-11", ""});
  ASSERT_OK(id);
  auto rev = rep_->AddLedgerEntry({-12050, "loyer", "p1", "equal", "erreur", "2026-11", *id});
  ASSERT_OK(rev);
  auto twice = rep_->AddLedgerEntry({-12050, "loyer", "p1", "equal", "x", "2026-11", *id});
  EXPECT_EQ(twice.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(rep_->LedgerAll()->size(), 2u);
  EXPECT_EQ(*rep_->PendingCount(), 3);  // practitioner + 2 entries
}

TEST_F(ReplicaTest, DumpIsStableAndCanonical) {
  ASSERT_OK(rep_->AddAppointment(Appt("2026-11-24T09:00")));
  const std::string a = *rep_->Dump();
  EXPECT_EQ(a, *rep_->Dump());
  EXPECT_EQ(a.front(), '[');
  EXPECT_NE(a.find("\"collection\":\"appointment\""), std::string::npos);
  // appointment sorts before practitioner.
  EXPECT_LT(a.find("\"appointment\""), a.find("\"practitioner\""));
}

}  // namespace
}  // namespace relais::common

namespace relais::common {
namespace {

TEST_F(ReplicaTest, WriteBatchIsAllOrNothing) {
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> items;
  for (int i = 0; i < 5; ++i)
    items.push_back({"rdv-b" + std::to_string(i),
                     {{"practitioner", "p1"}, {"start", "1795500000"}, {"status", "booked"}}});
  auto n = rep_->WriteBatch(Collection::kAppointment, items);
  ASSERT_OK(n);
  EXPECT_EQ(*n, 5);
  EXPECT_EQ(*rep_->PendingCount(), 6);
  items.push_back({"rdv-bad", {{"status", "teleported"}}});
  items[0].second["note"] = "changed";
  EXPECT_EQ(rep_->WriteBatch(Collection::kAppointment, items).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(View(**rep_->Get(Collection::kAppointment, "rdv-b0")).count("note"), 0u);
  EXPECT_EQ(*rep_->PendingCount(), 6);
}

}  // namespace
}  // namespace relais::common

namespace relais::common {
namespace {

TEST_F(ReplicaTest, ConflictsPrefilterKeepsOnlyRealConflicts) {
  // A value that contains the sibling separator is a false positive of the
  // SQL prefilter and must not be reported.
  ASSERT_OK(rep_->Write(Collection::kSite, "S1", {{"name", "Maison ],[ du bourg"}}));
  EXPECT_EQ(rep_->store()->ListWithSiblings()->size(), 1u);
  EXPECT_TRUE(rep_->Conflicts()->empty());
  // A real conflict: a concurrent write merged in from elsewhere.
  auto rec = *rep_->Get(Collection::kSite, "S1");
  Record other = *rec;
  ApplyLocalWrite(&other, "other-replica", MakeHlc(1795000000000, 0), {{"name", "Autre nom"}});
  Record mine = *rec;
  ApplyLocalWrite(&mine, rep_->replica_id(), MakeHlc(1795000000001, 0), {{"name", "Mon nom"}});
  ASSERT_OK(rep_->store()->ApplyRemote({Merge(mine, other)}, {}));
  auto conflicts = rep_->Conflicts();
  ASSERT_OK(conflicts);
  ASSERT_EQ(conflicts->size(), 1u);
  EXPECT_EQ((*conflicts)[0].id, "S1");
}

}  // namespace
}  // namespace relais::common
