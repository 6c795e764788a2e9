// relais appt confirmation: the check-in QR code as a PNG (mode 0600). The
// PNG is decoded with zbarimg (Debian zbar-tools) as the independent oracle;
// hostile arguments (unknown id, overlong id, missing directory, symbolic
// link) are refused with a clear message and leave no file.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "tests/common/cli_run.h"
#include "tests/common/test_util.h"

namespace relais {
namespace {

using ::relais::testing::RunRelaisCli;

// stdout of a shell command and its exit status (stderr goes to the test
// log: zbarimg's ImageMagick may complain about D-Bus there).
std::string Shell(const std::string& cmd, int* status) {
  std::string out;
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return "popen failed";
  char buf[512];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *status = ::pclose(p);
  return out;
}

class ConfirmationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("m.db");
    auto r = RunRelaisCli({"init", "--db", db_, "--site", "msp-vallee"});
    ASSERT_EQ(r.code, 0) << r.err;
    r = RunRelaisCli({"practitioner", "add", "--db", db_, "--id", "p1", "--name", "Dr Martin",
                      "--profession", "medecin"});
    ASSERT_EQ(r.code, 0) << r.err;
    r = RunRelaisCli({"appt", "add", "--db", db_, "--practitioner", "p1", "--start",
                      "2026-11-24T09:00", "--duration", "15", "--patient", "Jeanne Dupont",
                      "--birth", "1950-03-02"});
    ASSERT_EQ(r.code, 0) << r.err;
    const size_t sp = r.out.find(' ');
    ASSERT_NE(sp, std::string::npos) << r.out;
    id_ = r.out.substr(0, sp);
    code_ = r.out.substr(sp + 1, 6);
    ASSERT_EQ(code_.size(), 6u);
  }
  common::testing::TempDir dir_;
  std::string db_, id_, code_;
};

TEST_F(ConfirmationTest, PngDecodesToTheDocumentedText) {
  const std::string png = dir_.File("convocation.png");
  auto r = RunRelaisCli({"appt", "confirmation", "--db", db_, "--id", id_, "--out", png});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string expected = "RELAIS1:msp-vallee:" + code_;  // docs/kiosk.md
  EXPECT_EQ(r.out, png + " " + expected + "\n");
  struct stat st {};
  ASSERT_EQ(::stat(png.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(png, std::ios::binary);
  char sig[8] = {};
  in.read(sig, 8);
  EXPECT_EQ(std::string(sig, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  int status = -1;
  const std::string decoded = Shell("zbarimg --quiet --raw '" + png + "'", &status);
  ASSERT_EQ(status, 0) << "zbarimg (paquet zbar-tools) : " << decoded;
  EXPECT_EQ(decoded, expected + "\n");
  // Nothing of the patient is in the file.
  std::ifstream again(png, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(again)), {});
  EXPECT_EQ(bytes.find("Dupont"), std::string::npos);
}

TEST_F(ConfirmationTest, ExistingFileBecomes0600) {
  const std::string png = dir_.File("old.png");
  { std::ofstream(png) << "x"; }
  ASSERT_EQ(::chmod(png.c_str(), 0644), 0);
  auto r = RunRelaisCli({"appt", "confirmation", "--db", db_, "--id", id_, "--out", png});
  ASSERT_EQ(r.code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat(png.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(ConfirmationTest, HostileArgumentsAreRefusedAndLeaveNoFile) {
  const std::string png = dir_.File("x.png");
  struct Case {
    std::vector<std::string> args;
    int code;
    const char* says;
  };
  const std::string target = dir_.File("cible");
  ASSERT_EQ(::symlink(target.c_str(), dir_.File("lien.png").c_str()), 0);
  const Case cases[] = {
      {{"--id", "inconnu", "--out", png}, 1, "rendez-vous inconnu"},
      {{"--id", std::string(5000, 'a'), "--out", png}, 2, "trop long"},
      {{"--id", "", "--out", png}, 2, "--id"},
      {{"--id", id_, "--out", dir_.File("absent/x.png")}, 1, "impossible d'écrire"},
      {{"--id", id_, "--out", dir_.File("lien.png")}, 1, "impossible d'écrire"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"appt", "confirmation", "--db", db_};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = RunRelaisCli(args);
    EXPECT_EQ(r.code, c.code) << c.says << ": " << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  EXPECT_NE(::access(png.c_str(), F_OK), 0);
  EXPECT_NE(::access(target.c_str(), F_OK), 0);  // the link was not followed
}

}  // namespace
}  // namespace relais
