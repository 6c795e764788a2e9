#include "common/crypto/keyring.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/model/validate.h"

namespace relais::common::crypto {

namespace {

constexpr size_t kMaxKeyFileBytes = 64 * 1024;

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line[0] != '#') out.push_back(line);
    pos = nl + 1;
  }
  return out;
}

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < line.size()) {
    size_t sp = line.find(' ', pos);
    if (sp == std::string_view::npos) sp = line.size();
    if (sp > pos) out.push_back(line.substr(pos, sp - pos));
    pos = sp + 1;
  }
  return out;
}

bool IsKeyId(std::string_view s) {
  if (s.size() != kKeyIdLen) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

Key NewKey() {
  Key k;
  unsigned char id[kKeyIdLen / 2];
  randombytes_buf(id, sizeof id);
  char hex[kKeyIdLen + 1];
  k.id = sodium_bin2hex(hex, sizeof hex, id, sizeof id);
  crypto_kdf_keygen(k.master.data());
  return k;
}

Status Bad(const std::string& what) {
  return Status::DataLoss("fichier de clé illisible: " + what);
}

}  // namespace

bool SodiumReady() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

std::string B64(const unsigned char* p, size_t n) {
  const int v = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(n, v), '\0');
  sodium_bin2base64(out.data(), out.size(), p, n, v);
  out.resize(std::strlen(out.c_str()));
  return out;
}

bool UnB64(std::string_view in, std::vector<unsigned char>* out) {
  out->assign(in.size() * 3 / 4 + 3, 0);
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out->data(), out->size(), in.data(), in.size(), nullptr,
                        &len, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != in.data() + in.size())
    return false;
  out->resize(len);
  return true;
}

Result<Keyring> Keyring::Generate(const std::string& site) {
  if (!SodiumReady()) return Status::Internal("libsodium indisponible");
  if (!IsValidSiteId(std::string(site))) return Status::InvalidArgument("site invalide");
  Keyring k;
  k.site_ = site;
  k.keys_.push_back(NewKey());
  return k;
}

const Key* Keyring::Find(std::string_view kid) const {
  for (const Key& k : keys_)
    if (k.id == kid) return &k;
  return nullptr;
}

Status Keyring::Rotate() {
  if (!SodiumReady()) return Status::Internal("libsodium indisponible");
  if (keys_.size() >= kMaxKeys)
    return Status::ResourceExhausted("trop de clés dans le trousseau");
  Key k = NewKey();
  while (Find(k.id)) k = NewKey();
  keys_.push_back(std::move(k));
  current_ = keys_.size() - 1;
  return Status::OK();
}

std::string Keyring::Serialize() const {
  std::string out =
      "# Relais Santé: clé d'organisation. Ne la copiez ni dans une sauvegarde "
      "de réplique ni sur le hub.\nrelais-cle 1\nsite " +
      site_ + "\ncurrent " + current().id + "\n";
  for (const Key& k : keys_)
    out += "key " + k.id + " " + B64(k.master.data(), k.master.size()) + "\n";
  return out;
}

Result<Keyring> ParseKeyFile(std::string_view text) {
  if (!SodiumReady()) return Status::Internal("libsodium indisponible");
  if (text.size() > kMaxKeyFileBytes) return Bad("trop grand");
  const auto lines = SplitLines(text);
  if (lines.size() < 4 || lines[0] != "relais-cle 1") return Bad("en-tête absent");
  Keyring k;
  std::string current;
  for (size_t i = 1; i < lines.size(); ++i) {
    const auto w = Words(lines[i]);
    if (w.size() == 2 && w[0] == "site" && k.site_.empty() && IsValidSiteId(std::string(w[1]))) {
      k.site_ = std::string(w[1]);
    } else if (w.size() == 2 && w[0] == "current" && current.empty() && IsKeyId(w[1])) {
      current = std::string(w[1]);
    } else if (w.size() == 3 && w[0] == "key" && IsKeyId(w[1]) && !k.Find(w[1])) {
      std::vector<unsigned char> bytes;
      if (!UnB64(w[2], &bytes) || bytes.size() != kKeyBytes) return Bad("clé mal formée");
      if (k.keys_.size() >= kMaxKeys) return Bad("trop de clés");
      Key key;
      key.id = std::string(w[1]);
      std::memcpy(key.master.data(), bytes.data(), kKeyBytes);
      sodium_memzero(bytes.data(), bytes.size());
      k.keys_.push_back(std::move(key));
    } else {
      return Bad("ligne " + std::to_string(i + 1) + " inattendue");
    }
  }
  if (k.site_.empty() || k.keys_.empty()) return Bad("site ou clé manquant");
  for (size_t i = 0; i < k.keys_.size(); ++i)
    if (k.keys_[i].id == current) k.current_ = i;
  if (k.keys_[k.current_].id != current) return Bad("clé courante inconnue");
  return k;
}

Result<Keyring> LoadKeyFile(const std::string& path, const std::string& site) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("fichier de clé absent: " + path);
  std::string text(kMaxKeyFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  auto k = ParseKeyFile(text);
  sodium_memzero(text.data(), text.size());
  if (!k.ok()) return Status::DataLoss(k.status().message() + " (" + path + ")");
  if (!site.empty() && k->site() != site)
    return Status::FailedPrecondition("le fichier de clé " + path + " est celui du site " +
                                      k->site() + ", pas de " + site);
  return k;
}

Status SaveKeyFile(const std::string& path, const Keyring& ring, bool overwrite) {
  struct stat st;
  if (!overwrite && ::stat(path.c_str(), &st) == 0)
    return Status::AlreadyExists("fichier de clé déjà présent: " + path);
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return Status::Unavailable("écriture du fichier de clé " + tmp + ": " +
                               std::strerror(errno));
  std::string text = ring.Serialize();
  size_t off = 0;
  bool ok = true;
  while (ok && off < text.size()) {
    const ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) off += static_cast<size_t>(n);
  }
  sodium_memzero(text.data(), text.size());
  ok = ok && ::fchmod(fd, 0600) == 0 && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::ResourceExhausted("fichier de clé non écrit: " + path);
  }
  return Status::OK();
}

}  // namespace relais::common::crypto
