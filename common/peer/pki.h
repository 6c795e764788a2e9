#pragma once
// House PKI for LAN sync between replicas of one organisation (issue #17).
//
// A house CA (`relais pki init --dir D --org O`) is an EC P-256 key and a
// self-signed X.509 certificate (subject O=<org>, CN=« Relais Santé
// autorité <org> », CA:TRUE). `relais pki issue --dir D --replica-db F`
// gives the replica of F a key and a certificate signed by that CA whose
// subject names the organisation (O), the replica id (CN) and each site
// of its scope (one OU per site), with the DNS name kPeerTlsName (what
// peers check at the TLS handshake, as the replica is reached by IP).
//
// Everything is done with OpenSSL's X.509 and EVP APIs; no hand-written
// crypto. Files are written 0600 (private keys and certificates alike).
// Errors: INVALID_ARGUMENT (bad org/replica id, wrong organisation),
// ALREADY_EXISTS (a CA is already in D), NOT_FOUND / INTERNAL for files,
// PERMISSION_DENIED for a certificate that does not verify (French message
// naming the cause: other authority, expired, not yet valid).

#include <cstdint>
#include <string>
#include <vector>

#include "common/util/status.h"

namespace relais::peer {

// The DNS name in every replica certificate; clients check it.
inline constexpr char kPeerTlsName[] = "relais-peer";
// File names inside a PKI directory, and beside a replica file.
inline constexpr char kCaKeyFile[] = "ca.key";
inline constexpr char kCaCertFile[] = "ca.crt";
// "<replica db>" + these suffixes.
inline constexpr char kReplicaCertSuffix[] = ".pair.crt";
inline constexpr char kReplicaKeySuffix[] = ".pair.key";
// Bounds on what a certificate may name (checked when parsing).
inline constexpr size_t kMaxCertSites = 64;
inline constexpr size_t kMaxPemBytes = 64 * 1024;

// What a verified replica certificate says.
struct CertIdentity {
  std::string org;
  std::string replica_id;
  std::vector<std::string> sites;  // sorted
};

struct KeyAndCert {
  std::string key_pem;
  std::string cert_pem;
};

// Validity of a certificate: [now + not_before_s, now + not_after_s].
// Negative values make already-expired certificates (tests).
struct Validity {
  int64_t not_before_s = -300;  // tolerate small clock differences
  int64_t not_after_s = int64_t{3} * 365 * 86400;
};

// A new CA for `org`. Pure: writes nothing.
common::Result<KeyAndCert> MakeCa(const std::string& org,
                                  const Validity& validity = Validity{
                                      -300, int64_t{20} * 365 * 86400});
// Writes MakeCa(org) into `dir` (created 0700 if missing) as ca.key and
// ca.crt, 0600. ALREADY_EXISTS if `dir` already holds a CA (never replaced).
common::Status InitCaDir(const std::string& dir, const std::string& org);

// A certificate for `id`, signed by the CA (key and cert PEM). Checks that
// the CA is the organisation's: INVALID_ARGUMENT otherwise.
common::Result<KeyAndCert> IssueReplicaCert(const KeyAndCert& ca, const CertIdentity& id,
                                            const Validity& validity = Validity{});

// Reads ca.key and ca.crt of `dir` (ca.key may be absent when `need_key`
// is false: a house machine holds only ca.crt).
common::Result<KeyAndCert> LoadCa(const std::string& dir, bool need_key);

// Subject of a CA certificate: its organisation (O).
common::Result<std::string> CaOrg(const std::string& ca_cert_pem);

// Verifies `cert_pem` against the CA at time `now_s` (seconds since the
// epoch) and returns what it names. PERMISSION_DENIED with the cause in
// French when it does not verify, INVALID_ARGUMENT when unparsable or when
// its names break the bounds (org / replica id / sites).
common::Result<CertIdentity> VerifyReplicaCert(const std::string& ca_cert_pem,
                                               const std::string& cert_pem, int64_t now_s);

// Writes `body` to `path` 0600 (replacing a file atomically).
common::Status WritePrivateFile(const std::string& path, const std::string& body);
// Reads a PEM file (at most kMaxPemBytes).
common::Result<std::string> ReadPemFile(const std::string& path);

}  // namespace relais::peer
