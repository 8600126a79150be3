// Opaque page tokens for keyset pagination: the last key a page returned, bound to the query
// that produced it (a token used with another query is rejected).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace crm::model {

// FNV-1a over the parts of a query that decide which records it covers.
class QueryHash {
 public:
  QueryHash& Add(std::string_view bytes);
  QueryHash& Add(std::uint64_t v);
  std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_ = 1469598103934665603ull;
};

std::string MakePageToken(std::uint64_t query_hash, std::string_view last_key);

// The key to continue after ("" for an empty token, the first page). InvalidArgument naming
// page_token when it is malformed, from another query, or outside [lo, hi) (hi empty: unbounded).
absl::StatusOr<std::string> ParsePageToken(std::string_view token, std::uint64_t query_hash,
                                           std::string_view lo, std::string_view hi);

// Checks a page size.
absl::Status CheckLimit(std::size_t limit);
inline constexpr std::size_t kMaxPageSize = 1000;

}  // namespace crm::model
