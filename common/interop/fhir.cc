#include "common/interop/fhir.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <utility>

#include "common/util/time.h"

namespace relais::common::interop {

using Json = nlohmann::ordered_json;

std::string FhirAppointmentStatus(const std::string& status) {
  if (status == "booked") return "booked";
  if (status == "checked_in") return "arrived";
  if (status == "in_consultation") return "checked-in";
  if (status == "done") return "fulfilled";
  if (status == "no_show") return "noshow";
  if (status == "cancelled") return "cancelled";
  return "";
}

namespace {

uint64_t Fnv1a(std::string_view s, uint64_t seed) {
  uint64_t h = seed;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string Hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

std::string FhirId(std::string_view raw) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : raw) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        c == '-') {
      out += static_cast<char>(c);
    } else {
      out += '.';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (out.empty()) return ".00";  // "" (never a real id) still gives a valid one
  // ".." never appears in the escaped form, so hashed ids cannot collide
  // with escaped ones.
  if (out.size() > 64)
    return "h.." + Hex64(Fnv1a(raw, 0xcbf29ce484222325ULL)) +
           Hex64(Fnv1a(raw, 0x84222325cbf29ce4ULL));
  return out;
}

namespace {

Json Meta(const std::string& gap, const std::string& fr_core) {
  Json profiles = Json::array();
  if (!gap.empty()) profiles.push_back(std::string(kGapProfileBase) + gap);
  profiles.push_back(std::string(kFrCoreProfileBase) + fr_core);
  return Json{{"profile", profiles}};
}

Json Ref(const std::string& type, const std::string& id) {
  return Json{{"reference", type + "/" + id}};
}

class BundleBuilder {
 public:
  BundleBuilder(const Agenda& agenda, const FhirOptions& options)
      : agenda_(agenda), options_(options) {}

  std::string Build();

 private:
  void Add(const std::string& type, const std::string& id, Json body) {
    if (!seen_.insert(type + "/" + id).second) return;
    Json resource{{"resourceType", type}, {"id", id}};
    for (auto& [k, v] : body.items()) resource[k] = v;
    entries_.push_back(
        Json{{"fullUrl", options_.base_url + "/" + type + "/" + id}, {"resource", resource}});
  }
  std::string Pseudonym(const std::string& patient_ref) const {
    if (options_.patient_pseudonym) return options_.patient_pseudonym(patient_ref);
    return "pat-" + Hex64(Fnv1a(patient_ref, 0xcbf29ce484222325ULL));
  }
  void AddOrganisation();
  void AddSite(const std::string& site_id);
  std::string AddRoom(const std::string& site_id, const std::string& room);
  void AddPractitioner(const std::string& ref, const std::string& site_id);
  std::string AddSchedule(const std::string& ref, const std::string& site_id);
  void AddAppointment(const Appointment& a);

