// The envelope around every stored record value:
//
//   [format version: 1 byte][record type: 1 byte][payload][CRC-32C of all before: 4 bytes LE]
//
// The payload is the record written by BufferOArchive. A value whose checksum, format version,
// record type or payload does not check out is reported as DataLoss, never decoded into a
// wrong record.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "codec/archive.h"
#include "codec/crc32c.h"

namespace crm::codec {

inline constexpr std::uint8_t kFormatVersion = 1;
inline constexpr std::size_t kEnvelopeOverhead = 6;

enum class RecordType : std::uint8_t {
  kCustomer = 1,
  kInteraction = 2,
  kPipeline = 3,
  kOpportunity = 4,
  kChange = 5,
  kUser = 6,   // since schema 5
  kTeam = 7,
  kErasure = 8,  // since schema 6
  kConsent = 9,  // since schema 7
};

// Names a stored record in error messages ("customer 12"); built only when an error occurs.
struct RecordName {
  std::string_view kind;
  std::uint64_t id;
  std::string str() const;
};

// Checks the envelope and returns the payload, or DataLoss naming the record.
absl::Status OpenEnvelope(std::string_view value, RecordType type, const RecordName& what,
                          std::string_view* payload);

template <class T>
void Encode(RecordType type, const T& record, std::string& out) {
  out.clear();
  out.push_back(static_cast<char>(kFormatVersion));
  out.push_back(static_cast<char>(type));
  {
    BufferOArchive ar(out);
    ar << record;
  }
  const std::uint32_t crc = Crc32c(out.data(), out.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
}

template <class T>
absl::Status Decode(std::string_view value, RecordType type, const RecordName& what, T& record) {
  std::string_view payload;
  if (absl::Status s = OpenEnvelope(value, type, what, &payload); !s.ok()) return s;
  try {
    BufferIArchive ar(payload);
    ar >> record;
    if (ar.remaining() != 0) return absl::DataLossError(absl::StrCat(what.str(), ": trailing bytes after the record"));
  } catch (const DecodeError& e) {
    return absl::DataLossError(absl::StrCat(what.str(), ": ", e.what()));
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(absl::StrCat(what.str(), ": out of memory while decoding"));
  }
  return absl::OkStatus();
}

}  // namespace crm::codec
