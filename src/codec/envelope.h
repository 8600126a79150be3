// The envelope around every stored record value:
//
//   [format version: 1 byte][record type: 1 byte][payload][CRC-32C of all before: 4 bytes LE]
//
// The payload is the record written by BufferOArchive. A value whose checksum, format version,
// record type or payload does not check out is reported as DataLoss, never decoded into a
// wrong record.
//
// In an encrypted store, a record that belongs to a customer is sealed with that customer's
// data key (format version 2):
//
//   [2][record type][U64 owner][nonce and sealed payload][CRC-32C of all before]
//
// bound by the associated data [2][record type][U64 owner][U64 record id], so a sealed value
// moved to another record, another customer or another type does not open.
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
inline constexpr std::uint8_t kSealedFormatVersion = 2;
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
  kImportJob = 10,  // since schema 9
  kImportError = 11,
  kImportUndo = 12,
  kQuota = 13,  // since schema 11
  kProduct = 14,  // since schema 13
  kMergeJournal = 15,  // since schema 16
  kSegment = 16,       // since schema 17
  kCampaign = 17,
  kCampaignMember = 18,
  kCampaignEvent = 19,
  kTicket = 20,  // since schema 18
  kTicketEntry = 21,
  kCalendar = 22,
  kSlaPolicy = 23,
};

// Names a stored record in error messages ("customer 12"); built only when an error occurs.
struct RecordName {
  std::string_view kind;
  std::uint64_t id;
  std::string str() const;
};

// Seals and opens the payloads of records that belong to a customer, with that customer's data
// key (src/model/sealing.h keeps the keys).
class Sealer {
 public:
  virtual ~Sealer() = default;
  // Appends to `out` the sealed `plain`.
  virtual absl::Status Seal(std::uint64_t owner, std::string_view ad, std::string_view plain,
                            std::string& out) const = 0;
  // Replaces `out` with what `sealed` holds.
  virtual absl::Status Open(std::uint64_t owner, std::string_view ad, std::string_view sealed,
                            std::string& out) const = 0;
};

// Checks the envelope and returns the payload, or DataLoss naming the record. A sealed value is
// opened with `sealer` into `opened`, which the payload then points into.
absl::Status OpenEnvelope(std::string_view value, RecordType type, const RecordName& what,
                          std::string_view* payload, const Sealer* sealer = nullptr,
                          std::string* opened = nullptr);

// Whether `value` is sealed (format version 2), and for which customer.
bool IsSealed(std::string_view value, std::uint64_t* owner = nullptr);

// Turns the plain envelope in `value` into a sealed one for customer `owner`, record `id`.
absl::Status SealEnvelope(const Sealer& sealer, std::uint64_t owner, std::uint64_t id, std::string& value);

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

// Encode, then seal for customer `owner` when `sealer` is given and `owner` is not 0.
template <class T>
absl::Status Encode(RecordType type, const T& record, std::uint64_t owner, std::uint64_t id, const Sealer* sealer,
                    std::string& out) {
  Encode(type, record, out);
  if (sealer == nullptr || owner == 0) return absl::OkStatus();
  return SealEnvelope(*sealer, owner, id, out);
}

// The calling thread's buffer for an opened (decrypted) record while it is decoded: one for
// every record type, since a decode ends before the next begins (and every thread_local of the
// library takes room in the static TLS block that a dlopen() must find).
std::string& OpenedScratch();

template <class T>
absl::Status Decode(std::string_view value, RecordType type, const RecordName& what, T& record,
                    const Sealer* sealer = nullptr) {
  std::string_view payload;
  if (absl::Status s = OpenEnvelope(value, type, what, &payload, sealer, &OpenedScratch()); !s.ok()) return s;
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
