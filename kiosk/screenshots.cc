#include "kiosk/screenshots.h"

#include <cstdio>
#include <string>

#include "common/util/time.h"
#include "kiosk/app/apply.h"
#include "kiosk/display.h"

namespace relais::kiosk {

using common::Status;

namespace {

// The secretariat screenshot: a search from now (a read: no effect that
// writes runs), the second proposal picked and a patient being typed.
void ScreenshotSearch(Kiosk& k) {
  AppState& st = k.state;
  st.effects.clear();
  Apply(st, act::SearchSlots{SlotFilter{}});
  Status s = k.runner->RunPending(st);
  if (!s.ok()) std::fprintf(stderr, "%s\n", s.ToString().c_str());
  if (st.secretariat.slots.size() > 1) Apply(st, act::SelectSlot{1});
  std::snprintf(k.scratch.sec.patient.data(), k.scratch.sec.patient.size(), "LEROY Maëlle");
  std::snprintf(k.scratch.sec.birth.data(), k.scratch.sec.birth.size(), "14/02/1987");
}

// « Avec quel professionnel ? »: the demo day has no patient with two
// appointments, so the choice is built from the first appointment of each
// of up to three practitioners (what FinishCheckIn shows for one patient
// booked with several: names and times only).
void PrepareChoiceShot(AppState& s) {
  s.checkin = CheckInResult{};
  s.form = CheckInForm{};
  for (size_t i = 0; i < s.today_appointments.size() && s.checkin.choices.size() < 3; ++i) {
    const common::Appointment& a = s.today_appointments[i];
    bool seen = false;
    for (const CheckInResult::Choice& c : s.checkin.choices)
      seen |= s.today_appointments[c.index].practitioner == a.practitioner;
    if (seen) continue;
    std::string name;
    for (const common::Practitioner& p : s.practitioners)
      if (p.id == a.practitioner) name = p.name;
    s.checkin.choices.push_back({i, name, common::FormatParisTime(a.start)});
  }
  s.effects.clear();
}

}  // namespace

int Screenshots(Kiosk& k, const Options& o) {
  struct Shot {
    const char* name;
    Screen screen;
    int scale_pct = 100;
    bool high_contrast = false;
  };
  const Shot shots[] = {{"accueil", Screen::kWelcome},     {"code", Screen::kCheckInCode},
                        {"confirmation", Screen::kCheckInDone}, {"planning", Screen::kPlanning},
                        {"presences", Screen::kPresence},  {"charges", Screen::kLedger},
                        {"conflits", Screen::kConflicts},
                        {"secretariat", Screen::kSecretariat},
                        // Accessibility (docs/kiosk.md « Accessibilité »).
                        {"accueil-contraste", Screen::kWelcome, 100, true},
                        {"code-contraste", Screen::kCheckInCode, 100, true},
                        {"accueil-200", Screen::kWelcome, 200, false},
                        {"code-200", Screen::kCheckInCode, 200, false},
                        {"naissance", Screen::kCheckInBirth},
                        {"naissance-200", Screen::kCheckInBirth, 200, false},
                        {"confirmation-200", Screen::kCheckInDone, 200, true},
                        // Walk-in queue (docs/kiosk.md « Sans rendez-vous »).
                        {"ticket", Screen::kTicket},
                        {"file-attente", Screen::kQueue},
                        // The other public screens at « A+ » 200 % too.
                        {"ticket-200", Screen::kTicket, 200, false},
                        {"pin", Screen::kStaffPin},
                        {"pin-200", Screen::kStaffPin, 200, false},
                        {"choix", Screen::kCheckInChoose},
                        {"choix-200", Screen::kCheckInChoose, 200, false},
                        // « Besoin de plus de temps ? » over the code screen.
                        {"invite", Screen::kCheckInCode},
                        {"invite-200", Screen::kCheckInCode, 200, false}};
  int failures = 0;
  if (o.wait_sync_s > 0) {
    // The captures then show the synced replica and status bar.
    if (!WaitForFirstSync(k, o.wait_sync_s)) {
      std::fprintf(stderr, "--wait-sync : aucune synchronisation réussie en %d s\n",
                   o.wait_sync_s);
      ++failures;
    }
    std::printf("état de la synchronisation : %s\n", SyncLine(k).c_str());
    std::fflush(stdout);
  }
  for (const Shot& s : shots) {
    AppState& st = k.state;
    st.staff_unlocked = IsStaffScreen(s.screen);  // screenshots skip the PIN
    if (st.staff_unlocked && st.staff_user.empty() && !st.practitioners.empty())
      st.staff_user = st.practitioners[0].id;
    st.screen = s.screen;
    st.message.clear();
    st.text_scale_pct = s.scale_pct;
    st.high_contrast = s.high_contrast;
    if (s.screen == Screen::kCheckInCode) {
      st.form = CheckInForm{};
      st.form.code = "K7M";
      st.form.active = InputField::kCode;
    }
    if (s.screen == Screen::kCheckInBirth) {
      st.form = CheckInForm{};
      st.form.birth = "0203";
      st.form.active = InputField::kBirth;
    }
    if (s.screen == Screen::kCheckInDone) {
      // Check in the first appointment that a patient could check in now;
      // the write is dropped: screenshots never change the replica.
      for (const common::Appointment& a : st.today_appointments) {
        if (a.status != "booked") continue;
        AppState probe = st;
        Apply(probe, act::CheckInByCode{a.code});
        if (probe.checkin.ok) {
          probe.effects.clear();
          st = probe;
          break;
        }
      }
    }
    // The idle prompt shows after kPublicIdleMs without input (focus.h
    // IdlePromptShown); every other shot is taken just after an input.
    const bool invite = std::string(s.name).rfind("invite", 0) == 0;
    st.last_input_ms = invite ? st.now_ms - kPublicIdleMs - 1000 : st.now_ms;
    if (s.screen == Screen::kSecretariat) ScreenshotSearch(k);
    if (s.screen == Screen::kCheckInChoose) PrepareChoiceShot(st);
    if (s.screen == Screen::kTicket || s.screen == Screen::kQueue) PrepareWalkinShot(st, s.screen);
    for (int i = 0; i < o.frames; ++i) {
      Frame(k);
      if (i + 1 == o.frames) {
        const std::string path = o.screenshot_dir + "/kiosk-" + s.name + ".png";
        if (!SavePng(k.window, path)) {
          std::fprintf(stderr, "capture %s impossible à écrire (disque plein ?)\n", path.c_str());
          ++failures;
        } else {
          std::printf("%s\n", path.c_str());
        }
      }
      glfwSwapBuffers(k.window);
      glfwPollEvents();
    }
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace relais::kiosk
