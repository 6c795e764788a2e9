#pragma once
// Shared fixture for kiosk tests: a temporary replica with a fake clock set
// to Monday 2025-03-10 10:00 Paris, three practitioners (PIN 1234 for
// dr-a) and a morning of appointments.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/replica/replica.h"
#include "common/util/clock.h"
#include "kiosk/app/apply.h"
#include "kiosk/app/effects.h"
#include "kiosk/app/pin.h"

namespace relais::kiosk::testing {

inline int64_t ParisMs(int h, int m) {
  return common::ParisLocalToUtc(common::CivilDate{2025, 3, 10}, h, m) * 1000;
}

class KioskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kiosk-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "site.db").string();
    ASSERT_TRUE(common::Replica::Init(path_, "msp-test").ok());
    auto r = common::Replica::Open(path_, &clock_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    replica_ = std::move(r).value();
    replica_->SeedForTest(42);
    ASSERT_TRUE(replica_->AddPractitioner("dr-a", "Dr Alice Arnaud", "medecin").ok());
    ASSERT_TRUE(replica_->AddPractitioner("dr-b", "Dr Bruno Bel", "medecin").ok());
    ASSERT_TRUE(replica_->AddPractitioner("ide-c", "Chloé Cros", "infirmier").ok());
    auto h = NewPinHash("1234");
    ASSERT_TRUE(h.ok());
    auto all = replica_->Practitioners();
    ASSERT_TRUE(all.ok());
    std::string dr_a;
    for (const auto& p : *all)
      if (p.id.rfind("dr-a", 0) == 0) dr_a = p.id;
    ASSERT_TRUE(replica_->Write(common::Collection::kPractitioner, dr_a,
                                {{common::field::kPinHash, *h}}).ok());
    runner_ = std::make_unique<EffectRunner>(replica_.get(), [this] { ++writes_; });
  }
  void TearDown() override {
    runner_.reset();
    replica_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Adds an appointment today at h:m; returns {id, code}.
  std::pair<std::string, std::string> Add(const std::string& pract, int h, int m,
                                          const std::string& name,
                                          const std::string& birth,
                                          const std::string& status = "booked") {
    common::NewAppointment a;
    a.practitioner = pract;
    a.patient_name = name;
    a.patient_birth = birth;
    a.start = ParisMs(h, m) / 1000;
    a.duration_min = 15;
    a.room = pract == "dr-a" ? "Cabinet 1" : "Cabinet 2";
    a.status = status;
    auto r = replica_->AddAppointment(a);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::pair<std::string, std::string>{};
  }

  // Fresh state at 10:00, loaded from the replica.
  AppState Load() {
    AppState s = InitialState(clock_.NowMillis(), Lang::kFr);
    EXPECT_TRUE(runner_->RunPending(s).ok());
    return s;
  }

  // Stored id of a practitioner ("dr-a" or a site-qualified "dr-a@site").
  static std::string Pid(const AppState& s, const std::string& short_id) {
    for (const auto& p : s.practitioners)
      if (p.id == short_id || p.id.rfind(short_id + "@", 0) == 0) return p.id;
    return short_id;
  }

  common::Result<common::Appointment> Get(const std::string& id) {
    RELAIS_ASSIGN_OR_RETURN(auto all, replica_->AppointmentsOn(common::CivilDate{2025, 3, 10}));
    for (auto& a : all)
      if (a.id == id) return a;
    return common::Status::NotFound(id);
  }

  common::FakeClock clock_{ParisMs(10, 0)};
  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<common::Replica> replica_;
  std::unique_ptr<EffectRunner> runner_;
  int writes_ = 0;
};

}  // namespace relais::kiosk::testing
