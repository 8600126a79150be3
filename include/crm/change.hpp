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
  kProduct = 7,  // since 0.15 (crm/product.hpp)
  kSegment = 8,  // since 0.19 (crm/segment.hpp)
  kCampaign = 9,  // since 0.19 (crm/campaign.hpp)
  kTicket = 10,   // since 0.20 (crm/ticket.hpp)
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
  kMerge = 8,    // customers were merged into this one (since 0.18; crm/duplicates.hpp): its fields
                 // before and after, and "merged" (the losers' ids)
  kUnmerge = 9,  // a merge into this customer was undone: its fields before and after, and
                 // "unmerged" (the restored customers' ids); the restored customers get creates
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
  // The retention policy trimmed it (Store::ApplyRetention): it keeps its place, time, entity
  // and operation, and lost its field values and actor (since 0.7).
  bool trimmed = false;
  friend bool operator==(const Change&, const Change&) = default;
};

// Retention (since 0.7): how long the feed, and so field history, keeps changes.
//
// A change a rule selects is trimmed: it keeps its sequence number, time, entity and operation,
// and loses its field values and its actor (Change::trimmed); field history no longer lists it.
// Trimmed changes at the front of the feed are then removed: the feed starts at
// FirstChangeSeq(), and asking for an earlier change (ListChanges with 1 <= from_seq <
// FirstChangeSeq()) is refused with OutOfRange and ErrorKind::kTrimmed, so a consumer knows it
// missed changes. From FirstChangeSeq() on, sequence numbers stay gap-free.
struct RetentionRule {
  EntityType entity = EntityType::kCustomer;
  std::uint32_t keep_days = 0;     // trim changes of this kind older than this many days (0: no limit)
  std::uint32_t keep_entries = 0;  // keep only the newest N changes of each record of this kind (0: no limit)
  friend bool operator==(const RetentionRule&, const RetentionRule&) = default;
};

struct RetentionPolicy {
  std::vector<RetentionRule> rules;  // at most one per kind; kinds without a rule keep everything
  std::size_t batch = 1000;          // changes per write transaction (1 to 100000)
};

struct RetentionReport {
  std::uint64_t trimmed = 0;       // changes this run trimmed
  std::uint64_t removed = 0;       // trimmed changes this run removed from the front of the feed
  std::uint64_t first_seq = 0;     // FirstChangeSeq() afterwards
  std::uint64_t transactions = 0;  // write transactions committed
  friend bool operator==(const RetentionReport&, const RetentionReport&) = default;
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
  // The change feed from sequence number `from_seq` on (at most `limit`, 1 to 1000); 0: from the
  // oldest change kept. OutOfRange (ErrorKind::kTrimmed) when changes from `from_seq` on were
  // removed by retention (see above).
  absl::StatusOr<std::vector<Change>> ListChanges(std::uint64_t from_seq, std::size_t limit = 100) const;
  // The sequence number of the oldest change the feed keeps (1 until retention removed some;
  // LastChangeSeq() + 1 when it keeps none).
  absl::StatusOr<std::uint64_t> FirstChangeSeq() const;
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
