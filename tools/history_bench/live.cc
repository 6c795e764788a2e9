#include "tools/history_bench/live.h"

#include <vector>

#include "common/merge/merge.h"

namespace relais::histbench {

using common::Collection;
using common::Status;

common::Result<Census> TakeCensus(common::Replica& r) {
  RELAIS_ASSIGN_OR_RETURN(std::vector<common::Record> all, r.store()->ListAll());
  Census c;
  for (const common::Record& rec : all) {
    ++c.all;
    if (rec.site_id != kSite)
      return Status::FailedPrecondition("enregistrement d'un autre site: " + rec.id);
    if (common::IsDeleted(rec)) {
      ++c.tombstones;
      continue;
    }
    const common::Record opened = r.Opened(rec);
    common::FieldView v = common::View(opened);
    for (const auto& [f, value] : v)
      if (value == common::kUnreadable)
        return Status::DataLoss("valeur scellée illisible: " + rec.id + "." + f);
    v.erase(common::field::kPatientIdx);
    v.erase(common::kDeletedField);
    if (!common::ConflictFields(opened).empty()) ++c.conflicts;
    c.live.emplace(std::make_pair(static_cast<int>(rec.collection), rec.id), std::move(v));
  }
  return c;
}

Status LoadLive(SimHouse& fresh, const LiveContent& live) {
  constexpr size_t kChunk = 1000;
  common::Replica& writer = fresh.replica(0);
  using Item = std::pair<std::string, std::map<std::string, std::string>>;
  std::map<int, std::vector<Item>> by_collection;
  for (const auto& [key, view] : live) by_collection[key.first].emplace_back(key.second, view);
  for (auto& [c, items] : by_collection) {
    for (size_t i = 0; i < items.size(); i += kChunk) {
      std::vector<Item> chunk(items.begin() + static_cast<long>(i),
                              items.begin() + static_cast<long>(std::min(items.size(), i + kChunk)));
      auto n = writer.WriteBatch(static_cast<Collection>(c), chunk);
      if (!n.ok()) return n.status().WithContext("copie des données vivantes");
      if (*n != static_cast<int>(chunk.size()))
        return Status::Internal("copie des données vivantes: " + std::to_string(*n) + " écrits sur " +
                                std::to_string(chunk.size()));
    }
  }
  RELAIS_RETURN_IF_ERROR(fresh.SyncUntilQuiet());
  RELAIS_ASSIGN_OR_RETURN(Census got, TakeCensus(fresh.replica(1)));
  if (got.tombstones != 0 || got.all != static_cast<int64_t>(live.size()))
    return Status::DataLoss("la réplique de référence tient " + std::to_string(got.all) +
                            " enregistrements au lieu de " + std::to_string(live.size()));
  for (const auto& [key, view] : live) {
    auto it = got.live.find(key);
    if (it == got.live.end() || it->second != view)
      return Status::DataLoss("la réplique de référence diffère sur " + key.second);
  }
  return Status::OK();
}

}  // namespace relais::histbench
