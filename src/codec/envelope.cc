#include "codec/envelope.h"

#include "codec/key.h"

namespace crm::codec {
namespace {

constexpr std::size_t kOwnerBytes = 8;

std::uint32_t StoredCrc(std::string_view value) {
  const std::size_t body = value.size() - 4;
  std::uint32_t stored = 0;
  for (int i = 0; i < 4; ++i)
    stored |= static_cast<std::uint32_t>(static_cast<unsigned char>(value[body + i])) << (8 * i);
  return stored;
}

void AppendCrc(std::string& out) {
  const std::uint32_t crc = Crc32c(out.data(), out.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
}

// [2][type][owner][id]: what a sealed payload is bound to.
std::string SealedAd(std::uint8_t type, std::uint64_t owner, std::uint64_t id) {
  std::string ad(2 + 16, '\0');
  ad[0] = static_cast<char>(kSealedFormatVersion);
  ad[1] = static_cast<char>(type);
  PutBigEndian64(ad.data() + 2, owner);
  PutBigEndian64(ad.data() + 10, id);
  return ad;
}

}  // namespace

std::string RecordName::str() const {
  return absl::StrCat(absl::string_view(kind.data(), kind.size()), " ", id);
}

bool IsSealed(std::string_view value, std::uint64_t* owner) {
  if (value.size() < kEnvelopeOverhead + kOwnerBytes || static_cast<std::uint8_t>(value[0]) != kSealedFormatVersion)
    return false;
  if (owner != nullptr) *owner = GetBigEndian64(value.data() + 2);
  return true;
}

absl::Status OpenEnvelope(std::string_view value, RecordType type, const RecordName& what,
                          std::string_view* payload, const Sealer* sealer, std::string* opened) {
  if (value.size() < kEnvelopeOverhead)
    return absl::DataLossError(absl::StrCat(what.str(), ": stored value is truncated (", value.size(), " bytes)"));
  const std::size_t body = value.size() - 4;
  if (Crc32c(value.data(), body) != StoredCrc(value))
    return absl::DataLossError(absl::StrCat(what.str(), ": checksum mismatch in stored value"));
  const auto version = static_cast<std::uint8_t>(value[0]);
  if (version != kFormatVersion && version != kSealedFormatVersion)
    return absl::DataLossError(absl::StrCat(what.str(), ": unknown storage format version ", static_cast<int>(version)));
  if (static_cast<std::uint8_t>(value[1]) != static_cast<std::uint8_t>(type))
    return absl::DataLossError(absl::StrCat(what.str(), ": stored value holds another record type"));
  if (version == kFormatVersion) {
    *payload = value.substr(2, body - 2);
    return absl::OkStatus();
  }
  std::uint64_t owner = 0;
  if (!IsSealed(value, &owner))
    return absl::DataLossError(absl::StrCat(what.str(), ": sealed value is truncated"));
  if (sealer == nullptr || opened == nullptr)
    return absl::FailedPreconditionError(
        absl::StrCat(what.str(), " is encrypted, and this read has no key to open it"));
  const std::string ad = SealedAd(static_cast<std::uint8_t>(type), owner, what.id);
  if (auto s = sealer->Open(owner, ad, value.substr(2 + kOwnerBytes, body - 2 - kOwnerBytes), *opened); !s.ok()) {
    if (s.code() == absl::StatusCode::kDataLoss)
      return absl::DataLossError(absl::StrCat(what.str(), ": ", s.message()));
    return s;
  }
  *payload = *opened;
  return absl::OkStatus();
}

absl::Status SealEnvelope(const Sealer& sealer, std::uint64_t owner, std::uint64_t id, std::string& value) {
  const auto type = static_cast<std::uint8_t>(value[1]);
  const std::string_view payload(value.data() + 2, value.size() - 2 - 4);
  thread_local std::string sealed;
  sealed.clear();
  sealed.push_back(static_cast<char>(kSealedFormatVersion));
  sealed.push_back(static_cast<char>(type));
  sealed.resize(2 + kOwnerBytes);
  PutBigEndian64(sealed.data() + 2, owner);
  if (auto s = sealer.Seal(owner, SealedAd(type, owner, id), payload, sealed); !s.ok()) return s;
  AppendCrc(sealed);
  value.swap(sealed);
  return absl::OkStatus();
}

std::string& OpenedScratch() {
  thread_local std::string opened;
  return opened;
}

}  // namespace crm::codec
