#pragma once
// `relais-hub agenda-enroll | agenda-list | agenda-revoke`: read tokens for
// the hub's agenda endpoints (server/agenda/agenda_routes.h). Output in
// French on stdout, errors on stderr prefixed "relais-hub: "; exit code 0
// ok, 2 bad arguments, 1 other failures. A token is printed once.

#include <memory>

namespace CLI {
class App;
}

namespace relais::server {

struct AgendaCli;

// Adds the three subcommands to `app`. After parsing, RunAgendaCli returns
// the exit code of the one chosen, or -1 if none was.
std::shared_ptr<AgendaCli> AddAgendaCommands(CLI::App& app);
int RunAgendaCli(const AgendaCli& cli);

}  // namespace relais::server
