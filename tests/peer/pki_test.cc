// The house PKI (common/peer/pki.h): certificates name the organisation,
// the replica and its scope; another house's CA, an expired or a tampered
// certificate is refused. The oracle is OpenSSL's own verifier, through
// VerifyReplicaCert, plus fixed expectations on names and file modes.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>

#include "common/peer/pki.h"
#include "tests/common/test_util.h"

namespace relais::peer {
namespace {

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(PkiTest, IssuedCertificateNamesOrgReplicaAndSites) {
  auto ca = MakeCa("msp1");
  ASSERT_TRUE(ca.ok()) << ca.status().ToString();
  auto org = CaOrg(ca->cert_pem);
  ASSERT_TRUE(org.ok());
  EXPECT_EQ(*org, "msp1");
  auto cert = IssueReplicaCert(*ca, CertIdentity{"msp1", "abc123", {"s2", "msp1"}});
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  auto id = VerifyReplicaCert(ca->cert_pem, cert->cert_pem, Now());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->org, "msp1");
  EXPECT_EQ(id->replica_id, "abc123");
  EXPECT_EQ(id->sites, (std::vector<std::string>{"msp1", "s2"}));
}

TEST(PkiTest, AnotherHousesCaIsRefused) {
  auto a = MakeCa("msp1");
  auto b = MakeCa("msp2");
  ASSERT_TRUE(a.ok() && b.ok());
  auto cert_b = IssueReplicaCert(*b, CertIdentity{"msp2", "r2", {"msp2"}});
  ASSERT_TRUE(cert_b.ok());
  auto id = VerifyReplicaCert(a->cert_pem, cert_b->cert_pem, Now());
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), common::StatusCode::kPermissionDenied);
  EXPECT_NE(id.status().message().find("autorité de cette maison"), std::string::npos)
      << id.status().message();
  // Nor can B's CA issue a certificate in A's name.
  auto forged = IssueReplicaCert(*b, CertIdentity{"msp1", "r3", {"msp1"}});
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(forged.status().code(), common::StatusCode::kInvalidArgument);
  // A second CA claiming the same organisation is still another authority.
  auto a2 = MakeCa("msp1");
  ASSERT_TRUE(a2.ok());
  auto cert_a2 = IssueReplicaCert(*a2, CertIdentity{"msp1", "r4", {"msp1"}});
  ASSERT_TRUE(cert_a2.ok());
  EXPECT_EQ(VerifyReplicaCert(a->cert_pem, cert_a2->cert_pem, Now()).status().code(),
            common::StatusCode::kPermissionDenied);
}

TEST(PkiTest, ExpiredAndNotYetValidCertificatesAreRefused) {
  auto ca = MakeCa("msp1");
  ASSERT_TRUE(ca.ok());
  auto old = IssueReplicaCert(*ca, CertIdentity{"msp1", "r1", {"msp1"}},
                              Validity{-10 * 86400, -86400});
  ASSERT_TRUE(old.ok());
  auto id = VerifyReplicaCert(ca->cert_pem, old->cert_pem, Now());
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.status().message().find("expiré"), std::string::npos) << id.status().message();
  auto good = IssueReplicaCert(*ca, CertIdentity{"msp1", "r1", {"msp1"}});
  ASSERT_TRUE(good.ok());
  // Same certificate, judged 4 years later / 1 day earlier.
  EXPECT_FALSE(VerifyReplicaCert(ca->cert_pem, good->cert_pem, Now() + 4 * 365 * 86400).ok());
  auto early = VerifyReplicaCert(ca->cert_pem, good->cert_pem, Now() - 86400);
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.status().message().find("pas encore valide"), std::string::npos);
}

TEST(PkiTest, TamperedOrGarbageCertificatesAreRefused) {
  auto ca = MakeCa("msp1");
  ASSERT_TRUE(ca.ok());
  auto cert = IssueReplicaCert(*ca, CertIdentity{"msp1", "r1", {"msp1"}});
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(VerifyReplicaCert(ca->cert_pem, "pas un certificat", Now()).status().code(),
            common::StatusCode::kInvalidArgument);
  EXPECT_FALSE(VerifyReplicaCert(ca->cert_pem, std::string(kMaxPemBytes + 1, 'A'), Now()).ok());
  // Flip one base64 character in the signature area (near the end).
  std::string tampered = cert->cert_pem;
  const size_t pos = tampered.rfind("-----END") - 10;
  tampered[pos] = tampered[pos] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyReplicaCert(ca->cert_pem, tampered, Now()).ok());
  // Bad names are refused before anything is signed.
  EXPECT_FALSE(IssueReplicaCert(*ca, CertIdentity{"msp1", "bad id!", {"msp1"}}).ok());
  EXPECT_FALSE(IssueReplicaCert(*ca, CertIdentity{"msp1", "r1", {}}).ok());
  EXPECT_FALSE(MakeCa("org avec espaces").ok());
}

TEST(PkiTest, CaDirectoryFilesArePrivateAndNeverReplaced) {
  common::testing::TempDir dir;
  const std::string d = dir.File("pki");
  ASSERT_TRUE(InitCaDir(d, "msp1").ok());
  for (const char* f : {kCaKeyFile, kCaCertFile}) {
    struct stat st {};
    ASSERT_EQ(::stat((d + "/" + f).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << f;
  }
  auto before = ReadPemFile(d + "/" + kCaCertFile);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(InitCaDir(d, "msp1").code(), common::StatusCode::kAlreadyExists);
  auto after = ReadPemFile(d + "/" + kCaCertFile);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*before, *after);
  auto ca = LoadCa(d, true);
  ASSERT_TRUE(ca.ok());
  EXPECT_TRUE(IssueReplicaCert(*ca, CertIdentity{"msp1", "r1", {"msp1"}}).ok());
}

}  // namespace
}  // namespace relais::peer
