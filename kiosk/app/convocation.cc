#include "kiosk/app/convocation.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "kiosk/app/output_dir.h"

namespace relais::kiosk {

namespace {

using common::Status;

std::string PractitionerName(const AppState& s, const std::string& id) {
  for (const common::Practitioner& p : s.practitioners)
    if (p.id == id) return p.name;
  return id;
}

// The appointment id as a file name part.
std::string FileStem(const std::string& id) {
  std::string out;
  for (char c : id) {
    if (out.size() >= 64) break;
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    out += ok ? c : '_';
  }
  return out.empty() ? "rdv" : out;
}

}  // namespace

void ApplyPrintConvocation(AppState& s, const act::PrintConvocation& a) {
  for (const common::Appointment& appt : s.day_appointments) {
    if (appt.id != a.appointment_id) continue;
    common::Result<common::Convocation> c =
        common::MakeConvocation(s.site_id, appt, PractitionerName(s, appt.practitioner));
    if (!c.ok()) {
      s.message = c.status().message();
      s.message_is_error = true;
      return;
    }
    s.effects.push_back(EffPrintConvocation{appt.id, std::move(c).value()});
    return;
  }
  s.message = "rendez-vous introuvable sur ce jour : pas de convocation";
  s.message_is_error = true;
}

Status SendToPrinter(const std::string& lp, const std::string& printer, const std::string& file) {
  if (Status st = ValidatePrinterName(printer); !st.ok()) return st;
  // `file` is absolute (RunPrintConvocation), so never read as an option.
  return RunLp({lp, "-d", printer, file}, "");
}

Status RunPrintConvocation(AppState& s, const EffPrintConvocation& e) {
  const ConvocationConfig& cfg = s.convocation;
  if (cfg.out_dir.empty())
    return Status::FailedPrecondition(
        "convocations non configurées : lancez la borne avec --convocation-dir DOSSIER");
  if (Status st = EnsureOutputDir(cfg.out_dir); !st.ok()) return st;
  std::error_code ec;
  const std::string dir = std::filesystem::absolute(cfg.out_dir, ec).string();
  if (ec) return Status::Unavailable("dossier " + cfg.out_dir + " : " + ec.message());
  const std::string file = dir + "/convocation-" + FileStem(e.appointment_id) + ".png";
  if (Status st = common::WriteConvocationPng(e.convocation, file); !st.ok()) return st;
  if (cfg.printer.empty()) {
    s.message = "Convocation enregistrée : " + file;
    s.message_is_error = false;
    return Status::OK();
  }
  if (Status st = SendToPrinter(cfg.lp, cfg.printer, file); !st.ok()) {
    s.message = "Imprimante indisponible (" + st.message() + ") ; convocation enregistrée : " +
                file;
    s.message_is_error = true;
    return Status::OK();
  }
  s.message = "Convocation imprimée";
  s.message_is_error = false;
  return Status::OK();
}

}  // namespace relais::kiosk
