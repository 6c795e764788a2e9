#include "kiosk/app/convocation.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

void Sleep(int64_t ms) {
  struct timespec ts {static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1'000'000)};
  ::nanosleep(&ts, nullptr);
}

}  // namespace

Status ValidatePrinterName(const std::string& name) {
  if (name.empty() || name.size() > kMaxPrinterName)
    return Status::InvalidArgument("nom d'imprimante vide ou trop long (au plus " +
                                   std::to_string(kMaxPrinterName) + " caractères)");
  if (name.front() == '-')
    return Status::InvalidArgument("nom d'imprimante invalide : il ne peut pas commencer par « - »");
  for (char c : name) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '/' || c == '#' || c == '\\' || c == '\'' || c == '"')
      return Status::InvalidArgument(
          "nom d'imprimante invalide : lettres, chiffres, « - », « _ » ou « . » attendus "
          "(voir lpstat -p)");
  }
  return Status::OK();
}

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
  std::vector<std::string> args = {lp, "-d", printer, file};
  std::vector<char*> argv;
  for (std::string& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return Status::Unavailable(std::string("fork : ") + std::strerror(errno));
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
      ::dup2(null, 0);
      ::dup2(null, 1);
      ::dup2(null, 2);
    }
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  for (int64_t waited = 0;; waited += 20) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return Status::Unavailable("lp : " + std::string(std::strerror(errno)));
    if (waited >= kLpTimeoutMs) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return Status::Unavailable("lp ne répond pas (plus de " +
                                 std::to_string(kLpTimeoutMs / 1000) + " s)");
    }
    Sleep(20);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::OK();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    return Status::Unavailable("lp introuvable (paquet cups-client)");
  return Status::Unavailable("lp a échoué (code " +
                             std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
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
