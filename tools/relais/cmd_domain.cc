// Domain queries: appt overlaps | code-clashes | reissue-code, presence
// amplitude. Thin: the rules live in common/domain/.
#include <iostream>
#include <memory>

#include "common/domain/overlaps.h"
#include "common/domain/presence.h"
#include "common/replica/replica.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {

namespace {

// Appointments of `date` (Paris, YYYY-MM-DD) or all if empty.
Result<std::vector<Appointment>> Load(Replica& r, const std::string& date) {
  if (date.empty()) return r.AllAppointments();
  RELAIS_ASSIGN_OR_RETURN(CivilDate day, ParseDate(date));
  return r.AppointmentsOn(day);
}

// The verb group registered by cmd_local.cc, or a new one.
CLI::App* Group(CLI::App& app, const std::string& name, const char* help) {
  auto found = app.get_subcommands([&](CLI::App* s) { return s->get_name() == name; });
  if (!found.empty()) return found.front();
  auto* group = app.add_subcommand(name, help);
  group->require_subcommand(1);
  return group;
}

template <typename F>
void AddQuery(CLI::App* group, Context& ctx, const char* name, const char* help, F print) {
  auto* cmd = group->add_subcommand(name, help);
  auto db = std::make_shared<std::string>();
  auto date = std::make_shared<std::string>();
  cmd->add_option("--db", *db, "Fichier de la réplique")->required();
  cmd->add_option("--date", *date, "Jour AAAA-MM-JJ (tous les jours par défaut)");
  cmd->callback([&ctx, db, date, print] {
    auto r = Replica::Open(*db);
    if (!r.ok()) {
      ctx.exit_code = Report(r.status());
      return;
    }
    auto list = Load(**r, *date);
    if (!list.ok()) {
      ctx.exit_code = Report(list.status());
      return;
    }
    print(*list);
  });
}

}  // namespace

void RegisterDomainCommands(CLI::App& app, Context& ctx) {
  CLI::App* group = Group(app, "appt", "Rendez-vous");
  AddQuery(group, ctx, "overlaps",
           "Doubles réservations d'un praticien (à déplacer par l'accueil)",
           [](const std::vector<Appointment>& list) {
             for (const auto& o : domain::FindOverlaps(list))
               std::cout << "chevauchement\t" << o.first.practitioner << "\t"
                         << o.first.id << " " << FormatParisDateTime(o.first.start)
                         << " (" << o.first.duration_min << " min)\t" << o.second.id
                         << " " << FormatParisDateTime(o.second.start) << " ("
                         << o.second.duration_min << " min)\n";
           });
  AddQuery(group, ctx, "code-clashes",
           "Codes de passage en double le même jour (à réattribuer)",
           [](const std::vector<Appointment>& list) {
             for (const auto& c : domain::FindCodeClashes(list)) {
               std::cout << "code\t" << c.date << "\t" << c.code;
               for (const auto& id : c.appointment_ids) std::cout << "\t" << id;
               std::cout << "\n";
             }
           });
  {
    auto* cmd = group->add_subcommand(
        "reissue-code", "Attribue un nouveau code de passage; affiche 'ID CODE'");
    auto db = std::make_shared<std::string>();
    auto id = std::make_shared<std::string>();
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->add_option("--id", *id, "Identifiant du rendez-vous")->required();
    cmd->callback([&ctx, db, id] {
      auto r = Replica::Open(*db);
      if (!r.ok()) {
        ctx.exit_code = Report(r.status());
        return;
      }
      auto code = (*r)->ReissueCode(*id);
      if (!code.ok()) {
        ctx.exit_code = Report(code.status());
        return;
      }
      std::cout << *id << " " << *code << "\n";
    });
  }
  {
    auto* cmd = Group(app, "presence", "Présences des praticiens")
                    ->add_subcommand("amplitude",
                                     "Amplitude d'ouverture par jour (première arrivée, "
                                     "dernier départ)");
    auto db = std::make_shared<std::string>();
    auto month = std::make_shared<std::string>();
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->add_option("--month", *month, "Période AAAA-MM")->required();
    cmd->callback([&ctx, db, month] {
      int y = 0, m = 0;
      Status st = ParseMonth(*month, &y, &m);
      if (!st.ok()) {
        ctx.exit_code = Report(st);
        return;
      }
      auto r = Replica::Open(*db);
      if (!r.ok()) {
        ctx.exit_code = Report(r.status());
        return;
      }
      auto pres = (*r)->PresenceInMonth(*month);
      if (!pres.ok()) {
        ctx.exit_code = Report(pres.status());
        return;
      }
      for (const auto& d : domain::OpeningAmplitude(*pres))
        std::cout << d.date << "\t" << d.first_arrival << "\t" << d.last_departure
                  << "\t" << d.half_days << " demi-journées\n";
    });
  }
}

}  // namespace relais::common::cli
