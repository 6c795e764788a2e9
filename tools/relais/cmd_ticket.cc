// The walk-in queue (issue #16, docs/domain.md "File d'attente sans
// rendez-vous"): ticket issue | list | call | done | leave | convert |
// prefix. Thin: the rules live in replica/tickets.h and
// domain/walkin_queue.h. Bad arguments exit 2 with nothing written.
#include <iostream>
#include <memory>
#include <tuple>

#include "common/domain/walkin_queue.h"
#include "common/replica/replica.h"
#include "common/replica/tickets.h"
#include "common/util/time.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {

namespace {

std::string Minutes(int64_t ms) { return std::to_string((ms + 59999) / 60000) + " min"; }
std::string Or(const std::string& v) { return v.empty() ? "-" : v; }
std::string Clock(int64_t ms) {
  return ms > 0 ? FormatParisDateTime(ms / 1000).substr(11, 5) : "-";
}

// 1-based position of `id` in today's queue and the estimate (0 if absent).
Result<std::pair<int, int64_t>> Place(Replica& r, const std::string& day, const std::string& id) {
  RELAIS_ASSIGN_OR_RETURN(std::vector<Ticket> all, TicketsOn(r, day));
  const std::vector<Ticket> queue = domain::QueueOrder(all, r.site_id(), day);
  const int64_t median = domain::MedianServiceMs(all, r.site_id(), day);
  for (size_t i = 0; i < queue.size(); ++i)
    if (queue[i].id == id)
      return std::make_pair(static_cast<int>(i + 1),
                            domain::EstimatedWaitMs(static_cast<int>(i + 1), median));
  return std::make_pair(0, int64_t{0});
}

Status Issue(const std::string& db) {
  RELAIS_ASSIGN_OR_RETURN(auto r, Replica::Open(db));
  RELAIS_ASSIGN_OR_RETURN(Ticket t, IssueTicket(*r));
  RELAIS_ASSIGN_OR_RETURN(auto place, Place(*r, t.day, t.id));
  std::cout << t.number << "\t" << t.id << "\tposition " << place.first
            << "\tattente estimée " << Minutes(place.second) << "\n";
  return Status::OK();
}

void PrintTicket(const Ticket& t) {
  std::cout << t.number << "\t" << t.id << "\t" << t.status << "\témis " << Clock(t.issued_at_ms)
            << "\tsalle " << Or(t.room) << "\tappelé " << Clock(t.called_at_ms);
  if (!t.appointment.empty()) std::cout << "\trendez-vous " << t.appointment;
  std::cout << "\n";
}

Status List(const std::string& db, const std::string& day_in, bool all) {
  if (!day_in.empty() && !IsValidDate(day_in))
    return Status::InvalidArgument("jour invalide " + QuoteForMessage(day_in) + " (AAAA-MM-JJ)");
  RELAIS_ASSIGN_OR_RETURN(auto r, Replica::Open(db));
  std::string day = day_in;
  if (day.empty()) {
    RELAIS_ASSIGN_OR_RETURN(day, TicketToday(*r));
  }
  RELAIS_ASSIGN_OR_RETURN(std::vector<Ticket> tickets, TicketsOn(*r, day));
  const std::vector<Ticket> queue = domain::QueueOrder(tickets, r->site_id(), day);
  const int64_t median = domain::MedianServiceMs(tickets, r->site_id(), day);
  std::cout << "file du " << day << " au site " << r->site_id() << ": " << queue.size()
            << " en attente, durée médiane " << Minutes(median) << "\n";
  for (size_t i = 0; i < queue.size(); ++i) {
    const int pos = static_cast<int>(i + 1);
    std::cout << pos << "\t" << queue[i].number << "\t" << queue[i].id << "\témis "
              << Clock(queue[i].issued_at_ms) << "\tattente estimée "
              << Minutes(domain::EstimatedWaitMs(pos, median)) << "\n";
  }
  for (const std::string& n : domain::DuplicateNumbers(tickets, r->site_id(), day))
    std::cerr << "relais: attention: numéro " << n
              << " porté par plusieurs tickets (deux bornes ont le même préfixe: relais ticket"
                 " prefix --set)\n";
  if (!all) return Status::OK();
  std::cout << "tous les tickets:\n";
  for (const Ticket& t : tickets) PrintTicket(t);
  return Status::OK();
}

Status Call(const std::string& db, const std::string& ref, const std::string& room) {
  RELAIS_ASSIGN_OR_RETURN(auto r, Replica::Open(db));
  Result<Ticket> t = ref.empty() ? CallNextTicket(*r, room) : CallTicket(*r, ref, room);
  RELAIS_RETURN_IF_ERROR(t.status());
  std::cout << t->number << "\t" << t->id << "\tappelé en salle " << t->room << "\n";
  return Status::OK();
}

Status Finish(const std::string& db, const std::string& ref, const std::string& status) {
  RELAIS_ASSIGN_OR_RETURN(auto r, Replica::Open(db));
  RELAIS_ASSIGN_OR_RETURN(Ticket t, FinishTicket(*r, ref, status));
  std::cout << t.number << "\t" << t.id << "\t"
            << (status == "done" ? "terminé" : "parti sans consultation") << "\n";
  return Status::OK();
}

struct ConvertArgs {
  std::string db, ticket;
  NewAppointment appt;
};

Status Convert(const ConvertArgs& a) {
  if (a.appt.patient_name.empty()) return Status::InvalidArgument("nom du patient vide");
  RELAIS_ASSIGN_OR_RETURN(auto r, Replica::Open(a.db));
  RELAIS_ASSIGN_OR_RETURN(auto out, ConvertTicket(*r, a.ticket, a.appt));
  std::cout << out.second << "\t" << out.first.number << "\tconverti en rendez-vous (sans_rdv)\n";
  return Status::OK();
}

Status Prefix(const std::string& db, const std::string& set, bool set_given, bool reset) {
  if (set_given && reset) return Status::InvalidArgument("--set et --reset s'excluent");
  if (set_given && !IsValidTicketPrefix(set))
    return Status::InvalidArgument("préfixe de ticket invalide " + QuoteForMessage(set) +
                                   " (une lettre majuscule de A à Z)");
  RELAIS_ASSIGN_OR_RETURN(auto r, Replica::Open(db));
  if (set_given || reset) RELAIS_RETURN_IF_ERROR(SetTicketPrefix(*r, reset ? "" : set));
  RELAIS_ASSIGN_OR_RETURN(TicketPrefixInfo info, TicketPrefixOf(*r));
  const std::string& p = info.letter;
  const bool hub = info.source == TicketPrefixSource::kHub;
  std::cout << p << "\t" << (hub ? "attribuée par le hub" : "choisie à la main") << "\n";
  if (hub && set_given && set != p)
    std::cerr << "relais: attention: la lettre " << p
              << " attribuée par le hub reste utilisée (unique à ce site); " << set
              << " ne servirait que sans elle\n";
  RELAIS_ASSIGN_OR_RETURN(auto clashes, TicketPrefixClashes(*r, p));
  for (const std::string& other : clashes)
    std::cerr << "relais: attention: la réplique " << other << " a déjà émis des tickets " << p
              << "... à ce site: choisissez une autre lettre (--set)\n";
  return Status::OK();
}

}  // namespace

