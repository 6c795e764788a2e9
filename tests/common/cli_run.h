#pragma once
// Runs the `relais` command line in process (tools/relais/cli_util.h) with
// its stdout and stderr captured, for CLI tests. Link relais_cli_lib.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tools/relais/cli_util.h"

namespace relais::testing {

struct CliResult {
  int code = -1;
  std::string out, err;
};

// `relais args...`: exit code, stdout, stderr.
inline CliResult RunRelaisCli(std::vector<std::string> args) {
  args.insert(args.begin(), "relais");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  CliResult r;
  r.code = common::cli::Run(static_cast<int>(argv.size()), argv.data());
  r.out = ::testing::internal::GetCapturedStdout();
  r.err = ::testing::internal::GetCapturedStderr();
  return r;
}

}  // namespace relais::testing
