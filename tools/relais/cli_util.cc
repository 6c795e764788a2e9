#include "tools/relais/cli_util.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <vector>

#include "common/model/validate.h"
#include "common/util/secret.h"
#include "common/util/test_clock_offset.h"

namespace relais::common::cli {

int Report(const Status& s) {
  if (s.ok()) return 0;
  std::cerr << "relais: " << s.ToString() << "\n";
  return s.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

void AddTokenOptions(CLI::App* cmd, TokenArgs* t, const std::string& what) {
  cmd->add_option("--token-file", t->file,
                  "Fichier contenant le " + what + " (droits 600 ; sinon RELAIS_TOKEN)");
  cmd->add_option("--token", t->arg,
                  what + " en clair (déconseillé : visible dans ps ; préférez --token-file)");
}

Result<std::string> TokenFor(const TokenArgs& t) {
  TokenSource source = TokenSource::kNone;
  std::string warning;
  auto token = ResolveToken(t.file, t.arg, &source, &warning);
  if (!token.ok()) {
    if (token.status().code() == StatusCode::kInvalidArgument) return token.status();
    return Status::InvalidArgument(token.status().message());
  }
  if (!warning.empty()) std::cerr << "relais: " << warning << "\n";
  if (source == TokenSource::kNone)
    return Status::InvalidArgument(
        "jeton manquant : --token-file FICHIER ou variable RELAIS_TOKEN");
  return token;
}

Result<int64_t> ParseAmountCents(const std::string& text) {
  auto bad = [&] {
    return Status::InvalidArgument("montant invalide: '" + text +
                                   "' (exemple: 123.45)");
  };
  if (text.empty() || text.size() > 15) return bad();
  size_t i = 0;
  bool neg = false;
  if (text[0] == '-') {
    neg = true;
    i = 1;
  }
  int64_t units = 0, cents = 0;
  int digits = 0, frac = -1;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' || c == ',') {
      if (frac >= 0 || digits == 0) return bad();
      frac = 0;
    } else if (c >= '0' && c <= '9') {
      if (frac >= 0) {
        if (++frac > 2) return bad();
        cents = cents * 10 + (c - '0');
      } else {
        units = units * 10 + (c - '0');
        ++digits;
      }
    } else {
      return bad();
    }
  }
  if (digits == 0 || frac == 0) return bad();
  if (frac == 1) cents *= 10;
  const int64_t total = units * 100 + cents;
  if (total > kMaxAmountCents)
    return Status::InvalidArgument("montant hors limites: '" + text +
                                   "' (au plus " + FormatEuros(kMaxAmountCents) +
                                   ")");
  return neg ? -total : total;
}

std::string FormatEuros(int64_t cents) {
  const bool neg = cents < 0;
  uint64_t a = neg ? static_cast<uint64_t>(-(cents + 1)) + 1
                   : static_cast<uint64_t>(cents);
  std::string units = std::to_string(a / 100);
  std::string grouped;
  for (size_t i = 0; i < units.size(); ++i) {
    if (i > 0 && (units.size() - i) % 3 == 0) grouped += "\u202f";
    grouped += units[i];
  }
  char frac[4];
  std::snprintf(frac, sizeof frac, "%02d", static_cast<int>(a % 100));
  return (neg ? "-" : "") + grouped + "," + frac + "\u00a0€";
}

Result<int64_t> ParseClockOffsetS(const char* value) {
  if (value == nullptr) return int64_t{0};
  const std::string v(value);
  auto bad = [&] {
    return Status::InvalidArgument(
        "RELAIS_TEST_CLOCK_OFFSET_S invalide: '" + v.substr(0, 40) +
        "' (secondes entières, au plus ±" + std::to_string(kMaxClockOffsetS) + ")");
  };
  const size_t start = (!v.empty() && v[0] == '-') ? 1 : 0;
  if (v.size() == start || v.size() - start > 8) return bad();
  int64_t s = 0;
  for (size_t i = start; i < v.size(); ++i) {
    if (v[i] < '0' || v[i] > '9') return bad();
    s = s * 10 + (v[i] - '0');
  }
  if (s > kMaxClockOffsetS) return bad();
  return start ? -s : s;
}

Status WriteFileAtomic(const std::string& path, const std::string& body,
                       const std::string& tmp_prefix) {
  const std::filesystem::path target(path);
  std::string dir = target.parent_path().string();
  if (dir.empty()) dir = ".";
  if (target.filename().empty())
    return Status::InvalidArgument("--out : nom de fichier attendu, reçu '" + path + "'");
  std::string tmpl = (std::filesystem::path(dir) / (tmp_prefix + "XXXXXX")).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());  // 0600, O_EXCL: never an existing file
  if (fd < 0)
    return Status::Internal("écriture impossible dans " + dir + " : " + std::strerror(errno));
  const std::string tmp(name.data());
  auto fail = [&](const std::string& what) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return Status::Internal("écriture impossible: " + path + " (" + what + ")");
  };
  size_t done = 0;
  while (done < body.size()) {
    const ssize_t n = ::write(fd, body.data() + done, body.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail(std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail(std::strerror(errno));
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return Status::Internal("écriture impossible: " + path);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return Status::Internal("écriture impossible: " + path + " (" + std::strerror(e) + ")");
  }
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return Status::OK();
}

int Run(int argc, char** argv) {
  auto offset_s = ParseClockOffsetS(std::getenv("RELAIS_TEST_CLOCK_OFFSET_S"));
  if (!offset_s.ok()) return Report(offset_s.status());
  if (*offset_s != 0) SetSystemClockOffsetForTest(*offset_s * 1000);
  CLI::App app{"relais — réplique locale d'une maison de santé (Relais Santé)",
               "relais"};
  app.set_version_flag("--version", std::string("relais ") + RELAIS_VERSION,
                       "Affiche la version et quitte");
  app.require_subcommand(1);
  Context ctx;
  RegisterLocalCommands(app, ctx);
  RegisterLedgerCommands(app, ctx);
  RegisterDomainCommands(app, ctx);
  RegisterConfirmationCommand(app, ctx);
  RegisterScheduleCommands(app, ctx);
  RegisterOrgCommands(app, ctx);
  RegisterReportCommands(app, ctx);
  RegisterAuditCommands(app, ctx);
  RegisterCommuneCommand(app, ctx);
  RegisterExportCommands(app, ctx);
  RegisterTicketCommands(app, ctx);
  RegisterCompactCommand(app, ctx);
#ifdef RELAIS_HAVE_SYNC
  RegisterSyncCommands(app, ctx);
  RegisterRepairCommand(app, ctx);
  RegisterChangesCommands(app, ctx);
  RegisterPkiCommands(app, ctx);
  RegisterPeerCommands(app, ctx);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string msg = e.what();
    std::cerr << "relais: " << msg << " (voir --help)\n";
    return 2;
  }
  return ctx.exit_code;
}

}  // namespace relais::common::cli
