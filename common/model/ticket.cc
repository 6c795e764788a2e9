#include "common/model/ticket.h"

#include <algorithm>

#include "common/model/validate.h"

namespace relais::common {

namespace {

constexpr int64_t kMaxTimestampMs = kMaxTimestamp * 1000;

std::string Get(const FieldView& v, const char* f) {
  auto it = v.find(f);
  return it == v.end() ? std::string() : it->second;
}

int64_t GetMs(const FieldView& v, const char* f) {
  int64_t n = 0;
  return ParseInt64(Get(v, f), &n) ? n : 0;
}

bool HasControl(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char ch) {
    const unsigned char c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == 0x7f;
  });
}

std::string Instant(const std::string& f, const std::string& v, bool may_be_empty) {
  if (v.empty() && may_be_empty) return "";
  int64_t n = 0;
  if (!ParseInt64(v, &n))
    return "champ '" + f + "': instant en millisecondes attendu, reçu " + QuoteForMessage(v);
  if (n < 0 || n > kMaxTimestampMs) return "champ '" + f + "': instant hors limites (" + v + ")";
  return "";
}

}  // namespace

int TicketStatusRank(const std::string& s) {
  if (s == "waiting") return 0;
  if (s == "called") return 1;
  if (s == "left") return 2;
  if (s == "done") return 3;
  if (s == "converted") return 4;
  return -1;
}

bool IsTerminalTicketStatus(const std::string& s) { return TicketStatusRank(s) >= 2; }

Ticket TicketFromView(const Record& r, const FieldView& v) {
  using namespace field;
  Ticket t;
  t.id = r.id;
  t.site_id = r.site_id;
  t.day = Get(v, kTicketDay);
  t.number = Get(v, kTicketNumber);
  if (v.count(kStatus)) t.status = Get(v, kStatus);
  t.issuer = Get(v, kIssuer);
  t.room = Get(v, kRoom);
  t.appointment = Get(v, kAppointment);
  t.issued_at_ms = GetMs(v, kIssuedAt);
  t.called_at_ms = GetMs(v, kCalledAt);
  t.ended_at_ms = GetMs(v, kEndedAt);
  t.deleted = Get(v, kDeletedField) == "1";
  return t;
}

bool IsValidTicketPrefix(const std::string& p) {
  return p.size() == 1 && p[0] >= 'A' && p[0] <= 'Z';
}

char DefaultTicketPrefix(const std::string& replica_id) {
  uint32_t h = 2166136261u;  // FNV-1a, 32 bits
  for (unsigned char c : replica_id) {
    h ^= c;
    h *= 16777619u;
  }
  return static_cast<char>('A' + h % 26);
}

bool ParseTicketNumber(const std::string& s, char* prefix, int* counter) {
  if (s.size() < 2 || s.size() > 5 || s[0] < 'A' || s[0] > 'Z' || s[1] == '0') return false;
  int n = 0;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    n = n * 10 + (s[i] - '0');
  }
  *prefix = s[0];
  *counter = n;
  return true;
}

std::string FormatTicketNumber(char prefix, int counter) {
  return std::string(1, prefix) + std::to_string(counter);
}

const std::vector<std::string>& TicketFields() {
  using namespace field;
  static const std::vector<std::string> k = {kTicketDay, kTicketNumber, kIssuedAt, kStatus,
                                             kIssuer,    kRoom,         kCalledAt,  kEndedAt,
                                             kAppointment, kDeletedField};
  return k;
}

const std::vector<std::string>& TicketRequiredFields() {
  using namespace field;
  static const std::vector<std::string> k = {kTicketDay, kTicketNumber, kIssuedAt, kStatus};
  return k;
}

std::string ValidateTicketField(const std::string& f, const std::string& v) {
  using namespace field;
  if (f == kTicketDay && !IsValidDate(v))
    return "champ 'day': jour invalide " + QuoteForMessage(v) + " (AAAA-MM-JJ, jour existant)";
  if (f == kTicketNumber) {
    char p = 0;
    int n = 0;
    if (!ParseTicketNumber(v, &p, &n))
      return "champ 'number': numéro de ticket invalide " + QuoteForMessage(v) +
             " (une lettre A-Z puis 1 à " + std::to_string(kMaxTicketCounter) + ")";
    return "";
  }
  if (f == kIssuedAt) return Instant(f, v, false);
  if (f == kCalledAt || f == kEndedAt) return Instant(f, v, true);
  if (f == kStatus) {
    if (TicketStatusRank(v) >= 0) return "";
    return "champ 'status': statut de ticket inconnu " + QuoteForMessage(v) +
           " (waiting, called, done, left, converted)";
  }
  if (f == kIssuer && !v.empty() && !IsValidReplicaId(v))
    return "champ 'issuer': identifiant de réplique invalide " + QuoteForMessage(v);
  if (f == kRoom) {
    if (v.size() > kMaxTicketRoomLen)
      return "champ 'room': salle trop longue (" + std::to_string(kMaxTicketRoomLen) +
             " octets au plus)";
    if (HasControl(v)) return "champ 'room': caractères de contrôle interdits";
  }
  if (f == kAppointment && (v.size() > kMaxRecordIdLen || HasControl(v)))
    return "champ 'appointment': identifiant de rendez-vous invalide " + QuoteForMessage(v);
  return "";
}

}  // namespace relais::common
