#include "server/agenda/agenda_routes.h"

#include <httplib.h>

#include <cctype>
#include <iostream>
#include <mutex>
#include <set>

#include "common/crypto/pseudonyms.h"

#include <nlohmann/json.hpp>

#include "common/interop/fhir.h"
#include "common/interop/ical.h"
#include "common/util/time.h"
#include "server/agenda/hub_agenda.h"

namespace relais::server {

using common::Result;
using common::Status;
using common::StatusCode;

namespace {

int HttpCode(const Status& s) {
  switch (s.code()) {
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kFailedPrecondition: return 413;
    default: return 503;
  }
}

void Outcome(httplib::Response& res, const Status& s) {
  res.status = HttpCode(s);
  const char* code = res.status == 401 ? "security" : res.status == 400 ? "invalid"
                     : res.status == 404 ? "not-found" : res.status == 413 ? "too-costly"
                                                                           : "transient";
  nlohmann::json j = {{"resourceType", "OperationOutcome"},
                      {"issue", {{{"severity", "error"}, {"code", code},
                                  {"diagnostics", s.message()}}}}};
  if (res.status == 401) res.set_header("WWW-Authenticate", "Bearer");
  res.set_content(j.dump() + "\n", "application/fhir+json; charset=utf-8");
}

std::string Bearer(const httplib::Request& q) {
  const std::string h = q.get_header_value("Authorization");
  if (h.rfind("Bearer ", 0) != 0) return "";
  return h.substr(7);
}

std::vector<std::string> Values(const httplib::Request& q, const char* name) {
  std::vector<std::string> out;
  const size_t n = q.get_param_value_count(name);
  for (size_t i = 0; i < n && i < 3; ++i) out.push_back(q.get_param_value(name, i));
  if (n > 2) out.resize(3);  // refused by ParseFhirPeriod
  return out;
}

// Fills and sends the disclosure of `agenda` as served to `grant`.
void Disclose(const AgendaAuditLog& audit, const AgendaGrant& grant, int64_t now,
              const common::interop::Agenda& agenda) {
  AgendaDisclosure d{grant.name, grant.kind, grant.org, grant.practitioner, now, 0, 0};
  std::set<std::string> patients;
  for (const common::Appointment* a : common::interop::ExportedAppointments(agenda)) {
    ++d.appointments;
    const bool shown = !a->patient_name.empty() ||
                       (grant.kind == "fhir" && !a->patient_birth.empty());
    if (shown) patients.insert(a->patient_ref.empty() ? "appt:" + a->id : a->patient_ref);
  }
  d.patients = patients.size();
  audit(d);
}

void Fhir(HubStore& store, AgendaTokens& tokens, common::Clock& clock,
          const std::string& base_url, const AgendaAuditLog& audit, bool slots,
          const httplib::Request& q, httplib::Response& res) {
  auto access = tokens.Authorize(Bearer(q), "fhir");
  if (!access.ok()) return Outcome(res, access.status());
  const AgendaGrant* grant = &access->grant;
  if (slots && q.has_param("status") && q.get_param_value("status") != "free")
    return Outcome(res, Status::InvalidArgument("seul status=free est servi"));
  const int64_t now = clock.NowMillis() / 1000;
  auto period = ParseFhirPeriod(Values(q, slots ? "start" : "date"), now);
  if (!period.ok()) return Outcome(res, period.status());
  HubAgendaQuery hq;
  hq.org = grant->org;
  hq.from = period->first;
  hq.to = period->second;
  hq.free_slots = slots;
  const bool details = access->ring != nullptr && !slots;
  if (details) hq.reveal = access->ring.get();
  auto agenda = LoadHubAgenda(store, hq);
  if (!agenda.ok()) return Outcome(res, agenda.status());
  if (slots) agenda->appointments.clear();
  common::interop::FhirOptions opt;
  opt.now = now;
  opt.with_patient_details = details;
  if (details) Disclose(audit, *grant, now, *agenda);
  if (!base_url.empty()) opt.base_url = base_url;
  const common::ResponsePseudonyms pseudonyms;  // per response
  opt.patient_pseudonym = [&pseudonyms](const std::string& ref) { return pseudonyms(ref); };
  res.set_content(common::interop::ExportFhirBundle(*agenda, opt),
                  "application/fhir+json; charset=utf-8");
}

void Ical(HubStore& store, AgendaTokens& tokens, common::Clock& clock,
          const AgendaAuditLog& audit, const std::string& token, httplib::Response& res) {
  auto text = [&res](int code, const std::string& m) {
    res.status = code;
    res.set_content(m + "\n", "text/plain; charset=utf-8");
  };
  auto access = tokens.Authorize(token, "ical");
  if (!access.ok()) return text(401, access.status().message());
  const AgendaGrant* grant = &access->grant;
  const bool names = access->ring != nullptr;
  const int64_t now = clock.NowMillis() / 1000;
  const int64_t today = common::DaysFromCivil(common::ParisDate(now));
  HubAgendaQuery hq;
  hq.org = grant->org;
  hq.practitioner = grant->practitioner;
  hq.from = common::ParisLocalToUtc(common::CivilFromDays(today - 30), 0, 0);
  hq.to = common::ParisLocalToUtc(common::CivilFromDays(today + 90), 0, 0);
  if (names) hq.reveal = access->ring.get();
  auto agenda = LoadHubAgenda(store, hq);
  if (!agenda.ok()) return text(HttpCode(agenda.status()), agenda.status().message());
  if (names) {
    for (common::Appointment& a : agenda->appointments) a.patient_birth.clear();
    Disclose(audit, *grant, now, *agenda);
  }
  common::interop::IcalOptions opt;
  opt.with_patient_names = names;
  opt.now = now;
  opt.calendar_name = "Relais Santé — " + grant->name;
  res.set_header("Cache-Control", "private, max-age=300");
  res.set_content(common::interop::ExportIcal(*agenda, opt), "text/calendar; charset=utf-8");
}

}  // namespace

Result<std::pair<int64_t, int64_t>> ParseFhirPeriod(const std::vector<std::string>& values,
                                                    int64_t now_s) {
  const int64_t today = common::DaysFromCivil(common::ParisDate(now_s));
  int64_t first = today, end = today + 7;  // days, [first, end)
  bool has_first = false, has_end = false;
  if (values.size() > 2)
    return Status::InvalidArgument("au plus deux paramètres de date (début et fin)");
  for (const std::string& v : values) {
    std::string prefix = "eq", day = v;
    if (v.size() > 2 && std::isalpha(static_cast<unsigned char>(v[0]))) {
      prefix = v.substr(0, 2);
      day = v.substr(2);
    }
    auto d = common::ParseDate(day);
    if (!d.ok() || day.size() != 10)
      return Status::InvalidArgument("date invalide : AAAA-MM-JJ, précédée de ge, gt, le, lt ou eq");
    const int64_t n = common::DaysFromCivil(*d);
    if (prefix == "eq") {
      first = n, end = n + 1, has_first = has_end = true;
    } else if (prefix == "ge" || prefix == "gt") {
      first = prefix == "ge" ? n : n + 1, has_first = true;
    } else if (prefix == "le" || prefix == "lt") {
      end = prefix == "le" ? n + 1 : n, has_end = true;
    } else {
      return Status::InvalidArgument("préfixe de date inconnu : ge, gt, le, lt ou eq");
    }
  }
  if (has_first && !has_end) end = first + 7;
  if (has_end && !has_first) first = end - 7;
  if (end <= first || end - first > 120)
    return Status::InvalidArgument("période de 1 à 120 jours attendue");
  return std::make_pair(common::ParisLocalToUtc(common::CivilFromDays(first), 0, 0),
                        common::ParisLocalToUtc(common::CivilFromDays(end), 0, 0));
}

std::string AgendaDisclosureLine(const AgendaDisclosure& d) {
  std::string name;
  for (char c : d.token_name.substr(0, 80)) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '\'' || c == '\\') {
      static const char kHex[] = "0123456789abcdef";
      name += "\\x";
      name += kHex[u >> 4];
      name += kHex[u & 15];
    } else {
      name += c;
    }
  }
  std::string line = "agenda-details token='" + name + "' kind=" + d.kind + " org=" + d.org;
  if (!d.practitioner.empty()) line += " practitioner=" + d.practitioner;
  line += " at=" + common::FormatUtc(d.at_s);
  line += " patients=" + std::to_string(d.patients) +
          " appointments=" + std::to_string(d.appointments) + "\n";
  return line;
}

void InstallAgendaRoutes(httplib::Server& http, HubStore& store, AgendaTokens& tokens,
                         common::Clock& clock, std::string base_url, AgendaAuditLog audit) {
  if (!audit) {
    audit = [](const AgendaDisclosure& d) {
      static std::mutex mu;
      std::lock_guard<std::mutex> lock(mu);
      std::cerr << AgendaDisclosureLine(d) << std::flush;
    };
  }
  http.Get("/fhir/Appointment", [&store, &tokens, &clock, base_url, audit](
                                    const httplib::Request& q, httplib::Response& r) {
    Fhir(store, tokens, clock, base_url, audit, /*slots=*/false, q, r);
  });
  http.Get("/fhir/Slot", [&store, &tokens, &clock, base_url, audit](const httplib::Request& q,
                                                                    httplib::Response& r) {
    Fhir(store, tokens, clock, base_url, audit, /*slots=*/true, q, r);
  });
  http.Get(R"(/ical/([0-9a-f]{64})\.ics)",
           [&store, &tokens, &clock, audit](const httplib::Request& q, httplib::Response& r) {
             Ical(store, tokens, clock, audit, q.matches[1], r);
           });
}

}  // namespace relais::server
