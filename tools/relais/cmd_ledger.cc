// Verbs over the shared-cost ledger: ledger add, ledger balance.
#include <iostream>
#include <memory>

#include "common/replica/replica.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {

void RegisterLedgerCommands(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("ledger", "Charges communes (SCM)");
  group->require_subcommand(1);
  {
    auto* cmd = group->add_subcommand("add", "Ajoute une écriture (jamais modifiée ensuite)");
    auto db = std::make_shared<std::string>();
    auto amount = std::make_shared<std::string>();
    auto e = std::make_shared<NewLedgerEntry>();
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->add_option("--amount", *amount, "Montant en euros, ex. 123.45")->required();
    cmd->add_option("--category", e->category, "Catégorie (loyer, energie, ...)")->required();
    cmd->add_option("--payer", e->payer, "Praticien qui a payé")->required();
    cmd->add_option("--key", e->key, "Clé de répartition: equal | share | presence")
        ->required()
        ->check(CLI::IsMember(AllocationKeys()));
    cmd->add_option("--label", e->label, "Libellé");
    cmd->add_option("--month", e->month, "Période AAAA-MM (mois courant par défaut)");
    cmd->add_option("--reverses", e->reverses, "Identifiant de l'écriture contre-passée");
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
  {
    auto* cmd = group->add_subcommand("balance", "Solde par praticien pour un mois");
    auto db = std::make_shared<std::string>();
    auto month = std::make_shared<std::string>();
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->add_option("--month", *month, "Période AAAA-MM (mois courant par défaut)");
    cmd->callback([&ctx, db, month] {
      auto r = Replica::Open(*db);
      if (!r.ok()) {
        ctx.exit_code = Report(r.status());
        return;
      }
      auto entries = (*r)->LedgerAll();
      if (!entries.ok()) {
        ctx.exit_code = Report(entries.status());
        return;
      }
      int64_t total = 0;
      for (const auto& e : *entries)
        if (month->empty() || e.month == *month) total += e.amount_cents;
      std::cout << "total\t" << FormatEuros(total) << "\n";
    });
  }
}

}  // namespace relais::common::cli
