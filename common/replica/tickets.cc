#include "common/replica/tickets.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "common/domain/walkin_queue.h"
#include "common/merge/merge.h"
#include "common/storage/sqlite.h"
#include "common/util/time.h"

namespace relais::common {

namespace {

Ticket FromRecord(const Record& rec) { return TicketFromView(rec, View(rec)); }

Result<int64_t> NowMs(Replica& r) {
  RELAIS_ASSIGN_OR_RETURN(int64_t offset, r.CorrectedOffsetMs());
  return r.clock()->NowMillis() + offset;
}

// Tickets of `day` at `site` (deleted ones included), bounded.
Result<std::vector<Ticket>> DayTickets(Replica& r, const std::string& day,
                                       const std::string& site) {
  RELAIS_ASSIGN_OR_RETURN(std::vector<Record> recs,
                          r.store()->List(Collection::kTicket, day, day + "~"));
  if (recs.size() > domain::kMaxTicketsPerDay)
    return Status::ResourceExhausted("trop de tickets pour le " + day + " (" +
                                     std::to_string(domain::kMaxTicketsPerDay) + " au plus)");
  std::vector<Ticket> out;
  for (const Record& rec : recs) {
    Ticket t = FromRecord(rec);
    if (t.site_id == site && t.day == day) out.push_back(std::move(t));
  }
  return out;
}

Status CheckRoom(const std::string& room) {
  if (room.empty()) return Status::InvalidArgument("salle manquante (--room)");
  if (std::string err = ValidateTicketField(field::kRoom, room); !err.empty())
    return Status::InvalidArgument(err);
  return Status::OK();
}

// The live ticket record named by `ref`: a record id, or a number of today
// at the home site. REQUIRES: an open transaction.
Result<Record> Resolve(Replica& r, const std::string& ref) {
  if (ref.empty()) return Status::InvalidArgument("ticket manquant (numéro ou identifiant)");
  char prefix = 0;
  int n = 0;
  std::string id = ref;
  if (ParseTicketNumber(ref, &prefix, &n)) {
    RELAIS_ASSIGN_OR_RETURN(std::string today, TicketToday(r));
    RELAIS_ASSIGN_OR_RETURN(std::vector<Ticket> day, DayTickets(r, today, r.site_id()));
    std::vector<std::string> ids;
    for (const Ticket& t : day)
      if (t.number == ref && !t.deleted) ids.push_back(t.id);
    if (ids.empty())
      return Status::NotFound("aucun ticket " + ref + " aujourd'hui (" + today + ")");
    if (ids.size() > 1) {
      std::string all;
      for (const std::string& i : ids) all += (all.empty() ? "" : ", ") + i;
      return Status::FailedPrecondition("le numéro " + ref + " est porté par plusieurs tickets (" +
                                        all + "): désignez-le par son identifiant");
    }
    id = ids.front();
  }
  RELAIS_ASSIGN_OR_RETURN(std::optional<Record> rec, r.store()->Get(Collection::kTicket, id));
  if (!rec || IsDeleted(*rec)) return Status::NotFound("ticket inconnu: " + QuoteForMessage(ref));
  return std::move(*rec);
}

// Writes `changes` to ticket `cur` with the fields that travel with its
// status (domain::TicketStatusWrite). REQUIRES: an open transaction.
Result<Ticket> WriteTicket(Replica& r, const Record& cur,
                           const std::map<std::string, std::string>& changes) {
  RELAIS_ASSIGN_OR_RETURN(Record rec, r.WriteInTransaction(Collection::kTicket, cur.id,
                                                           domain::TicketStatusWrite(cur, changes)));
  return FromRecord(rec);
}

Status NeedStatus(const Ticket& t, std::initializer_list<const char*> allowed,
                  const std::string& what) {
  for (const char* s : allowed)
    if (t.status == s) return Status::OK();
  return Status::FailedPrecondition("ticket " + t.number + " (" + t.status + "): impossible de " +
                                    what);
}

// Runs `body` in one write transaction; commits when it succeeds.
template <typename T, typename F>
Result<T> InTransaction(Replica& r, F body) {
  Transaction tx(r.store()->db());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_ASSIGN_OR_RETURN(T out, body());
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  return out;
}

}  // namespace

Result<TicketPrefixInfo> TicketPrefixOf(Replica& r) {
  for (const auto& [key, source] :
       {std::pair{kTicketPrefixHubMeta, TicketPrefixSource::kHub},
        std::pair{kTicketPrefixMeta, TicketPrefixSource::kManual}}) {
    RELAIS_ASSIGN_OR_RETURN(std::string p, r.store()->GetMeta(key));
    if (p.empty()) continue;
    if (!IsValidTicketPrefix(p))
      return Status::DataLoss(std::string("méta-donnée ") + key + " illisible " +
                              QuoteForMessage(p.substr(0, 8)));
    return TicketPrefixInfo{p, source};
  }
  RELAIS_ASSIGN_OR_RETURN(std::string full, r.store()->GetMeta(kTicketPrefixFullMeta));
  if (full == "1")
    return Status::FailedPrecondition(
        "pas de lettre de ticket pour cette borne: les 26 lettres du site " + r.site_id() +
        " sont déjà attribuées à d'autres répliques (relais-hub ticket-letters)");
  return Status::FailedPrecondition(
      "pas encore de lettre de ticket pour cette borne: synchronisez-la une fois avec le hub"
      " (il attribue à chaque réplique du site une lettre distincte), ou, pour un site sans"
      " hub, fixez-en une: relais ticket prefix --set A");
}

Result<std::string> TicketPrefix(Replica& r) {
  RELAIS_ASSIGN_OR_RETURN(TicketPrefixInfo p, TicketPrefixOf(r));
  return p.letter;
}

Status SetTicketPrefix(Replica& r, const std::string& prefix) {
  if (!prefix.empty() && !IsValidTicketPrefix(prefix))
    return Status::InvalidArgument("préfixe de ticket invalide " + QuoteForMessage(prefix) +
                                   " (une lettre majuscule de A à Z)");
  return r.store()->SetMeta(kTicketPrefixMeta, prefix);
}

Result<std::vector<std::string>> TicketPrefixClashes(Replica& r, const std::string& prefix) {
  RELAIS_ASSIGN_OR_RETURN(std::string today, TicketToday(r));
  RELAIS_ASSIGN_OR_RETURN(CivilDate d, ParseDate(today));
  const std::string from = FormatDate(CivilFromDays(DaysFromCivil(d) - kClashWindowDays + 1));
  RELAIS_ASSIGN_OR_RETURN(std::vector<Record> recs,
                          r.store()->List(Collection::kTicket, from, today + "~"));
  std::set<std::string> others;
  for (const Record& rec : recs) {
    const Ticket t = FromRecord(rec);
    if (t.site_id != r.site_id() || t.issuer.empty() || t.issuer == r.replica_id()) continue;
    if (!t.number.empty() && t.number.substr(0, 1) == prefix) others.insert(t.issuer);
  }
  return std::vector<std::string>(others.begin(), others.end());
}

Result<std::string> TicketToday(Replica& r) {
  RELAIS_ASSIGN_OR_RETURN(int64_t now, NowMs(r));
  return FormatDate(ParisDate(now / 1000));
}

Result<Ticket> IssueTicket(Replica& r) {
  return InTransaction<Ticket>(r, [&]() -> Result<Ticket> {
    RELAIS_ASSIGN_OR_RETURN(std::string prefix, TicketPrefix(r));
    RELAIS_ASSIGN_OR_RETURN(int64_t now, NowMs(r));
    const std::string day = FormatDate(ParisDate(now / 1000));
    RELAIS_ASSIGN_OR_RETURN(std::vector<Ticket> tickets, DayTickets(r, day, r.site_id()));
    if (tickets.size() >= domain::kMaxTicketsPerDay)
      return Status::ResourceExhausted("trop de tickets aujourd'hui");
    RELAIS_ASSIGN_OR_RETURN(std::string number,
                            domain::NextTicketNumber(tickets, r.site_id(), day, prefix));
    RELAIS_ASSIGN_OR_RETURN(
        Record rec, r.WriteInTransaction(Collection::kTicket, r.NewId("tk"),
                                         {{field::kTicketDay, day},
                                          {field::kTicketNumber, number},
                                          {field::kIssuedAt, std::to_string(now)},
                                          {field::kStatus, "waiting"},
                                          {field::kIssuer, r.replica_id()}}));
    return FromRecord(rec);
  });
}

Result<std::vector<Ticket>> TicketsOn(Replica& r, const std::string& day,
                                      const std::string& site) {
  if (!IsValidDate(day))
    return Status::InvalidArgument("jour invalide " + QuoteForMessage(day) + " (AAAA-MM-JJ)");
  RELAIS_ASSIGN_OR_RETURN(std::vector<Ticket> all,
                          DayTickets(r, day, site.empty() ? r.site_id() : site));
  std::vector<Ticket> out;
  for (Ticket& t : all)
    if (!t.deleted) out.push_back(std::move(t));
  std::sort(out.begin(), out.end(), [](const Ticket& a, const Ticket& b) {
    return std::tie(a.issued_at_ms, a.number, a.id) < std::tie(b.issued_at_ms, b.number, b.id);
  });
  return out;
}

Result<Ticket> CallNextTicket(Replica& r, const std::string& room) {
  RELAIS_RETURN_IF_ERROR(CheckRoom(room));
  return InTransaction<Ticket>(r, [&]() -> Result<Ticket> {
    RELAIS_ASSIGN_OR_RETURN(std::string day, TicketToday(r));
    RELAIS_ASSIGN_OR_RETURN(std::vector<Ticket> tickets, DayTickets(r, day, r.site_id()));
    const std::vector<Ticket> queue = domain::QueueOrder(tickets, r.site_id(), day);
    if (queue.empty()) return Status::NotFound("personne n'attend (file vide le " + day + ")");
    RELAIS_ASSIGN_OR_RETURN(std::optional<Record> rec,
                            r.store()->Get(Collection::kTicket, queue.front().id));
    if (!rec) return Status::Internal("ticket disparu pendant l'appel");
    RELAIS_ASSIGN_OR_RETURN(int64_t now, NowMs(r));
    return WriteTicket(r, *rec,
                       {{field::kStatus, "called"},
                        {field::kRoom, room},
                        {field::kCalledAt, std::to_string(now)}});
  });
}

Result<Ticket> CallTicket(Replica& r, const std::string& ref, const std::string& room) {
  RELAIS_RETURN_IF_ERROR(CheckRoom(room));
  return InTransaction<Ticket>(r, [&]() -> Result<Ticket> {
    RELAIS_ASSIGN_OR_RETURN(Record rec, Resolve(r, ref));
    RELAIS_RETURN_IF_ERROR(NeedStatus(FromRecord(rec), {"waiting", "called"}, "l'appeler"));
    RELAIS_ASSIGN_OR_RETURN(int64_t now, NowMs(r));
    return WriteTicket(r, rec,
                       {{field::kStatus, "called"},
                        {field::kRoom, room},
                        {field::kCalledAt, std::to_string(now)}});
  });
}

Result<Ticket> FinishTicket(Replica& r, const std::string& ref, const std::string& status) {
  if (status != "done" && status != "left")
    return Status::InvalidArgument("fin de ticket inconnue " + QuoteForMessage(status) +
                                   " (done ou left)");
  return InTransaction<Ticket>(r, [&]() -> Result<Ticket> {
    RELAIS_ASSIGN_OR_RETURN(Record rec, Resolve(r, ref));
    const Ticket t = FromRecord(rec);
    if (status == "done")
      RELAIS_RETURN_IF_ERROR(NeedStatus(t, {"called"}, "le terminer (appelez-le d'abord)"));
    else
      RELAIS_RETURN_IF_ERROR(NeedStatus(t, {"waiting", "called"}, "le marquer parti"));
    RELAIS_ASSIGN_OR_RETURN(int64_t now, NowMs(r));
    return WriteTicket(r, rec, {{field::kStatus, status}, {field::kEndedAt, std::to_string(now)}});
  });
}

Result<std::pair<Ticket, std::string>> ConvertTicket(Replica& r, const std::string& ref,
                                                     const NewAppointment& in) {
  using Out = std::pair<Ticket, std::string>;
  return InTransaction<Out>(r, [&]() -> Result<Out> {
    RELAIS_ASSIGN_OR_RETURN(Record rec, Resolve(r, ref));
    const Ticket t = FromRecord(rec);
    RELAIS_RETURN_IF_ERROR(NeedStatus(t, {"waiting", "called"}, "le convertir en rendez-vous"));
    if (t.site_id != r.site_id())
      return Status::FailedPrecondition("ticket du site " + t.site_id +
                                        ": convertissez-le sur une réplique de ce site");
    RELAIS_ASSIGN_OR_RETURN(int64_t now_ms, NowMs(r));
    NewAppointment a = in;
    a.practitioner = r.PractitionerRef(in.practitioner);
    a.start = now_ms / 1000;
    a.status = "checked_in";
    if (a.room.empty()) a.room = t.room;
    if (in.practitioner.empty()) return Status::InvalidArgument("praticien manquant");
    RELAIS_ASSIGN_OR_RETURN(auto pract, r.store()->Get(Collection::kPractitioner, a.practitioner));
    if (!pract || IsDeleted(*pract))
      return Status::InvalidArgument("praticien inconnu: " + QuoteForMessage(a.practitioner));
    if (std::string err = ValidateNewAppointment(a); !err.empty())
      return Status::InvalidArgument(err);
    const std::string appt_id = r.NewId("rdv");
    std::map<std::string, std::string> f = {
        {field::kPractitioner, a.practitioner},
        {field::kPatientName, a.patient_name},
        {field::kPatientBirth, a.patient_birth},
        {field::kPatientRef, a.patient_ref.empty() ? r.NewId("pat") : a.patient_ref},
        {field::kStart, std::to_string(a.start)},
        {field::kDuration, std::to_string(a.duration_min)},
        {field::kKind, a.kind},
        {field::kStatus, a.status},
        {field::kCheckinAt, std::to_string(a.start)},
        {field::kCheckinVia, "staff"},
        {field::kOrigin, kOriginWalkIn}};
    if (!a.room.empty()) f[field::kRoom] = a.room;
    if (!a.note.empty()) f[field::kNote] = a.note;
    RELAIS_ASSIGN_OR_RETURN(Record appt,
                            r.WriteInTransaction(Collection::kAppointment, appt_id, f));
    (void)appt;
    RELAIS_ASSIGN_OR_RETURN(Ticket done,
                            WriteTicket(r, rec,
                                        {{field::kStatus, "converted"},
                                         {field::kEndedAt, std::to_string(now_ms)},
                                         {field::kAppointment, appt_id}}));
    return Out{std::move(done), appt_id};
  });
}

}  // namespace relais::common
