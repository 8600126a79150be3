// The named LMDB tables of a libcrm database and what their keys and values hold.
//
//   meta               text key -> value: format version, id sequences, counters
//   customers          U64(id) -> envelope(Customer)
//   customer_email     folded email -> U64(id)                         (unique)
//   customer_external  external id -> U64(id)                          (unique)
//   customer_phone     Str(reversed phone digits) U64(id) -> flags
//   customer_name      Str(folded name word) U64(id) -> flags
//   customer_tag       Str(folded tag) U64(id) -> flags
//   customer_owner     Str(owner) U64(id) -> flags
//   customer_stage     U8(stage) U64(id) -> flags
//   customer_org       U64(organization) U64(person) -> flags
//
// flags: one byte, kFlagArchived set while the customer is archived, so lists can skip archived
// customers without decoding them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/types.hpp"
#include "storage/lmdb.h"

namespace crm::model {

inline constexpr std::uint64_t kSchemaVersion = 1;
inline constexpr char kFlagArchived = 0x01;

struct Schema {
  storage::Table meta;
  storage::Table customers;
  storage::Table customer_email;
  storage::Table customer_external;
  storage::Table customer_phone;
  storage::Table customer_name;
  storage::Table customer_tag;
  storage::Table customer_owner;
  storage::Table customer_stage;
  storage::Table customer_org;

  // Opens every table (creating them, and recording the schema version, in a new database).
  static absl::StatusOr<Schema> Open(storage::Env& env);
};

// The id sequences and counters a write transaction changed, kept in memory and written to the
// meta table once, when the transaction commits (a bulk insert then costs no meta writes per
// record).
class Counters {
 public:
  // The value as this transaction sees it (pending changes included).
  absl::StatusOr<std::uint64_t> Get(const storage::Txn& txn, const Schema& schema, std::string_view name);
  absl::Status Add(const storage::Txn& txn, const Schema& schema, std::string_view name, std::int64_t delta);
  // Writes every changed value; called just before commit.
  absl::Status Flush(storage::Txn& txn, const Schema& schema);

 private:
  struct Entry {
    std::string name;
    std::uint64_t value;
    bool dirty;
  };
  std::vector<Entry> entries_;
};

// What a domain operation runs against.
struct Ctx {
  storage::Txn& txn;
  const Schema& schema;
  Timestamp now = 0;              // write transactions: the time stamped on changes
  Counters* counters = nullptr;   // write transactions: pending counter changes
};

// Id sequences and counters kept in the meta table.
absl::StatusOr<std::uint64_t> ReadCounter(const Ctx& ctx, std::string_view name);
absl::Status AddToCounter(Ctx& ctx, std::string_view name, std::int64_t delta);
// The id the next NextId call will hand out, without taking it.
absl::StatusOr<std::uint64_t> PeekNextId(const Ctx& ctx, std::string_view sequence);
// The next id of a sequence (1, 2, ...); never hands out the same id twice.
absl::StatusOr<std::uint64_t> NextId(Ctx& ctx, std::string_view sequence);

}  // namespace crm::model
