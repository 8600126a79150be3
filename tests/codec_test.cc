// Record encoding: key order, the buffer archives, envelopes and their failure modes.
#include <gtest/gtest.h>

#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <random>
#include <sstream>

#include "codec/crc32c.h"
#include "codec/envelope.h"
#include "codec/key.h"
#include "model/serialize.h"

namespace crm::codec {
namespace {

TEST(KeyTest, ByteOrderIsLogicalOrder) {
  const std::vector<std::int64_t> ints = {INT64_MIN, -5, -1, 0, 1, 255, 256, INT64_MAX};
  for (std::size_t i = 1; i < ints.size(); ++i)
    EXPECT_LT(KeyBuilder().I64(ints[i - 1]).bytes(), KeyBuilder().I64(ints[i]).bytes());
  EXPECT_LT(KeyBuilder().U64(1).bytes(), KeyBuilder().U64(256).bytes());
  // Composite keys: the string part orders first, whatever follows it.
  EXPECT_LT(KeyBuilder().Str("ab").U64(UINT64_MAX).bytes(), KeyBuilder().Str("abc").U64(0).bytes());
  EXPECT_LT(KeyBuilder().Str("a").U64(9).bytes(), KeyBuilder().Str("a\x01").U64(0).bytes());
  EXPECT_LT(KeyBuilder().Str(std::string("a\0", 2)).bytes(), KeyBuilder().Str("a\x01").bytes());
  EXPECT_LT(KeyBuilder().Str("").bytes(), KeyBuilder().Str(std::string("\0", 1)).bytes());
}

TEST(KeyTest, BigEndianIntegersAreMostSignificantByteFirst) {
  char out[8];
  PutBigEndian64(out, 0x0102030405060708ull);
  EXPECT_EQ(std::string(out, 8), "\x01\x02\x03\x04\x05\x06\x07\x08");
  EXPECT_EQ(GetBigEndian64(out), 0x0102030405060708ull);
  EXPECT_EQ(GetBigEndian32(out + 4), 0x05060708u);
  PutBigEndian64(out, UINT64_MAX - 1);
  EXPECT_EQ(GetBigEndian64(out), UINT64_MAX - 1);
  EXPECT_EQ(GetBigEndian32(out), UINT32_MAX);
  EXPECT_EQ(GetBigEndian32("\x80\x00\x00\x01"), 0x80000001u);
}

TEST(KeyTest, ReaderRoundTripsAndRejectsMalformed) {
  const std::string nul("x\0y", 3);
  KeyBuilder kb;
  kb.U8(7).Str(nul).I64(-42).U64(99).Str("");
  KeyReader r(kb.bytes());
  EXPECT_EQ(*r.U8(), 7);
  EXPECT_EQ(*r.Str(), nul);
  EXPECT_EQ(*r.I64(), -42);
  EXPECT_EQ(*r.U64(), 99u);
  EXPECT_EQ(*r.Str(), "");
  EXPECT_TRUE(r.done());
  EXPECT_FALSE(KeyReader("abc").Str().has_value());                   // no terminator
  EXPECT_FALSE(KeyReader(std::string("a\0\x05", 3)).Str().has_value());  // bad escape
  EXPECT_FALSE(KeyReader("1234567").U64().has_value());
  EXPECT_EQ(PrefixSuccessor("ab\xFF"), "ac");
  EXPECT_EQ(PrefixSuccessor("\xFF\xFF"), "");
}

TEST(Crc32cTest, KnownVector) {
  // The CRC-32C check value of "123456789".
  EXPECT_EQ(Crc32c("123456789", 9), 0xE3069283u);
  std::string long_input(1000, 'z');
  EXPECT_EQ(Crc32c(long_input.data(), 1000), Crc32c(long_input.data() + 500, 500, Crc32c(long_input.data(), 500)));
}

Customer Sample() {
  Customer c;
  c.id = 12;
  c.revision = 3;
  c.created_at = -5;  // before 1970 is legal
  c.display_name = "Zoë Ågren";
  c.emails.push_back(Email{"zoe@example.com", "work", true});
  c.phones.push_back(Phone{"+46 8 123 456", "", true});
  c.tags = {"a", "b"};
  c.custom["n"] = std::int64_t{-7};
  c.custom["m"] = Money{INT64_MIN, "SEK"};
  c.custom["d"] = DateTime{INT64_MAX};
  c.custom["t"] = std::string(1000, 'x');
  c.custom["b"] = false;
  c.memberships.push_back(Membership{3, "owner"});
  c.consent.email_legal_basis = LegalBasis::kContract;
  return c;
}

TEST(EnvelopeTest, RoundTripsEveryField) {
  const Customer c = Sample();
  std::string bytes;
  Encode(RecordType::kCustomer, c, bytes);
  Customer out;
  ASSERT_TRUE(Decode(bytes, RecordType::kCustomer, {"customer", 12}, out).ok());
  EXPECT_EQ(out, c);
}

// Scans read each record into the object of the one before: nothing of it may stay, whether
// the next record's lists are longer or shorter.
TEST(EnvelopeTest, ARecordReadIntoAnotherKeepsNothingOfIt) {
  Customer big = Sample();
  big.emails.push_back(Email{"second.address.long.enough@example.org", "home", false});
  big.emails.push_back(Email{"third@example.org", "", false});
  big.phones.push_back(Phone{"+1 650 253 0000", "office", false});
  big.tags.push_back("partner");
  big.domains = {"example.com", "example.org"};
  Customer small = Sample();
  small.id = 13;
  small.emails = {Email{"x@example.net", "", false}};
  small.phones.clear();
  small.tags = {"only"};
  small.memberships.clear();
  std::string big_bytes, small_bytes;
  Encode(RecordType::kCustomer, big, big_bytes);
  Encode(RecordType::kCustomer, small, small_bytes);
  Customer out;
  for (int round = 0; round < 2; ++round) {
    ASSERT_TRUE(Decode(big_bytes, RecordType::kCustomer, {"customer", 12}, out).ok());
    EXPECT_EQ(out, big);
    ASSERT_TRUE(Decode(small_bytes, RecordType::kCustomer, {"customer", 13}, out).ok());
    EXPECT_EQ(out, small);
  }
}

TEST(EnvelopeTest, EveryTruncationAndEveryBitFlipIsDataLoss) {
  std::string bytes;
  Encode(RecordType::kCustomer, Sample(), bytes);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    Customer out;
    EXPECT_TRUE(absl::IsDataLoss(Decode(bytes.substr(0, n), RecordType::kCustomer, {"customer", 1}, out)));
  }
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = bytes;
      damaged[i] ^= static_cast<char>(1 << bit);
      Customer out;
      EXPECT_TRUE(absl::IsDataLoss(Decode(damaged, RecordType::kCustomer, {"customer", 1}, out)))
          << "byte " << i << " bit " << bit;
    }
  }
}

