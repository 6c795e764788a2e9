// relais: command-line tool over a house's replica. Thin: every verb calls
// relais::common::Replica (or the sync client) and maps Status to an exit
// code: 0 success, 2 bad arguments (nothing written), 1 any other failure.
#include "tools/relais/cli_util.h"

int main(int argc, char** argv) {
  return relais::common::cli::Run(argc, argv);
}
