// relais commune: the offline list of communes (common/geo/communes.h), as
// the desk uses it to record a patient's commune of residence: a postcode
// lists its communes; a postcode and a name (or INSEE code) gives one.
#include <iostream>
#include <memory>

#include "common/geo/communes.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {

Result<std::string> ResolvePatientCommune(const std::string& cp, const std::string& commune) {
  if (cp.empty() && commune.empty()) return std::string();
  const Result<geo::CommuneList>& list = geo::ShippedCommunes();
  if (!list.ok()) return list.status();
  if (cp.empty()) {
    if (!geo::IsInseeCode(commune))
      return Status::InvalidArgument(
          "--commune sans --cp : donnez le code postal, ou le code INSEE de la commune");
    RELAIS_ASSIGN_OR_RETURN(geo::Commune c, list->ByInsee(commune));
    return c.insee;
  }
  if (!geo::IsPostcode(cp))
    return Status::InvalidArgument("--cp : code postal invalide, 5 chiffres attendus (ex. 71160)");
  RELAIS_ASSIGN_OR_RETURN(geo::Commune c, list->Resolve(cp, commune));
  return c.insee;
}

void RegisterCommuneCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "commune", "Communes d'un code postal (liste La Poste incluse, sans réseau)");
  auto cp = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  cmd->add_option("--cp", *cp, "Code postal (5 chiffres)")->required();
  cmd->add_option("--nom", *name, "Nom de la commune ou code INSEE (sinon : toutes)");
  cmd->callback([&ctx, cp, name] {
    const Result<geo::CommuneList>& list = geo::ShippedCommunes();
    if (!list.ok()) {
      ctx.exit_code = Report(list.status());
      return;
    }
    if (!geo::IsPostcode(*cp)) {
      ctx.exit_code = Report(Status::InvalidArgument(
          "--cp : code postal invalide, 5 chiffres attendus (ex. 71160)"));
      return;
    }
    if (!name->empty()) {
      auto c = list->Resolve(*cp, *name);
      if (!c.ok()) {
        ctx.exit_code = Report(c.status());
        return;
      }
      std::cout << c->insee << "  " << c->name << "\n";
      return;
    }
    const auto cs = list->ByPostcode(*cp);
    if (cs.empty()) {
      ctx.exit_code = Report(Status::NotFound("code postal " + *cp +
                                              " inconnu de la liste des communes"));
      return;
    }
    for (const auto& c : cs) std::cout << c.insee << "  " << c.name << "\n";
  });
}

}  // namespace relais::common::cli
