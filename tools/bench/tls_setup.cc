#include "tools/bench/tls_setup.h"

#include <cstdlib>
#include <fstream>
#include <vector>

namespace relais::server::bench {

common::Result<TlsFiles> MakeTlsFiles(const std::string& dir) {
  TlsFiles f{dir + "/ca.pem", dir + "/hub.pem", dir + "/hub.key"};
  {
    std::ofstream ext(dir + "/hub.ext");
    ext << "subjectAltName=DNS:hub.bench.local,IP:127.0.0.1\n"
           "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n";
    if (!ext)
      return common::Status::Internal("écriture impossible: " + dir +
                                      "/hub.ext");
  }
  const std::string ec =
      " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  const std::vector<std::string> cmds = {
      "openssl req -x509" + ec + " -keyout '" + dir + "/ca.key' -out '" +
          f.ca_pem + "' -days 2 -subj '/CN=relais-bench CA'",
      "openssl req" + ec + " -keyout '" + f.hub_key + "' -out '" + dir +
          "/hub.csr' -subj '/CN=hub.bench.local'",
      "openssl x509 -req -in '" + dir + "/hub.csr' -CA '" + f.ca_pem +
          "' -CAkey '" + dir + "/ca.key' -CAcreateserial -out '" + f.hub_pem +
          "' -days 2 -extfile '" + dir + "/hub.ext'"};
  for (const std::string& c : cmds) {
    const std::string full = c + " >>'" + dir + "/openssl.log' 2>&1";
    if (std::system(full.c_str()) != 0)
      return common::Status::Internal("échec de la commande: " + c + " (voir " +
                                      dir + "/openssl.log)");
  }
  return f;
}

}  // namespace relais::server::bench
