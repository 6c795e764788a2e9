#include "common/codec/record_json.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace relais::common {

using nlohmann::json;

std::string EncodeRecordJson(const Record& r) {
  json fields = json::object();
  for (const auto& [name, sibs] : r.fields) {
    json arr = json::array();
    for (const Sibling& s : sibs)
      arr.push_back(json::array({s.value, s.dot.replica, s.dot.counter, s.hlc}));
    fields[name] = std::move(arr);
  }
  json vv = json::object();
  for (const auto& [rep, n] : r.vv.entries()) vv[rep] = n;
  json j = {{"c", CollectionName(r.collection)},
            {"f", std::move(fields)},
            {"id", r.id},
            {"s", r.site_id},
            {"vv", std::move(vv)}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Record> DecodeRecordJson(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return Status::InvalidArgument("enregistrement JSON illisible");
  auto bad = [](const std::string& what) {
    return Status::InvalidArgument("enregistrement JSON invalide: " + what);
  };
  Record r;
  if (!j.contains("c") || !j["c"].is_string()) return bad("collection");
  auto c = ParseCollection(j["c"].get<std::string>());
  if (!c) return bad("collection inconnue");
  r.collection = *c;
  if (!j.contains("id") || !j["id"].is_string()) return bad("id");
  r.id = j["id"].get<std::string>();
  if (!j.contains("s") || !j["s"].is_string()) return bad("site");
  r.site_id = j["s"].get<std::string>();
  if (!j.contains("vv") || !j["vv"].is_object()) return bad("vv");
  for (auto& [rep, n] : j["vv"].items()) {
    if (!n.is_number_unsigned()) return bad("compteur");
    r.vv.Set(rep, n.get<uint64_t>());
  }
  if (!j.contains("f") || !j["f"].is_object()) return bad("champs");
  for (auto& [name, arr] : j["f"].items()) {
    if (!arr.is_array()) return bad("champ " + name);
    std::vector<Sibling> sibs;
    for (auto& s : arr) {
      if (!s.is_array() || s.size() != 4 || !s[0].is_string() ||
          !s[1].is_string() || !s[2].is_number_unsigned() ||
          !s[3].is_number_unsigned())
        return bad("valeur du champ " + name);
      sibs.push_back(Sibling{s[0].get<std::string>(),
                             Dot{s[1].get<std::string>(), s[2].get<uint64_t>()},
                             s[3].get<uint64_t>()});
    }
    std::sort(sibs.begin(), sibs.end(),
              [](const Sibling& a, const Sibling& b) { return a.dot < b.dot; });
    r.fields[name] = std::move(sibs);
  }
  return r;
}

}  // namespace relais::common
