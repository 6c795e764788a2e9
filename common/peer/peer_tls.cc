#include "common/peer/peer_tls.h"

#include <algorithm>

namespace relais::peer {

using common::Result;
using common::Status;

Result<PeerTls> LoadPeerTls(const std::string& pki_dir, const std::string& db_path,
                            common::Replica& replica) {
  PeerTls tls;
  RELAIS_ASSIGN_OR_RETURN(KeyAndCert ca, LoadCa(pki_dir, /*need_key=*/false));
  tls.ca_pem = std::move(ca.cert_pem);
  auto cert = ReadPemFile(db_path + kReplicaCertSuffix);
  auto key = ReadPemFile(db_path + kReplicaKeySuffix);
  if (!cert.ok() || !key.ok())
    return Status::FailedPrecondition("certificat de la réplique absent (" + db_path +
                                      kReplicaCertSuffix + "): lancez relais pki issue --dir " +
                                      pki_dir + " --replica-db " + db_path);
  tls.cert_pem = std::move(cert).value();
  tls.key_pem = std::move(key).value();
  RELAIS_RETURN_IF_ERROR(CheckOwnTls(tls, replica, replica.clock()->NowMillis() / 1000));
  return tls;
}

Status CheckOwnTls(const PeerTls& tls, common::Replica& replica, int64_t now_s) {
  auto id = VerifyReplicaCert(tls.ca_pem, tls.cert_pem, now_s);
  if (!id.ok())
    return Status::FailedPrecondition("certificat de cette réplique inutilisable: " +
                                      id.status().message());
  if (id->replica_id != replica.replica_id() || id->org != replica.org_id())
    return Status::FailedPrecondition(
        "le certificat est celui de la réplique " + id->replica_id + " (" + id->org +
        "), pas de celle-ci (" + replica.replica_id() + ", " + replica.org_id() +
        "): relancez relais pki issue");
  std::vector<std::string> scope = replica.scope();
  std::sort(scope.begin(), scope.end());
  if (id->sites != scope)
    return Status::FailedPrecondition(
        "la portée du certificat (" + common::Replica::JoinScope(id->sites) +
        ") n'est plus celle de la réplique (" + common::Replica::JoinScope(scope) +
        "): relancez relais pki issue");
  return Status::OK();
}

Result<CertIdentity> IdentifyPeer(const PeerTls& tls, common::Replica& replica,
                                  const std::string& peer_pem, int64_t now_s) {
  if (peer_pem.empty())
    return Status::PermissionDenied("pair sans certificat (TLS mutuel exigé)");
  RELAIS_ASSIGN_OR_RETURN(CertIdentity id, VerifyReplicaCert(tls.ca_pem, peer_pem, now_s));
  if (id.org != replica.org_id())
    return Status::PermissionDenied("pair de l'organisation « " + id.org +
                                    " », cette réplique est de « " + replica.org_id() + " »");
  if (id.replica_id == replica.replica_id())
    return Status::PermissionDenied("le pair présente le certificat de cette réplique");
  // Its sites are the organisation's: the house CA signed them. Records
  // are exchanged only for the sites both replicas hold (peer_apply.h).
  return id;
}

}  // namespace relais::peer
