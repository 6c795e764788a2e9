// The replica derives the file keys from its token, the hub from the token's
// SHA-256 it stores (server/token.h, OpenSSL): both must agree, and the keys
// must depend on the token.

#include <gtest/gtest.h>

#include "common/sync/change_file.h"
#include "server/token.h"

namespace relais::sync {
namespace {

TEST(ChangeFileKeysTest, ReplicaAndHubDeriveTheSameKeys) {
  auto token = server::GenerateToken();
  ASSERT_TRUE(token.ok());
  const FileKeys replica = KeysFromToken(*token);
  auto hub = KeysFromTokenHash(server::HashToken(*token));
  ASSERT_TRUE(hub.ok()) << hub.status().ToString();
  EXPECT_EQ(replica.token_id, hub->token_id);
  EXPECT_EQ(replica.mac_key, hub->mac_key);
  // The id is not the key, and another token gives other keys.
  EXPECT_NE(std::vector<uint8_t>(replica.token_id.begin(), replica.token_id.end()),
            std::vector<uint8_t>(replica.mac_key.begin(), replica.mac_key.begin() + 16));
  const FileKeys other = KeysFromToken(*token + "x");
  EXPECT_NE(other.token_id, replica.token_id);
  EXPECT_NE(other.mac_key, replica.mac_key);
}

TEST(ChangeFileKeysTest, MalformedStoredHashIsRefused) {
  EXPECT_FALSE(KeysFromTokenHash("").ok());
  EXPECT_FALSE(KeysFromTokenHash(std::string(64, 'z')).ok());
  EXPECT_FALSE(KeysFromTokenHash(std::string(62, 'a')).ok());
}

TEST(ChangeFileFormatTest, EncodeRefusesOutOfBoundsInput) {
  const FileKeys k = KeysFromToken("t");
  ChangeFileHeader h;
  h.replica_id = "r1";
  EXPECT_FALSE(EncodeChangeFile(h, {}, k).ok()) << "no message";
  EXPECT_FALSE(EncodeChangeFile(h, std::vector<std::string>(kMaxMessages + 1, "x"), k).ok());
  EXPECT_FALSE(EncodeChangeFile(h, {std::string(kMaxMessageBytes + 1, 'x')}, k).ok());
  h.replica_id = "pas valide!";
  EXPECT_FALSE(EncodeChangeFile(h, {"x"}, k).ok());
  h.replica_id = "r1";
  auto ok = EncodeChangeFile(h, {"abc", "de"}, k);
  ASSERT_TRUE(ok.ok());
  auto back = OpenChangeFile(*ok, k);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, (std::vector<std::string>{"abc", "de"}));
  EXPECT_FALSE(OpenChangeFile(*ok, KeysFromToken("u")).ok()) << "another token's key";
}

}  // namespace
}  // namespace relais::sync
