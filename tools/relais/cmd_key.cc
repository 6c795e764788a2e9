// relais key export | import | rotate | show: the organisation key of a
// replica (common/replica/sealing.h, docs/deploy.md).
#include "tools/relais/cmd_key.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <memory>

#include "common/replica/replica.h"

namespace relais::common::cli {

namespace {

constexpr size_t kMaxExportBytes = 256 * 1024;

Result<std::string> ReadSmallFile(const std::string& path, size_t max) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("fichier illisible: " + path);
  std::string text(max + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > max) return Status::InvalidArgument("fichier trop grand: " + path);
  return text;
}

std::string FirstLine(std::string s) {
  const size_t nl = s.find_first_of("\r\n");
  if (nl != std::string::npos) s.resize(nl);
  return s;
}

std::unique_ptr<Replica> OpenForKey(const std::string& db, Context& ctx) {
  auto r = Replica::Open(db);
  if (!r.ok()) {
    ctx.exit_code = Report(r.status());
    return nullptr;
  }
  return std::move(r).value();
}

}  // namespace

Result<std::string> ReadPassphrase(const std::string& file) {
  std::string p;
  if (!file.empty()) {
    RELAIS_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(file, 4096));
    p = FirstLine(std::move(text));
  } else {
    const bool tty = ::isatty(STDIN_FILENO);
    termios old{};
    if (tty && ::tcgetattr(STDIN_FILENO, &old) == 0) {
      termios quiet = old;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
      std::cerr << "phrase de passe: " << std::flush;
    }
    std::getline(std::cin, p);
    if (tty) {
      ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
      std::cerr << "\n";
    }
    if (p.size() > crypto::kMaxPassphrase) p.clear();
  }
  if (p.size() < crypto::kMinPassphrase || p.size() > crypto::kMaxPassphrase)
    return Status::InvalidArgument("phrase de passe de " +
                                   std::to_string(crypto::kMinPassphrase) + " à " +
                                   std::to_string(crypto::kMaxPassphrase) +
                                   " caractères attendue");
  return p;
}

Result<crypto::Keyring> ReadExportedKey(const std::string& key_file,
                                        const std::string& passphrase_file) {
  RELAIS_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(key_file, kMaxExportBytes));
  RELAIS_ASSIGN_OR_RETURN(std::string pass, ReadPassphrase(passphrase_file));
  auto ring = crypto::ImportKeyFile(text, pass);
  if (!ring.ok() && ring.status().code() == StatusCode::kDataLoss)
    return Status::InvalidArgument(ring.status().message());
  return ring;
}

void RegisterKeyCommands(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("key", "Clé de l'organisation (chiffrement des patients)");
  group->require_subcommand(1);
  {
    auto* cmd = group->add_subcommand(
        "export", "Écrit la clé, protégée par une phrase de passe (Argon2id), pour une autre réplique");
    auto db = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    auto pass = std::make_shared<std::string>();
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->add_option("--out", *out, "Fichier à écrire (ne doit pas exister)")->required();
    cmd->add_option("--passphrase-file", *pass, "Phrase de passe (1re ligne); sinon lue sur l'entrée");
    cmd->callback([&ctx, db, out, pass] {
      auto r = OpenForKey(*db, ctx);
      if (!r) return;
      if (!r->keyring()) {
        ctx.exit_code = Report(Status::FailedPrecondition(r->key_state().problem));
        return;
      }
      auto p = ReadPassphrase(*pass);
      if (!p.ok()) {
        ctx.exit_code = Report(p.status());
        return;
      }
      auto text = crypto::ExportKeyFile(*r->keyring(), *p);
      if (!text.ok()) {
        ctx.exit_code = Report(text.status());
        return;
      }
      const int fd = ::open(out->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      bool ok = fd >= 0 && ::write(fd, text->data(), text->size()) ==
                               static_cast<ssize_t>(text->size());
      ok = (fd >= 0 && ::fsync(fd) == 0 && ::close(fd) == 0) && ok;
      if (!ok) {
        ctx.exit_code = Report(Status::Unavailable("écriture impossible (existe déjà ?): " + *out));
        return;
      }
      std::cout << *out << "\n";
    });
  }
  {
    auto* cmd = group->add_subcommand("import", "Installe une clé exportée pour cette réplique");
    auto db = std::make_shared<std::string>();
    auto file = std::make_shared<std::string>();
    auto pass = std::make_shared<std::string>();
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->add_option("--key-file", *file, "Fichier écrit par 'relais key export'")->required();
    cmd->add_option("--passphrase-file", *pass, "Phrase de passe (1re ligne); sinon lue sur l'entrée");
    cmd->callback([&ctx, db, file, pass] {
      auto ring = ReadExportedKey(*file, *pass);
      if (!ring.ok()) {
        ctx.exit_code = Report(ring.status());
        return;
      }
      auto r = OpenForKey(*db, ctx);
      if (!r) return;
      ctx.exit_code = Report(r->ImportKey(*ring));
      if (ctx.exit_code == 0) std::cout << r->key_state().path << "\n";
    });
  }
  {
    auto* cmd = group->add_subcommand(
        "rotate", "Ajoute une nouvelle clé courante (les anciennes valeurs restent lisibles)");
    auto db = std::make_shared<std::string>();
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->callback([&ctx, db] {
      auto r = OpenForKey(*db, ctx);
      if (!r) return;
      ctx.exit_code = Report(r->RotateKey());
      if (ctx.exit_code != 0) return;
      std::cout << r->key_state().current_key_id << "\n";
      std::cerr << "relais: réexportez la clé (relais key export) et importez-la sur les "
                   "autres répliques du site\n";
    });
  }
  {
    auto* cmd = group->add_subcommand("show", "Où est la clé, et laquelle est courante");
    auto db = std::make_shared<std::string>();
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->callback([&ctx, db] {
      auto r = OpenForKey(*db, ctx);
      if (!r) return;
      const Replica::KeyState k = r->key_state();
      std::cout << "fichier de clé: " << k.path << "\n";
      if (k.has_key)
        std::cout << "clé courante: " << k.current_key_id << " (" << k.key_count
                  << " clé(s))\n";
      else
        std::cout << "clé: absente: " << k.problem << "\n";
      if (!k.has_key) ctx.exit_code = 1;
    });
  }
}

}  // namespace relais::common::cli
