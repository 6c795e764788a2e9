#include "kiosk/app/ticket_printer.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace relais::kiosk {

using common::Status;

Status ValidatePrinterName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= kMaxPrinterName && name[0] != '-';
  for (char c : name)
    ok = ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '.' || c == '-');
  if (ok) return Status::OK();
  return Status::InvalidArgument(
      "nom d'imprimante invalide : 1 à " + std::to_string(kMaxPrinterName) +
      " lettres, chiffres, « - », « _ » ou « . », sans « - » en tête (voir lpstat -p)");
}

namespace {

int64_t MonotonicMs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

// Waits for `pid` until `deadline_ms`; past it, kills its process group
// (lp, or a script standing for it, and anything it started).
// Returns the wait status, -1 on timeout, -2 if waiting failed.
int WaitWithDeadline(pid_t pid, int64_t deadline_ms) {
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) return -2;
    if (MonotonicMs() >= deadline_ms) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    usleep(10'000);
  }
}

}  // namespace

Status RunLp(std::vector<std::string> args, const std::string& stdin_text) {
  int in[2];
  if (pipe2(in, O_CLOEXEC) != 0)
    return Status::Unavailable(std::string("pipe impossible : ") + std::strerror(errno));
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(in[0]);
    close(in[1]);
    return Status::Unavailable(std::string("fork impossible : ") + std::strerror(errno));
  }
  if (pid == 0) {  // child: only async-signal-safe calls until exec
    setpgid(0, 0);
    dup2(in[0], STDIN_FILENO);
    const int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) {
      dup2(devnull, STDOUT_FILENO);  // lp prints the job id
      dup2(devnull, STDERR_FILENO);
    }
    execvp(argv[0], argv.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also from here: no race with the kill below
  close(in[0]);
  // The text is far below the pipe buffer, but lp may die early: no SIGPIPE.
  struct sigaction ign {}, old {};
  ign.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ign, &old);
  size_t off = 0;
  bool write_failed = false;
  while (off < stdin_text.size()) {
    const ssize_t n = write(in[1], stdin_text.data() + off, stdin_text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      write_failed = true;
      break;
    }
    off += static_cast<size_t>(n);
  }
  close(in[1]);
  sigaction(SIGPIPE, &old, nullptr);
  const int status = WaitWithDeadline(pid, MonotonicMs() + kPrintTimeoutMs);
  if (status == -1) return Status::Unavailable("lp ne répond pas (délai dépassé)");
  if (status < 0) return Status::Unavailable("attente de lp impossible");
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    return Status::Unavailable("lp introuvable (paquet cups-client ?)");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return Status::Unavailable("lp a échoué (code " +
                               std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
  if (write_failed) return Status::Unavailable("texte non transmis à lp");
  return Status::OK();
}

Status PrintReceipt(const std::string& printer, const std::string& text,
                    const std::string& lp_program) {
  if (Status st = ValidatePrinterName(printer); !st.ok()) return st;
  if (text.size() > kMaxReceiptBytes)
    return Status::InvalidArgument("ticket trop long pour l'imprimante");
  Status st = RunLp({lp_program, "-d", printer}, text);
  if (st.ok()) return st;
  return Status::Unavailable("imprimante " + printer + " : " + st.message());
}

}  // namespace relais::kiosk
