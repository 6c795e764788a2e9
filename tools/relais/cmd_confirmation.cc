// relais appt confirmation: the check-in QR code of one appointment as a PNG
// (« convocation »: site, date, time, practitioner and code above the QR, in
// the text form of common/model/checkin_qr.h). Thin: the format and the PNG
// writer live in common/ (shared with the kiosk's « Imprimer la
// convocation »).
#include <iostream>
#include <memory>

#include "common/model/checkin_qr.h"
#include "common/model/validate.h"
#include "common/qr/convocation_png.h"
#include "common/replica/replica.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {

namespace {

// The convocation of appointment `id` (common/qr/convocation_png.h):
// NOT_FOUND if unknown or deleted, FAILED_PRECONDITION if cancelled or
// without a code.
Result<Convocation> ConfirmationOf(Replica& r, const std::string& id) {
  RELAIS_ASSIGN_OR_RETURN(std::vector<Appointment> all, r.AllAppointments());
  for (const Appointment& a : all) {
    if (a.id != id || a.deleted) continue;
    if (a.status == "cancelled")
      return Status::FailedPrecondition("rendez-vous " + id + " annulé : pas de convocation");
    if (a.code.empty())
      return Status::FailedPrecondition("rendez-vous " + id +
                                        " sans code de passage : lancez relais appt "
                                        "reissue-code --id " + id);
    std::string name;
    RELAIS_ASSIGN_OR_RETURN(std::vector<Practitioner> ps, r.Practitioners());
    for (const Practitioner& p : ps)
      if (p.id == a.practitioner) name = p.name;
    return MakeConvocation(r.site_id(), a, name);
  }
  return Status::NotFound("rendez-vous inconnu : " + QuoteForMessage(id) +
                          " (voir relais appt list)");
}

}  // namespace

void RegisterConfirmationCommand(CLI::App& app, Context& ctx) {
  auto found = app.get_subcommands([](CLI::App* s) { return s->get_name() == "appt"; });
  CLI::App* group = found.empty() ? app.add_subcommand("appt", "Rendez-vous") : found.front();
  auto* cmd = group->add_subcommand(
      "confirmation", "QR code de la convocation (code de passage) en PNG, mode 0600");
  auto db = std::make_shared<std::string>();
  auto id = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  cmd->add_option("--db", *db, "Fichier de la réplique")->required();
  cmd->add_option("--id", *id, "Identifiant du rendez-vous")->required();
  cmd->add_option("--out", *out, "Fichier PNG à écrire")->required();
  cmd->callback([&ctx, db, id, out] {
    if (id->empty() || id->size() > kMaxRecordIdLen) {
      ctx.exit_code = Report(Status::InvalidArgument("--id vide ou trop long"));
      return;
    }
    auto r = Replica::Open(*db);
    if (!r.ok()) {
      ctx.exit_code = Report(r.status());
      return;
    }
    auto conv = ConfirmationOf(**r, *id);
    if (!conv.ok()) {
      ctx.exit_code = Report(conv.status());
      return;
    }
    Status st = WriteConvocationPng(*conv, *out);
    if (!st.ok()) {
      ctx.exit_code = Report(st);
      return;
    }
    std::cout << *out << " " << conv->qr_text << "\n";
  });
}

}  // namespace relais::common::cli
