// The organisation (issue #19, docs/domain.md §6d): org site set | pole add |
// room add | show. Thin: field rules live in model/org.h (checked again by
// Replica::Write and the hub); here only what needs the replica (scope,
// known pôle). Every bad argument exits 2 with nothing written.
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "common/domain/slots.h"
#include "common/model/org.h"
#include "common/replica/replica.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {

namespace {

Status Bad(const std::string& m) { return Status::InvalidArgument(m); }

// "-" for an empty value in listings.
std::string Or(const std::string& v) { return v.empty() ? "-" : v; }

// A live pôle record held by `r`, else INVALID_ARGUMENT with the fix.
Status CheckPole(Replica& r, const std::string& pole) {
  if (!IsValidSiteId(pole)) return Bad("identifiant de pôle invalide " + QuoteForMessage(pole));
  RELAIS_ASSIGN_OR_RETURN(auto rec, r.Get(Collection::kPole, pole));
  if (!rec || IsDeleted(*rec))
    return Bad("pôle inconnu " + QuoteForMessage(pole) + " (créez-le: relais org pole add)");
  return Status::OK();
}

// `site` is one of r's sites, and a real site: not the organisation's
// pseudo-site when the organisation was named apart (`init --org O --site
// S1`); with `init --site S1 --site S2` the organisation is S1, a site.
Status CheckSite(const Replica& r, const std::string& site) {
  if (!IsValidSiteId(site)) return Bad("identifiant de site invalide " + QuoteForMessage(site));
  if (!r.InScope(site))
    return Bad("le site " + site + " n'est pas tenu par cette réplique (relais status: sites)");
  if (site == r.org_id() && r.org_id() != r.site_id())
    return Bad("'" + site + "' est l'organisation, pas un site: indiquez un de ses sites");
  return Status::OK();
}

struct SiteArgs {
  std::string db, id, name, kind, hours, commune, address;
  CLI::Option *kind_opt = nullptr, *hours_opt = nullptr, *commune_opt = nullptr,
              *address_opt = nullptr;
};

Status SetSite(const SiteArgs& a) {
  using namespace field;
  std::map<std::string, std::string> f = {{kName, a.name}};
  if (a.kind_opt->count()) f[kSiteKind] = a.kind;
  if (a.hours_opt->count()) f[kHours] = a.hours;
  if (a.commune_opt->count()) f[kCommune] = a.commune;
  if (a.address_opt->count()) f[kAddress] = a.address;
  if (a.name.empty()) return Bad("nom du site vide");
  for (const auto& [k, v] : f)  // before the file is opened
    if (std::string err = ValidateField(Collection::kSite, k, v); !err.empty()) return Bad(err);
  RELAIS_ASSIGN_OR_RETURN(auto r, Replica::Open(a.db));
  RELAIS_RETURN_IF_ERROR(CheckSite(*r, a.id));
  f[kOrg] = r->org_id();
  RELAIS_RETURN_IF_ERROR(r->WriteAt(a.id, Collection::kSite, a.id, f).status());
  std::cout << a.id << "\n";
  return Status::OK();
}

Status AddPole(const std::string& db, const std::string& id, const std::string& name) {
  if (!IsValidSiteId(id)) return Bad("identifiant de pôle invalide " + QuoteForMessage(id));
  if (std::string err = ValidateField(Collection::kPole, field::kName, name); !err.empty())
    return Bad(err);
  RELAIS_ASSIGN_OR_RETURN(auto r, Replica::Open(db));
  RELAIS_RETURN_IF_ERROR(
      r->WriteAt(r->org_id(), Collection::kPole, id, {{field::kName, name}}).status());
  std::cout << id << "\n";
  return Status::OK();
}

struct RoomArgs {
  std::string db, id, site, name, pole;
};

Status AddRoom(const RoomArgs& a) {
  const std::string id = RoomRecordId(a.id, a.site);
  if (id.empty()) return Bad("identifiant de salle ou de site invalide " + QuoteForMessage(a.id));
  std::map<std::string, std::string> f = {{field::kName, a.name}};
  if (!a.pole.empty()) f[field::kPole] = a.pole;
  for (const auto& [k, v] : f)
    if (std::string err = ValidateField(Collection::kRoom, k, v); !err.empty()) return Bad(err);
  RELAIS_ASSIGN_OR_RETURN(auto r, Replica::Open(a.db));
  RELAIS_RETURN_IF_ERROR(CheckSite(*r, a.site));
  if (!a.pole.empty()) RELAIS_RETURN_IF_ERROR(CheckPole(*r, a.pole));
  RELAIS_RETURN_IF_ERROR(r->WriteAt(a.site, Collection::kRoom, id, f).status());
  std::cout << id << "\n";
  return Status::OK();
}

template <typename T, typename F>
Result<std::vector<T>> Live(Replica& r, Collection c, F from) {
  RELAIS_ASSIGN_OR_RETURN(std::vector<Record> recs, r.store()->List(c));
  std::vector<T> out;
  for (const Record& rec : recs) {
    T t = from(rec, View(rec));
    if (!t.deleted) out.push_back(std::move(t));
  }
  return out;
}

Status Show(const std::string& db) {
  RELAIS_ASSIGN_OR_RETURN(auto r, Replica::Open(db));
  RELAIS_ASSIGN_OR_RETURN(auto sites, Live<SiteInfo>(*r, Collection::kSite, SiteFromView));
  RELAIS_ASSIGN_OR_RETURN(auto poles, Live<Pole>(*r, Collection::kPole, PoleFromView));
  RELAIS_ASSIGN_OR_RETURN(auto rooms, Live<Room>(*r, Collection::kRoom, RoomFromView));
  RELAIS_ASSIGN_OR_RETURN(auto practs, r->Practitioners());
  std::map<std::string, const SiteInfo*> by_site;
  for (const SiteInfo& s : sites)
    if (s.id == s.site_id) by_site[s.id] = &s;  // a site's own record only
  std::set<std::string> shown(r->scope().begin(), r->scope().end());
  if (r->org_id() != r->site_id()) shown.erase(r->org_id());
  for (const auto& kv : by_site) shown.insert(kv.first);
  std::cout << "organisation\t" << r->org_id() << "\n";
  for (const std::string& id : shown) {
    auto it = by_site.find(id);
    const SiteInfo* s = it == by_site.end() ? nullptr : it->second;
    std::cout << "  site\t" << id << "\t" << Or(s ? s->name : "") << "\t"
              << Or(s ? s->kind : "") << "\thoraires " << Or(s ? s->hours : "") << "\t"
              << Or(s ? s->commune : "") << "\n";
  }
  std::set<std::string> known;
  for (const Pole& p : poles) known.insert(p.id);
  // Pôle id -> its practitioners and rooms; "" = none or an unknown pôle.
  auto list = [&](const std::string& pole) {
    for (const Practitioner& p : practs) {
      const std::string in = known.count(p.pole) ? p.pole : "";
      if (in != pole) continue;
      std::cout << "    praticien\t" << domain::QualifyRef(p.id, p.site_id) << "\t" << p.name
                << "\t" << Or(p.profession) << "\tsites " << Or(p.sites);
      if (in.empty() && !p.pole.empty()) std::cout << "\tpôle inconnu " << p.pole;
      std::cout << "\n";
    }
    for (const Room& m : rooms) {
      const std::string in = known.count(m.pole) ? m.pole : "";
      if (in == pole)
        std::cout << "    salle\t" << m.id << "\t" << m.name << "\t" << m.site_id << "\n";
    }
  };
  for (const Pole& p : poles) {
    std::cout << "  pôle\t" << p.id << "\t" << p.name << "\n";
    list(p.id);
  }
  std::cout << "  sans pôle\n";
  list("");
  return Status::OK();
}

}  // namespace

