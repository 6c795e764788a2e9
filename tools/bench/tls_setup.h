#pragma once
// relais-bench's TLS material: a throwaway CA and a hub certificate made
// with the openssl CLI (the commands of docs/protocol.md, "TLS for a house
// network") in the bench's temporary directory. The hub certificate is valid
// for DNS:hub.bench.local and IP:127.0.0.1, so clients check it against the
// loopback address they dial, through the proxy or not.

#include <string>

#include "common/util/status.h"

namespace relais::server::bench {

struct TlsFiles {
  std::string ca_pem;   // give to SyncOptions::ca_file
  std::string hub_pem;  // relais-hub --tls-cert
  std::string hub_key;  // relais-hub --tls-key
};

// Writes ca.pem, ca.key, hub.pem, hub.key into `dir` (which must exist).
// Fails with the openssl command that failed (its output is in
// dir/openssl.log).
common::Result<TlsFiles> MakeTlsFiles(const std::string& dir);

}  // namespace relais::server::bench