// Wraps a hand-made payload in a valid envelope (so only the payload checks can catch it).
std::string Wrap(const std::string& payload) {
  std::string v;
  v.push_back(static_cast<char>(kFormatVersion));
  v.push_back(static_cast<char>(RecordType::kCustomer));
  v += payload;
  const std::uint32_t crc = Crc32c(v.data(), v.size());
  for (int i = 0; i < 4; ++i) v.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
  return v;
}

TEST(EnvelopeTest, HugeLengthsAreRejectedWithoutAllocating) {
  // Version 0, id 1, revision 1, three times, archived=false, time 0, kind 1, then a display
  // name claiming 2^62 bytes.
  std::string payload = {0, 1, 1, 0, 0, 0, 0, 1};
  const char huge[] = {'\x80', '\x80', '\x80', '\x80', '\x80', '\x80', '\x80', '\x80', '\x40'};
  payload.append(huge, sizeof huge);
  Customer out;
  absl::Status s = Decode(Wrap(payload), RecordType::kCustomer, {"customer", 1}, out);
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_NE(s.message().find("truncated"), std::string_view::npos) << s;
}

TEST(EnvelopeTest, NewerVersionTypeAndTrailingBytesAreDataLoss) {
  std::string bytes;
  Encode(RecordType::kCustomer, Sample(), bytes);
  Customer out;
  std::string payload = bytes.substr(2, bytes.size() - 6);
  payload[0] = 5;  // Customer written by a future format version
  absl::Status newer = Decode(Wrap(payload), RecordType::kCustomer, {"customer", 1}, out);
  EXPECT_TRUE(absl::IsDataLoss(newer));
  EXPECT_NE(newer.message().find("newer"), std::string_view::npos) << newer;
  EXPECT_TRUE(absl::IsDataLoss(Decode(Wrap(bytes.substr(2, bytes.size() - 6) + "x"),
                                      RecordType::kCustomer, {"customer", 1}, out)));
  std::string other_type = bytes;
  other_type[1] = 9;
  EXPECT_TRUE(absl::IsDataLoss(Decode(other_type, RecordType::kCustomer, {"customer", 1}, out)));
}