void RegisterOrgCommands(CLI::App& app, Context& ctx) {
  auto* org = app.add_subcommand("org", "Organisation: sites, pôles, salles");
  org->require_subcommand(1);
  {
    auto* site = org->add_subcommand("site", "Sites de l'organisation");
    site->require_subcommand(1);
    auto a = std::make_shared<SiteArgs>();
    auto* cmd = site->add_subcommand("set", "Crée ou modifie la fiche d'un site (écrite à ce site)");
    cmd->add_option("--db", a->db, "Fichier de la réplique")->required();
    cmd->add_option("--id", a->id, "Site (tenu par la réplique)")->required();
    cmd->add_option("--name", a->name, "Nom du site")->required();
    a->kind_opt = cmd->add_option("--kind", a->kind, "centre | antenne");
    a->hours_opt = cmd->add_option(
        "--hours", a->hours,
        "Horaires d'ouverture, ex. '1-5 08:00-12:00,14:00-19:00;6 08:00-12:00' (\"\" = aucun)");
    a->commune_opt = cmd->add_option("--commune", a->commune, "Commune");
    a->address_opt = cmd->add_option("--address", a->address, "Adresse");
    cmd->callback([&ctx, a] { ctx.exit_code = Report(SetSite(*a)); });
  }
  {
    auto* pole = org->add_subcommand("pole", "Pôles (regroupent praticiens et salles)");
    pole->require_subcommand(1);
    auto db = std::make_shared<std::string>(), id = std::make_shared<std::string>(),
         name = std::make_shared<std::string>();
    auto* cmd = pole->add_subcommand("add", "Crée ou renomme un pôle");
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->add_option("--id", *id, "Identifiant du pôle")->required();
    cmd->add_option("--name", *name, "Nom du pôle")->required();
    cmd->callback([&ctx, db, id, name] { ctx.exit_code = Report(AddPole(*db, *id, *name)); });
  }
  {
    auto* room = org->add_subcommand("room", "Salles d'un site");
    room->require_subcommand(1);
    auto a = std::make_shared<RoomArgs>();
    auto* cmd = room->add_subcommand("add", "Crée ou modifie une salle; affiche SALLE@SITE");
    cmd->add_option("--db", a->db, "Fichier de la réplique")->required();
    cmd->add_option("--id", a->id, "Identifiant de la salle")->required();
    cmd->add_option("--site", a->site, "Site de la salle")->required();
    cmd->add_option("--name", a->name, "Nom de la salle")->required();
    cmd->add_option("--pole", a->pole, "Pôle de la salle");
    cmd->callback([&ctx, a] { ctx.exit_code = Report(AddRoom(*a)); });
  }
  {
    auto db = std::make_shared<std::string>();
    auto* cmd = org->add_subcommand("show", "Arbre de l'organisation");
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->callback([&ctx, db] { ctx.exit_code = Report(Show(*db)); });
  }
}

}  // namespace relais::common::cli
