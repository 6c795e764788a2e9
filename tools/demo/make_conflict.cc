// relais-demo-conflict: makes a real concurrent-edit conflict, as two posts
// of a house editing offline would.
//   relais-demo-conflict --db site.db [--other poste2.db] --collection appointment
//                        --id ID --field room --ours "Salle 2" --theirs "Salle 3"
// With --other (two real replicas of one site, both holding the record): each
// writes its value; their next syncs through the hub make the conflict.
// Without it, a throwaway replica writes "theirs" and its state is merged into
// --db: a conflict for a standalone demo replica (kiosk screenshots) that
// stays local, since the hub takes a write only from its author.
// Demo and tests only: never run it on a real house's replica.
#include <cstdio>
#include <filesystem>
#include <string>

#include "CLI/CLI.hpp"
#include "common/replica/replica.h"

namespace {

using relais::common::Collection;
using relais::common::Replica;
using relais::common::Status;

Status Make(const std::string& db, const std::string& other, Collection c,
            const std::string& id, const std::string& field,
            const std::string& ours, const std::string& theirs) {
  RELAIS_ASSIGN_OR_RETURN(auto a, Replica::Open(db));
  if (!other.empty()) {
    RELAIS_ASSIGN_OR_RETURN(auto b, Replica::Open(other));
    RELAIS_ASSIGN_OR_RETURN(auto theirs_rec, b->Get(c, id));
    if (!theirs_rec) return Status::NotFound("enregistrement inconnu dans --other: " + id);
    RELAIS_RETURN_IF_ERROR(a->Write(c, id, {{field, ours}}).status());
    return b->Write(c, id, {{field, theirs}}).status();
  }
  RELAIS_ASSIGN_OR_RETURN(auto rec, a->Get(c, id));
  if (!rec) return Status::NotFound("enregistrement inconnu: " + id);
  const std::string tmp = (std::filesystem::temp_directory_path() /
                           ("relais-demo-conflict-" + a->NewId("x") + ".db")).string();
  RELAIS_RETURN_IF_ERROR(Replica::Init(tmp, a->site_id()).status());
  Status st = [&]() -> Status {
    RELAIS_ASSIGN_OR_RETURN(auto b, Replica::Open(tmp));
    RELAIS_RETURN_IF_ERROR(b->store()->ApplyRemote({*rec}, {}).status());
    RELAIS_ASSIGN_OR_RETURN(auto theirs_rec, b->Write(c, id, {{field, theirs}}));
    RELAIS_RETURN_IF_ERROR(a->Write(c, id, {{field, ours}}).status());
    RELAIS_ASSIGN_OR_RETURN(auto stats, a->store()->ApplyRemote({theirs_rec}, {}));
    if (stats.conflicts == 0) return Status::FailedPrecondition("aucun conflit créé");
    return Status::OK();
  }();
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(tmp + suffix, ec);
  return st;
}

}  // namespace

int main(int argc, char** argv) {
  std::string db, other, coll = "appointment", id, field, ours, theirs;
  CLI::App app{"Crée un conflit d'édition concurrente (démo uniquement)"};
  app.add_option("--db", db, "Réplique de démonstration")->required();
  app.add_option("--other", other, "Seconde réplique réelle du même site (conflit via le hub)");
  app.add_option("--collection", coll, "appointment | presence | practitioner | ledger");
  app.add_option("--id", id, "Identifiant de l'enregistrement")->required();
  app.add_option("--field", field, "Champ modifié des deux côtés")->required();
  app.add_option("--ours", ours, "Valeur écrite ici")->required();
  app.add_option("--theirs", theirs, "Valeur écrite par l'autre poste")->required();
  CLI11_PARSE(app, argc, argv);
  auto c = relais::common::ParseCollection(coll);
  if (!c) return std::fprintf(stderr, "collection inconnue: %s\n", coll.c_str()), 2;
  Status st = Make(db, other, *c, id, field, ours, theirs);
  if (!st.ok()) return std::fprintf(stderr, "%s\n", st.ToString().c_str()), 1;
  std::printf("conflit créé: %s %s.%s\n", coll.c_str(), id.c_str(), field.c_str());
  return 0;
}