  const Agenda& agenda_;
  const FhirOptions& options_;
  std::string org_id_;
  std::set<std::string> seen_;
  std::vector<Json> entries_;
  std::map<std::string, const Practitioner*> practitioners_;  // by qualified ref
};

void BundleBuilder::AddOrganisation() {
  org_id_ = FhirId(agenda_.organisation_id);
  const std::string name = CleanText(
      agenda_.organisation_name.empty() ? agenda_.organisation_id : agenda_.organisation_name);
  Add("Organization", org_id_,
      Json{{"meta", Meta("", "fr-core-organization")}, {"active", true}, {"name", name}});
}

void BundleBuilder::AddSite(const std::string& site_id) {
  Add("Location", FhirId(site_id),
      Json{{"meta", Meta("", "fr-core-location")},
           {"status", "active"},
           {"name", CleanText(SiteName(agenda_, site_id))},
           {"mode", "instance"},
           {"physicalType",
            Json{{"coding",
                  Json::array({Json{
                      {"system", "http://terminology.hl7.org/CodeSystem/location-physical-type"},
                      {"code", "bu"},
                      {"display", "Building"}}})}}},
           {"managingOrganization", Ref("Organization", org_id_)}});
}

std::string BundleBuilder::AddRoom(const std::string& site_id, const std::string& room) {
  AddSite(site_id);
  const std::string id = FhirId(site_id + "/" + room);
  Add("Location", id,
      Json{{"meta", Meta("", "fr-core-location")},
           {"status", "active"},
           {"name", CleanText("Salle " + room)},
           {"mode", "instance"},
           {"physicalType",
            Json{{"coding",
                  Json::array({Json{
                      {"system", "http://terminology.hl7.org/CodeSystem/location-physical-type"},
                      {"code", "ro"},
                      {"display", "Room"}}})}}},
           {"managingOrganization", Ref("Organization", org_id_)},
           {"partOf", Ref("Location", FhirId(site_id))}});
  return id;
}

void BundleBuilder::AddPractitioner(const std::string& ref, const std::string& site_id) {
  const std::string id = FhirId(ref);
  const auto it = practitioners_.find(ref);
  const Practitioner* p = it == practitioners_.end() ? nullptr : it->second;
  Json body{{"meta", Meta("", "fr-core-practitioner")}, {"active", true}};
  if (p && !p->name.empty()) body["name"] = Json::array({Json{{"text", CleanText(p->name)}}});
  Add("Practitioner", id, std::move(body));
  const std::string home = p ? p->site_id : site_id;
  AddSite(home);
  Json role{{"meta", Meta("", "fr-core-practitioner-role")},
            {"active", true},
            {"practitioner", Ref("Practitioner", id)},
            {"organization", Ref("Organization", org_id_)},
            {"location", Json::array({Ref("Location", FhirId(home))})}};
  if (p && !p->profession.empty())
    role["code"] = Json::array({Json{{"text", CleanText(p->profession)}}});
  Add("PractitionerRole", id, std::move(role));
}

std::string BundleBuilder::AddSchedule(const std::string& ref, const std::string& site_id) {
  AddPractitioner(ref, site_id);
  AddSite(site_id);
  const std::string id = FhirId(ref + "/" + site_id);
  Add("Schedule", id,
      Json{{"meta", Meta("gap-fr-schedule", "fr-core-schedule")},
           {"active", true},
           {"actor", Json::array({Ref("PractitionerRole", FhirId(ref)),
                                  Ref("Location", FhirId(site_id))})},
           {"planningHorizon",
            Json{{"start", FormatUtc(agenda_.from)}, {"end", FormatUtc(agenda_.to)}}}});
  return id;
}

// HL7 v2-0276 appointment reason codes for the kinds that have one.
Json AppointmentType(const std::string& kind) {
  Json t;
  std::string code;
  if (kind == "consultation") code = "ROUTINE";
  if (kind == "snp") code = "WALKIN";
  if (!code.empty())
    t["coding"] = Json::array(
        {Json{{"system", "http://terminology.hl7.org/CodeSystem/v2-0276"}, {"code", code}}});
  t["text"] = CleanText(KindLabel(kind));
  return t;
}

void BundleBuilder::AddAppointment(const Appointment& a) {
  const std::string ref = QualifiedRef(a.practitioner, a.site_id);
  const std::string role = FhirId(ref);
  AddSchedule(ref, a.site_id);
  const std::string where =
      a.room.empty() ? (AddSite(a.site_id), FhirId(a.site_id)) : AddRoom(a.site_id, a.room);
  Json participants = Json::array();
  if (!a.patient_ref.empty()) {
    const std::string pid = Pseudonym(a.patient_ref);
    Json patient{{"meta", Meta("", "fr-core-patient")}};
    if (options_.with_patient_details) {
      // FR Core Patient slices names on `use`: "usual" (slice usualName)
      // asks for no family/given split, which Relais does not store.
      if (!a.patient_name.empty() && a.patient_name != kUnreadable)
        patient["name"] =
            Json::array({Json{{"use", "usual"}, {"text", CleanText(a.patient_name)}}});
      if (IsValidDate(a.patient_birth)) patient["birthDate"] = a.patient_birth;
    }
    Add("Patient", pid, std::move(patient));
    participants.push_back(Json{{"actor", Ref("Patient", pid)}, {"status", "accepted"}});
  }
  participants.push_back(Json{{"actor", Ref("PractitionerRole", role)}, {"status", "accepted"}});
  participants.push_back(Json{{"actor", Ref("Practitioner", role)}, {"status", "accepted"}});
  participants.push_back(Json{{"actor", Ref("Location", where)}, {"status", "accepted"}});
  Add("Appointment", FhirId(a.id),
      Json{{"meta", Meta("gap-fr-appointment", "fr-core-appointment")},
           {"status", FhirAppointmentStatus(a.status)},
           {"appointmentType", AppointmentType(a.kind)},
           {"start", FormatUtc(a.start)},
           {"end", FormatUtc(a.start + a.duration_min * 60)},
           {"minutesDuration", a.duration_min},
           {"participant", participants}});
}

std::string BundleBuilder::Build() {
  for (const Practitioner& p : agenda_.practitioners)
    if (!p.deleted) practitioners_[QualifiedRef(p.id, p.site_id)] = &p;
  AddOrganisation();
  for (const AgendaSite& s : agenda_.sites) AddSite(s.id);
  for (const auto& [ref, p] : practitioners_) AddPractitioner(ref, p->site_id);
  // Free slots in (start, practitioner, site) order.
  std::vector<const AgendaFreeSlot*> slots;
  for (const AgendaFreeSlot& s : agenda_.free_slots) slots.push_back(&s);
  std::sort(slots.begin(), slots.end(), [](const AgendaFreeSlot* x, const AgendaFreeSlot* y) {
    return std::tie(x->start, x->practitioner, x->site) <
           std::tie(y->start, y->practitioner, y->site);
  });
  for (const AgendaFreeSlot* s : slots) {
    const std::string schedule = AddSchedule(s->practitioner, s->site);
    Add("Slot", FhirId(s->practitioner + "/" + s->site + "/" + std::to_string(s->start)),
        Json{{"meta", Meta("gap-fr-slot", "fr-core-slot")},
             {"schedule", Ref("Schedule", schedule)},
             {"status", "free"},
             {"start", FormatUtc(s->start)},
             {"end", FormatUtc(s->start + int64_t{s->duration_min} * 60)},
             {"comment", CleanText(s->kind)}});
  }
  for (const Appointment* a : ExportedAppointments(agenda_)) AddAppointment(*a);
  Json bundle{{"resourceType", "Bundle"},
              {"type", "collection"},
              {"timestamp", FormatUtc(options_.now)},
              {"entry", entries_}};
  return bundle.dump(2) + "\n";
}

}  // namespace

std::string ExportFhirBundle(const Agenda& agenda, const FhirOptions& options) {
  return BundleBuilder(agenda, options).Build();
}

}  // namespace relais::common::interop
