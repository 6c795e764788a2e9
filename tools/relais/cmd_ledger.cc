// Verbs over the shared-cost ledger: ledger add | balance | settle | export.
// Thin: the rules live in common/domain/ledger.h.
#include <fstream>
#include <iostream>
#include <memory>
#include <set>

#include "common/domain/ledger.h"
#include "common/replica/replica.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {

namespace {

// Everything a month's computation needs, read from one replica.
struct MonthData {
  std::string month;
  std::vector<LedgerEntry> entries;
  std::vector<Practitioner> practitioners;
  std::vector<Presence> presence;  // of the month and of reversed entries' months
};

Result<MonthData> LoadMonth(const std::string& db, const std::string& month_arg) {
  RELAIS_ASSIGN_OR_RETURN(std::unique_ptr<Replica> r, Replica::Open(db));
  MonthData d;
  d.month = month_arg;
  if (d.month.empty())
    d.month = FormatDate(ParisDate(r->clock()->NowMillis() / 1000)).substr(0, 7);
  int y = 0, m = 0;
  RELAIS_RETURN_IF_ERROR(ParseMonth(d.month, &y, &m));
  RELAIS_ASSIGN_OR_RETURN(d.entries, r->LedgerAll());
  RELAIS_ASSIGN_OR_RETURN(d.practitioners, r->Practitioners());
  std::set<std::string> months = {d.month};
  for (const LedgerEntry& e : d.entries)
    if (e.month == d.month && !e.reverses.empty())
      for (const LedgerEntry& o : d.entries)
        if (o.id == e.reverses) months.insert(o.month);
  for (const std::string& mo : months) {
    RELAIS_ASSIGN_OR_RETURN(std::vector<Presence> p, r->PresenceInMonth(mo));
    d.presence.insert(d.presence.end(), p.begin(), p.end());
  }
  return d;
}

void PrintTransfers(const std::vector<domain::Transfer>& plan) {
  if (plan.empty()) std::cout << "aucun virement nécessaire\n";
  for (const auto& t : plan)
    std::cout << "virement\t" << t.from << " -> " << t.to << "\t"
              << FormatEuros(t.cents) << "\n";
}

void AddAdd(CLI::App* group, Context& ctx) {
  auto* cmd = group->add_subcommand("add", "Ajoute une écriture (jamais modifiée ensuite)");
  auto db = std::make_shared<std::string>();
  auto amount = std::make_shared<std::string>();
  auto e = std::make_shared<NewLedgerEntry>();
  cmd->add_option("--db", *db, "Fichier de la réplique")->required();
  cmd->add_option("--amount", *amount,
                  "Montant en euros, ex. 123.45 (opposé de l'écriture pour une contre-passation)")
      ->required();
  cmd->add_option("--category", e->category, "Catégorie (loyer, energie, ...)")->required();
  cmd->add_option("--payer", e->payer, "Praticien qui a payé")->required();
  cmd->add_option("--key", e->key, "Clé de répartition: equal | share | presence")
      ->required()
      ->check(CLI::IsMember(AllocationKeys()));
  cmd->add_option("--label", e->label, "Libellé");
  cmd->add_option("--month", e->month, "Période AAAA-MM (mois courant par défaut)");
  cmd->add_option("--reverses", e->reverses,
                  "Identifiant de l'écriture contre-passée (une seule fois)");
  cmd->callback([&ctx, db, amount, e] {
    auto cents = ParseAmountCents(*amount);
    if (!cents.ok()) {
      ctx.exit_code = Report(cents.status());
      return;
    }
    auto r = Replica::Open(*db);
    if (!r.ok()) {
      ctx.exit_code = Report(r.status());
      return;
    }
    e->amount_cents = *cents;
    auto id = (*r)->AddLedgerEntry(*e);
    if (!id.ok()) {
      ctx.exit_code = Report(id.status());
      return;
    }
    std::cout << *id << "\n";
  });
}

// Balances of the month (the current month if `month_arg` is empty); the
// month used is stored in *resolved when non-null.
Result<std::vector<domain::Balance>> BalancesOf(const std::string& db,
                                                const std::string& month_arg,
                                                std::string* resolved) {
  RELAIS_ASSIGN_OR_RETURN(MonthData d, LoadMonth(db, month_arg));
  if (resolved) *resolved = d.month;
  return domain::MonthlyBalances(d.entries, d.practitioners, d.presence, d.month);
}

void AddBalance(CLI::App* group, Context& ctx) {
  auto* cmd = group->add_subcommand(
      "balance", "Solde par praticien (payé - dû) et virements proposés pour un mois");
  auto db = std::make_shared<std::string>();
  auto month = std::make_shared<std::string>();
  cmd->add_option("--db", *db, "Fichier de la réplique")->required();
  cmd->add_option("--month", *month, "Période AAAA-MM (mois courant par défaut)");
  cmd->callback([&ctx, db, month] {
    std::string resolved;
    auto bal = BalancesOf(*db, *month, &resolved);
    if (!bal.ok()) {
      ctx.exit_code = Report(bal.status());
      return;
    }
    int64_t total = 0;
    for (const auto& b : *bal) total += b.paid;
    std::cout << "mois\t" << resolved << "\n";
    for (const auto& b : *bal)
      std::cout << "solde\t" << b.practitioner << "\t" << b.name << "\tpayé "
                << FormatEuros(b.paid) << "\tdû " << FormatEuros(b.owed)
                << "\tsolde " << FormatEuros(b.balance()) << "\n";
    std::cout << "total\t" << FormatEuros(total) << "\n";
    PrintTransfers(domain::Settle(*bal));
  });
}

void AddSettle(CLI::App* group, Context& ctx) {
  auto* cmd = group->add_subcommand(
      "settle", "Virements proposés (le moins possible) pour solder un mois");
  auto db = std::make_shared<std::string>();
  auto month = std::make_shared<std::string>();
  cmd->add_option("--db", *db, "Fichier de la réplique")->required();
  cmd->add_option("--month", *month, "Période AAAA-MM (mois courant par défaut)");
  cmd->callback([&ctx, db, month] {
    auto bal = BalancesOf(*db, *month, nullptr);
    if (!bal.ok()) {
      ctx.exit_code = Report(bal.status());
      return;
    }
    PrintTransfers(domain::Settle(*bal));
  });
}

void AddExport(CLI::App* group, Context& ctx) {
  auto* cmd = group->add_subcommand(
      "export", "Exporte le mois en CSV pour le comptable (';', virgule décimale)");
  auto db = std::make_shared<std::string>();
  auto month = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  cmd->add_option("--db", *db, "Fichier de la réplique")->required();
  cmd->add_option("--month", *month, "Période AAAA-MM")->required();
  cmd->add_option("--out", *out, "Fichier CSV (sortie standard par défaut)");
  cmd->callback([&ctx, db, month, out] {
    auto d = LoadMonth(*db, *month);
    if (!d.ok()) {
      ctx.exit_code = Report(d.status());
      return;
    }
    auto csv = domain::LedgerCsv(d->month, d->entries, d->practitioners, d->presence);
    if (!csv.ok()) {
      ctx.exit_code = Report(csv.status());
      return;
    }
    if (out->empty()) {
      std::cout << *csv;
      return;
    }
    std::ofstream f(*out, std::ios::binary | std::ios::trunc);
    f << *csv;
    f.close();
    if (!f) ctx.exit_code = Report(Status::Unavailable("écriture impossible: " + *out));
  });
}

}  // namespace

void RegisterLedgerCommands(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("ledger", "Charges communes (SCM)");
  group->require_subcommand(1);
  AddAdd(group, ctx);
  AddBalance(group, ctx);
  AddSettle(group, ctx);
  AddExport(group, ctx);
}

}  // namespace relais::common::cli
