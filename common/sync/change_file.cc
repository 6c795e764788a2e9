#include "common/sync/change_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>

#include "common/model/validate.h"
#include "common/snapshot/format.h"

namespace relais::sync {

using common::Result;
using common::Status;
using common::snapshot::GetU32;
using common::snapshot::GetU64;
using common::snapshot::PutU32;
using common::snapshot::PutU64;

namespace {

constexpr char kChangesMagic[8] = {'R', 'E', 'L', 'C', 'H', 'G', '1', '\n'};
constexpr char kResponseMagic[8] = {'R', 'E', 'L', 'R', 'E', 'P', '1', '\n'};
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "RelChgF1";
static_assert(sizeof(FileKeys::mac_key) == crypto_auth_KEYBYTES);
static_assert(kMacBytes == crypto_auth_BYTES);

bool InitSodium() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

FileKeys KeysFromHash(const uint8_t (&hash)[crypto_hash_sha256_BYTES]) {
  static_assert(crypto_hash_sha256_BYTES == crypto_kdf_KEYBYTES);
  FileKeys k;
  crypto_kdf_derive_from_key(k.token_id.data(), k.token_id.size(), 1, kKdfContext, hash);
  crypto_kdf_derive_from_key(k.mac_key.data(), k.mac_key.size(), 2, kKdfContext, hash);
  return k;
}

Status Bad(const std::string& what) {
  return Status::DataLoss("fichier de synchronisation illisible: " + what +
                          " (fichier abîmé ou altéré: refaites-le)");
}

// Reads the header field by field, never past the end.
class Cursor {
 public:
  explicit Cursor(std::string_view b) : b_(b) {}
  bool Take(size_t n, const char** p) {
    if (n > b_.size() - pos_) return false;
    *p = b_.data() + pos_;
    pos_ += n;
    return true;
  }
  bool U8(uint8_t* v) {
    const char* p;
    if (!Take(1, &p)) return false;
    *v = static_cast<uint8_t>(*p);
    return true;
  }
  bool U32(uint32_t* v) {
    const char* p;
    if (!Take(4, &p)) return false;
    *v = GetU32(p);
    return true;
  }
  bool U64(uint64_t* v) {
    const char* p;
    if (!Take(8, &p)) return false;
    *v = GetU64(p);
    return true;
  }
  size_t pos() const { return pos_; }

