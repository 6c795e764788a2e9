#pragma once
// TLS material of a replica for LAN sync: the house CA certificate, the
// replica's own certificate and key (`relais pki issue`, stored beside the
// replica file), checked against the replica before any connection.

#include <cstdint>
#include <string>

#include "common/peer/pki.h"
#include "common/replica/replica.h"
#include "common/util/status.h"

namespace relais::peer {

struct PeerTls {
  std::string ca_pem;    // trust anchor: the house CA, nothing else
  std::string cert_pem;  // this replica's certificate
  std::string key_pem;   // its private key
};

// Reads <pki_dir>/ca.crt and "<db_path>.pair.crt/.key", then CheckOwnTls.
common::Result<PeerTls> LoadPeerTls(const std::string& pki_dir, const std::string& db_path,
                                    common::Replica& replica);

// FAILED_PRECONDITION (French, with the fix) unless `tls.cert_pem` verifies
// against `tls.ca_pem` now and names this replica: its id (CN), its
// organisation (O, which must also be the CA's) and its scope (OU).
common::Status CheckOwnTls(const PeerTls& tls, common::Replica& replica, int64_t now_s);

// What the peer on the other end of a call is, from the PEM certificate
// the TLS layer verified (`peer_pem`), re-verified against the CA, and
// checked to be another replica of this replica's organisation.
// PERMISSION_DENIED otherwise.
common::Result<CertIdentity> IdentifyPeer(const PeerTls& tls, common::Replica& replica,
                                          const std::string& peer_pem, int64_t now_s);

}  // namespace relais::peer
