#include "codec/envelope.h"

namespace crm::codec {

std::string RecordName::str() const {
  return absl::StrCat(absl::string_view(kind.data(), kind.size()), " ", id);
}

absl::Status OpenEnvelope(std::string_view value, RecordType type, const RecordName& what,
                          std::string_view* payload) {
  if (value.size() < kEnvelopeOverhead)
    return absl::DataLossError(absl::StrCat(what.str(), ": stored value is truncated (", value.size(), " bytes)"));
  const std::size_t body = value.size() - 4;
  std::uint32_t stored = 0;
  for (int i = 0; i < 4; ++i)
    stored |= static_cast<std::uint32_t>(static_cast<unsigned char>(value[body + i])) << (8 * i);
  if (Crc32c(value.data(), body) != stored)
    return absl::DataLossError(absl::StrCat(what.str(), ": checksum mismatch in stored value"));
  if (static_cast<std::uint8_t>(value[0]) != kFormatVersion)
    return absl::DataLossError(absl::StrCat(what.str(), ": unknown storage format version ",
                                            static_cast<int>(static_cast<std::uint8_t>(value[0]))));
  if (static_cast<std::uint8_t>(value[1]) != static_cast<std::uint8_t>(type))
    return absl::DataLossError(absl::StrCat(what.str(), ": stored value holds another record type"));
  *payload = value.substr(2, body - 2);
  return absl::OkStatus();
}

}  // namespace crm::codec
