// The test proxy itself (office_proxy.h): an HTTP/2 preface sent after an
// http/1.1 handshake is cut, as an HTTP/1.1-only office proxy does.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "tests/sync_http/http_fixture.h"

namespace relais::server::testing {
namespace {

using OfficeProxyTest = HttpHub;

TEST_F(OfficeProxyTest, Http2PrefaceIsCut) {
  UseOfficeProxy();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(std::stoi(proxy_->Url().substr(17))));
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  const std::string connect = "CONNECT " + http_address_ + " HTTP/1.1\r\n\r\n";
  ASSERT_EQ(::send(fd, connect.data(), connect.size(), 0), static_cast<ssize_t>(connect.size()));
  char buf[256];
  const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)).rfind("HTTP/1.1 200", 0), 0u);
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  ASSERT_EQ(SSL_CTX_load_verify_locations(ctx, dir_.File("office-ca.pem").c_str(), nullptr), 1);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  static const unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_CTX_set_alpn_protos(ctx, kAlpn, sizeof(kAlpn));
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  ASSERT_EQ(SSL_connect(ssl), 1);  // the office certificate, trusted
  const std::string preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
  ASSERT_GT(SSL_write(ssl, preface.data(), static_cast<int>(preface.size())), 0);
  EXPECT_LE(SSL_read(ssl, buf, sizeof(buf)), 0);  // cut, no answer
  EXPECT_EQ(proxy_->h2_refused(), 1);
  EXPECT_EQ(proxy_->forwarded(), 0);
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  ::close(fd);
}

}  // namespace
}  // namespace relais::server::testing
