// Merge journals and the redirects of merged customers' ids (crm/duplicates.hpp: merging).
//
// merges           U64(merge id) -> envelope(Journal), sealed with the survivor's data key in an
//                  encrypted store (the journal holds the losers' records)
// merge_survivor   U64(survivor) U64(merge id) -> "": the merges into a customer
// customer_merged  U64(merged customer) -> U64(survivor) U64(merge id)
// meta "seq.merge": the last merge id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/campaign.hpp"
#include "crm/consent.hpp"
#include "crm/duplicates.hpp"
#include "crm/interaction.hpp"
#include "crm/opportunity.hpp"
#include "model/schema.h"

namespace crm::duplicates {

// A kept duplicate pair as stored (its key's two ids and its value), to put back as it was.
struct StoredPair {
  CustomerId a = 0;
  CustomerId b = 0;
  std::string value;
};

// A loser's place in a manual or snapshot segment, which the survivor took (dynamic segments
// follow from their filters). `survivor_joined`: the survivor was not a member before.
struct SegmentPlace {
  CustomerId loser = 0;
  std::uint64_t segment = 0;
  bool survivor_joined = false;
};

// A loser's membership of a campaign, which the survivor took unless it was a member already
// (`survivor_joined` says it was not).
struct CampaignPlace {
  CampaignMember member;  // the loser's, as it was
  bool survivor_joined = false;
  std::vector<CampaignEvent> events;  // the loser's, which the survivor's log took
};

// A loser's ticket, which the survivor took.
struct TicketPlace {
  CustomerId loser = 0;
  std::uint64_t ticket = 0;
};

// What a merge changed: each record it rewrote as it was before, and the revision the merge
// left it at (an unmerge restores a record only while it still has that revision).
struct Journal {
  MergeRecord record;
  Customer survivor;  // before the merge
  std::uint64_t survivor_revision = 0;
  std::vector<Customer> losers;  // as they were, in the order given
  std::vector<Interaction> interactions;
  std::vector<std::uint64_t> interaction_revisions;
  std::vector<Opportunity> deals;  // the losers' deals, and deals naming a loser as a contact
  std::vector<std::uint64_t> deal_revisions;
  std::vector<Customer> related;  // members of a loser, subsidiaries of a loser
  std::vector<std::uint64_t> related_revisions;
  std::vector<ConsentRecord> consents;  // as they were (of a loser)
  std::vector<StoredPair> pairs;        // the losers' kept pairs
  std::vector<SegmentPlace> segments;   // since journal version 1
  std::vector<CampaignPlace> campaigns;  // since journal version 1
  std::vector<TicketPlace> tickets;      // since journal version 2
};

absl::StatusOr<MergeId> NextMergeId(model::Ctx& ctx);
absl::Status PutJournal(model::Ctx& ctx, const Journal& j);
// NotFound when there is no such merge.
absl::StatusOr<Journal> GetJournal(const model::Ctx& ctx, MergeId id);
// The journals of merges into `survivor`, oldest first.
absl::StatusOr<std::vector<Journal>> JournalsOf(const model::Ctx& ctx, CustomerId survivor);
absl::Status DeleteJournal(model::Ctx& ctx, const Journal& j);
// Makes merge `id` final: its journal keeps the merge's record alone, with final_at now
// (DuplicateWrites::FinalizeMerge).
absl::StatusOr<MergeRecord> Finalize(model::Ctx& ctx, MergeId id);
// Makes final up to `limit` merges made before `merged_before`, oldest first; how many.
absl::StatusOr<std::uint64_t> FinalizeBefore(model::Ctx& ctx, Timestamp merged_before, std::size_t limit);

struct Redirect {
  CustomerId survivor = 0;
  MergeId merge = 0;
};
absl::StatusOr<std::optional<Redirect>> GetRedirect(const model::Ctx& ctx, CustomerId id);
absl::Status PutRedirect(model::Ctx& ctx, CustomerId id, const Redirect& r);
absl::Status DeleteRedirect(model::Ctx& ctx, CustomerId id);
// Where `id` resolves now: follows redirects to a customer that was not merged away (NotFound
// when `id` was not merged; DataLoss for a cycle or a chain deeper than any merge makes).
absl::StatusOr<CustomerId> Resolve(const model::Ctx& ctx, CustomerId id);

// Forgets every merge into `survivor` (it is deleted or erased): the journals, the redirects of
// their losers, and, through those losers, the merges into them before, so no copy of their
// records stays.
absl::Status ForgetMerges(model::Ctx& ctx, CustomerId survivor);

// The pairs of `id` as stored, and putting one back.
absl::StatusOr<std::vector<StoredPair>> StoredPairsOf(const model::Ctx& ctx, CustomerId id);
absl::Status PutStoredPair(model::Ctx& ctx, const StoredPair& p);

// Merging and unmerging (merge.cc, unmerge.cc).
absl::StatusOr<MergeResult> Merge(model::Ctx& ctx, CustomerId survivor, const std::vector<CustomerId>& losers,
                                  const MergeOptions& options);
absl::StatusOr<MergeRecord> Unmerge(model::Ctx& ctx, MergeId id);

// Redirects naming a merge that is not kept, journals whose losers exist (Verify).
absl::Status CheckMerges(const model::Ctx& ctx, std::vector<std::string>* problems);

}  // namespace crm::duplicates
