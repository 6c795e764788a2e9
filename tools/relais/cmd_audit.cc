// Verbs of issue #15: `relais audit` (access log, chain check) and
// `relais purge` (retention of patient identities and of the log).
#include <iostream>
#include <memory>

#include "common/replica/audit_log.h"
#include "common/replica/retention.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {

namespace {

std::unique_ptr<Replica> OpenReplica(const std::string& db, Context& ctx) {
  auto r = Replica::Open(db);
  if (!r.ok()) {
    ctx.exit_code = Report(r.status());
    return nullptr;
  }
  return std::move(r).value();
}

// relais audit --db PATH [--verify]
void RunAudit(const std::string& db, bool verify, Context& ctx) {
  auto r = OpenReplica(db, ctx);
  if (!r) return;
  AuditLog log(r.get());
  auto entries = log.Entries();
  if (!entries.ok()) {
    ctx.exit_code = Report(entries.status());
    return;
  }
  for (const audit::Entry& e : *entries) {
    std::cout << FormatParisDateTime(e.at) << "\t" << e.replica << "\t" << e.seq << "\t"
              << (e.erased ? "(effacée)" : e.who) << "\t" << e.what << "\t" << e.records
              << "\n";
  }
  if (!verify) return;
  auto rep = log.Verify(r->clock()->NowMillis() / 1000);
  if (!rep.ok()) {
    ctx.exit_code = Report(rep.status());
    return;
  }
  for (const std::string& p : rep->problems) std::cerr << "relais: journal: " << p << "\n";
  if (!rep->problems.empty()) {
    std::cerr << "relais: journal d'accès NON intègre (" << rep->problems.size()
              << " anomalie(s))\n";
    ctx.exit_code = 1;
    return;
  }
  std::cout << "journal d'accès intègre : " << rep->entries << " entrée(s) dont "
            << rep->erased << " effacée(s), " << rep->chains << " chaîne(s)\n";
}

// relais purge --db PATH (--before YYYY-MM-DD | --policy) [--set-months N]
void RunPurge(const std::string& db, const std::string& before, bool policy, int set_months,
              Context& ctx) {
  if (before.empty() && !policy && set_months == 0) {
    ctx.exit_code = Report(Status::InvalidArgument("donnez --before AAAA-MM-JJ ou --policy"));
    return;
  }
  if (!before.empty() && policy) {
    ctx.exit_code = Report(Status::InvalidArgument("--before et --policy s'excluent"));
    return;
  }
  CivilDate day;
  if (!before.empty()) {
    auto d = ParseDate(before);
    if (!d.ok() || d->year < 1900 || d->year > 2199) {
      ctx.exit_code = Report(d.ok() ? Status::InvalidArgument("date hors limites: " + before)
                                    : d.status());
      return;
    }
    day = *d;
  }
  auto r = OpenReplica(db, ctx);
  if (!r) return;
  if (set_months != 0) {
    ctx.exit_code = Report(SetRetentionMonths(r.get(), set_months));
    if (ctx.exit_code != 0) return;
    std::cout << "politique de conservation : " << set_months << " mois\n";
    if (before.empty() && !policy) return;
  }
  const int64_t now = r->clock()->NowMillis() / 1000;
  int64_t cutoff = 0;
  if (policy) {
    auto months = RetentionMonths(r.get());
    if (!months.ok()) {
      ctx.exit_code = Report(months.status());
      return;
    }
    cutoff = PolicyCutoff(now, *months);
    std::cout << "politique : identités effacées " << *months << " mois après le rendez-vous\n";
  } else {
    cutoff = ParisLocalToUtc(day, 0, 0);
  }
  auto n = EraseAppointmentsBefore(r.get(), cutoff);
  if (!n.ok()) {
    ctx.exit_code = Report(n.status());
    return;
  }
  std::cout << "rendez-vous antérieurs au " << FormatDate(ParisDate(cutoff)) << " : "
            << n->appointments_seen << ", identités effacées maintenant : "
            << n->appointments_erased << "\n";
  auto a = PurgeAuditLog(r.get(), now);
  if (!a.ok()) {
    ctx.exit_code = Report(a.status());
    return;
  }
  std::cout << "entrées du journal d'accès de plus de 12 mois effacées : " << *a << "\n";
}

}  // namespace

void RegisterAuditCommands(CLI::App& app, Context& ctx) {
  {
    auto* cmd = app.add_subcommand("audit", "Journal d'accès aux identités des patients");
    auto db = std::make_shared<std::string>();
    auto verify = std::make_shared<bool>(false);
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->add_flag("--verify", *verify, "Vérifie les chaînes d'empreintes de chaque réplique");
    cmd->callback([&ctx, db, verify] { RunAudit(*db, *verify, ctx); });
  }
  {
    auto* cmd = app.add_subcommand(
        "purge", "Efface les identités des anciens rendez-vous et le journal de plus de 12 mois");
    auto db = std::make_shared<std::string>();
    auto before = std::make_shared<std::string>();
    auto policy = std::make_shared<bool>(false);
    auto months = std::make_shared<int>(0);
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->add_option("--before", *before, "Rendez-vous commencés avant ce jour (AAAA-MM-JJ)");
    cmd->add_flag("--policy", *policy, "Applique la politique du site (24 mois par défaut)");
    cmd->add_option("--set-months", *months, "Fixe la politique du site (mois, 1 à 1200)")
        ->check(CLI::Range(1, 1200));
    cmd->callback([&ctx, db, before, policy, months] {
      RunPurge(*db, *before, *policy, *months, ctx);
    });
  }
}

}  // namespace relais::common::cli
