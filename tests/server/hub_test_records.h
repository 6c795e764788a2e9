#pragma once
// Hand-made hub records for the store-level server tests.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "common/merge/merge.h"
#include "common/model/record.h"

namespace relais::server::testing {

// An appointment of `site` written by `replica` with `changes` over `base`.
inline common::Record Appt(const std::string& id, const std::string& site,
                           const std::string& replica, common::Record base,
                           std::map<std::string, std::string> changes,
                           common::Hlc hlc) {
  base.collection = common::Collection::kAppointment;
  base.id = id;
  base.site_id = site;
  EXPECT_TRUE(common::ApplyLocalWrite(&base, replica, hlc, changes));
  return base;
}

inline common::Record NewAppt(const std::string& id, const std::string& site,
                              const std::string& replica,
                              const std::string& patient = "Jeanne") {
  return Appt(id, site, replica, common::Record{},
              {{"practitioner", "p1"}, {"patient_name", patient},
               {"start", "1790000000"}, {"duration", "15"},
               {"status", "booked"}},
              1000);
}

}  // namespace relais::server::testing
