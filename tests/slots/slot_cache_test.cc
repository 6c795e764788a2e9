// SlotCache (replica/slot_cache.h) against an independent oracle: a fresh
// search over records decoded in full (ReplicaStore::List + View, the
// pre-cache loading code, written out here), after local bookings,
// cancellations, deletions, moves, absences, leaves, plage edits, changes
// applied from another replica (ApplyRemote) and writes from another
// connection. Seeded random sequences; the seed is printed.
#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "common/domain/plage_input.h"
#include "common/merge/merge.h"
#include "common/merge/purge.h"
#include "common/model/schedule.h"
#include "common/replica/slot_cache.h"
#include "common/replica/slot_inputs.h"
#include "tests/common/test_seed.h"
#include "tests/common/test_util.h"

namespace relais::common {
namespace {

using testing::TempDir;

// A Write's Result kept in a variable (no status() of a temporary).
#define ASSERT_WRITE(expr)                                            \
  do {                                                                \
    auto relais_w_ = (expr);                                          \
    ASSERT_TRUE(relais_w_.ok()) << relais_w_.status().ToString();     \
  } while (0)
using testing::UtcSeconds;

// Monday 4 January 2027, 00:00 Paris = 3 January 23:00 UTC (libc timegm).
const int64_t kMonday = UtcSeconds(2027, 1, 3, 23, 0);
constexpr int64_t kDay = 86400;
// 08:00 Paris that Monday: after the night plages, before the 09:00 ones.
const int64_t kMorning = UtcSeconds(2027, 1, 4, 7, 0);

// ---- The oracle: no lean decode, no cache, no chunks. ----

template <typename T, typename F>
void AllOf(ReplicaStore* st, Collection c, const std::string& lo, const std::string& hi, F from,
           std::vector<T>* out) {
  auto recs = st->List(c, lo, hi);
  ASSERT_TRUE(recs.ok()) << recs.status().ToString();
  for (const Record& r : *recs) {
    T t = from(r, View(r));
    if (!t.deleted) out->push_back(std::move(t));
  }
}

std::string Key12(int64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%012lld", static_cast<long long>(v));
  return buf;
}

domain::SlotSearch SearchDays(Replica& r, const domain::SlotQuery& q) {
  domain::SlotInputs in;
  ReplicaStore* st = r.store();
  // The window of docs/domain.md: one day before, one day after.
  const int64_t d0 = DaysFromCivil(ParisDate(q.after));
  const CivilDate first = CivilFromDays(d0 - 1), last = CivilFromDays(d0 + q.horizon_days + 1);
  AllOf(st, Collection::kSchedule, "", "", ScheduleFromView, &in.schedules);
  AllOf(st, Collection::kScheduleException, "", "", ScheduleExceptionFromView, &in.exceptions);
  AllOf(st, Collection::kPractitioner, "", "", PractitionerFromView, &in.practitioners);
  AllOf(st, Collection::kAppointment, Key12(ParisLocalToUtc(first, 0, 0)),
        Key12(ParisLocalToUtc(last, 0, 0)), AppointmentFromView, &in.appointments);
  AllOf(st, Collection::kPresence, FormatDate(first), FormatDate(last) + "~", PresenceFromView,
        &in.presence);
  auto found = domain::FindFreeSlots(in, q);
  EXPECT_TRUE(found.ok());
  return found.ok() ? *found : domain::SlotSearch{};
}

// First 7 days, then the whole horizon (slot_inputs.h's rule).
domain::SlotSearch Oracle(Replica& r, const domain::SlotQuery& q) {
  domain::SlotQuery first = q;
  first.horizon_days = std::min(q.horizon_days, 7);
  domain::SlotSearch s = SearchDays(r, first);
  if (static_cast<int>(s.slots.size()) >= q.count || first.horizon_days == q.horizon_days) return s;
  return SearchDays(r, q);
}

// to_move compared on what the search decides (the oracle's appointments
// carry every field, the cache's the slot fields only).
std::vector<std::string> MoveKeys(const domain::SlotSearch& s) {
  std::vector<std::string> out;
  for (const auto& m : s.to_move)
    out.push_back(m.appointment.id + "|" + std::to_string(m.appointment.start) + "|" +
                  m.appointment.practitioner + "|" + m.appointment.status + "|" + m.reason);
  return out;
}

// ---- Fixture: one site, three practitioners with weekday plages. ----

class SlotCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Replica::Init(dir_.File("sec.db"), "S1").ok());
    ASSERT_TRUE(Replica::Init(dir_.File("remote.db"), "S1").ok());
    auto r = Replica::Open(dir_.File("sec.db"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    rep_ = std::move(*r);
    auto o = Replica::Open(dir_.File("remote.db"));
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    remote_ = std::move(*o);
    for (const char* p : {"a", "b", "c"})
      ASSERT_OK(rep_->AddPractitioner(p, std::string("Dr ") + p, *p == 'c' ? "kine" : "medecin"));
    int n = 0;
    for (const char* p : {"a@S1", "b@S1", "c@S1"})
      for (int wd = 1; wd <= 5; ++wd) AddPlage("plg-" + std::to_string(++n), p, wd, "09:00", "12:00");
    // Night plages (b, every day from midnight): a late appointment the day
    // before can make them busy, across a chunk boundary too.
    for (int wd = 1; wd <= 7; ++wd)
      AddPlage("plg-nuit-" + std::to_string(wd), "b@S1", wd, "00:00", "01:40");
    Exchange(*rep_, *remote_);
    auto c = SlotCache::Open(rep_.get());
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cache_ = std::move(*c);
  }

  void AddPlage(const std::string& id, const std::string& who, int wd, const char* from,
                const char* to) {
    Schedule s;
    s.practitioner = who;
    s.weekday = wd;
    s.start_time = from;
    s.end_time = to;
    s.kind = "programmee";
    s.slot_min = 20;
    s.valid_from = "2027-01-04";
    s.valid_to = "2027-03-31";
    ASSERT_EQ(ValidateNewSchedule(s), "");
    ASSERT_WRITE(rep_->Write(Collection::kSchedule, id, ScheduleChanges(s)));
  }

  // Sends every local change of `from` to `to` (ApplyRemote, as a pull).
  static void Exchange(Replica& from, Replica& to) {
    auto changes = from.store()->ChangesSince(0, 1000000, size_t{1} << 30);
    ASSERT_TRUE(changes.ok());
    std::vector<Record> recs;
    for (const PendingChange& c : *changes) recs.push_back(c.record);
    auto st = to.store()->ApplyRemote(recs, {});
    ASSERT_TRUE(st.ok()) << st.status().ToString();
  }

  void ExpectSameAsOracle(const domain::SlotQuery& q, const std::string& when) {
    const domain::SlotSearch want = Oracle(*rep_, q);
    auto got = cache_->Find(q);
    ASSERT_TRUE(got.ok()) << when << ": " << got.status().ToString();
    EXPECT_EQ(got->slots, want.slots) << when;
    EXPECT_EQ(MoveKeys(*got), MoveKeys(want)) << when;
    auto cold = SearchReplica(*rep_, q);  // the lean cold path too
    ASSERT_TRUE(cold.ok()) << when;
    EXPECT_EQ(cold->slots, want.slots) << when;
    EXPECT_EQ(MoveKeys(*cold), MoveKeys(want)) << when;
  }

  std::string Book(Replica& r, const std::string& who, int64_t start, int64_t dur) {
    NewAppointment a;
    a.practitioner = who;
    a.patient_name = "Patient Test";
    a.patient_birth = "1950-03-02";
    a.start = start;
    a.duration_min = dur;
    auto added = r.AddAppointment(a);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->first : "";
  }

  TempDir dir_;
  std::unique_ptr<Replica> rep_, remote_;
  std::unique_ptr<SlotCache> cache_;
};

// SetStatus, where a deleted appointment is NOT_FOUND (nothing written).
bool SetStatusUnlessDeleted(Replica& r, const std::string& id, const std::string& status) {
  const Status s = r.SetStatus(id, status);
  if (!s.ok() && s.code() != StatusCode::kNotFound) ADD_FAILURE() << s.ToString();
  return s.ok() || s.code() == StatusCode::kNotFound;
}

domain::SlotQuery Query(int64_t after, int count = 5) {
  domain::SlotQuery q;
  q.after = after;
  q.count = count;
  return q;
}

TEST_F(SlotCacheTest, BookingThroughTheSameReplicaIsSeenByTheNextSearchWithoutReload) {
  // Monday 4 January 2027, 09:00 Paris (CET) = 08:00 UTC: a, b, c free.
  const int64_t nine = UtcSeconds(2027, 1, 4, 8, 0);
  auto s1 = cache_->Find(Query(kMorning, 3));
  ASSERT_OK(s1);
  ASSERT_EQ(s1->slots.size(), 3u);
  EXPECT_EQ(s1->slots[0].start, nine);
  EXPECT_EQ(s1->slots[0].practitioner, "a@S1");
  const int loads = cache_->stats().full_loads, chunks = cache_->stats().chunk_loads;
  EXPECT_EQ(loads, 1);

  Book(*rep_, "a", nine, 20);
  auto s2 = cache_->Find(Query(kMorning, 3));
  ASSERT_OK(s2);
  // a's 09:00 is taken: b 09:00, c 09:00, then a 09:20 (hand-computed).
  ASSERT_EQ(s2->slots.size(), 3u);
  EXPECT_EQ(s2->slots[0].practitioner, "b@S1");
  EXPECT_EQ(s2->slots[1].practitioner, "c@S1");
  EXPECT_EQ(s2->slots[2].practitioner, "a@S1");
  EXPECT_EQ(s2->slots[2].start, nine + 20 * 60);
  // Incremental: no reload, no chunk read again, one record re-read.
  EXPECT_EQ(cache_->stats().full_loads, loads);
  EXPECT_EQ(cache_->stats().chunk_loads, chunks);
  EXPECT_GE(cache_->stats().records_reread, 1);
  ExpectSameAsOracle(Query(kMorning, 3), "après réservation");
}

TEST_F(SlotCacheTest, ApplyRemoteThroughTheSameReplicaIsIncremental) {
  const int64_t nine = UtcSeconds(2027, 1, 4, 8, 0);
  ASSERT_OK(cache_->Find(Query(kMorning, 1)));
  Book(*remote_, "a", nine, 60);  // a busy 09:00-10:00 on the other replica
  Exchange(*remote_, *rep_);
  auto s = cache_->Find(Query(kMorning, 1));
  ASSERT_OK(s);
  ASSERT_EQ(s->slots.size(), 1u);
  EXPECT_EQ(s->slots[0].practitioner, "b@S1");
  EXPECT_EQ(cache_->stats().full_loads, 1);
  ExpectSameAsOracle(Query(kMorning, 1), "après ApplyRemote");
}

TEST_F(SlotCacheTest, WriteFromAnotherConnectionReloads) {
  const int64_t nine = UtcSeconds(2027, 1, 4, 8, 0);
  ASSERT_OK(cache_->Find(Query(kMorning, 1)));
  auto other = Replica::Open(dir_.File("sec.db"));  // a second connection
  ASSERT_OK(other);
  Book(**other, "a", nine, 20);
  auto s = cache_->Find(Query(kMorning, 1));
  ASSERT_OK(s);
  ASSERT_EQ(s->slots.size(), 1u);
  EXPECT_EQ(s->slots[0].practitioner, "b@S1");
  EXPECT_EQ(cache_->stats().full_loads, 2);
}

TEST_F(SlotCacheTest, RandomChangesMatchTheOracle) {
  const uint64_t seed = relais::testing::TestSeed();
  std::mt19937_64 rng(seed);
  auto other = Replica::Open(dir_.File("sec.db"));
  ASSERT_OK(other);
  std::vector<std::string> booked;
  const char* kWho[] = {"a", "b", "c"};
  auto random_start = [&] {
    // A weekday of the first 5 weeks, 08:40..12:20 Paris on a 10 min grid.
    const int64_t day = static_cast<int64_t>(rng() % 35);
    return kMonday + day * kDay + (8 * 60 + 40 + static_cast<int64_t>(rng() % 23) * 10) * 60;
  };
  for (int step = 0; step < 160; ++step) {
    SCOPED_TRACE("seed=" + std::to_string(seed) + " step=" + std::to_string(step));
    const int op = static_cast<int>(rng() % 14);
    const std::string who = kWho[rng() % 3];
    switch (op) {
      case 0: case 1: case 2:
        booked.push_back(Book(*rep_, who, random_start(), 10 + static_cast<int64_t>(rng() % 5) * 10));
        break;
      case 3:
        if (!booked.empty()) {
          ASSERT_TRUE(SetStatusUnlessDeleted(*rep_, booked[rng() % booked.size()], "cancelled"));
        }
        break;
      case 4:
        if (!booked.empty())
          ASSERT_WRITE(rep_->Write(Collection::kAppointment, booked[rng() % booked.size()],
                                {{kDeletedField, "1"}}));
        break;
      case 5:
        if (!booked.empty())
          ASSERT_WRITE(rep_->Write(Collection::kAppointment, booked[rng() % booked.size()],
                                {{field::kStart, std::to_string(random_start())}}));
        break;
      case 6: {
        const int64_t day = static_cast<int64_t>(rng() % 35);
        ASSERT_OK(rep_->SetPresence(who, FormatDate(ParisDate(kMonday + day * kDay + 43200)),
                                    rng() % 2 ? "am" : "pm", rng() % 3 ? "absent" : "present", "",
                                    ""));
        break;
      }
      case 7: {  // a leave (or a replacement) of one to three days, or its removal
        const std::string id = "exc-" + std::to_string(rng() % 4);
        const std::string d = FormatDate(ParisDate(kMonday + static_cast<int64_t>(rng() % 30) * kDay + 43200));
        auto cur = rep_->Get(Collection::kScheduleException, id);
        ASSERT_OK(cur);
        if (cur->has_value() && rng() % 2) {
          ASSERT_WRITE(rep_->Write(Collection::kScheduleException, id, {{kDeletedField, "1"}}));
        } else if (cur->has_value() && IsPurgeableTombstone(**cur)) {
          // A settled deletion is final (docs/sync-model.md §11): the
          // revival is refused and the exception stays deleted.
          auto w = rep_->Write(Collection::kScheduleException, id, {{kDeletedField, "0"}});
          ASSERT_EQ(w.status().code(), StatusCode::kFailedPrecondition) << w.status().ToString();
        } else {
          const bool repl = rng() % 2;
          ASSERT_WRITE(rep_->Write(Collection::kScheduleException, id,
                                {{field::kKind, repl ? "remplacement" : "conge"},
                                 {field::kPractitioner, "a@S1"},
                                 {field::kReplacement, repl ? "c@S1" : ""},
                                 {field::kFirstDay, d}, {field::kLastDay, d},
                                 {kDeletedField, "0"}}));
        }
        break;
      }
      case 8:  // a plage edited (its end moves)
        ASSERT_WRITE(rep_->Write(Collection::kSchedule, "plg-" + std::to_string(1 + rng() % 15),
                              {{field::kEndTime, rng() % 2 ? "10:00" : "12:00"}}));
        break;
      case 9: {  // the other replica books and edits; its changes arrive
        const std::string theirs = Book(*remote_, who, random_start(), 20);
        if (rng() % 2) Exchange(*rep_, *remote_);  // so it may edit ours (siblings)
        if (!booked.empty()) {
          auto has = remote_->Get(Collection::kAppointment, booked[rng() % booked.size()]);
          ASSERT_OK(has);
          if (has->has_value()) {
            ASSERT_TRUE(SetStatusUnlessDeleted(*remote_, (*has)->id,
                                               rng() % 2 ? "cancelled" : "checked_in"));
          }
        }
        Exchange(*remote_, *rep_);
        booked.push_back(theirs);  // now held here too
        break;
      }
      case 10:  // another connection on the same file
        booked.push_back(Book(**other, who, random_start(), 30));
        break;
      case 11: case 12: {  // late evening, 30 min to 3 h: may run past midnight
        const int64_t day = static_cast<int64_t>(rng() % 35);
        booked.push_back(Book(*rep_, "b",
                              kMonday + day * kDay + (22 * 60 + static_cast<int64_t>(rng() % 12) * 10) * 60,
                              30 + static_cast<int64_t>(rng() % 6) * 30));
        break;
      }
      default:
        break;  // a query with nothing changed
    }
    for (int k = 0; k < 2; ++k) {
      domain::SlotQuery q = Query(kMonday + static_cast<int64_t>(rng() % (30 * kDay)),
                                  1 + static_cast<int>(rng() % 12));
      if (rng() % 3 == 0) q.practitioner = std::string(kWho[rng() % 3]) + "@S1";
      if (rng() % 6 == 0) q.profession = "kine";
      if (rng() % 5 == 0) q.horizon_days = 1 + static_cast<int>(rng() % 90);
      ExpectSameAsOracle(q, "étape " + std::to_string(step));
    }
    if (HasFailure()) return;
  }
  // The sequence exercised both refresh paths.
  EXPECT_GT(cache_->stats().records_reread, 50);
  EXPECT_GT(cache_->stats().full_loads, 3);
}

TEST_F(SlotCacheTest, BadQueryRefused) {
  domain::SlotQuery q = Query(kMonday, 0);
  auto s = cache_->Find(q);
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_OK(cache_->Find(Query(kMonday, 1)));
}

}  // namespace
}  // namespace relais::common
