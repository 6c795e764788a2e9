#include "common/convert/convert.h"

#include <map>
#include <string>

namespace relais::common {

namespace pb = relais::sync::v1;

void ToProto(const Record& r, pb::Record* out) {
  out->Clear();
  out->set_collection(static_cast<pb::Collection>(r.collection));
  out->set_partial(r.partial);
  out->set_id(r.id);
  out->set_site_id(r.site_id);
  // Index of each replica in the vv list, for the siblings' dots.
  std::map<std::string, uint32_t> index;
  for (const auto& [replica, counter] : r.vv.entries()) {
    index.emplace(replica, static_cast<uint32_t>(out->vv_size()));
    pb::VvEntry* e = out->add_vv();
    e->set_replica(replica);
    e->set_counter(counter);
  }
  for (const auto& [name, siblings] : r.fields) {
    pb::Field* f = out->add_fields();
    f->set_name(name);
    for (const Sibling& s : siblings) {
      pb::Sibling* ps = f->add_siblings();
      ps->set_value(s.value);
      auto it = index.find(s.dot.replica);
      if (it == index.end()) {
        // A dot outside the vv is invalid in the model; send it anyway as
        // an out-of-range index so the receiver names the problem.
        ps->set_replica_index(static_cast<uint32_t>(r.vv.entries().size()));
      } else {
        ps->set_replica_index(it->second);
      }
      ps->set_counter(s.dot.counter);
      ps->set_hlc(s.hlc);
    }
  }
}

Result<Record> FromProto(const pb::Record& p) {
  const std::string where = "enregistrement '" + p.id() + "'";
  auto bad = [&where](const std::string& what) {
    return Status::InvalidArgument(where + ": " + what);
  };
  const int c = static_cast<int>(p.collection());
  if (c < 0 || c >= kCollectionCount)
    return bad("collection inconnue (" + std::to_string(c) + ")");
  Record r;
  r.collection = static_cast<Collection>(c);
  r.id = p.id();
  r.site_id = p.site_id();
  for (const pb::VvEntry& e : p.vv()) {
    if (e.counter() == 0) return bad("compteur nul dans le vecteur de version");
    if (r.vv.Get(e.replica()) != 0)
      return bad("réplique '" + e.replica() + "' en double dans le vecteur");
    r.vv.Set(e.replica(), e.counter());
  }
  for (const pb::Field& f : p.fields()) {
    if (r.fields.count(f.name()))
      return bad("champ '" + f.name() + "' en double");
    std::vector<Sibling>& sibs = r.fields[f.name()];
    for (const pb::Sibling& s : f.siblings()) {
      if (s.replica_index() >= static_cast<uint32_t>(p.vv_size()))
        return bad("champ '" + f.name() + "': réplique hors du vecteur");
      sibs.push_back(Sibling{s.value(),
                             Dot{p.vv(static_cast<int>(s.replica_index())).replica(),
                                 s.counter()},
                             s.hlc()});
    }
    if (sibs.empty()) return bad("champ '" + f.name() + "' sans valeur");
  }
  r.partial = p.partial();
  return r;
}

std::string EncodeRecord(const Record& r) {
  relais::sync::v1::Record p;
  ToProto(r, &p);
  return p.SerializeAsString();
}

Result<Record> DecodeRecord(std::string_view bytes) {
  relais::sync::v1::Record p;
  if (bytes.size() > static_cast<size_t>(INT32_MAX) ||
      !p.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return Status::InvalidArgument("enregistrement illisible (protobuf invalide)");
  return FromProto(p);
}

}  // namespace relais::common
