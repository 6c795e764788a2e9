#include "common/util/clock.h"

#include <atomic>
#include <chrono>

#include "common/util/test_clock_offset.h"

namespace relais::common {

namespace {
std::atomic<int64_t> g_test_offset_ms{0};
}  // namespace

void SetSystemClockOffsetForTest(int64_t millis) { g_test_offset_ms = millis; }

int64_t SystemClock::NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
             .count() +
         g_test_offset_ms.load(std::memory_order_relaxed);
}

SystemClock* SystemClock::Default() {
  static SystemClock clock;
  return &clock;
}

}  // namespace relais::common
