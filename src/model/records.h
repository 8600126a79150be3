// The record-table mechanism every concept uses: records kept by 64-bit id, enveloped (format
// version and checksum), read, checked against the revision an update was based on, stamped
// with revision and times, and written.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "codec/envelope.h"
#include "common/errors.h"
#include "codec/key.h"
#include "model/schema.h"
#include "model/sealing.h"
#include "common/strings.h"
#include "model/serialize.h"
#include "model/validation.h"

namespace crm::model {

// A kind of record kept by id in a table of its own.
struct RecordKind {
  storage::Table Schema::*table;
  codec::RecordType type;
  std::string_view name;  // "customer": in messages and in the envelope's context
};

inline absl::Status NotFound(const RecordKind& kind, std::uint64_t id) {
  return absl::NotFoundError(absl::StrCat(Av(kind.name), " ", id, " does not exist"));
}

// Aborted (ErrorKind::kStaleRevision) unless an update based on revision `based_on` may replace
// the stored revision `stored`.
inline absl::Status CheckRevision(std::string_view name, std::uint64_t id, std::uint64_t stored,
                                  std::uint64_t based_on) {
  if (stored == based_on) return absl::OkStatus();
  return StaleRevisionError(absl::StrCat(Av(name), " ", id, " is at revision ", stored,
                                         "; this update was based on revision ", based_on));
}

// A new record: revision 1, created and updated now.
template <class T>
void StampCreated(T& record, Timestamp now) {
  record.revision = 1;
  record.created_at = record.updated_at = now;
}

// Stamps a record being created: revision 1, created and updated now; in import mode the times
// the record carries are kept (created_at when set; updated_at when set, else created_at).
template <class T>
absl::Status StampNew(T& record, const Ctx& ctx) {
  if (!ctx.importing || record.created_at == 0) {
    StampCreated(record, ctx.now);
    return absl::OkStatus();
  }
  record.revision = 1;
  if (record.updated_at == 0) record.updated_at = record.created_at;
  if (auto s = CheckTime("created_at", record.created_at); !s.ok()) return s;
  if (auto s = CheckTime("updated_at", record.updated_at); !s.ok()) return s;
  if (record.updated_at < record.created_at) return Invalid("updated_at", "is before created_at");
  return absl::OkStatus();
}

// The next revision of a record changed in place.
template <class T>
void StampTouched(T& record, Timestamp now) {
  record.revision += 1;
  record.updated_at = now;
}

// The next revision of `before`: `record` keeps its creation time.
template <class T>
void StampChanged(T& record, const T& before, Timestamp now) {
  record.revision = before.revision + 1;
  record.created_at = before.created_at;
  record.updated_at = now;
}

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
  if (auto s = codec::Decode(value, type, {kind, id}, *out, ctx.sealing); !s.ok()) return s;
  if (out->id != id)
    return absl::DataLossError(absl::StrCat(absl::string_view(kind.data(), kind.size()), " ", id,
                                            ": stored record holds id ", out->id));
  return true;
}

template <class T>
absl::StatusOr<bool> Load(const Ctx& ctx, const RecordKind& kind, std::uint64_t id, T* out) {
  return LoadRecord(ctx, ctx.schema.*kind.table, kind.type, kind.name, id, out);
}

// The record, or NotFound.
template <class T>
absl::StatusOr<T> Get(const Ctx& ctx, const RecordKind& kind, std::uint64_t id) {
  T record;
  auto found = Load(ctx, kind, id, &record);
  if (!found.ok()) return found.status();
  if (!*found) return NotFound(kind, id);
  return record;
}

// The stored record an update of `incoming` replaces: its id must name one, and its revision
// must be the stored one.
template <class T>
absl::StatusOr<T> LoadForUpdate(const Ctx& ctx, const RecordKind& kind, const T& incoming) {
  if (incoming.id == 0)
    return absl::InvalidArgumentError(absl::StrCat("id: an update needs the id of the ", Av(kind.name)));
  auto before = Get<T>(ctx, kind, incoming.id);
  if (!before.ok()) return before;
  if (auto s = CheckRevision(kind.name, incoming.id, before->revision, incoming.revision); !s.ok()) return s;
  return before;
}

// The calling thread's buffer for a record being encoded: one for every record type (an encode
// ends with its put), as every thread_local of the library takes static TLS room.
std::string& RecordScratch();

// Writes `record` under its id. `fresh`: a newly allocated id, appended at the end of the table.
template <class T>
absl::Status PutRecord(Ctx& ctx, storage::Table table, codec::RecordType type, const T& record,
                       bool fresh = false) {
  std::string& buffer = RecordScratch();
  // In an encrypted store a customer is sealed with its own data key.
  std::uint64_t owner = 0;
  if constexpr (std::is_same_v<T, Customer>) owner = record.id;
  if (auto s = codec::Encode(type, record, owner, record.id, ctx.sealing, buffer); !s.ok()) return s;
  char key[8];
  codec::PutBigEndian64(key, record.id);
  return ctx.txn.Put(table, std::string_view(key, 8), buffer, fresh ? storage::kAppend : 0);
}

template <class T>
absl::Status Put(Ctx& ctx, const RecordKind& kind, const T& record, bool fresh = false) {
  return PutRecord(ctx, ctx.schema.*kind.table, kind.type, record, fresh);
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
