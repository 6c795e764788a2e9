#pragma once
// Shared plumbing of the `relais` CLI: registration of verb groups, exit
// codes, argument parsing helpers.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "common/util/status.h"

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

// Verb groups. Each adds its subcommands to `app`; callbacks set ctx.
void RegisterLocalCommands(CLI::App& app, Context& ctx);
void RegisterLedgerCommands(CLI::App& app, Context& ctx);
// appt overlaps | code-clashes | reissue-code (after RegisterLocalCommands).
void RegisterDomainCommands(CLI::App& app, Context& ctx);
// report (council usage report over HTTP, libcurl).
void RegisterReportCommands(CLI::App& app, Context& ctx);
// audit (access log, --verify) and purge (retention).
void RegisterAuditCommands(CLI::App& app, Context& ctx);
#ifdef RELAIS_HAVE_SYNC
void RegisterSyncCommands(CLI::App& app, Context& ctx);
#endif

// Runs the CLI. Returns the process exit code.
int Run(int argc, char** argv);

}  // namespace relais::common::cli
