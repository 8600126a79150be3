// The change feed: every write of every record, in commit order, with a gap-free sequence
// number. It is the audit trail, the source of field history and what sync reads. Values the
// store derives (a customer's last_interaction_at, kept from its interactions) are not changes
// of their own: the feed has the interaction changes they follow from.
//
// Thread safety: plain values (see types.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/txn_part.hpp"
#include "crm/types.hpp"

namespace crm {

enum class EntityType : std::uint8_t {
  kCustomer = 1,
  kInteraction = 2,
  kOpportunity = 3,
  kPipeline = 4,
  kUser = 5,  // since 0.5 (crm/user.hpp)
  kTeam = 6,
};
std::string_view EntityTypeName(EntityType type);

enum class ChangeOp : std::uint8_t {
  kCreate = 1,
  kUpdate = 2,
  kArchive = 3,
  kRestore = 4,
  kDelete = 5,
  kStageMove = 6,
  kErase = 7,  // the record was erased (since 0.6; crm/privacy.hpp): a tombstone without fields
};
std::string_view ChangeOpName(ChangeOp op);

// One field's values before and after, as text ("" when absent). Lists are written one item per
// "; "; custom fields appear as "custom.<name>".
struct FieldChange {
  std::string field;
  std::string before;
  std::string after;
  friend bool operator==(const FieldChange&, const FieldChange&) = default;
};

struct Change {
  std::uint64_t seq = 0;  // 1, 2, 3 ... without gaps, in commit order
  Timestamp at = 0;
  std::string actor;
  EntityType entity = EntityType::kCustomer;
  std::uint64_t entity_id = 0;
  ChangeOp op = ChangeOp::kUpdate;
  std::vector<FieldChange> fields;
  // Written in import mode (WriteOptions::import): the record's times and history came from
  // another system, not from this change (since 0.5).
  bool imported = false;
  // The record was erased later (crm/privacy.hpp): the change keeps its place and kind, and its
  // field values were removed (since 0.6).
  bool redacted = false;
  friend bool operator==(const Change&, const Change&) = default;
};

// One change of one field, as field history reports it.
struct FieldHistoryEntry {
  std::string field;  // the field changed (a sub-field of the one asked for, or that one)
  std::uint64_t seq = 0;
  Timestamp at = 0;
  std::string actor;
  ChangeOp op = ChangeOp::kUpdate;
  std::string before;
  std::string after;
  friend bool operator==(const FieldHistoryEntry&, const FieldHistoryEntry&) = default;
};

// Reads of the change feed: members of every transaction.
class ChangeReads {
 public:
  // The change feed from sequence number `from_seq` on (at most `limit`, 1 to 1000).
  absl::StatusOr<std::vector<Change>> ListChanges(std::uint64_t from_seq, std::size_t limit = 100) const;
  // The sequence number of the newest change (0 when none).
  absl::StatusOr<std::uint64_t> LastChangeSeq() const;
  // Every change of one field of one record, oldest first ("address" also covers
  // "address.city"; custom fields are "custom.<name>").
  absl::StatusOr<std::vector<FieldHistoryEntry>> FieldHistory(EntityType entity, std::uint64_t id,
                                                              std::string_view field) const;

 protected:
  ChangeReads() = default;
};

}  // namespace crm
