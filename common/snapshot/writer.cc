#include "common/snapshot/writer.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/convert/convert.h"

namespace relais::common::snapshot {

namespace {

constexpr size_t kFlushBytes = 256 << 10;

std::string BodyPath(const std::string& out) { return out + ".corps"; }
std::string TmpPath(const std::string& out) { return out + ".tmp"; }

Result<std::FILE*> OpenPrivate(const std::string& path, const char* mode) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return Status::FailedPrecondition("impossible d'écrire " + path + ": " +
                                      std::strerror(errno));
  std::FILE* f = ::fdopen(fd, mode);
  if (!f) {
    ::close(fd);
    return Status::Internal("fdopen " + path);
  }
  return f;
}

Status WriteAll(std::FILE* f, const void* p, size_t n, const std::string& path) {
  if (n > 0 && std::fwrite(p, 1, n, f) != n)
    return Status::ResourceExhausted("écriture de " + path + " impossible (disque plein ?)");
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<Writer>> Writer::Create(const std::string& out_path,
                                               Compression compression) {
  std::unique_ptr<Writer> w(new Writer(out_path, compression));
  RELAIS_ASSIGN_OR_RETURN(w->body_, OpenPrivate(BodyPath(out_path), "w+b"));
  if (compression == Compression::kZstd) {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    if (!cctx) return Status::Internal("zstd: contexte de compression");
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 3);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    w->zstd_ = cctx;
  }
  return w;
}

Writer::~Writer() {
  if (zstd_) ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(zstd_));
  if (body_) std::fclose(body_);
  ::unlink(BodyPath(out_).c_str());
  if (!finished_) ::unlink(TmpPath(out_).c_str());
}

Status Writer::Emit(const std::string& bytes, bool end) {
  if (!zstd_) return WriteAll(body_, bytes.data(), bytes.size(), BodyPath(out_));
  auto* cctx = static_cast<ZSTD_CCtx*>(zstd_);
  std::vector<char> out(ZSTD_CStreamOutSize());
  ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
  for (;;) {
    ZSTD_outBuffer o{out.data(), out.size(), 0};
    const size_t rest =
        ZSTD_compressStream2(cctx, &o, &in, end ? ZSTD_e_end : ZSTD_e_continue);
    if (ZSTD_isError(rest))
      return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(rest));
    RELAIS_RETURN_IF_ERROR(WriteAll(body_, out.data(), o.pos, BodyPath(out_)));
    if (end ? rest == 0 : in.pos == in.size) return Status::OK();
  }
}

Status Writer::Add(const Record& r) {
  if (r.partial) return Status::InvalidArgument("état partiel refusé dans un instantané");
  const std::string bytes = EncodeRecord(r);
  if (bytes.empty() || bytes.size() > kMaxRecordBytes)
    return Status::InvalidArgument("enregistrement " + r.id + " trop grand pour un instantané");
  if (count_ >= kMaxRecords)
    return Status::ResourceExhausted("plus de 50 000 000 enregistrements: découpez par site");
  PutU32(&pending_, static_cast<uint32_t>(bytes.size()));
  pending_ += bytes;
  ++count_;
  if (pending_.size() >= kFlushBytes) {
    RELAIS_RETURN_IF_ERROR(Emit(pending_, false));
    pending_.clear();
  }
  return Status::OK();
}

Status Writer::Finish(Header header, const SigningKey& key) {
  RELAIS_RETURN_IF_ERROR(InitSodium());
  RELAIS_RETURN_IF_ERROR(Emit(pending_, /*end=*/true));
  pending_.clear();
  if (std::fflush(body_) != 0)
    return Status::ResourceExhausted("écriture de " + BodyPath(out_) + " impossible");
  header.compression = compression_;
  header.record_count = count_;
  RELAIS_RETURN_IF_ERROR(CheckHeader(header));
  const std::string tmp = TmpPath(out_);
  RELAIS_ASSIGN_OR_RETURN(std::FILE* f, OpenPrivate(tmp, "wb"));
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(f, std::fclose);
  crypto_sign_state state;
  crypto_sign_init(&state);
  const std::string head = EncodePreambleAndHeader(header);
  crypto_sign_update(&state, reinterpret_cast<const unsigned char*>(head.data()), head.size());
  RELAIS_RETURN_IF_ERROR(WriteAll(f, head.data(), head.size(), tmp));
  std::rewind(body_);
  std::vector<unsigned char> buf(1 << 20);
  for (;;) {
    const size_t n = std::fread(buf.data(), 1, buf.size(), body_);
    if (n == 0) break;
    crypto_sign_update(&state, buf.data(), n);
    RELAIS_RETURN_IF_ERROR(WriteAll(f, buf.data(), n, tmp));
  }
  if (std::ferror(body_)) return Status::Internal("relecture de " + BodyPath(out_));
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_final_create(&state, sig, nullptr, key.secret.data());
  RELAIS_RETURN_IF_ERROR(WriteAll(f, sig, sizeof(sig), tmp));
  if (std::fflush(f) != 0 || ::fsync(::fileno(f)) != 0)
    return Status::ResourceExhausted("écriture de " + tmp + " impossible (disque plein ?)");
  closer.reset();
  if (::rename(tmp.c_str(), out_.c_str()) != 0)
    return Status::Internal("renommage de " + tmp + " en " + out_ + ": " + std::strerror(errno));
  finished_ = true;
  return Status::OK();
}

}  // namespace relais::common::snapshot
