#include "common/peer/pki.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/model/validate.h"

namespace relais::peer {

using common::Result;
using common::Status;

namespace {

struct Free {
  void operator()(X509* p) const { X509_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
  void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
};
template <typename T>
using Ptr = std::unique_ptr<T, Free>;

Status SslError(const std::string& what) {
  return Status::Internal("OpenSSL: " + what);
}

Result<std::string> ToPem(X509* cert) {
  Ptr<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return SslError("écriture du certificat");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

Result<std::string> KeyToPem(EVP_PKEY* key) {
  Ptr<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return SslError("écriture de la clé");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

Result<Ptr<X509>> ParseCert(const std::string& pem) {
  if (pem.size() > kMaxPemBytes) return Status::InvalidArgument("certificat trop volumineux");
  Ptr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Ptr<X509> cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) return Status::InvalidArgument("certificat illisible (PEM X.509 attendu)");
  return cert;
}

Result<Ptr<EVP_PKEY>> ParseKey(const std::string& pem) {
  if (pem.size() > kMaxPemBytes) return Status::InvalidArgument("clé trop volumineuse");
  Ptr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Ptr<EVP_PKEY> key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                        : nullptr);
  if (!key) return Status::InvalidArgument("clé privée illisible (PEM attendu)");
  return key;
}

Result<Ptr<EVP_PKEY>> NewKey() {
  Ptr<EVP_PKEY> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return SslError("génération de clé");
  return key;
}

// Every entry of `nid` in `name`, as UTF-8.
std::vector<std::string> Entries(X509_NAME* name, int nid) {
  std::vector<std::string> out;
  int pos = -1;
  while ((pos = X509_NAME_get_index_by_NID(name, nid, pos)) >= 0) {
    X509_NAME_ENTRY* e = X509_NAME_get_entry(name, pos);
    unsigned char* utf8 = nullptr;
    const int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
    if (n >= 0) out.emplace_back(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
    OPENSSL_free(utf8);
  }
  return out;
}

Status AddEntry(X509_NAME* name, const char* field, const std::string& value) {
  if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(value.data()),
                                 static_cast<int>(value.size()), -1, 0) != 1)
    return SslError("nom du certificat");
  return Status::OK();
}

Status AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Ptr<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) return SslError("extension X.509");
  return Status::OK();
}

// A certificate skeleton: v3, random serial, validity, subject and key.
Result<Ptr<X509>> NewCert(EVP_PKEY* key, const Validity& v) {
  Ptr<X509> cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) return SslError("certificat");
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return SslError("numéro de série");
  serial[0] &= 0x7f;  // positive
  Ptr<BIGNUM> bn(BN_bin2bn(serial, sizeof serial, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())))
    return SslError("numéro de série");
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(v.not_before_s)) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(v.not_after_s)))
    return SslError("validité");
  if (X509_set_pubkey(cert.get(), key) != 1) return SslError("clé publique");
  return cert;
}

Status CheckOrg(const std::string& org) {
  if (!common::IsValidSiteId(org))
    return Status::InvalidArgument("identifiant d'organisation invalide: '" + org + "'");
  return Status::OK();
}

}  // namespace