// Schema evolution: version 2 of a record added `score`; data written as version 1 still reads,
// with the new member at its default.
struct Evolving {
  std::string name;
  std::int64_t score = -1;
};
struct EvolvingV1 {
  std::string name;
};

}  // namespace
}  // namespace crm::codec

namespace boost::serialization {
template <class Archive>
void serialize(Archive& ar, crm::codec::Evolving& e, unsigned version) {
  ar& e.name;
  if (version >= 2) ar& e.score;
}
template <class Archive>
void serialize(Archive& ar, crm::codec::EvolvingV1& e, unsigned) {
  ar& e.name;
}
}  // namespace boost::serialization
BOOST_CLASS_VERSION(crm::codec::Evolving, 2)
BOOST_CLASS_VERSION(crm::codec::EvolvingV1, 1)

namespace crm::codec {
namespace {

TEST(ArchiveTest, OlderClassVersionsStillRead) {
  std::string old_bytes;
  {
    BufferOArchive ar(old_bytes);
    ar << EvolvingV1{"written by v1"};
  }
  Evolving e;
  {
    BufferIArchive ar(old_bytes);
    ar >> e;
    EXPECT_EQ(ar.remaining(), 0u);
  }
  EXPECT_EQ(e.name, "written by v1");
  EXPECT_EQ(e.score, -1);
  std::string new_bytes;
  {
    BufferOArchive ar(new_bytes);
    ar << Evolving{"v2", 7};
  }
  Evolving back;
  BufferIArchive ar(new_bytes);
  ar >> back;
  EXPECT_EQ(back.score, 7);
  // A reader that only knows version 1 refuses version 2 data instead of misreading it.
  EvolvingV1 older;
  BufferIArchive old_reader(new_bytes);
  EXPECT_THROW(old_reader >> older, DecodeError);
}

TEST(EnvelopeTest, RandomGarbageNeverCrashes) {
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string payload(rng() % 64, '\0');
    for (char& ch : payload) ch = static_cast<char>(rng());
    Customer out;
    absl::Status s = Decode(Wrap(payload), RecordType::kCustomer, {"customer", 1}, out);
    if (!s.ok()) {
      EXPECT_TRUE(absl::IsDataLoss(s)) << s;
    }
  }
}

TEST(ArchiveTest, RecordsAlsoWorkWithBoostStockBinaryArchive) {
  const Customer c = Sample();
  std::stringstream ss;
  {
    boost::archive::binary_oarchive oa(ss);
    oa << c;
  }
  Customer out;
  {
    boost::archive::binary_iarchive ia(ss);
    ia >> out;
  }
  EXPECT_EQ(out, c);
}

}  // namespace
}  // namespace crm::codec
