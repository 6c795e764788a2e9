// « Imprimer la convocation » at the staff planning (issue #16): Apply
// queues the convocation of a planning appointment, the executor writes a
// PNG 0600 whose QR decodes (zbarimg, Debian zbar-tools: independent
// oracle) to the documented check-in text, and sends it to a fake `lp` on
// PATH that records its argv; printer failures and hostile printer names
// are handled.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "imgui.h"
#include "kiosk/app/apply.h"
#include "kiosk/app/convocation.h"
#include "kiosk/ui/ui.h"
#include "tests/kiosk/kiosk_fixture.h"
#include "tests/kiosk/ui_harness.h"

namespace relais::kiosk::testing {
namespace {

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

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ConvocationTest : public KioskTest {
 protected:
  // A fake lp in <dir>/bin that writes its arguments, one per line, to
  // <dir>/lp-argv and exits with `rc`; PATH starts with <dir>/bin.
  void FakeLp(int rc) {
    const std::string bin = (dir_ / "bin").string();
    std::filesystem::create_directories(bin);
    std::ofstream(bin + "/lp") << "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '"
                               << (dir_ / "lp-argv").string() << "'\nexit " << rc << "\n";
    std::filesystem::permissions(bin + "/lp", std::filesystem::perms::owner_all);
    const char* path = std::getenv("PATH");
    saved_path_ = path ? path : "";
    ::setenv("PATH", (bin + ":" + saved_path_).c_str(), 1);
  }
  void TearDown() override {
    if (!saved_path_.empty()) ::setenv("PATH", saved_path_.c_str(), 1);
    KioskTest::TearDown();
  }
  // Staff state with one booked appointment of Dr Alice Arnaud at 10:15.
  AppState Unlocked() {
    std::tie(id_, code_) = Add("dr-a", 10, 15, "DURAND Anne", "1970-05-06");
    AppState s = Load();
    Apply(s, act::UnlockStaff{"1234"});
    EXPECT_TRUE(runner_->RunPending(s).ok());
    s.convocation.out_dir = (dir_ / "convocations").string();
    s.message.clear();
    return s;
  }
  std::string File() const { return (dir_ / "convocations" / ("convocation-" + id_ + ".png")).string(); }
  std::string saved_path_;
  std::string id_, code_;
};

TEST_F(ConvocationTest, SavedPngCarriesTheCheckInCodeAsQr) {
  AppState s = Unlocked();
  Apply(s, act::PrintConvocation{id_});
  ASSERT_EQ(s.effects.size(), 1u) << s.message;
  const auto& eff = std::get<EffPrintConvocation>(s.effects.front());
  EXPECT_EQ(eff.convocation.practitioner, "Dr Alice Arnaud");
  EXPECT_EQ(eff.convocation.time_hhmm, "10:15");
  EXPECT_EQ(eff.convocation.date, "10/03/2025");
  ASSERT_TRUE(runner_->RunPending(s).ok()) << s.message;
  EXPECT_FALSE(s.message_is_error);
  EXPECT_EQ(s.message, "Convocation enregistrée : " + File());
  struct stat st {};
  ASSERT_EQ(::stat(File().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  int status = -1;
  const std::string decoded = Shell("zbarimg --quiet --raw '" + File() + "'", &status);
  ASSERT_EQ(status, 0) << "zbarimg (paquet zbar-tools) : " << decoded;
  EXPECT_EQ(decoded, "RELAIS1:" + s.site_id + ":" + code_ + "\n");  // docs/kiosk.md
  EXPECT_EQ(ReadAll(File()).find("DURAND"), std::string::npos);  // no patient data
}

TEST_F(ConvocationTest, PrinterGetsTheFileThroughLp) {
  AppState s = Unlocked();
  FakeLp(0);
  s.convocation.printer = "Accueil_HP-1";
  Apply(s, act::PrintConvocation{id_});
  ASSERT_TRUE(runner_->RunPending(s).ok()) << s.message;
  EXPECT_EQ(s.message, "Convocation imprimée");
  EXPECT_FALSE(s.message_is_error);
  EXPECT_EQ(ReadAll((dir_ / "lp-argv").string()), "-d\nAccueil_HP-1\n" + File() + "\n");
}

TEST_F(ConvocationTest, PrinterFailureKeepsTheFileAndSaysSo) {
  AppState s = Unlocked();
  FakeLp(1);
  s.convocation.printer = "Accueil";
  Apply(s, act::PrintConvocation{id_});
  ASSERT_TRUE(runner_->RunPending(s).ok());
  EXPECT_TRUE(s.message_is_error);
  EXPECT_EQ(s.message.rfind("Imprimante indisponible", 0), 0u) << s.message;
  EXPECT_NE(s.message.find(File()), std::string::npos) << s.message;
  EXPECT_TRUE(std::filesystem::exists(File()));
  // lp missing altogether.
  s.convocation.lp = (dir_ / "no-such-lp").string();
  Apply(s, act::PrintConvocation{id_});
  ASSERT_TRUE(runner_->RunPending(s).ok());
  EXPECT_EQ(s.message.rfind("Imprimante indisponible", 0), 0u) << s.message;
  EXPECT_NE(s.message.find("lp introuvable"), std::string::npos) << s.message;
}

TEST_F(ConvocationTest, RefusedWhenLockedCancelledUnknownOrUnconfigured) {
  AppState s = Unlocked();
  Apply(s, act::PrintConvocation{"no-such-id"});
  EXPECT_TRUE(s.effects.empty());
  EXPECT_TRUE(s.message_is_error);
  Apply(s, act::SetStatus{id_, "cancelled"});
  ASSERT_TRUE(runner_->RunPending(s).ok());
  s.message.clear();
  Apply(s, act::PrintConvocation{id_});
  EXPECT_TRUE(s.effects.empty());
  EXPECT_NE(s.message.find("annulé"), std::string::npos) << s.message;
  Apply(s, act::Lock{});
  Apply(s, act::PrintConvocation{id_});
  EXPECT_TRUE(s.effects.empty());
  EXPECT_EQ(s.screen, Screen::kStaffPin);
  // No directory configured: a clear message, no file anywhere.
  auto [id2, code2] = Add("dr-b", 11, 0, "MARTIN Paul", "1980-01-01");
  AppState t = Load();
  Apply(t, act::UnlockStaff{"1234"});
  ASSERT_TRUE(runner_->RunPending(t).ok());
  Apply(t, act::PrintConvocation{id2});
  ASSERT_EQ(t.effects.size(), 1u) << t.message;
  EXPECT_FALSE(runner_->RunPending(t).ok());
  EXPECT_NE(t.message.find("--convocation-dir"), std::string::npos) << t.message;
}

TEST(PrinterName, HostileNamesAreRefused) {
  for (const std::string& bad : {std::string(), std::string("-h"), std::string("-dx"),
                                std::string("a b"), std::string("a/b"), std::string("a#b"),
                                std::string("a\nb"), std::string("imprimante-é"),
                                std::string(200, 'p')}) {
    const common::Status st = ValidatePrinterName(bad);
    EXPECT_FALSE(st.ok()) << bad;
    EXPECT_NE(st.message().find("imprimante"), std::string::npos) << st.message();
  }
  EXPECT_TRUE(ValidatePrinterName("Accueil_HP-1.2").ok());
  // SendToPrinter refuses them too, before starting anything.
  EXPECT_FALSE(SendToPrinter("lp", "-o", "/tmp/x.png").ok());
}

TEST(ConvocationUi, CardButtonEmitsPrintConvocation) {
  ui::CreateHeadlessContext(1280, 800);
  AppState s = InitialState(1741597200000, Lang::kFr);  // 2025-03-10 10:00 Paris
  s.effects.clear();
  s.staff_unlocked = true;
  s.screen = Screen::kPlanning;
  common::Practitioner p;
  p.id = "dr-a";
  p.name = "Dr Alice Arnaud";
  s.practitioners = {p};
  common::Appointment a;
  a.id = "rdv-1";
  a.practitioner = "dr-a";
  a.patient_name = "DURAND Anne";
  a.start = 1741598100;
  a.duration_min = 15;
  a.code = "K7P2XQ";
  s.day_appointments = {a};
  ui::UiScratch scratch;
  auto out = ClickLabel(s, scratch, "Convocation##convrdv-1");
  ASSERT_EQ(out.size(), 1u);
  const auto* pc = std::get_if<act::PrintConvocation>(&out[0]);
  ASSERT_NE(pc, nullptr);
  EXPECT_EQ(pc->appointment_id, "rdv-1");
  // No button for an appointment without a convocation.
  s.day_appointments[0].status = "cancelled";
  ui::UiScratch fresh;
  DrawFrame(s, fresh);
  EXPECT_FALSE(fresh.rects.count("Convocation##convrdv-1"));
  ImGui::DestroyContext();
}

}  // namespace
}  // namespace relais::kiosk::testing
