#include "kiosk/app/ticket_printer.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

namespace relais::kiosk {

using common::Status;

bool IsValidPrinterName(const std::string& name) {
  if (name.empty() || name.size() > 127 || name[0] == '-') return false;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

namespace {

int64_t MonotonicMs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

// Waits for `pid` until `deadline_ms`; kills it past the deadline.
// Returns the wait status, or -1 on timeout.
int WaitWithDeadline(pid_t pid, int64_t deadline_ms) {
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) return -2;
    if (MonotonicMs() >= deadline_ms) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    usleep(10'000);
  }
}

}  // namespace

Status PrintReceipt(const std::string& printer, const std::string& text,
                    const std::string& lp_program) {
  if (!IsValidPrinterName(printer))
    return Status::InvalidArgument("nom d'imprimante invalide : " + printer.substr(0, 40));
  if (text.size() > kMaxReceiptBytes)
    return Status::InvalidArgument("ticket trop long pour l'imprimante");
  int in[2];
  if (pipe2(in, O_CLOEXEC) != 0)
    return Status::Unavailable(std::string("imprimante : pipe impossible : ") +
                               std::strerror(errno));
  std::vector<std::string> args = {lp_program, "-d", printer};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(in[0]);
    close(in[1]);
    return Status::Unavailable(std::string("imprimante : fork impossible : ") +
                               std::strerror(errno));
  }
  if (pid == 0) {  // child: only async-signal-safe calls until exec
    dup2(in[0], STDIN_FILENO);
    const int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, STDOUT_FILENO);  // lp prints the job id
    execvp(argv[0], argv.data());
    _exit(127);
  }
  close(in[0]);
  // A receipt is far below the pipe buffer, but lp may die early: no SIGPIPE.
  struct sigaction ign {}, old {};
  ign.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ign, &old);
  size_t off = 0;
  bool write_failed = false;
  while (off < text.size()) {
    const ssize_t n = write(in[1], text.data() + off, text.size() - off);
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
  if (status == -1) return Status::Unavailable("imprimante : lp ne répond pas (délai dépassé)");
  if (status < 0) return Status::Unavailable("imprimante : attente de lp impossible");
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    return Status::Unavailable("imprimante : lp introuvable (paquet cups-client ?)");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return Status::Unavailable("imprimante " + printer + " : lp a échoué");
  if (write_failed) return Status::Unavailable("imprimante : ticket non transmis à lp");
  return Status::OK();
}

}  // namespace relais::kiosk
