// Issue #15, done-when: patient identities sealed end to end. Two replicas of
// one organisation (S1: A creates the key, B joins in another directory from
// a passphrase-protected export) sync through a REAL relais-hub process,
// reached through a capturing loopback relay. The name « Zéphyrine
// Quatremains » (NFC at A, NFD at B) and the birth date 1937-04-12 must be in
// none of: hub.db, its -wal, its report database, a `relais-hub backup`, the
// hub log, the captured traffic (raw, and gRPC payloads inflated). Both
// replicas, `relais appt list`, `relais dump --clair` and the kiosk check-in
// by birth date + letters show them; another organisation cannot (a replica
// of S2, A's file without A's key, keys other than S1's on the hub's values).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <regex>

#include "common/crypto/seal.h"
#include "common/replica/replica.h"
#include "common/util/time.h"
#include "kiosk/app/checkin.h"
#include "tests/adversarial/hub_process.h"
#include "tests/common/test_util.h"
#include "tests/privacy/capture_relay.h"

namespace relais::privacy {
namespace {

namespace fs = std::filesystem;
using adversarial::HubProcess;
using adversarial::ReadWholeFile;
using common::testing::TempDir;

const char kNfcName[] = "Z\xC3\xA9phyrine Quatremains";   // é precomposed
const char kNfdName[] = "Ze\xCC\x81phyrine Quatremains";  // e + U+0301
const char kBirth[] = "1937-04-12";

// Runs a shell command (arguments are test-made paths, no spaces); returns
// its stdout and sets *rc to its exit status.
std::string Shell(const std::string& cmd, int* rc = nullptr) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  const int st = pclose(p);
  if (rc) *rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

std::string LastWord(const std::string& s) {
  std::string t = s;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  const size_t sp = t.find_last_of(" \n");
  return sp == std::string::npos ? t : t.substr(sp + 1);
}

// The forms a leak could take.
std::vector<std::string> Forbidden() {
  return {"Z\xC3\xA9phyrine", "Ze\xCC\x81phyrine", "Quatremains", "QUATREMAINS",
          "quatremains", "ZEPHYRINE", kBirth, "12/04/1937", "19370412"};
}

void ExpectNoIdentity(const std::string& what, const std::string& bytes) {
  for (const std::string& f : Forbidden())
    EXPECT_EQ(bytes.find(f), std::string::npos) << what << " contient « " << f << " »";
}

class ZephyrineTest : public ::testing::Test {
 protected:
  std::string Relais(const std::string& args, int* rc = nullptr) {
    return Shell(std::string(RELAIS_CLI_BIN) + " " + args + " 2>>" + dir_.File("cli.err"), rc);
  }
  std::string Hub(const std::string& args) {
    return Shell(std::string(RELAIS_HUB_BIN) + " " + args + " 2>>" + dir_.File("cli.err"));
  }
  TempDir dir_;
};

TEST_F(ZephyrineTest, IdentitiesNeverReachTheHubAndOnlyTheOrganisationReadsThem) {
  for (const char* d : {"hub", "a", "b", "c", "vol"}) fs::create_directory(dir_.File(d));
  const std::string hubdb = dir_.File("hub/hub.db");
  const std::string tok_a = LastWord(Hub("enroll --db " + hubdb + " --site S1 --name a"));
  const std::string tok_b = LastWord(Hub("enroll --db " + hubdb + " --site S1 --name b"));
  const std::string tok_c = LastWord(Hub("enroll --db " + hubdb + " --site S2 --name c"));
  ASSERT_GE(tok_a.size(), 16u) << ReadWholeFile(dir_.File("cli.err"));
  HubProcess hub;
  ASSERT_TRUE(hub.Start(RELAIS_HUB_BIN, hubdb, dir_.File("hub/hub.log")))
      << ReadWholeFile(dir_.File("hub/hub.log"));
  CaptureRelay relay;
  ASSERT_TRUE(relay.Start(hub.port()));

  // A: first replica of S1, creates the organisation key.
  const std::string a = dir_.File("a/a.db"), b = dir_.File("b/b.db"), c = dir_.File("c/c.db");
  int rc = -1;
  Relais("init --db " + a + " --site S1", &rc);
  ASSERT_EQ(rc, 0) << ReadWholeFile(dir_.File("cli.err"));
  ASSERT_TRUE(fs::exists(dir_.File("a/relais-S1.cle")));
  // B joins offline from the exported key (passphrase file, Argon2id).
  std::FILE* pf = std::fopen(dir_.File("pass.txt").c_str(), "w");
  std::fputs("cheval agrafe batterie correcte\n", pf);
  std::fclose(pf);
  const std::string pass = " --passphrase-file " + dir_.File("pass.txt");
  Relais("key export --db " + a + " --out " + dir_.File("s1.cle-export") + pass, &rc);
  ASSERT_EQ(rc, 0) << ReadWholeFile(dir_.File("cli.err"));
  ExpectNoIdentity("export", ReadWholeFile(dir_.File("s1.cle-export")));
  Relais("init --db " + b + " --site S1 --key-file " + dir_.File("s1.cle-export") + pass, &rc);
  ASSERT_EQ(rc, 0) << ReadWholeFile(dir_.File("cli.err"));
  Relais("init --db " + c + " --site S2", &rc);
  ASSERT_EQ(rc, 0);

  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  const std::string start = common::FormatParisDateTime(now + 30 * 60);
  const std::string day = start.substr(0, 10);
  Relais("practitioner add --db " + a + " --id p1 --name Dr_Martin --profession medecin", &rc);
  ASSERT_EQ(rc, 0);
  const std::string added = Relais("appt add --db " + a + " --practitioner p1 --start " + start +
                                   " --duration 15 --patient '" + kNfcName + "' --birth " +
                                   kBirth + " --note 'voisine: Quatremains'", &rc);
  ASSERT_EQ(rc, 0) << ReadWholeFile(dir_.File("cli.err"));
  const std::string id_a = added.substr(0, added.find(' '));
  const std::string sync = " --hub " + relay.address() + " --token ";
  Relais("sync --db " + a + sync + tok_a, &rc);
  ASSERT_EQ(rc, 0) << ReadWholeFile(dir_.File("cli.err"));
  Relais("sync --db " + b + sync + tok_b, &rc);
  ASSERT_EQ(rc, 0) << ReadWholeFile(dir_.File("cli.err"));
  Relais("appt add --db " + b + " --practitioner p1@S1 --start " + start +
             " --duration 15 --patient '" + kNfdName + "' --birth " + kBirth, &rc);
  ASSERT_EQ(rc, 0) << ReadWholeFile(dir_.File("cli.err"));
  for (const auto& [db, tok] : {std::pair{b, tok_b}, {a, tok_a}, {c, tok_c}}) {
    Relais("sync --db " + db + sync + tok, &rc);
    ASSERT_EQ(rc, 0) << ReadWholeFile(dir_.File("cli.err"));
  }

  // Same state, same stored bytes at A and B (before the reveals below,
  // which each add an access-log entry at the replica that reveals).
  EXPECT_EQ(Relais("dump --json --db " + a), Relais("dump --json --db " + b));

  // Both replicas of S1 show both appointments in clear.
  for (const std::string& db : {a, b}) {
    const std::string list = Relais("appt list --db " + db + " --date " + day);
    EXPECT_NE(list.find(kNfcName), std::string::npos) << db << ":\n" << list;
    EXPECT_NE(list.find(kNfdName), std::string::npos) << db << ":\n" << list;
    const std::string clear = Relais("dump --clair --db " + db);
    EXPECT_NE(clear.find(kBirth), std::string::npos);
    EXPECT_NE(clear.find("voisine: Quatremains"), std::string::npos);
    ExpectNoIdentity("relais dump " + db, Relais("dump --json --db " + db));
  }

  // The kiosk at B: birth date + 3 letters, matched on the blind index.
  {
    auto rep = common::Replica::Open(b);
    ASSERT_OK(rep);
    auto pool = (*rep)->AppointmentsOn(common::ParisDate(now + 30 * 60));
    ASSERT_OK(pool);
    const auto idx = (*rep)->BlindIndexes("zep", kBirth);
    ASSERT_EQ(idx.size(), 1u);
    const auto hits = kiosk::MatchByBirth(*pool, kBirth, "zep", now, &idx);
    ASSERT_EQ(hits.size(), 2u);  // both spellings: one patient, two bookings
    for (size_t h : hits) EXPECT_EQ((*pool)[h].patient_idx, idx[0]);
    const auto other_day = (*rep)->BlindIndexes("zep", "1937-04-13");
    EXPECT_TRUE(kiosk::MatchByBirth(*pool, "1937-04-13", "zep", now, &other_day).empty());
    auto in = (*rep)->CheckIn((*pool)[hits[0]].id, "", "kiosk");
    ASSERT_OK(in);
    EXPECT_EQ(in->status, "checked_in");
    EXPECT_TRUE(in->patient_name == kNfcName || in->patient_name == kNfdName);
  }

  // Another organisation: S2 never receives S1's records...
  const std::string dump_c = Relais("dump --clair --db " + c);
  EXPECT_EQ(dump_c.find(id_a), std::string::npos);
  ExpectNoIdentity("réplique S2", dump_c);
  // ...and A's replica file without A's key shows « 🔒 illisible ».
  fs::copy_file(a, dir_.File("vol/a.db"));
  const std::string stolen = Relais("appt list --db " + dir_.File("vol/a.db") + " --date " + day);
  ExpectNoIdentity("fichier volé", stolen + Relais("dump --clair --db " + dir_.File("vol/a.db")));
  EXPECT_NE(stolen.find(common::kUnreadable), std::string::npos) << stolen;
  EXPECT_FALSE(fs::exists(dir_.File("vol/relais-S1.cle")));
  EXPECT_NE(Relais("status --db " + dir_.File("vol/a.db")).find("ABSENTE"), std::string::npos);

  // What the hub holds: read while it runs (WAL), then a backup, then stopped.
  std::string hub_bytes;
  for (const auto& e : fs::directory_iterator(dir_.File("hub")))
    hub_bytes += ReadWholeFile(e.path().string());
  ASSERT_NE(hub_bytes.find(id_a), std::string::npos) << "le hub doit tenir le rendez-vous";
  ExpectNoIdentity("fichiers du hub (db, wal, log, agrégats)", hub_bytes);
  EXPECT_NE(Hub("backup --db " + hubdb + " --out " + dir_.File("backup.db")).find("sauvegarde"),
            std::string::npos);
  ExpectNoIdentity("sauvegarde du hub", ReadWholeFile(dir_.File("backup.db")));
  ExpectNoIdentity("journal du hub", hub.Log());
  hub.Stop();
  relay.Stop();
  for (const auto& e : fs::directory_iterator(dir_.File("hub")))
    ExpectNoIdentity(e.path().string(), ReadWholeFile(e.path().string()));

  // The captured traffic: raw and decoded (gRPC payloads, gzip inflated).
  const std::string raw = relay.Raw(), payloads = relay.GrpcPayloads();
  EXPECT_GE(relay.connections(), 1);
  ASSERT_NE(payloads.find(id_a), std::string::npos) << "capture vide ou mal décodée";
  ExpectNoIdentity("trafic brut", raw);
  ExpectNoIdentity("trafic gRPC décodé", payloads);

  // The sealed values the hub holds open with S1's key only.
  const std::regex sealed_re("\xC2\xA7s1:[0-9a-f]{8}:[A-Za-z0-9_-]+");
  std::vector<std::string> sealed;
  for (std::sregex_iterator it(payloads.begin(), payloads.end(), sealed_re), end; it != end; ++it)
    sealed.push_back(it->str());
  ASSERT_FALSE(sealed.empty());
  auto ring_a = common::crypto::LoadKeyFile(dir_.File("a/relais-S1.cle"), "S1");
  auto ring_c = common::crypto::LoadKeyFile(dir_.File("c/relais-S2.cle"), "S2");
  ASSERT_OK(ring_a);
  ASSERT_OK(ring_c);
  const std::string ad = common::crypto::SealAd("appointment", "S1", id_a, "patient_name");
  int opened = 0;
  for (const std::string& s : sealed) {
    EXPECT_FALSE(common::crypto::OpenValue(*ring_c, ad, s).has_value());
    auto v = common::crypto::OpenValue(*ring_a, ad, s);
    if (v) opened += *v == kNfcName;
  }
  EXPECT_GE(opened, 1) << "la clé de S1 doit ouvrir le nom stocké au hub";
}

// The key verbs refuse hostile files and passphrases, and create nothing then.
TEST_F(ZephyrineTest, KeyCommandsRefuseHostileInputAndCreateNothing) {
  fs::create_directory(dir_.File("a"));
  fs::create_directory(dir_.File("b"));
  const std::string a = dir_.File("a/a.db"), b = dir_.File("b/b.db");
  int rc = -1;
  Relais("init --db " + a + " --site S1", &rc);
  ASSERT_EQ(rc, 0);
  auto write = [&](const std::string& name, const std::string& text) {
    std::FILE* f = std::fopen(dir_.File(name).c_str(), "w");
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    return dir_.File(name);
  };
  const std::string good = write("good.txt", "une phrase de passe correcte\n");
  const std::string bad = write("bad.txt", "une autre phrase de passe\n");
  const std::string shortp = write("short.txt", "court\n");
  // Too short a passphrase: usage error, no file written.
  Relais("key export --db " + a + " --out " + dir_.File("x") + " --passphrase-file " + shortp, &rc);
  EXPECT_EQ(rc, 2);
  EXPECT_FALSE(fs::exists(dir_.File("x")));
  Relais("key export --db " + a + " --out " + dir_.File("x") + " --passphrase-file " + good, &rc);
  ASSERT_EQ(rc, 0);
  // Never overwrites an existing file.
  Relais("key export --db " + a + " --out " + dir_.File("x") + " --passphrase-file " + good, &rc);
  EXPECT_NE(rc, 0);
  // Wrong passphrase, garbage, oversized file: refused, no replica, no key.
  const std::string garbage = write("garbage", std::string(300 * 1024, 'A'));
  const std::string header = write("header", "relais-cle-exportee 1\npwhash argon2id13 3 99999999999 AAAA\n");
  for (const auto& [file, pass] : {std::pair{dir_.File("x"), bad}, {garbage, good}, {header, good}}) {
    Relais("init --db " + b + " --site S1 --key-file " + file + " --passphrase-file " + pass, &rc);
    EXPECT_NE(rc, 0) << file;
    EXPECT_FALSE(fs::exists(b)) << file;
    EXPECT_FALSE(fs::exists(dir_.File("b/relais-S1.cle"))) << file;
  }
  // Another site's key is refused at init.
  Relais("init --db " + b + " --site S2 --key-file " + dir_.File("x") + " --passphrase-file " + good,
         &rc);
  EXPECT_EQ(rc, 2);
  EXPECT_FALSE(fs::exists(b));
  // The right one works, and both replicas now name the same current key.
  Relais("init --db " + b + " --site S1 --key-file " + dir_.File("x") + " --passphrase-file " + good,
         &rc);
  ASSERT_EQ(rc, 0) << ReadWholeFile(dir_.File("cli.err"));
  const std::string show_a = Relais("key show --db " + a), show_b = Relais("key show --db " + b);
  EXPECT_EQ(show_a.substr(show_a.find("clé courante")), show_b.substr(show_b.find("clé courante")));
  // Rotation at A, re-export, import at B: B then holds both keys.
  Relais("key rotate --db " + a, &rc);
  ASSERT_EQ(rc, 0);
  Relais("key export --db " + a + " --out " + dir_.File("y") + " --passphrase-file " + good, &rc);
  ASSERT_EQ(rc, 0);
  Relais("key import --db " + b + " --key-file " + dir_.File("y") + " --passphrase-file " + good, &rc);
  ASSERT_EQ(rc, 0) << ReadWholeFile(dir_.File("cli.err"));
  EXPECT_NE(Relais("key show --db " + b).find("(2 clé(s))"), std::string::npos);
}

}  // namespace
}  // namespace relais::privacy
