#include "common/snapshot/format.h"

#include <algorithm>
#include <cstring>

#include "common/model/validate.h"

namespace relais::common::snapshot {

namespace {

Status Bad(const std::string& what) {
  return Status::DataLoss("instantané illisible: " + what +
                          " (fichier abîmé: demandez un nouvel instantané)");
}

// Reads the header byte by byte, never past its end.
class Cursor {
 public:
  explicit Cursor(std::string_view b) : b_(b) {}
  bool U8(uint8_t* v) {
    if (pos_ + 1 > b_.size()) return false;
    *v = static_cast<uint8_t>(b_[pos_++]);
    return true;
  }
  bool U64(uint64_t* v) {
    if (pos_ + 8 > b_.size()) return false;
    *v = GetU64(b_.data() + pos_);
    pos_ += 8;
    return true;
  }
  bool Bytes(size_t n, std::string* out) {
    if (n > b_.size() - pos_) return false;
    out->assign(b_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool AtEnd() const { return pos_ == b_.size(); }

 private:
  std::string_view b_;
  size_t pos_ = 0;
};

}  // namespace

void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

Status CheckHeader(const Header& h) {
  if (h.compression != Compression::kNone && h.compression != Compression::kZstd)
    return Status::InvalidArgument("compression inconnue");
  if (h.sites.empty() || h.sites.size() > kMaxSites)
    return Status::InvalidArgument("de 1 à 64 sites par instantané");
  for (size_t i = 0; i < h.sites.size(); ++i) {
    if (!IsValidSiteId(h.sites[i]))
      return Status::InvalidArgument("identifiant de site invalide dans l'instantané");
    if (i > 0 && !(h.sites[i - 1] < h.sites[i]))
      return Status::InvalidArgument("sites de l'instantané non triés ou en double");
  }
  if (h.epoch.empty() || h.epoch.size() > kMaxEpochBytes)
    return Status::InvalidArgument("époque du hub vide ou trop longue");
  if (h.record_count > kMaxRecords)
    return Status::InvalidArgument("trop d'enregistrements déclarés (maximum 50 000 000)");
  return Status::OK();
}

std::string EncodePreambleAndHeader(const Header& h) {
  std::string hdr;
  hdr.push_back(static_cast<char>(h.compression));
  hdr.push_back(static_cast<char>(h.sites.size()));
  for (const std::string& s : h.sites) {
    hdr.push_back(static_cast<char>(s.size()));
    hdr += s;
  }
  hdr.push_back(static_cast<char>(h.epoch.size()));
  hdr += h.epoch;
  PutU64(&hdr, h.cursor);
  PutU64(&hdr, h.record_count);
  PutU64(&hdr, static_cast<uint64_t>(h.created_ms));
  std::string out(kMagic, sizeof(kMagic));
  PutU32(&out, kVersion);
  PutU32(&out, static_cast<uint32_t>(hdr.size()));
  return out + hdr;
}

Result<uint32_t> DecodePreamble(std::string_view p) {
  if (p.size() < kPreambleBytes || std::memcmp(p.data(), kMagic, sizeof(kMagic)) != 0)
    return Status::DataLoss(
        "ce fichier n'est pas un instantané Relais Santé (signature de format absente)");
  const uint32_t version = GetU32(p.data() + 8);
  if (version != kVersion)
    return Status::FailedPrecondition(
        "instantané de format " + std::to_string(version) +
        " non pris en charge (format 1 attendu): mettez à jour Relais Santé ou "
        "refaites l'instantané avec ce hub");
  const uint32_t len = GetU32(p.data() + 12);
  if (len == 0 || len > kMaxHeaderBytes) return Bad("longueur d'en-tête hors bornes");
  return len;
}

Result<Header> DecodeHeader(std::string_view bytes) {
  Cursor c(bytes);
  Header h;
  uint8_t comp = 0, nsites = 0, len = 0;
  if (!c.U8(&comp)) return Bad("en-tête tronqué");
  h.compression = static_cast<Compression>(comp);
  if (!c.U8(&nsites)) return Bad("en-tête tronqué");
  for (int i = 0; i < nsites; ++i) {
    std::string s;
    if (!c.U8(&len) || !c.Bytes(len, &s)) return Bad("liste des sites tronquée");
    h.sites.push_back(std::move(s));
  }
  uint64_t created = 0;
  if (!c.U8(&len) || !c.Bytes(len, &h.epoch) || !c.U64(&h.cursor) ||
      !c.U64(&h.record_count) || !c.U64(&created))
    return Bad("en-tête tronqué");
  h.created_ms = static_cast<int64_t>(created);
  if (!c.AtEnd()) return Bad("octets en trop dans l'en-tête");
  if (Status st = CheckHeader(h); !st.ok()) return Bad(st.message());
  return h;
}

}  // namespace relais::common::snapshot
