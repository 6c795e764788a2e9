#include "kiosk/set_pin.h"

#include <cstdio>

#include "common/replica/replica.h"
#include "kiosk/app/pin.h"
#include "kiosk/app/state.h"

namespace relais::kiosk {

int SetPin(const std::string& db, const std::string& set_pin) {
  const size_t colon = set_pin.find(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "--set-pin attend PRATICIEN:CODE\n");
    return 2;
  }
  auto rep = common::Replica::Open(db);
  if (!rep.ok()) return std::fprintf(stderr, "%s\n", rep.status().ToString().c_str()), 1;
  auto hash = NewPinHash(set_pin.substr(colon + 1));
  if (!hash.ok()) return std::fprintf(stderr, "%s\n", hash.status().ToString().c_str()), 2;
  // Accept "id" or the site-qualified "id@site" form of the stored id.
  const std::string arg = set_pin.substr(0, colon);
  if (arg != kSecretariat && !common::IsValidPractitionerRef(arg))
    return std::fprintf(stderr, "--set-pin: identifiant de praticien invalide\n"), 2;
  if (arg == kSecretariat) {  // the secretariat's PIN lives in the site record
    auto w = (*rep)->Write(common::Collection::kSite, (*rep)->site_id(),
                           {{common::field::kPinHash, *hash}});
    if (!w.ok()) return std::fprintf(stderr, "%s\n", w.status().ToString().c_str()), 1;
    std::printf("code du secrétariat enregistré pour le site %s\n", (*rep)->site_id().c_str());
    return 0;
  }
  std::string id;
  auto all = (*rep)->Practitioners();
  if (all.ok())
    for (const common::Practitioner& p : *all)
      if (p.id == arg || p.id.rfind(arg + "@", 0) == 0) id = p.id;
  if (id.empty()) return std::fprintf(stderr, "praticien inconnu: %s\n", arg.c_str()), 2;
  auto w = (*rep)->Write(common::Collection::kPractitioner, id,
                         {{common::field::kPinHash, *hash}});
  if (!w.ok()) return std::fprintf(stderr, "%s\n", w.status().ToString().c_str()), 1;
  std::printf("code personnel enregistré pour %s\n", id.c_str());
  return 0;
}

}  // namespace relais::kiosk
