#include "kiosk/app/checkin.h"

#include <algorithm>
#include <cstring>

#include "common/replica/replica.h"
#include "common/util/time.h"

namespace relais::kiosk {

namespace {

bool Eligible(const common::Appointment& a, int64_t now_s) {
  if (a.deleted) return false;
  if (a.status != "booked" && a.status != "checked_in" && a.status != "no_show")
    return false;
  return a.start >= now_s - kEarliestLateMin * 60 &&
         a.start <= now_s + kLatestEarlyMin * 60;
}

}  // namespace

std::string NormalizeCode(const std::string& typed) {
  std::string out;
  for (char c : typed) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != '\0' && std::strchr(common::kCodeAlphabet, c)) out += c;
  }
  return out;
}

std::string NormalizeBirth(const std::string& typed) {
  std::string iso = typed;
  if (typed.size() == 8 && typed.find_first_not_of("0123456789") == std::string::npos)
    iso = typed.substr(4, 4) + "-" + typed.substr(2, 2) + "-" + typed.substr(0, 2);
  return common::ParseDate(iso).ok() ? iso : "";
}

std::vector<size_t> MatchByCode(const std::vector<common::Appointment>& pool,
                                const std::string& code, int64_t now_s) {
  std::vector<size_t> out;
  const std::string want = NormalizeCode(code);
  if (want.size() != 6) return out;
  for (size_t i = 0; i < pool.size(); ++i)
    if (pool[i].code == want && Eligible(pool[i], now_s)) out.push_back(i);
  return out;
}

std::vector<size_t> MatchByBirth(const std::vector<common::Appointment>& pool,
                                 const std::string& birth_iso,
                                 const std::string& letters, int64_t now_s,
                                 const std::vector<std::string>* indexes) {
  std::vector<size_t> out;
  const std::string want = FoldLetters(letters);
  if (birth_iso.empty() || want.size() < 3) return out;
  const std::string prefix = want.substr(0, 3);
  for (size_t i = 0; i < pool.size(); ++i) {
    const common::Appointment& a = pool[i];
    if (!Eligible(a, now_s)) continue;
    if (indexes && !a.patient_idx.empty()) {
      if (std::find(indexes->begin(), indexes->end(), a.patient_idx) != indexes->end())
        out.push_back(i);
      continue;
    }
    if (a.patient_birth != birth_iso) continue;
    if (FoldLetters(a.patient_name).rfind(prefix, 0) == 0) out.push_back(i);
  }
  return out;
}

int PatientsBefore(const std::vector<common::Appointment>& pool,
                   const common::Appointment& a) {
  int n = 0;
  for (const common::Appointment& o : pool) {
    if (o.id == a.id || o.deleted || o.practitioner != a.practitioner) continue;
    if (o.status == "checked_in" && o.start < a.start) ++n;
  }
  return n;
}

}  // namespace relais::kiosk
