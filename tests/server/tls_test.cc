// TLS between relais sync and the hub, with a CA and a server certificate
// made at test time by the openssl command (as docs/protocol.md shows).
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/server/hub_fixture.h"

namespace relais::server::testing {

using relais::sync::SyncOptions;
using relais::sync::SyncOnce;
namespace {

using common::StatusCode;

// Makes ca.pem, server.pem and server.key (CN/SAN localhost, 127.0.0.1) in
// `dir`. Returns false if openssl failed.
bool MakeCerts(const std::string& dir) {
  const std::string cmd =
      "cd '" + dir + "' && "
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
      " -keyout ca.key -out ca.pem -days 2 -subj '/CN=Relais Test CA' && "
      "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
      " -keyout server.key -out server.csr -subj '/CN=localhost' && "
      "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n"
      "basicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n' > ext.cnf && "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
      " -out server.pem -days 2 -extfile ext.cnf && "
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
      " -keyout other.key -out other-ca.pem -days 2 -subj '/CN=Other CA'"
      " >/dev/null 2>&1";
  return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0;
}

using TlsTest = HubFixture;

TEST_F(TlsTest, SyncOverTlsWithTheHouseCa) {
  ASSERT_TRUE(MakeCerts(dir_.path())) << "openssl failed";
  StopHub();
  StartHub(ServerOptions{"127.0.0.1:0", dir_.File("server.pem"),
                         dir_.File("server.key"), 16 << 20});
  EXPECT_FALSE(running_.plaintext);
  const std::string ta = Enroll({"S1"});
  auto a = NewReplica("a.db", "S1");
  ASSERT_OK(a->AddPractitioner("p1", "Dr Martin", "medecin"));

  SyncOptions o = Options(ta);
  o.deadline_ms = 3000;
  // Plain text against a TLS hub fails, as does a foreign CA.
  EXPECT_EQ(SyncOnce(*a, o).status().code(), StatusCode::kUnavailable);
  o.ca_file = dir_.File("other-ca.pem");
  EXPECT_EQ(SyncOnce(*a, o).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(*a->PendingCount(), 1);

  o.ca_file = dir_.File("ca.pem");
  auto r = SyncOnce(*a, o);
  ASSERT_OK(r);
  EXPECT_EQ(r->pushed, 1);
  EXPECT_EQ(*a->PendingCount(), 0);
}

TEST_F(TlsTest, PlainTextOnlyOnLoopback) {
  HubService service(*store_, *common::SystemClock::Default());
  auto r = StartHubServer(&service, ServerOptions{"0.0.0.0:0", "", "", 1 << 20});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  auto half = StartHubServer(&service, ServerOptions{"127.0.0.1:0", "cert.pem", "", 1 << 20});
  EXPECT_EQ(half.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(net::IsLoopbackAddress("127.0.0.1:5"));
  EXPECT_TRUE(net::IsLoopbackAddress("[::1]:5"));
  EXPECT_TRUE(net::IsLoopbackAddress("localhost:5"));
  EXPECT_FALSE(net::IsLoopbackAddress("10.0.0.1:5"));
  EXPECT_FALSE(net::IsLoopbackAddress("127.example.org:5"));
}

}  // namespace
}  // namespace relais::server::testing