void RegisterTicketCommands(CLI::App& app, Context& ctx) {
  auto* tk = app.add_subcommand("ticket", "File d'attente sans rendez-vous (tickets)");
  tk->require_subcommand(1);
  auto db = std::make_shared<std::string>();
  auto ref = std::make_shared<std::string>();
  {
    auto* cmd = tk->add_subcommand("issue", "Émet un ticket; affiche NUMÉRO ID position attente");
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->callback([&ctx, db] { ctx.exit_code = Report(Issue(*db)); });
  }
  {
    auto day = std::make_shared<std::string>();
    auto all = std::make_shared<bool>(false);
    auto* cmd = tk->add_subcommand("list", "File d'attente du jour, avec l'attente estimée");
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->add_option("--day", *day, "Jour AAAA-MM-JJ (défaut: aujourd'hui)");
    cmd->add_flag("--all", *all, "Affiche aussi les tickets appelés et terminés");
    cmd->callback([&ctx, db, day, all] { ctx.exit_code = Report(List(*db, *day, *all)); });
  }
  {
    auto room = std::make_shared<std::string>();
    auto* cmd = tk->add_subcommand("call", "Appelle le suivant (ou --ticket) dans une salle");
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->add_option("--room", *room, "Salle où le patient est appelé")->required();
    cmd->add_option("--ticket", *ref, "Numéro du jour (A12) ou identifiant; défaut: le suivant");
    cmd->callback([&ctx, db, ref, room] { ctx.exit_code = Report(Call(*db, *ref, *room)); });
  }
  for (const auto& [verb, status, help] :
       {std::tuple{"done", "done", "Termine un ticket appelé"},
        std::tuple{"leave", "left", "Le patient est parti sans consultation"}}) {
    auto* cmd = tk->add_subcommand(verb, help);
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->add_option("--ticket", *ref, "Numéro du jour (A12) ou identifiant")->required();
    const std::string st = status;
    cmd->callback([&ctx, db, ref, st] { ctx.exit_code = Report(Finish(*db, *ref, st)); });
  }
  {
    auto a = std::make_shared<ConvertArgs>();
    auto* cmd = tk->add_subcommand(
        "convert", "Convertit un ticket en rendez-vous (origine sans_rdv, patient arrivé)");
    cmd->add_option("--db", a->db, "Fichier de la réplique")->required();
    cmd->add_option("--ticket", a->ticket, "Numéro du jour (A12) ou identifiant")->required();
    cmd->add_option("--practitioner", a->appt.practitioner, "Praticien")->required();
    cmd->add_option("--patient", a->appt.patient_name, "Nom du patient")->required();
    cmd->add_option("--birth", a->appt.patient_birth, "Date de naissance AAAA-MM-JJ");
    cmd->add_option("--duration", a->appt.duration_min, "Durée en minutes (défaut 15)");
    cmd->add_option("--kind", a->appt.kind, "consultation | snp | ... (défaut consultation)");
    cmd->add_option("--room", a->appt.room, "Salle (défaut: celle de l'appel)");
    cmd->callback([&ctx, a] { ctx.exit_code = Report(Convert(*a)); });
  }
  {
    auto set = std::make_shared<std::string>();
    auto reset = std::make_shared<bool>(false);
    auto* cmd = tk->add_subcommand("prefix", "Affiche ou choisit la lettre des tickets de cette borne");
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    auto* set_opt = cmd->add_option("--set", *set, "Nouvelle lettre A-Z");
    cmd->add_flag("--reset", *reset, "Revient à la lettre par défaut");
    cmd->callback([&ctx, db, set, set_opt, reset] {
      ctx.exit_code = Report(Prefix(*db, *set, set_opt->count() > 0, *reset));
    });
  }
}

}  // namespace relais::common::cli