 private:
  std::string_view b_;
  size_t pos_ = 0;
};

struct Layout {
  ChangeFileHeader header;
  uint32_t count = 0;
  uint64_t raw_len = 0;
  uint64_t body_len = 0;
  size_t body_offset = 0;
};

Result<Layout> ParseLayout(std::string_view bytes, ChangeFileKind kind) {
  if (!InitSodium()) return Status::Internal("libsodium indisponible");
  Layout l;
  Cursor c(bytes);
  const char* p = nullptr;
  if (!c.Take(8, &p)) return Bad("fichier tronqué");
  const char* want = kind == ChangeFileKind::kChanges ? kChangesMagic : kResponseMagic;
  if (std::memcmp(p, want, 8) != 0)
    return Status::DataLoss(kind == ChangeFileKind::kChanges
                                ? "ce fichier n'est pas un fichier de changements Relais Santé "
                                  "(relais export-changes)"
                                : "ce fichier n'est pas une réponse du hub Relais Santé "
                                  "(relais-hub import-changes)");
  uint32_t version = 0;
  if (!c.U32(&version)) return Bad("fichier tronqué");
  if (version != kChangeFileVersion)
    return Status::FailedPrecondition("fichier de synchronisation de format " +
                                      std::to_string(version) +
                                      " non pris en charge (format 1 attendu): mettez à jour "
                                      "Relais Santé");
  l.header.kind = kind;
  uint8_t id_len = 0;
  if (!c.Take(kTokenIdBytes, &p)) return Bad("fichier tronqué");
  std::memcpy(l.header.token_id.data(), p, kTokenIdBytes);
  if (!c.U8(&id_len) || !c.Take(id_len, &p)) return Bad("fichier tronqué");
  l.header.replica_id.assign(p, id_len);
  if (!common::IsValidReplicaId(l.header.replica_id)) return Bad("identifiant de réplique invalide");
  if (!c.U64(&l.header.base_push_cursor) || !c.U64(&l.header.base_pull_cursor) ||
      !c.Take(kExportIdBytes, &p))
    return Bad("fichier tronqué");
  std::memcpy(l.header.export_id.data(), p, kExportIdBytes);
  if (!c.U32(&l.count) || !c.U64(&l.raw_len) || !c.U64(&l.body_len))
    return Bad("fichier tronqué");
  if (l.count == 0 || l.count > kMaxMessages) return Bad("nombre de messages hors bornes");
  if (l.raw_len == 0 || l.raw_len > kMaxRawBytes) return Bad("taille décompressée hors bornes");
  if (l.body_len == 0 || l.body_len > kMaxBodyBytes) return Bad("taille du corps hors bornes");
  l.body_offset = c.pos();
  if (bytes.size() - l.body_offset != l.body_len + kMacBytes)
    return Bad("taille du fichier incohérente (tronqué ou rallongé)");
  return l;
}

}  // namespace

FileKeys KeysFromToken(const std::string& token) {
  InitSodium();
  uint8_t hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  FileKeys k = KeysFromHash(hash);
  sodium_memzero(hash, sizeof(hash));
  return k;
}

Result<FileKeys> KeysFromTokenHash(const std::string& hex_hash) {
  if (!InitSodium()) return Status::Internal("libsodium indisponible");
  uint8_t hash[crypto_hash_sha256_BYTES];
  size_t len = 0;
  if (hex_hash.size() != 2 * sizeof(hash) ||
      sodium_hex2bin(hash, sizeof(hash), hex_hash.data(), hex_hash.size(), nullptr, &len,
                     nullptr) != 0 ||
      len != sizeof(hash))
    return Status::InvalidArgument("empreinte de jeton invalide");
  FileKeys k = KeysFromHash(hash);
  sodium_memzero(hash, sizeof(hash));
  return k;
}

std::array<uint8_t, kExportIdBytes> NewExportId() {
  InitSodium();
  std::array<uint8_t, kExportIdBytes> id;
  randombytes_buf(id.data(), id.size());
  return id;
}

std::string ExportIdHex(const std::array<uint8_t, kExportIdBytes>& id) {
  char hex[2 * kExportIdBytes + 1];
  sodium_bin2hex(hex, sizeof(hex), id.data(), id.size());
  return hex;
}

Result<std::string> EncodeChangeFile(ChangeFileHeader header,
                                     const std::vector<std::string>& messages,
                                     const FileKeys& keys) {
  if (!InitSodium()) return Status::Internal("libsodium indisponible");
  if (messages.empty() || messages.size() > kMaxMessages)
    return Status::InvalidArgument("de 1 à " + std::to_string(kMaxMessages) +
                                   " messages par fichier");
  if (!common::IsValidReplicaId(header.replica_id))
    return Status::InvalidArgument("identifiant de réplique invalide");
  std::string raw;
  for (const std::string& m : messages) {
    if (m.empty() || m.size() > kMaxMessageBytes)
      return Status::InvalidArgument("message trop grand pour un fichier de synchronisation");
    if (raw.size() + 4 + m.size() > kMaxRawBytes)
      return Status::InvalidArgument("fichier de synchronisation trop grand");
    PutU32(&raw, static_cast<uint32_t>(m.size()));
    raw += m;
  }
  std::string body(ZSTD_compressBound(raw.size()), '\0');
  const size_t n = ZSTD_compress(body.data(), body.size(), raw.data(), raw.size(), 3);
  if (ZSTD_isError(n)) return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(n));
  body.resize(n);
  if (body.size() > kMaxBodyBytes)
    return Status::InvalidArgument("fichier de synchronisation trop grand");

