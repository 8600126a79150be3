// Opportunities: deals moving through a pipeline, with their stage history.
//
// Thread safety: records, queries and pages are plain values (see types.hpp); the operations are
// members of the transactions (store.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/pipeline.hpp"
#include "crm/txn_part.hpp"
#include "crm/types.hpp"

namespace crm {

// A person's part in a deal.
struct ContactRole {
  CustomerId person = 0;
  std::string role;  // "decision maker", "economic buyer" ...
  friend bool operator==(const ContactRole&, const ContactRole&) = default;
};

using ProductId = std::uint64_t;

// One line of a deal: a product of the catalog (crm/product.hpp), how many, at what price (since
// 0.15). Its total is quantity x unit price less the discount, rounded to the currency's minor
// unit (half away from zero).
struct LineItem {
  ProductId product = 0;  // required
  // Thousandths of a unit, above 0 and at most a billion units: 1000 is one, 1500 one and a half.
  std::int64_t quantity_milli = 1000;
  // No currency: the product's list price in the deal's currency (then stored). Otherwise in the
  // deal's currency: every line of a deal is in one currency.
  Money unit_price;
  // Basis points off the unit price, 0 to 10000: 1250 is 12.5 %.
  std::int32_t discount_bp = 0;
  std::string description;  // optional
  Money total;              // managed by the store

  friend bool operator==(const LineItem&, const LineItem&) = default;
};

// One move of an opportunity between stages.
struct StageChange {
  StageId from = 0;  // 0 for the stage it was created in
  StageId to = 0;
  Timestamp at = 0;
  std::string actor;
  Money amount;     // at the time of the move
  int probability = 0;  // at the time of the move
  friend bool operator==(const StageChange&, const StageChange&) = default;
};

struct Opportunity {
  // Managed by the store (see Customer), together with `history` and `closed_at`.
  OpportunityId id = 0;
  std::uint64_t revision = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  Timestamp closed_at = 0;  // when it entered a won or lost stage; 0 while open
  std::vector<StageChange> history;

  std::string title;
  CustomerId customer = 0;  // optional (0: none yet); once set it does not change
  PipelineId pipeline = 0;  // the default pipeline when 0
  StageId stage = 0;        // the pipeline's first stage when 0
  // Optional: no currency and 0 for none. Managed when the deal has lines: their totals' sum.
  Money amount;
  // Percent, 0 to 100. On create and update, -1 means "the stage's default": the store then
  // fills in the stage's probability and keeps it following the stage as the deal moves.
  int probability = -1;
  bool probability_overridden = false;  // managed: whether `probability` was set by hand
  Timestamp expected_close = 0;
  std::string owner;
  boost::container::small_vector<ContactRole, 2> contacts;
  std::string lost_reason;  // set by CloseLost
  // Unique when not empty: the deal's id in another system, for UpsertOpportunity (since 0.5).
  std::string external_id;
  CustomFields custom;  // typed custom fields, as on customers (since 0.5)
  // kAuto: its stage's category. Otherwise where it counts while open (pipeline, best case,
  // commit or omitted; never closed): a closed deal counts as its closing stage says (since 0.13).
  ForecastCategory forecast_category = ForecastCategory::kAuto;
  // The products sold, at most 200 lines (since 0.15). The deal's currency is its amount's when
  // set, else the first priced line's, else that of the first line's product when it has one
  // list price only.
  std::vector<LineItem> lines;

  friend bool operator==(const Opportunity&, const Opportunity&) = default;
};

// The forecast category `o` counts in, `stage` being its stage.
ForecastCategory ForecastOf(const Opportunity& o, const Stage& stage);

struct OpportunityQuery {
  enum class By : std::uint8_t {
    kAll = 0,            // by id
    kCustomer = 1,       // `customer`'s deals
    kStage = 2,          // in `pipeline` (the default when 0) at `stage`
    kPipeline = 3,       // every stage of `pipeline`
    kOwner = 4,          // `owner`'s deals
    kExpectedClose = 5,  // expected_close in [close_from, close_to), soonest first
  };
  By by = By::kAll;
  CustomerId customer = 0;
  PipelineId pipeline = 0;
  StageId stage = 0;
  std::string owner;
  Timestamp close_from = INT64_MIN;
  Timestamp close_to = INT64_MAX;
  bool open_only = false;  // leave out won and lost deals
  std::size_t limit = 50;  // 1 to 1000
  std::string page_token;

  static OpportunityQuery All();
  static OpportunityQuery ForCustomer(CustomerId customer);
  static OpportunityQuery AtStage(PipelineId pipeline, StageId stage);
  static OpportunityQuery InPipeline(PipelineId pipeline);
  static OpportunityQuery OwnedBy(std::string owner);
  static OpportunityQuery ClosingBetween(Timestamp from, Timestamp to);
};

struct OpportunityPage {
  std::vector<Opportunity> opportunities;
  std::string next_page_token;  // empty on the last page
};

// Reads of opportunities: members of every transaction.
class OpportunityReads {
 public:
  absl::StatusOr<Opportunity> GetOpportunity(OpportunityId id) const;
  // NotFound when no opportunity has that external id.
  absl::StatusOr<Opportunity> FindOpportunityByExternalId(std::string_view external_id) const;
  absl::StatusOr<OpportunityPage> ListOpportunities(const OpportunityQuery& query) const;
  absl::StatusOr<std::uint64_t> CountOpportunities(const OpportunityQuery& query) const;

 protected:
  OpportunityReads() = default;
};

// Writes of opportunities: members of WriteTxn.
class OpportunityWrites {
 public:
  // Creates a deal (pipeline 0: the default; stage 0: its first stage; probability -1: the
  // stage's default). Its history starts with the entry into the first stage.
  absl::StatusOr<Opportunity> CreateOpportunity(const Opportunity& opportunity);
  // Revision checked; a changed stage is recorded as a stage move.
  absl::StatusOr<Opportunity> UpdateOpportunity(const Opportunity& opportunity);
  // Creates or replaces the opportunity with `opportunity.external_id` (which must not be
  // empty), regardless of revision: re-running an import updates instead of duplicating. A
  // replaced deal keeps its pipeline and history; a changed stage is recorded as a move.
  absl::StatusOr<Opportunity> UpsertOpportunity(const Opportunity& opportunity);
  // Changes only the fields `patch` names, as PatchCustomer does: title, customer, stage (a move,
  // recorded), amount, probability, expected_close, owner, contacts, lost_reason, external_id,
  // lines, custom or custom.<name>; "+contacts" and "+lines" add to the stored ones. By id (revision checked
  // unless 0), or with id 0 by external id, creating the opportunity when there is none.
  absl::StatusOr<Opportunity> PatchOpportunity(const Opportunity& opportunity, const Patch& patch);
  // Moves to `stage` of its pipeline, recording from, to, when, who, amount and probability.
  absl::StatusOr<Opportunity> MoveOpportunity(OpportunityId id, StageId stage);
  absl::StatusOr<Opportunity> CloseWon(OpportunityId id);
  // `reason` is required. A won deal must be reopened (moved to an open stage) before it can be
  // lost (FailedPrecondition), here and in MoveOpportunity and UpdateOpportunity.
  absl::StatusOr<Opportunity> CloseLost(OpportunityId id, std::string_view reason);
  // Interactions linked to it keep existing, without the link.
  absl::Status DeleteOpportunity(OpportunityId id);

 protected:
  OpportunityWrites() = default;
};

}  // namespace crm