Result<KeyAndCert> MakeCa(const std::string& org, const Validity& validity) {
  RELAIS_RETURN_IF_ERROR(CheckOrg(org));
  RELAIS_ASSIGN_OR_RETURN(Ptr<EVP_PKEY> key, NewKey());
  RELAIS_ASSIGN_OR_RETURN(Ptr<X509> cert, NewCert(key.get(), validity));
  X509_NAME* name = X509_get_subject_name(cert.get());
  RELAIS_RETURN_IF_ERROR(AddEntry(name, "O", org));
  RELAIS_RETURN_IF_ERROR(AddEntry(name, "CN", "Relais Santé autorité " + org));
  if (X509_set_issuer_name(cert.get(), name) != 1) return SslError("émetteur");
  RELAIS_RETURN_IF_ERROR(AddExt(cert.get(), cert.get(), NID_basic_constraints,
                                "critical,CA:TRUE,pathlen:0"));
  RELAIS_RETURN_IF_ERROR(
      AddExt(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign"));
  RELAIS_RETURN_IF_ERROR(AddExt(cert.get(), cert.get(), NID_subject_key_identifier, "hash"));
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return SslError("signature");
  KeyAndCert out;
  RELAIS_ASSIGN_OR_RETURN(out.key_pem, KeyToPem(key.get()));
  RELAIS_ASSIGN_OR_RETURN(out.cert_pem, ToPem(cert.get()));
  return out;
}

Result<std::string> CaOrg(const std::string& ca_cert_pem) {
  RELAIS_ASSIGN_OR_RETURN(Ptr<X509> ca, ParseCert(ca_cert_pem));
  std::vector<std::string> orgs = Entries(X509_get_subject_name(ca.get()), NID_organizationName);
  if (orgs.size() != 1 || !CheckOrg(orgs[0]).ok())
    return Status::InvalidArgument("certificat d'autorité sans organisation valide");
  return orgs[0];
}

Result<KeyAndCert> IssueReplicaCert(const KeyAndCert& ca, const CertIdentity& id,
                                    const Validity& validity) {
  RELAIS_RETURN_IF_ERROR(CheckOrg(id.org));
  if (!common::IsValidReplicaId(id.replica_id))
    return Status::InvalidArgument("identifiant de réplique invalide: '" + id.replica_id + "'");
  if (id.sites.empty() || id.sites.size() > kMaxCertSites)
    return Status::InvalidArgument("portée de la réplique vide ou trop grande");
  for (const std::string& s : id.sites)
    if (!common::IsValidSiteId(s)) return Status::InvalidArgument("site invalide: '" + s + "'");
  RELAIS_ASSIGN_OR_RETURN(std::string ca_org, CaOrg(ca.cert_pem));
  if (ca_org != id.org)
    return Status::InvalidArgument("cette autorité est celle de l'organisation « " + ca_org +
                                   " », la réplique est de « " + id.org + " »");
  RELAIS_ASSIGN_OR_RETURN(Ptr<X509> ca_cert, ParseCert(ca.cert_pem));
  RELAIS_ASSIGN_OR_RETURN(Ptr<EVP_PKEY> ca_key, ParseKey(ca.key_pem));
  if (X509_check_private_key(ca_cert.get(), ca_key.get()) != 1)
    return Status::InvalidArgument("ca.key ne correspond pas à ca.crt");
  RELAIS_ASSIGN_OR_RETURN(Ptr<EVP_PKEY> key, NewKey());
  RELAIS_ASSIGN_OR_RETURN(Ptr<X509> cert, NewCert(key.get(), validity));
  X509_NAME* name = X509_get_subject_name(cert.get());
  RELAIS_RETURN_IF_ERROR(AddEntry(name, "O", id.org));
  std::vector<std::string> sites = id.sites;
  std::sort(sites.begin(), sites.end());
  for (const std::string& s : sites) RELAIS_RETURN_IF_ERROR(AddEntry(name, "OU", s));
  RELAIS_RETURN_IF_ERROR(AddEntry(name, "CN", id.replica_id));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get())) != 1)
    return SslError("émetteur");
  RELAIS_RETURN_IF_ERROR(AddExt(cert.get(), ca_cert.get(), NID_basic_constraints,
                                "critical,CA:FALSE"));
  RELAIS_RETURN_IF_ERROR(AddExt(cert.get(), ca_cert.get(), NID_key_usage,
                                "critical,digitalSignature,keyAgreement"));
  RELAIS_RETURN_IF_ERROR(
      AddExt(cert.get(), ca_cert.get(), NID_ext_key_usage, "serverAuth,clientAuth"));
  const std::string san = std::string("DNS:") + kPeerTlsName;
  RELAIS_RETURN_IF_ERROR(AddExt(cert.get(), ca_cert.get(), NID_subject_alt_name, san.c_str()));
  RELAIS_RETURN_IF_ERROR(
      AddExt(cert.get(), ca_cert.get(), NID_authority_key_identifier, "keyid:always"));
  if (X509_sign(cert.get(), ca_key.get(), EVP_sha256()) == 0) return SslError("signature");
  KeyAndCert out;
  RELAIS_ASSIGN_OR_RETURN(out.key_pem, KeyToPem(key.get()));
  RELAIS_ASSIGN_OR_RETURN(out.cert_pem, ToPem(cert.get()));
  return out;
}

