// common/crypto: sealed values, blind index, key files and their export.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <random>

#include "common/crypto/keyring.h"
#include "common/crypto/seal.h"
#include "common/model/validate.h"
#include "tests/common/test_seed.h"
#include "tests/common/test_util.h"

namespace relais::common::crypto {
namespace {

using relais::common::testing::TempDir;

Keyring Ring(const std::string& site = "S1") {
  auto k = Keyring::Generate(site);
  EXPECT_TRUE(k.ok());
  return std::move(k).value();
}

const std::string kAd = SealAd("appointment", "S1", "rdv-1", "patient_name");

TEST(SealTest, RoundTripAndTheClearTextIsNowhereInTheSealedText) {
  const Keyring k = Ring();
  const std::string clear = "Zéphyrine Quatremains";
  auto sealed = SealValue(k, kAd, clear);
  ASSERT_OK(sealed);
  EXPECT_EQ(sealed->rfind("\xC2\xA7s1:" + k.current().id + ":", 0), 0u) << *sealed;
  EXPECT_EQ(sealed->find("Zéphyrine"), std::string::npos);
  EXPECT_EQ(sealed->find("Quatremains"), std::string::npos);
  EXPECT_TRUE(LooksSealed(*sealed));
  auto opened = OpenValue(k, kAd, *sealed);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, clear);
  // Random nonces: the same value sealed twice differs.
  EXPECT_NE(*SealValue(k, kAd, clear), *sealed);
  // The empty value round-trips too.
  EXPECT_EQ(*OpenValue(k, kAd, *SealValue(k, kAd, "")), "");
}

TEST(SealTest, DeterministicSealingRepeatsOnlyForTheSamePlaceValueAndKey) {
  Keyring k = Ring();
  const std::string a = *SealValue(k, kAd, "Quatremains", true);
  EXPECT_EQ(*SealValue(k, kAd, "Quatremains", true), a);
  EXPECT_EQ(*OpenValue(k, kAd, a), "Quatremains");
  EXPECT_NE(*SealValue(k, kAd, "Quatremaine", true), a);
  const std::string elsewhere =
      *SealValue(k, SealAd("appointment", "S1", "rdv-2", "patient_name"), "Quatremains", true);
  EXPECT_NE(elsewhere.substr(14, 32), a.substr(14, 32));  // another place: another nonce
  EXPECT_NE(*SealValue(Ring(), kAd, "Quatremains", true), a);
  ASSERT_OK(k.Rotate());
  EXPECT_NE(*SealValue(k, kAd, "Quatremains", true), a);
}

TEST(SealTest, AValueMovedToAnotherPlaceOrOrganisationDoesNotOpen) {
  const Keyring k = Ring();
  const std::string sealed = *SealValue(k, kAd, "1937-04-12");
  for (const std::string& ad :
       {SealAd("appointment", "S1", "rdv-2", "patient_name"),   // other record
        SealAd("appointment", "S1", "rdv-1", "note"),           // other field
        SealAd("appointment", "S2", "rdv-1", "patient_name"),   // other site
        SealAd("practitioner", "S1", "rdv-1", "patient_name"),  // other collection
        SealAd("appointment", "S1", "rdv-1patient_name", "")})  // shifted parts
    EXPECT_FALSE(OpenValue(k, ad, sealed).has_value()) << ad;
  const Keyring other = Ring();
  EXPECT_FALSE(OpenValue(other, kAd, sealed).has_value());
}

TEST(SealTest, TamperedOrMalformedValuesNeverOpenNorCrash) {
  const uint64_t seed = relais::testing::TestSeed();
  std::mt19937_64 rng(seed);
  const Keyring k = Ring();
  const std::string sealed = *SealValue(k, kAd, "Quatremains");
  // Every single-byte change of the base64 part fails authentication.
  for (size_t i = kSealPrefixLen + kKeyIdLen + 1; i < sealed.size(); ++i) {
    std::string t = sealed;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(OpenValue(k, kAd, t).has_value()) << i;
  }
  for (const std::string& bad :
       {std::string(kSealedPrefix), std::string(kSealedPrefix) + "zzzzzzzz:",
        std::string(kSealedPrefix) + k.current().id, sealed.substr(0, sealed.size() / 2),
        std::string(kSealedPrefix) + k.current().id + ":" + std::string(9000, 'A'),
        std::string(kSealedPrefix) + k.current().id + ":!!!!"})
    EXPECT_FALSE(OpenValue(k, kAd, bad).has_value());
  // Random garbage behind a valid prefix and key id (bounded: 2000 tries).
  for (int n = 0; n < 2000; ++n) {
    std::string t = std::string(kSealedPrefix) + k.current().id + ":";
    const size_t len = rng() % 200;
    for (size_t i = 0; i < len; ++i) t += static_cast<char>(rng() % 256);
    EXPECT_FALSE(OpenValue(k, kAd, t).has_value());
  }
}

TEST(SealTest, LargestClearValueFitsTheHubCapAndLongerIsRefused) {
  const Keyring k = Ring();
  const std::string big(kMaxSealableLen, '\xC3');  // not UTF-8: raw bytes
  auto sealed = SealValue(k, kAd, big);
  ASSERT_OK(sealed);
  EXPECT_LE(sealed->size(), 4096u);
  // The hub's own check (independent of the sealing code) accepts it.
  EXPECT_EQ(ValidateField(Collection::kAppointment, "patient_name", *sealed), "");
  EXPECT_EQ(*OpenValue(k, kAd, *sealed), big);
  EXPECT_EQ(SealValue(k, kAd, big + "x").status().code(), StatusCode::kInvalidArgument);
}

TEST(BlindIndexTest, SameLettersAndBirthMatchAcrossAccentsAndForms) {
  const Keyring k = Ring();
  const std::string nfc = BlindIndex(k, "Zéphyrine Quatremains", "1937-04-12");
  const std::string nfd = BlindIndex(k, "Ze\xCC\x81phyrine", "1937-04-12");
  const std::string typed = BlindIndex(k, "zep", "1937-04-12");
  ASSERT_FALSE(nfc.empty());
  EXPECT_EQ(nfc, nfd);
  EXPECT_EQ(nfc, typed);
  EXPECT_EQ(ValidateField(Collection::kAppointment, "patient_idx", nfc), "");
  EXPECT_EQ(nfc.find("1937"), std::string::npos);
  EXPECT_NE(BlindIndex(k, "zep", "1937-04-13"), nfc);
  EXPECT_NE(BlindIndex(k, "zea", "1937-04-12"), nfc);
  EXPECT_NE(BlindIndex(Ring(), "zep", "1937-04-12"), nfc);  // other organisation
  EXPECT_EQ(BlindIndex(k, "ze", "1937-04-12"), "");
  EXPECT_EQ(BlindIndex(k, "zep", ""), "");
}

TEST(KeyringTest, RotationKeepsOldValuesReadableAndSealsWithTheNewKey) {
  Keyring k = Ring();
  const std::string old_id = k.current().id;
  const std::string old_sealed = *SealValue(k, kAd, "avant");
  const std::string old_idx = BlindIndex(k, "zep", "1937-04-12");
  ASSERT_OK(k.Rotate());
  EXPECT_NE(k.current().id, old_id);
  EXPECT_EQ(*OpenValue(k, kAd, old_sealed), "avant");
  const std::string fresh = *SealValue(k, kAd, "après");
  EXPECT_EQ(SealedKeyId(fresh), k.current().id);
  const auto all = BlindIndexes(k, "zep", "1937-04-12");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], old_idx);
}

