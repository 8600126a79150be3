// The change feed: recording every write, reading the feed and field history.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/change.hpp"
#include "crm/interaction.hpp"
#include "crm/customer.hpp"
#include "crm/opportunity.hpp"
#include "crm/pipeline.hpp"
#include "crm/segment.hpp"
#include "crm/campaign.hpp"
#include "crm/ticket.hpp"
#include "crm/product.hpp"
#include "crm/user.hpp"
#include "crm/types.hpp"
#include "model/schema.h"

namespace crm::changes {

using model::Ctx;

// A record as (field, value as text) pairs sorted by field, empty values left out.
using Fields = std::vector<std::pair<std::string, std::string>>;

Fields Flatten(const Customer& c);
Fields Flatten(const Interaction& i);
// `pipeline` (may be null) names the stage.
Fields Flatten(const Opportunity& o, const Pipeline* pipeline);
Fields Flatten(const Pipeline& p);
Fields Flatten(const User& u);
Fields Flatten(const Team& t);
Fields Flatten(const Product& p);
Fields Flatten(const Segment& s);
Fields Flatten(const Campaign& c);
Fields Flatten(const Ticket& t);

std::string MoneyText(const Money& m);
std::string TimeText(Timestamp t);

// Appends a change to the feed: the fields that differ between `before` and `after` (either may
// be empty, for a create or a delete). An update that changes no field records nothing.
// `owner`: the customer whose personal values the change holds (a customer's or an
// interaction's change), whose data key seals it in an encrypted store; 0 for none.
absl::Status Record(Ctx& ctx, EntityType entity, std::uint64_t id, ChangeOp op, Fields before,
                    Fields after, std::uint64_t owner = 0);

// Removes the field values of every change of one record, keeping each change's place (the
// record was erased); returns how many changes it rewrote.
absl::StatusOr<std::uint64_t> Redact(Ctx& ctx, EntityType entity, std::uint64_t id);

// Seals every change of one record that holds values with `owner`'s data key (a record given
// back to another customer takes its history with it). Nothing to do in a plain store.
absl::Status Reseal(Ctx& ctx, EntityType entity, std::uint64_t id, std::uint64_t owner);

// Every change of one record, oldest first.
absl::StatusOr<std::vector<Change>> OfRecord(const Ctx& ctx, EntityType entity, std::uint64_t id);

// Changes with seq >= from_seq, at most `limit` (1 to 1000).
absl::StatusOr<std::vector<Change>> List(const Ctx& ctx, std::uint64_t from_seq, std::size_t limit);
// The newest sequence number (0 when the feed is empty).
absl::StatusOr<std::uint64_t> LastSeq(const Ctx& ctx);
// Every change of `field` of one record, oldest first. `field` also matches its sub-fields
// ("address" matches "address.city").
absl::StatusOr<std::vector<FieldHistoryEntry>> FieldHistory(const Ctx& ctx, EntityType entity,
                                                            std::uint64_t id, std::string_view field);

}  // namespace crm::changes
