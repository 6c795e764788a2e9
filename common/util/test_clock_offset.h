#pragma once
// Test-only clock skew for whole processes: SystemClock::Default() (and every
// SystemClock) returns wall time plus this offset. The `relais` CLI sets it
// from RELAIS_TEST_CLOCK_OFFSET_S so the chaos run (tools/chaos) can play a
// machine whose clock is a day off; nothing else calls it. Kept out of
// clock.h so that header stays the plain seam.

#include <cstdint>

namespace relais::common {

// Thread-safe; 0 (the default) means no skew.
void SetSystemClockOffsetForTest(int64_t millis);

}  // namespace relais::common