TEST(KeyFileTest, SavedWithMode0600AndLoadsBack) {
  TempDir dir;
  Keyring k = Ring();
  ASSERT_OK(k.Rotate());
  const std::string path = dir.File("relais-S1.cle");
  ASSERT_OK(SaveKeyFile(path, k, false));
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(SaveKeyFile(path, k, false).code(), StatusCode::kAlreadyExists);
  auto back = LoadKeyFile(path, "S1");
  ASSERT_OK(back);
  EXPECT_EQ(back->Serialize(), k.Serialize());
  EXPECT_EQ(LoadKeyFile(path, "S2").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(LoadKeyFile(dir.File("absent.cle"), "S1").status().code(),
            StatusCode::kNotFound);
}

TEST(KeyFileTest, HostileKeyFilesAreRefused) {
  const std::string good = Ring().Serialize();
  const std::string key_line = good.substr(good.find("key "));
  std::string many = "relais-cle 1\nsite S1\ncurrent 00000000\n";
  for (int i = 0; i < 65; ++i) {
    char id[9];
    std::snprintf(id, sizeof id, "%08x", i);
    many += "key " + std::string(id) + " " + key_line.substr(13);
  }
  for (const std::string& bad : std::vector<std::string>{
           std::string(""), std::string("relais-cle 2\n"),
           good.substr(0, good.size() / 2),
           "relais-cle 1\nsite S1\ncurrent abcdefab\n" + key_line,  // unknown current
           std::string("relais-cle 1\nsite S1 x\ncurrent 00000000\nkey 00000000 AAAA\n"),
           std::string("relais-cle 1\nsite S1\ncurrent 00000000\nkey 00000000 AAAA\n"),
           "relais-cle 1\nsite ../x\ncurrent 00000000\n" + key_line,
           good + "surprise\n", good + key_line,  // duplicate key id
           many, good + std::string(70000, '#')}) {
    auto k = ParseKeyFile(bad);
    EXPECT_FALSE(k.ok()) << bad.substr(0, 80);
    if (!k.ok()) {
      EXPECT_EQ(k.status().code(), StatusCode::kDataLoss);
    }
  }
  EXPECT_OK(ParseKeyFile(good));
}

TEST(KeyExportTest, RoundTripWrongPassphraseAndHostileLimits) {
  Keyring k = Ring();
  ASSERT_OK(k.Rotate());
  EXPECT_EQ(ExportKeyFile(k, "court").status().code(), StatusCode::kInvalidArgument);
  auto text = ExportKeyFile(k, "une phrase de passe assez longue");
  ASSERT_OK(text);
  // The key bytes are not in the export.
  const std::string b64 = B64(k.current().master.data(), kKeyBytes);
  EXPECT_EQ(text->find(b64), std::string::npos);
  auto back = ImportKeyFile(*text, "une phrase de passe assez longue");
  ASSERT_OK(back);
  EXPECT_EQ(back->Serialize(), k.Serialize());
  EXPECT_EQ(ImportKeyFile(*text, "une autre phrase de passe").status().code(),
            StatusCode::kPermissionDenied);
  // A file asking Argon2id for 4 TiB of memory is refused before any work
  // (the bound is loose: a loaded CI machine must not make it flaky; doing
  // the work would take far longer or fail with another code).
  std::string greedy = *text;
  const size_t p = greedy.find("pwhash argon2id13 ");
  const size_t e = greedy.find('\n', p);
  greedy.replace(p, e - p, "pwhash argon2id13 3 4398046511104 " +
                               greedy.substr(greedy.rfind(' ', e) + 1, e - greedy.rfind(' ', e) - 1));
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(ImportKeyFile(greedy, "une phrase de passe assez longue").status().code(),
            StatusCode::kDataLoss);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(2000));
  for (const std::string& bad : std::vector<std::string>
       {std::string(""), std::string("relais-cle-exportee 1\n"),
        "relais-cle-exportee 1x\n" + text->substr(22), std::string(300000, 'A')})
    EXPECT_EQ(ImportKeyFile(bad, "une phrase de passe assez longue").status().code(),
              StatusCode::kDataLoss)
        << bad.substr(0, 40);
  // A truncated file: depending on where the cut falls in the (random)
  // base64 ciphertext, it is malformed (DATA_LOSS) or well-formed but fails
  // authentication (PERMISSION_DENIED); either way nothing is imported.
  // (CI saw both: the test used to require DATA_LOSS only.)
  for (size_t cut : {5, 10, 17}) {  // beyond the newline and any padding
    const auto code =
        ImportKeyFile(text->substr(0, text->size() - cut), "une phrase de passe assez longue")
            .status()
            .code();
    EXPECT_TRUE(code == StatusCode::kDataLoss || code == StatusCode::kPermissionDenied)
        << "cut " << cut << ": code " << static_cast<int>(code);
  }
}

}  // namespace
}  // namespace relais::common::crypto