  std::string out(header.kind == ChangeFileKind::kChanges ? kChangesMagic : kResponseMagic, 8);
  PutU32(&out, kChangeFileVersion);
  out.append(reinterpret_cast<const char*>(keys.token_id.data()), kTokenIdBytes);
  out.push_back(static_cast<char>(header.replica_id.size()));
  out += header.replica_id;
  PutU64(&out, header.base_push_cursor);
  PutU64(&out, header.base_pull_cursor);
  out.append(reinterpret_cast<const char*>(header.export_id.data()), kExportIdBytes);
  PutU32(&out, static_cast<uint32_t>(messages.size()));
  PutU64(&out, raw.size());
  PutU64(&out, body.size());
  out += body;
  unsigned char mac[crypto_auth_BYTES];
  crypto_auth(mac, reinterpret_cast<const unsigned char*>(out.data()), out.size(),
              keys.mac_key.data());
  out.append(reinterpret_cast<const char*>(mac), sizeof(mac));
  return out;
}

Result<ChangeFileHeader> PeekChangeFile(std::string_view bytes, ChangeFileKind kind) {
  RELAIS_ASSIGN_OR_RETURN(Layout l, ParseLayout(bytes, kind));
  return l.header;
}

Result<std::vector<std::string>> OpenChangeFile(std::string_view bytes, const FileKeys& keys) {
  if (bytes.size() < 8) return Bad("fichier tronqué");
  const ChangeFileKind kind = std::memcmp(bytes.data(), kResponseMagic, 8) == 0
                                  ? ChangeFileKind::kResponse
                                  : ChangeFileKind::kChanges;
  RELAIS_ASSIGN_OR_RETURN(Layout l, ParseLayout(bytes, kind));
  const size_t signed_len = bytes.size() - kMacBytes;
  if (crypto_auth_verify(reinterpret_cast<const unsigned char*>(bytes.data() + signed_len),
                         reinterpret_cast<const unsigned char*>(bytes.data()), signed_len,
                         keys.mac_key.data()) != 0)
    return Status::DataLoss(
        "fichier de synchronisation altéré ou abîmé (code d'authentification invalide): "
        "refusé, rien n'a été appliqué");
  // Authentic from here on; the bounds still hold against a buggy writer.
  std::string raw(l.raw_len, '\0');
  const size_t n =
      ZSTD_decompress(raw.data(), raw.size(), bytes.data() + l.body_offset, l.body_len);
  if (ZSTD_isError(n) || n != l.raw_len) return Bad("corps compressé invalide");
  std::vector<std::string> messages;
  size_t pos = 0;
  for (uint32_t i = 0; i < l.count; ++i) {
    if (raw.size() - pos < 4) return Bad("messages tronqués");
    const uint32_t len = GetU32(raw.data() + pos);
    pos += 4;
    if (len == 0 || len > kMaxMessageBytes || len > raw.size() - pos)
      return Bad("longueur de message hors bornes");
    messages.emplace_back(raw.data() + pos, len);
    pos += len;
  }
  if (pos != raw.size()) return Bad("octets en trop après les messages");
  return messages;
}

Result<std::string> ReadChangeFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Status::NotFound("impossible de lire " + path + ": " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::FailedPrecondition(path + " n'est pas un fichier ordinaire");
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxChangeFileBytes) {
    ::close(fd);
    return Status::InvalidArgument(path + " est trop grand pour un fichier de synchronisation (" +
                                   std::to_string(st.st_size) + " octets)");
  }
  std::string out(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  if (done != out.size())
    return Status::FailedPrecondition("lecture de " + path + " incomplète");
  return out;
}

Status WriteChangeFile(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return Status::FailedPrecondition("impossible d'écrire " + tmp + ": " + std::strerror(errno));
  size_t done = 0;
  bool ok = ::fchmod(fd, 0600) == 0;
  while (ok && done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ok = false;
    else done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Status::ResourceExhausted("écriture de " + path + " impossible (" + why + ")");
  }
  const size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return Status::OK();
}

}  // namespace relais::sync
