#pragma once
// Shared plumbing of the `relais` CLI: registration of verb groups, exit
// codes, argument parsing helpers.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "common/util/status.h"

namespace relais::common {
class Replica;
namespace crypto {
class Keyring;
}
}

namespace relais::common::cli {

// Exit code chosen by the verb that ran.
struct Context {
  int exit_code = 0;
};

// Prints "relais: <message>" on stderr and returns the exit code for `s`:
// 0 if ok, 2 for INVALID_ARGUMENT, 1 otherwise.
int Report(const Status& s);

// Parses "123.45", "123,45", "-12" into cents. INVALID_ARGUMENT otherwise.
Result<int64_t> ParseAmountCents(const std::string& text);
// Formats cents the French way: "1 234,56 €" (narrow no-break space).
std::string FormatEuros(int64_t cents);

// Token options of a verb that talks to the hub: --token-file F (preferred),
// RELAIS_TOKEN, or --token T (kept for compatibility, with a warning).
struct TokenArgs {
  std::string file;
  std::string arg;
};
void AddTokenOptions(CLI::App* cmd, TokenArgs* t, const std::string& what);
// Resolves the token (common/util/secret.h), prints warnings on stderr.
// INVALID_ARGUMENT if none was given or the file/variable is unusable.
Result<std::string> TokenFor(const TokenArgs& t);

// Writes `body` to `path` atomically: a temporary file "<tmp_prefix>XXXXXX"
// created 0600 in the same directory (mkstemp), fsync, then rename over
// `path` (a symlink at `path` is replaced, its target untouched) and fsync
// of the directory. INVALID_ARGUMENT for a path without a file name,
// INTERNAL (French message with the path) for an I/O failure; on error no
// temporary file is left.
Status WriteFileAtomic(const std::string& path, const std::string& body,
                       const std::string& tmp_prefix);

// Verb groups. Each adds its subcommands to `app`; callbacks set ctx.
void RegisterLocalCommands(CLI::App& app, Context& ctx);
void RegisterLedgerCommands(CLI::App& app, Context& ctx);
// appt overlaps | code-clashes | reissue-code (after RegisterLocalCommands).
void RegisterDomainCommands(CLI::App& app, Context& ctx);
// appt confirmation: check-in QR code PNG (cmd_confirmation.cc).
void RegisterConfirmationCommand(CLI::App& app, Context& ctx);
// plage add|list|exception|remove and slot next (cmd_schedule.cc).
void RegisterScheduleCommands(CLI::App& app, Context& ctx);
// org site set | pole add | room add | show (cmd_org.cc).
void RegisterOrgCommands(CLI::App& app, Context& ctx);
// report (council usage report over HTTP, libcurl).
void RegisterReportCommands(CLI::App& app, Context& ctx);
// export ical | fhir (agenda in iCalendar and FHIR, cmd_export.cc).
void RegisterExportCommands(CLI::App& app, Context& ctx);
// ticket issue|list|call|done|leave|convert|prefix: walk-in queue
// (cmd_ticket.cc).
void RegisterTicketCommands(CLI::App& app, Context& ctx);
// audit (access log, --verify) and purge (retention).
void RegisterAuditCommands(CLI::App& app, Context& ctx);
// `relais commune --cp CP [--nom NOM]`: the shipped list of communes (cmd_commune.cc).
void RegisterCommuneCommand(CLI::App& app, Context& ctx);
// compact: VACUUM of a replica file (cmd_compact.cc).
void RegisterCompactCommand(CLI::App& app, Context& ctx);
// The INSEE code a desk means by --cp/--commune (both empty: "", not asked);
// INVALID_ARGUMENT / NOT_FOUND in French, listing the postcode's communes.
Result<std::string> ResolvePatientCommune(const std::string& cp, const std::string& commune);
#ifdef RELAIS_HAVE_SYNC
// sync, status.
void RegisterSyncCommands(CLI::App& app, Context& ctx);
// repair: rebuilds a damaged replica from the hub (cmd_repair.cc).
void RegisterRepairCommand(CLI::App& app, Context& ctx);
void RegisterChangesCommands(CLI::App& app, Context& ctx);
void RegisterPkiCommands(CLI::App& app, Context& ctx);   // pki init|issue (cmd_pki.cc)
void RegisterPeerCommands(CLI::App& app, Context& ctx);  // peer serve|sync (cmd_peer.cc)
// DATA_LOSS « réplique endommagée : lancez relais repair --db DB (…) » if
// PRAGMA quick_check finds `rep`'s file unsound; OK otherwise.
Status CheckReplicaIntegrity(Replica& rep, const std::string& db);
// `open_error` (from Replica::Open) reworded the same way if it is DATA_LOSS.
Status DamagedOnOpen(const Status& open_error, const std::string& db);
// `relais init --from-snapshot` (cmd_snapshot.cc, common/snapshot/bootstrap.h).
struct SnapshotInitArgs {
  std::string db, site, snapshot, hub_key, hub_key_file;
  std::string org;                 // --org ("" = the site: a one-site house)
  std::vector<std::string> scope;  // the token's other sites (--site after the first, --scope-site)
  // --hub (with the token options and --ca): check the hub's current epoch
  // before loading (ProbeHub).
  std::string hub, ca;
  TokenArgs token;
  // --http-hub / --transport, as relais sync: the probe's transport. An
  // HTTP answer in auto mode is remembered for the first sync.
  std::string http_hub, transport = "auto";
};
// Prints the replica id on stdout, progress and a summary on stderr;
// returns the exit code. `ring`: the imported organisation key, or nullptr.
int InitFromSnapshotCommand(const SnapshotInitArgs& a, const crypto::Keyring* ring);
#endif

// Test-only clock skew: the value of RELAIS_TEST_CLOCK_OFFSET_S (nullptr =
// unset = 0), whole seconds in [-kMaxClockOffsetS, kMaxClockOffsetS],
// optional leading '-'. INVALID_ARGUMENT for anything else. Run() applies
// it to SystemClock::Default() so a process can play a skewed machine.
inline constexpr int64_t kMaxClockOffsetS = 30 * 86400;
Result<int64_t> ParseClockOffsetS(const char* value);

// Runs the CLI. Returns the process exit code.
int Run(int argc, char** argv);

}  // namespace relais::common::cli
