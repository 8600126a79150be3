#include "model/paging.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "codec/key.h"

namespace crm::model {
namespace {
constexpr char kTokenVersion = 1;
}

QueryHash& QueryHash::Add(std::string_view bytes) {
  for (unsigned char c : bytes) {
    h_ ^= c;
    h_ *= 1099511628211ull;
  }
  h_ ^= 0xFF;  // separates consecutive parts
  h_ *= 1099511628211ull;
  return *this;
}

QueryHash& QueryHash::Add(std::uint64_t v) { return Add(codec::EncodeU64(v)); }

std::string MakePageToken(std::uint64_t query_hash, std::string_view last_key) {
  std::string raw(1, kTokenVersion);
  raw += codec::EncodeU64(query_hash);
  raw += last_key;
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::string> ParsePageToken(std::string_view token, std::uint64_t query_hash,
                                           std::string_view lo, std::string_view hi) {
  if (token.empty()) return std::string();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(absl::string_view(token.data(), token.size()), &raw) ||
      raw.size() < 9 || raw[0] != kTokenVersion)
    return absl::InvalidArgumentError("page_token: is not a token this library issued");
  std::string last = raw.substr(9);
  if (codec::GetBigEndian64(raw.data() + 1) != query_hash || last < lo || (!hi.empty() && last >= hi))
    return absl::InvalidArgumentError("page_token: was issued for a different query");
  return last;
}

absl::Status CheckLimit(std::size_t limit) {
  if (limit == 0 || limit > kMaxPageSize)
    return absl::InvalidArgumentError(absl::StrCat("limit: must be between 1 and ", kMaxPageSize));
  return absl::OkStatus();
}

}  // namespace crm::model
