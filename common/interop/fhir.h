#pragma once
// FHIR R4 export of an agenda as a Bundle (type "collection") following the
// French profiles: ANS "Gestion d'Agendas Partagés" 3.0.0 (GAP) for
// Appointment, Slot and Schedule, FR Core for Practitioner,
// PractitionerRole, Location, Organization and Patient (docs/interop.md).
// Pure: standard library, model and nlohmann-json only.
//
// Contract:
// - Every resource carries meta.profile with the canonical URLs below
//   (GAP and its FR Core parent for the three agenda resources).
// - Every reference is relative ("Type/id") and resolves to an entry of
//   the bundle whose fullUrl is "<base_url>/Type/id".
// - Appointment.status: booked→booked, checked_in→arrived,
//   in_consultation→checked-in, done→fulfilled, no_show→noshow,
//   cancelled→cancelled (FhirAppointmentStatus).
// - Slots: the free slots of agenda.free_slots, status "free", each in the
//   Schedule of its (practitioner, site).
// - Patients: one Patient per patient reference, id = a pseudonym
//   (options.patient_pseudonym), no name or birth date unless
//   options.with_patient_details; then FR Core Patient: name
//   [{use "usual", text}] (the usualName slice; never an unreadable
//   placeholder), birthDate; no identifier (Relais holds no INS), no
//   gender (not in the model). Never exported: note, check-in code.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/interop/agenda.h"

namespace relais::common::interop {

inline constexpr char kGapProfileBase[] =
    "https://interop.esante.gouv.fr/ig/fhir/gap/StructureDefinition/";
inline constexpr char kFrCoreProfileBase[] =
    "https://hl7.fr/ig/fhir/core/StructureDefinition/";
inline constexpr char kDefaultFhirBase[] = "https://relais-sante.invalid/fhir";

struct FhirOptions {
  bool with_patient_details = false;  // Patient.name / birthDate
  int64_t now = 0;                    // Bundle.timestamp, UTC seconds
  std::string base_url = kDefaultFhirBase;  // for fullUrl; no trailing '/'
  // patient_ref -> Patient id ([A-Za-z0-9-.]{1,64}). Null: "pat-" + 16 hex
  // digits of a public hash (stable, linkable across exports).
  std::function<std::string(const std::string&)> patient_pseudonym;
};

// The FHIR Appointment.status of a Relais status; "" if unknown.
std::string FhirAppointmentStatus(const std::string& status);

// A FHIR id ([A-Za-z0-9-.]{1,64}) for any text, injective: letters, digits
// and '-' are kept, every other byte becomes ".XX" (upper-case hex); a
// result longer than 64 becomes "h.." + 32 hex digits of a hash.
std::string FhirId(std::string_view raw);

// The Bundle as JSON text (2-space indent, keys in a fixed order).
std::string ExportFhirBundle(const Agenda& agenda, const FhirOptions& options);

}  // namespace relais::common::interop
