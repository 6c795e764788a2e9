#include "common/snapshot/reader.h"

#include <sodium.h>
#include <sys/stat.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/convert/convert.h"

namespace relais::common::snapshot {

namespace {

constexpr size_t kChunk = 64 << 10;
// zstd window cap: the writer's level-3 frames need far less; a frame that
// asks for more is refused instead of allocated.
constexpr int kMaxWindowLog = 23;

Status Truncated() {
  return Status::DataLoss(
      "instantané tronqué (copie incomplète ?): recopiez le fichier depuis le hub");
}
Status Trailing() {
  return Status::DataLoss("instantané malformé: données en trop après le dernier enregistrement");
}

Status ReadExactly(std::FILE* f, void* p, size_t n) {
  if (n > 0 && std::fread(p, 1, n, f) != n) return Truncated();
  return Status::OK();
}

using FilePtr = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

Result<FilePtr> OpenFile(const std::string& path, uint64_t* size) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f)
    return Status::NotFound("instantané " + path + " illisible: " + std::strerror(errno));
  FilePtr file(f, std::fclose);
  struct stat st {};
  if (::fstat(::fileno(f), &st) != 0 || !S_ISREG(st.st_mode))
    return Status::InvalidArgument(path + " n'est pas un fichier ordinaire");
  *size = static_cast<uint64_t>(st.st_size);
  return file;
}

}  // namespace

std::string DigestHex(const Digest& d) {
  char hex[2 * 32 + 1];
  sodium_bin2hex(hex, sizeof(hex), d.data(), d.size());
  return hex;
}

Result<Verified> VerifyFile(const std::string& path, const PublicKey& key) {
  RELAIS_RETURN_IF_ERROR(InitSodium());
  Verified v;
  RELAIS_ASSIGN_OR_RETURN(FilePtr file, OpenFile(path, &v.file_size));
  std::FILE* f = file.get();
  std::string head(kPreambleBytes, '\0');
  const size_t got = std::fread(head.data(), 1, head.size(), f);
  if (got < sizeof(kMagic) || std::memcmp(head.data(), kMagic, sizeof(kMagic)) != 0)
    return DecodePreamble(std::string_view(head.data(), got)).status();
  if (got < kPreambleBytes) return Truncated();
  RELAIS_ASSIGN_OR_RETURN(uint32_t header_len, DecodePreamble(head));
  v.body_offset = kPreambleBytes + header_len;
  if (v.file_size < v.body_offset + kSignatureBytes) return Truncated();
  head.resize(v.body_offset);
  RELAIS_RETURN_IF_ERROR(ReadExactly(f, head.data() + kPreambleBytes, header_len));

  crypto_sign_state sign;
  crypto_sign_init(&sign);
  crypto_generichash_state hash;
  crypto_generichash_init(&hash, nullptr, 0, v.digest.size());
  const auto* hp = reinterpret_cast<const unsigned char*>(head.data());
  crypto_sign_update(&sign, hp, head.size());
  crypto_generichash_update(&hash, hp, head.size());
  uint64_t left = v.file_size - kSignatureBytes - v.body_offset;
  std::vector<unsigned char> buf(kChunk);
  while (left > 0) {
    const size_t n = left < buf.size() ? static_cast<size_t>(left) : buf.size();
    RELAIS_RETURN_IF_ERROR(ReadExactly(f, buf.data(), n));
    crypto_sign_update(&sign, buf.data(), n);
    crypto_generichash_update(&hash, buf.data(), n);
    left -= n;
  }
  unsigned char sig[kSignatureBytes];
  RELAIS_RETURN_IF_ERROR(ReadExactly(f, sig, sizeof(sig)));
  crypto_generichash_update(&hash, sig, sizeof(sig));
  crypto_generichash_final(&hash, v.digest.data(), v.digest.size());
  if (crypto_sign_final_verify(&sign, sig, key.data()) != 0)
    return Status::Unauthenticated(
        "signature de l'instantané invalide: fichier modifié ou abîmé, ou signé par un "
        "autre hub que celui de la clé publique donnée; rien n'a été chargé. Vérifiez "
        "--hub-key (relais-hub snapshot-key --print-public) et recopiez le fichier");
  RELAIS_ASSIGN_OR_RETURN(v.header,
                          DecodeHeader(std::string_view(head).substr(kPreambleBytes)));
  return v;
}

Result<std::unique_ptr<Reader>> Reader::Open(const std::string& path, const Verified& v) {
  std::unique_ptr<Reader> r(new Reader(v));
  uint64_t size = 0;
  RELAIS_ASSIGN_OR_RETURN(FilePtr file, OpenFile(path, &size));
  if (size != v.file_size)
    return Status::DataLoss("l'instantané a changé depuis sa vérification: recommencez");
  r->f_ = file.release();
  auto* hash = new crypto_generichash_state;
  crypto_generichash_init(hash, nullptr, 0, v.digest.size());
  r->hash_ = hash;
  std::string head(v.body_offset, '\0');
  RELAIS_RETURN_IF_ERROR(ReadExactly(r->f_, head.data(), head.size()));
  crypto_generichash_update(hash, reinterpret_cast<const unsigned char*>(head.data()),
                            head.size());
  r->raw_left_ = v.file_size - kSignatureBytes - v.body_offset;
  if (v.header.compression == Compression::kZstd) {
    ZSTD_DCtx* d = ZSTD_createDCtx();
    if (!d) return Status::Internal("zstd: contexte de décompression");
    ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, kMaxWindowLog);
    r->zstd_ = d;
  }
  return r;
}

