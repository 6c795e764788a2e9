#pragma once
// Clock: the injectable seam for wall time (tests use FakeClock).

#include <atomic>
#include <cstdint>

namespace relais::common {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch (UTC). Thread-safe.
  virtual int64_t NowMillis() = 0;
};

// The real system clock.
class SystemClock final : public Clock {
 public:
  int64_t NowMillis() override;
  static SystemClock* Default();
};

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_millis) : now_(start_millis) {}
  int64_t NowMillis() override { return now_.load(); }
  void Advance(int64_t millis) { now_ += millis; }
  void Set(int64_t millis) { now_ = millis; }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace relais::common
