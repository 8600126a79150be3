// Opaque page tokens for keyset pagination: the last key a page returned, bound to the query
// that produced it (a token used with another query is rejected).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
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

// Collects one page: `walk(emit)` offers items in key order; the first `limit` are kept and, if
// another one is offered, the page gets a token continuing after the last kept key.
template <class T, class Walk>
absl::Status CollectPage(std::size_t limit, std::uint64_t query_hash, std::vector<T>& items,
                         std::string& next_token, Walk walk) {
  std::string last_key;
  bool more = false;
  absl::Status s = walk([&](std::string_view key, const T& item) {
    if (items.size() == limit) {
      more = true;
      return false;
    }
    items.push_back(item);
    last_key.assign(key);
    return true;
  });
  if (s.ok() && more) next_token = MakePageToken(query_hash, last_key);
  return s;
}

// Checks a page size.
absl::Status CheckLimit(std::size_t limit);
inline constexpr std::size_t kMaxPageSize = 1000;

}  // namespace crm::model