Reader::~Reader() {
  if (zstd_) ZSTD_freeDCtx(static_cast<ZSTD_DCtx*>(zstd_));
  delete static_cast<crypto_generichash_state*>(hash_);
  if (f_) std::fclose(f_);
}

Status Reader::ReadRaw(size_t max, std::string* out) {
  const size_t n = raw_left_ < max ? static_cast<size_t>(raw_left_) : max;
  const size_t old = out->size();
  out->resize(old + n);
  RELAIS_RETURN_IF_ERROR(ReadExactly(f_, out->data() + old, n));
  crypto_generichash_update(static_cast<crypto_generichash_state*>(hash_),
                            reinterpret_cast<const unsigned char*>(out->data() + old), n);
  raw_left_ -= n;
  return Status::OK();
}

// Makes at least `n` decompressed bytes available at buf_[pos_].
Status Reader::Need(size_t n) {
  if (pos_ > 0 && pos_ >= buf_.size() / 2) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  while (buf_.size() - pos_ < n) {
    if (!zstd_) {
      if (raw_left_ == 0) return Truncated();
      RELAIS_RETURN_IF_ERROR(ReadRaw(kChunk, &buf_));
      continue;
    }
    if (frame_done_) return Truncated();
    if (raw_pos_ == raw_.size()) {
      if (raw_left_ == 0) return Truncated();
      raw_.clear();
      raw_pos_ = 0;
      RELAIS_RETURN_IF_ERROR(ReadRaw(kChunk, &raw_));
    }
    const size_t old = buf_.size();
    buf_.resize(old + ZSTD_DStreamOutSize());
    ZSTD_inBuffer in{raw_.data(), raw_.size(), raw_pos_};
    ZSTD_outBuffer out{buf_.data() + old, buf_.size() - old, 0};
    const size_t ret = ZSTD_decompressStream(static_cast<ZSTD_DCtx*>(zstd_), &out, &in);
    buf_.resize(old + out.pos);
    raw_pos_ = in.pos;
    if (ZSTD_isError(ret))
      return Status::DataLoss(std::string("instantané malformé: corps compressé illisible (") +
                              ZSTD_getErrorName(ret) + ")");
    if (ret == 0) frame_done_ = true;
  }
  return Status::OK();
}

Status Reader::Finish() {
  if (pos_ != buf_.size()) return Trailing();
  if (zstd_) {
    // The frame must end right after the last record: Need(1) either
    // produces a byte (trailing data), ends the frame, or runs out of body.
    buf_.clear();
    pos_ = 0;
    if (!frame_done_) {
      Status st = Need(1);
      if (st.ok()) return Trailing();
      if (!frame_done_) return st;
      if (buf_.size() > pos_) return Trailing();
    }
    if (raw_pos_ != raw_.size()) return Trailing();
  }
  if (raw_left_ != 0) return Trailing();
  unsigned char sig[kSignatureBytes];
  RELAIS_RETURN_IF_ERROR(ReadExactly(f_, sig, sizeof(sig)));
  auto* hash = static_cast<crypto_generichash_state*>(hash_);
  crypto_generichash_update(hash, sig, sizeof(sig));
  Digest d{};
  crypto_generichash_final(hash, d.data(), d.size());
  if (d != v_.digest)
    return Status::DataLoss("l'instantané a changé depuis sa vérification: recommencez");
  return Status::OK();
}

Result<std::optional<Record>> Reader::Next() {
  if (done_) return std::optional<Record>();
  if (read_ == v_.header.record_count) {
    RELAIS_RETURN_IF_ERROR(Finish());
    done_ = true;
    return std::optional<Record>();
  }
  RELAIS_RETURN_IF_ERROR(Need(4));
  const uint32_t len = GetU32(buf_.data() + pos_);
  if (len == 0 || len > kMaxRecordBytes)
    return Status::DataLoss("instantané malformé: longueur d'enregistrement " +
                            std::to_string(len) + " hors bornes (1 Mio au plus)");
  RELAIS_RETURN_IF_ERROR(Need(4 + static_cast<size_t>(len)));
  auto rec = DecodeRecord(std::string_view(buf_.data() + pos_ + 4, len));
  if (!rec.ok())
    return rec.status().WithContext("instantané: enregistrement n°" + std::to_string(read_ + 1));
  pos_ += 4 + static_cast<size_t>(len);
  ++read_;
  return std::optional<Record>(std::move(rec).value());
}

}  // namespace relais::common::snapshot
