// Wire form of records: round trip, structural refusals, and the size of a
// 500-record batch without compression, with gzip (what gRPC sends) and
// with zstd (for comparison; gRPC 1.51 has no zstd).
#include <gtest/gtest.h>
#include <zlib.h>

#include <iostream>

#ifdef RELAIS_HAVE_ZSTD
#include <zstd.h>
#endif

#include "common/codec/record_json.h"
#include "common/convert/convert.h"
#include "common/merge/merge.h"
#include "tests/server/hub_fixture.h"

namespace relais::server::testing {
namespace {

namespace pb = relais::sync::v1;
using common::Record;

Record Sample(int i) {
  Record r;
  r.collection = common::Collection::kAppointment;
  r.id = "rdv-" + std::to_string(100000 + i) + "abcdef";
  r.site_id = "maison-saint-agreve";
  common::ApplyLocalWrite(
      &r, "3f9a2c1b7d5e8a01", (int64_t{1795000000000} + i) << 16,
      {{"practitioner", "p" + std::to_string(i % 4)},
       {"patient_name", "Patient Numéro " + std::to_string(i)},
       {"patient_birth", "1950-03-02"},
       {"patient_ref", "pat-" + std::to_string(7000000 + i * 13)},
       {"start", std::to_string(1795000000 + 900 * i)},
       {"duration", "15"}, {"kind", "consultation"}, {"status", "booked"},
       {"code", "K" + std::to_string(1000 + i)}});
  if (i % 3 == 0)
    common::ApplyLocalWrite(&r, "8b7c6d5e4f3a2b1c", (int64_t{1795000100000} + i) << 16,
                            {{"status", "checked_in"}, {"checkin_at", "1795000100"},
                             {"checkin_via", "kiosk"}});
  return r;
}

size_t GzipSize(const std::string& in) {
  // gzip framing, default level: what gRPC's message compression uses.
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 | 16, 8,
                         Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, in.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  const size_t n = zs.total_out;
  deflateEnd(&zs);
  return n;
}

TEST(ConvertTest, RoundTripKeepsEveryBit) {
  for (int i = 0; i < 6; ++i) {
    Record r = Sample(i);
    pb::Record p;
    common::ToProto(r, &p);
    auto back = common::FromProto(p);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, r);
  }
}

TEST(ConvertTest, StructuralProblemsAreInvalidArgument) {
  pb::Record p;
  common::ToProto(Sample(3), &p);
  auto expect_bad = [](const pb::Record& q, const std::string& word) {
    auto r = common::FromProto(q);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), common::StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(word), std::string::npos) << r.status().message();
  };
  pb::Record q = p;
  q.set_collection(static_cast<pb::Collection>(11));  // after ticket (10)
  expect_bad(q, "collection");
  q.set_collection(static_cast<pb::Collection>(-1));
  expect_bad(q, "collection");
  q = p;
  q.mutable_fields(0)->mutable_siblings(0)->set_replica_index(5);
  expect_bad(q, "hors du vecteur");
  q = p;
  *q.add_vv() = q.vv(0);
  expect_bad(q, "double");
  q = p;
  *q.add_fields() = q.fields(0);
  expect_bad(q, "double");
  q = p;
  q.mutable_fields(1)->clear_siblings();
  expect_bad(q, "sans valeur");
  q = p;
  q.mutable_vv(0)->set_counter(0);
  expect_bad(q, "nul");
}

TEST(ConvertTest, BatchOf500SizesNoneGzipZstd) {
  pb::SyncRequest req;
  req.set_protocol_version(common::kProtocolVersion);
  req.set_replica_id("3f9a2c1b7d5e8a01");
  req.set_site_id("maison-saint-agreve");
  size_t json = 0;
  for (int i = 0; i < 500; ++i) {
    Record r = Sample(i);
    json += common::EncodeRecordJson(r).size();
    common::ToProto(r, req.add_push());
  }
  const std::string raw = req.SerializeAsString();
  const size_t gz = GzipSize(raw);
  std::cout << "500 records: json=" << json << " B, protobuf=" << raw.size()
            << " B, gzip=" << gz << " B";
#ifdef RELAIS_HAVE_ZSTD
  std::string z(ZSTD_compressBound(raw.size()), '\0');
  const size_t zn = ZSTD_compress(z.data(), z.size(), raw.data(), raw.size(), 3);
  ASSERT_FALSE(ZSTD_isError(zn));
  std::cout << ", zstd-3=" << zn << " B";
#endif
  std::cout << "\n";
  EXPECT_LT(raw.size(), json) << "protobuf is more compact than the JSON";
  EXPECT_LT(gz * 2, raw.size()) << "gzip at least halves a batch";
}

}  // namespace
}  // namespace relais::server::testing
