#include "common/domain/walkin_queue.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "common/merge/merge.h"

namespace relais::common::domain {

namespace {

bool OfDay(const Ticket& t, const std::string& site, const std::string& day) {
  return t.site_id == site && t.day == day;
}

}  // namespace

std::vector<Ticket> QueueOrder(const std::vector<Ticket>& tickets, const std::string& site,
                               const std::string& day) {
  std::vector<Ticket> out;
  for (const Ticket& t : tickets)
    if (OfDay(t, site, day) && !t.deleted && t.status == "waiting") out.push_back(t);
  std::sort(out.begin(), out.end(), [](const Ticket& a, const Ticket& b) {
    return std::tie(a.issued_at_ms, a.number, a.id) < std::tie(b.issued_at_ms, b.number, b.id);
  });
  return out;
}

int64_t MedianServiceMs(const std::vector<Ticket>& tickets, const std::string& site,
                        const std::string& day) {
  std::vector<int64_t> d;
  for (const Ticket& t : tickets) {
    if (!OfDay(t, site, day) || t.deleted || t.status != "done") continue;
    if (t.called_at_ms <= 0 || t.ended_at_ms < t.called_at_ms) continue;
    d.push_back(t.ended_at_ms - t.called_at_ms);
  }
  if (d.empty()) return kDefaultServiceMs;
  std::sort(d.begin(), d.end());
  const size_t n = d.size();
  if (n % 2 == 1) return d[n / 2];
  return d[n / 2 - 1] + (d[n / 2] - d[n / 2 - 1]) / 2;
}

int64_t EstimatedWaitMs(int position, int64_t median_service_ms) {
  if (position < 1 || median_service_ms < 0) return 0;
  return static_cast<int64_t>(position) * median_service_ms;
}

Result<std::string> NextTicketNumber(const std::vector<Ticket>& tickets,
                                     const std::string& site, const std::string& day,
                                     const std::string& prefix) {
  if (!IsValidTicketPrefix(prefix))
    return Status::InvalidArgument("préfixe de ticket invalide " + QuoteForMessage(prefix) +
                                   " (une lettre de A à Z)");
  int top = 0;
  for (const Ticket& t : tickets) {
    if (!OfDay(t, site, day)) continue;
    char p = 0;
    int n = 0;
    if (ParseTicketNumber(t.number, &p, &n) && p == prefix[0]) top = std::max(top, n);
  }
  if (top >= kMaxTicketCounter)
    return Status::ResourceExhausted("plus de numéro libre pour le préfixe " + prefix +
                                     " aujourd'hui (" + std::to_string(kMaxTicketCounter) +
                                     " tickets): changez de préfixe (relais ticket prefix)");
  return FormatTicketNumber(prefix[0], top + 1);
}

std::vector<std::string> DuplicateNumbers(const std::vector<Ticket>& tickets,
                                          const std::string& site, const std::string& day) {
  std::map<std::string, int> seen;
  for (const Ticket& t : tickets)
    if (OfDay(t, site, day) && !t.deleted) ++seen[t.number];
  std::vector<std::string> out;
  for (const auto& [number, n] : seen)
    if (n > 1) out.push_back(number);
  return out;
}

std::map<std::string, std::string> TicketStatusWrite(
    const Record& cur, std::map<std::string, std::string> changes) {
  const FieldView view = View(cur);
  for (const char* f : {field::kRoom, field::kCalledAt, field::kEndedAt, field::kAppointment}) {
    if (changes.count(f) || !cur.fields.count(f)) continue;
    changes[f] = view.at(f);
  }
  return changes;
}

}  // namespace relais::common::domain
