#include "tools/history_bench/run.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/codec/record_json.h"
#include "tools/history_bench/house.h"
#include "tools/history_bench/live.h"
#include "tools/history_bench/measure.h"
#include "tools/history_bench/purge_hook.h"

namespace relais::histbench {

using common::Status;
using Json = nlohmann::ordered_json;

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

double Ratio(int64_t a, int64_t b) {
  return b > 0 ? std::round(1000.0 * static_cast<double>(a) / static_cast<double>(b)) / 1000.0
               : 0.0;
}

Json SizeJson(const DbSize& s) {
  return Json{{"bytes", s.bytes}, {"vacuum_bytes", s.vacuum_bytes},
              {"state_bytes", s.state_bytes}, {"records", s.records},
              {"tombstones", s.tombstones}};
}

Json CountsJson(const YearCounts& c) {
  return Json{{"booked", c.booked}, {"moved", c.moved}, {"cancelled", c.cancelled},
              {"deleted", c.deleted}, {"checkin_kiosk", c.checkin_kiosk},
              {"checkin_staff", c.checkin_staff}, {"done", c.done}, {"no_show", c.no_show},
              {"visits", c.visits}, {"note_edits", c.note_edits},
              {"concurrent_moves", c.concurrent_moves},
              {"conflicts_resolved", c.conflicts_resolved},
              {"presence_writes", c.presence_writes}, {"presence_deleted", c.presence_deleted},
              {"ledger_entries", c.ledger_entries}, {"ledger_reversals", c.ledger_reversals},
              {"tickets", c.tickets}, {"tickets_closed", c.tickets_closed},
              {"audit_views", c.audit_views}, {"skipped", c.skipped},
              {"purge_calls", c.purge_calls}, {"compactions", c.compactions}};
}

// Every replica of `house` and its hub hold the same states, byte for byte.
Status CheckConverged(SimHouse& house) {
  std::vector<std::string> first;
  for (HouseReplica& h : house.replicas()) {
    RELAIS_ASSIGN_OR_RETURN(std::vector<common::Record> all, h.replica->store()->ListAll());
    std::vector<std::string> states;
    for (const common::Record& r : all) states.push_back(common::EncodeRecordJson(r));
    std::sort(states.begin(), states.end());
    if (&h == &house.replicas().front()) first = std::move(states);
    else if (states != first)
      return Status::Aborted("les répliques divergent en fin d'année (" + h.name + ")");
  }
  house.Close();
  RELAIS_ASSIGN_OR_RETURN(std::vector<std::string> hub, StoredStates(house.hub_path()));
  if (hub != first) return Status::Aborted("le hub et les répliques divergent en fin d'année");
  return Status::OK();
}

}  // namespace

