// Releases (issue #20): refusals, freezing, indicator leaks. The audit by
// linear programming is in release_audit_test.cc.
#include <gtest/gtest.h>

#include "common/report/release.h"
#include "common/report/release_serve.h"
#include "tests/report/release_fixture.h"

namespace relais::common::report {
namespace {
}  // namespace
}  // namespace relais::common::report