Result<CertIdentity> VerifyReplicaCert(const std::string& ca_cert_pem,
                                       const std::string& cert_pem, int64_t now_s) {
  RELAIS_ASSIGN_OR_RETURN(Ptr<X509> ca, ParseCert(ca_cert_pem));
  RELAIS_ASSIGN_OR_RETURN(Ptr<X509> cert, ParseCert(cert_pem));
  Ptr<X509_STORE> store(X509_STORE_new());
  Ptr<X509_STORE_CTX> ctx(X509_STORE_CTX_new());
  if (!store || !ctx || X509_STORE_add_cert(store.get(), ca.get()) != 1 ||
      X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr) != 1)
    return SslError("vérification");
  X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(now_s));
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT);
  if (X509_verify_cert(ctx.get()) != 1) {
    const int err = X509_STORE_CTX_get_error(ctx.get());
    std::string why;
    switch (err) {
      case X509_V_ERR_CERT_HAS_EXPIRED:
        why = "certificat expiré (relais pki issue en donne un nouveau)";
        break;
      case X509_V_ERR_CERT_NOT_YET_VALID:
        why = "certificat pas encore valide (date et heure de ce poste ?)";
        break;
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
      case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        why = "certificat non délivré par l'autorité de cette maison";
        break;
      default:
        why = std::string("certificat refusé: ") + X509_verify_cert_error_string(err);
    }
    return Status::PermissionDenied(why);
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  std::vector<std::string> orgs = Entries(name, NID_organizationName);
  std::vector<std::string> cns = Entries(name, NID_commonName);
  CertIdentity id;
  id.sites = Entries(name, NID_organizationalUnitName);
  if (orgs.size() != 1 || cns.size() != 1 || id.sites.empty() ||
      id.sites.size() > kMaxCertSites)
    return Status::InvalidArgument("certificat de réplique mal formé (O, CN, OU)");
  id.org = orgs[0];
  id.replica_id = cns[0];
  RELAIS_RETURN_IF_ERROR(CheckOrg(id.org));
  if (!common::IsValidReplicaId(id.replica_id))
    return Status::InvalidArgument("certificat: identifiant de réplique invalide");
  for (const std::string& s : id.sites)
    if (!common::IsValidSiteId(s)) return Status::InvalidArgument("certificat: site invalide");
  std::sort(id.sites.begin(), id.sites.end());
  RELAIS_ASSIGN_OR_RETURN(std::string ca_org, CaOrg(ca_cert_pem));
  if (ca_org != id.org)
    return Status::PermissionDenied("certificat de l'organisation « " + id.org +
                                    " », autorité de « " + ca_org + " »");
  return id;
}

Status WritePrivateFile(const std::string& path, const std::string& body) {
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Internal("impossible d'écrire " + path);
  bool ok = ::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size());
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::Internal("impossible d'écrire " + path);
  }
  return Status::OK();
}

Result<std::string> ReadPemFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("fichier introuvable: " + path);
  std::string body(kMaxPemBytes + 1, '\0');
  in.read(body.data(), static_cast<std::streamsize>(body.size()));
  body.resize(static_cast<size_t>(in.gcount()));
  if (body.size() > kMaxPemBytes) return Status::InvalidArgument("fichier trop gros: " + path);
  return body;
}

Status InitCaDir(const std::string& dir, const std::string& org) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Internal("impossible de créer " + dir);
  (void)::chmod(dir.c_str(), 0700);
  const std::string key_path = dir + "/" + kCaKeyFile;
  const std::string cert_path = dir + "/" + kCaCertFile;
  if (fs::exists(key_path) || fs::exists(cert_path))
    return Status::AlreadyExists("une autorité existe déjà dans " + dir +
                                 " (jamais remplacée: les certificats délivrés en dépendent)");
  RELAIS_ASSIGN_OR_RETURN(KeyAndCert ca, MakeCa(org));
  RELAIS_RETURN_IF_ERROR(WritePrivateFile(key_path, ca.key_pem));
  return WritePrivateFile(cert_path, ca.cert_pem);
}

Result<KeyAndCert> LoadCa(const std::string& dir, bool need_key) {
  KeyAndCert ca;
  RELAIS_ASSIGN_OR_RETURN(ca.cert_pem, ReadPemFile(dir + "/" + kCaCertFile));
  if (need_key) {
    RELAIS_ASSIGN_OR_RETURN(ca.key_pem, ReadPemFile(dir + "/" + kCaKeyFile));
  }
  return ca;
}

}  // namespace relais::peer