common::Result<std::string> RunHistory(const RunOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  // Monday 2026-01-05 07:00 UTC; the year sets the clock itself.
  common::FakeClock clock(1767596400000);
  SimHouse year(o.dir + "/annee", &clock, "annee");
  std::filesystem::create_directories(o.dir + "/annee");
  RELAIS_RETURN_IF_ERROR(year.Start("hub.db", {"kiosk", "secretariat", "laptop"}, o.year.seed,
                                    /*auto_purge=*/o.year.purge));
  YearCounts counts;
  RELAIS_RETURN_IF_ERROR(SimulateYear(year, o.year, &counts));
  RELAIS_RETURN_IF_ERROR(year.SyncUntilQuiet());
  const double year_s = Seconds(t0);
  RELAIS_ASSIGN_OR_RETURN(Census census, TakeCensus(year.replica(kSecretariat)));
  const int64_t syncs = year.syncs(), sync_bytes = year.sync_bytes();
  std::vector<std::string> names, paths;
  for (HouseReplica& h : year.replicas()) {
    names.push_back(h.name);
    paths.push_back(h.path);
  }
  RELAIS_RETURN_IF_ERROR(CheckConverged(year));  // closes the house

  RELAIS_ASSIGN_OR_RETURN(DbSize hub, MeasureDb(year.hub_path(), o.dir + "/vacuum.db"));
  Json replicas = Json::object();
  DbSize worst;
  std::string worst_name;
  for (size_t i = 0; i < paths.size(); ++i) {
    RELAIS_ASSIGN_OR_RETURN(DbSize s, MeasureDb(paths[i], o.dir + "/vacuum.db"));
    replicas[names[i]] = SizeJson(s);
    if (s.bytes > worst.bytes) {
      worst = s;
      worst_name = names[i];
    }
  }
  if (hub.records != census.all || hub.tombstones != census.tombstones)
    return Status::Aborted("le hub ne compte pas les mêmes enregistrements que les répliques");

  // The reference: the live records alone, written once, in a fresh house.
  const auto t1 = std::chrono::steady_clock::now();
  std::filesystem::create_directories(o.dir + "/vivant");
  SimHouse fresh(o.dir + "/vivant", &clock, "vivant");
  RELAIS_RETURN_IF_ERROR(fresh.Start("hub.db", {"writer", "reader"}, o.year.seed + 100));
  RELAIS_RETURN_IF_ERROR(LoadLive(fresh, census.live));
  const std::string reader_path = fresh.replicas()[1].path;
  const std::string writer_path = fresh.replicas()[0].path;
  fresh.Close();
  RELAIS_ASSIGN_OR_RETURN(DbSize hub_live, MeasureDb(fresh.hub_path(), o.dir + "/vacuum.db"));
  RELAIS_ASSIGN_OR_RETURN(DbSize reader, MeasureDb(reader_path, o.dir + "/vacuum.db"));
  RELAIS_ASSIGN_OR_RETURN(DbSize writer, MeasureDb(writer_path, o.dir + "/vacuum.db"));
  const int64_t live_n = static_cast<int64_t>(census.live.size());

  Json j;
  j["bench"] = "history";
  j["seed"] = o.year.seed;
  j["days"] = o.year.days;
  j["per_day"] = o.year.per_day;
  j["syncs_per_day"] = o.year.syncs_per_day;
  j["replicas"] = static_cast<int>(names.size());
  j["live_records"] = live_n;
  j["all_records"] = census.all;
  j["tombstones"] = census.tombstones;
  j["open_conflicts"] = census.conflicts;
  j["hub_bytes"] = hub.bytes;
  j["hub_live_bytes"] = hub_live.bytes;
  j["hub_ratio"] = Ratio(hub.bytes, hub_live.bytes);
  j["replica_bytes"] = worst.bytes;
  j["replica_live_bytes"] = reader.bytes;
  j["replica_ratio"] = Ratio(worst.bytes, reader.bytes);
  j["goal"] = 1.2;
  j["purge"] = o.year.purge;
  j["compaction"] = o.year.compact ? "nightly" : "none";
  j["hub_bytes_per_live_record"] = Ratio(hub.bytes, live_n);
  j["replica_bytes_per_live_record"] = Ratio(worst.bytes, live_n);
  j["hub_vacuum_ratio"] = Ratio(hub.vacuum_bytes, hub_live.vacuum_bytes);
  j["replica_vacuum_ratio"] = Ratio(worst.vacuum_bytes, reader.vacuum_bytes);
  j["hub_state_ratio"] = Ratio(hub.state_bytes, hub_live.state_bytes);
  j["replica_state_ratio"] = Ratio(worst.state_bytes, reader.state_bytes);
  j["replica_largest"] = worst_name;
  j["hub"] = SizeJson(hub);
  j["hub_live"] = SizeJson(hub_live);
  j["replica"] = replicas;
  j["replica_live"] = SizeJson(reader);
  j["replica_live_writer"] = SizeJson(writer);
  j["ops"] = CountsJson(counts);
  j["syncs"] = syncs;
  j["sync_bytes"] = sync_bytes;
  j["converged"] = true;
  j["year_s"] = std::round(year_s * 10) / 10;
  j["reference_s"] = std::round(Seconds(t1) * 10) / 10;
  return j.dump();
}

}  // namespace relais::histbench
