// Reading and writing enveloped records kept by 64-bit id.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "codec/envelope.h"
#include "codec/key.h"
#include "model/schema.h"
#include "model/serialize.h"

namespace crm::model {

// Reads record `id` of `table` into `out`; false when absent, DataLoss when damaged or when the
// stored record carries another id.
template <class T>
absl::StatusOr<bool> LoadRecord(const Ctx& ctx, storage::Table table, codec::RecordType type,
                                std::string_view kind, std::uint64_t id, T* out) {
  char key[8];
  codec::PutBigEndian64(key, id);
  std::string_view value;
  auto found = ctx.txn.Get(table, std::string_view(key, 8), &value);
  if (!found.ok() || !*found) return found;
  if (auto s = codec::Decode(value, type, {kind, id}, *out); !s.ok()) return s;
  if (out->id != id)
    return absl::DataLossError(absl::StrCat(absl::string_view(kind.data(), kind.size()), " ", id,
                                            ": stored record holds id ", out->id));
  return true;
}

// Writes `record` under its id. `fresh`: a newly allocated id, appended at the end of the table.
template <class T>
absl::Status PutRecord(Ctx& ctx, storage::Table table, codec::RecordType type, const T& record,
                       bool fresh = false) {
  thread_local std::string buffer;
  codec::Encode(type, record, buffer);
  char key[8];
  codec::PutBigEndian64(key, record.id);
  return ctx.txn.Put(table, std::string_view(key, 8), buffer, fresh ? storage::kAppend : 0);
}

// Whether any key of `table` starts with `prefix`.
inline absl::StatusOr<bool> AnyWithPrefix(const Ctx& ctx, storage::Table table, std::string_view prefix) {
  bool any = false;
  auto s = storage::ScanPrefix(ctx.txn, table, prefix, {},
                               [&](std::string_view, std::string_view) -> absl::StatusOr<bool> {
                                 any = true;
                                 return false;
                               });
  if (!s.ok()) return s;
  return any;
}

// Every id at the end (last 8 bytes) of the keys of `table` that start with `prefix`.
inline absl::StatusOr<std::vector<std::uint64_t>> IdsWithPrefix(const Ctx& ctx, storage::Table table,
                                                                 std::string_view prefix) {
  std::vector<std::uint64_t> ids;
  auto s = storage::ScanPrefix(ctx.txn, table, prefix, {},
                               [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                 if (key.size() >= 8) ids.push_back(codec::GetBigEndian64(key.data() + key.size() - 8));
                                 return true;
                               });
  if (!s.ok()) return s;
  return ids;
}

}  // namespace crm::model
