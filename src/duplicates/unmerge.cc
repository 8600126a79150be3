// UnmergeCustomers (crm/duplicates.hpp): every record a merge wrote put back as its journal kept
// it, while none of them has changed since.
#include <algorithm>
#include <string_view>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/strings.h"
#include "consent/records.h"
#include "customers/customers.h"
#include "duplicates/journal.h"
#include "segments/segments.h"
#include "campaigns/campaigns.h"
#include "changes/changes.h"
#include "tickets/tickets.h"
#include "interactions/interactions.h"
#include "model/external.h"
#include "opportunities/opportunities.h"

namespace crm::duplicates {
namespace {

constexpr std::size_t kShown = 5;

// What blocks an unmerge, gathered before anything is written.
class Blockers {
 public:
  void Add(std::string what) { list_.push_back(std::move(what)); }
  // The record as it is now is the one the merge left (its revision `left`); else says why not.
  template <class T>
  absl::StatusOr<bool> Same(std::string_view kind, std::uint64_t id, const absl::StatusOr<T>& now, std::uint64_t left) {
    if (absl::IsNotFound(now.status())) {
      Add(absl::StrCat(Av(kind), " ", id, " was deleted since"));
      return false;
    }
    if (!now.ok()) return now.status();
    if (now->revision != left) {
      Add(absl::StrCat(Av(kind), " ", id, " was changed since (revision ", now->revision, "; the merge left revision ",
                       left, ")"));
      return false;
    }
    return true;
  }
  absl::Status Result(MergeId id) const {
    if (list_.empty()) return absl::OkStatus();
    const std::size_t shown = std::min(list_.size(), kShown);
    return absl::FailedPreconditionError(absl::StrCat(
        "merge ", id, " cannot be undone: ", absl::StrJoin(list_.begin(), list_.begin() + shown, "; "),
        list_.size() > shown ? absl::StrCat("; and ", list_.size() - shown, " more") : ""));
  }

 private:
  std::vector<std::string> list_;
};

}  // namespace

absl::StatusOr<MergeRecord> Unmerge(model::Ctx& ctx, MergeId id) {
  auto journal = GetJournal(ctx, id);
  if (!journal.ok()) return journal.status();
  const Journal& j = *journal;
  if (j.record.final_at != 0)
    return absl::FailedPreconditionError(absl::StrCat(
        "merge ", id, " was made final (FinalizeMerge) at ", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixMicros(j.record.final_at), absl::UTCTimeZone()),
        ": its journal no longer keeps the records it changed, so it cannot be undone"));
  const CustomerId survivor_id = j.record.survivor;
  Blockers blockers;

  auto survivor = customers::Get(ctx, survivor_id);
  if (absl::IsNotFound(survivor.status())) {
    auto r = GetRedirect(ctx, survivor_id);
    if (!r.ok()) return r.status();
    if (!r->has_value()) return absl::DataLossError(absl::StrCat("merge ", id, ": its survivor ", survivor_id, " is gone"));
    blockers.Add(absl::StrCat("customer ", survivor_id, " was merged into customer ", (*r)->survivor, " since (merge ",
                              (*r)->merge, "); undo that merge first"));
  } else if (auto same = blockers.Same("customer", survivor_id, survivor, j.survivor_revision); !same.ok()) {
    return same.status();
  }
  if (j.interactions.size() != j.interaction_revisions.size() || j.deals.size() != j.deal_revisions.size() ||
      j.related.size() != j.related_revisions.size())
    return absl::DataLossError(absl::StrCat("merge ", id, ": the journal is damaged"));
  // The records as they are now, read once: checked here, replaced below.
  std::vector<Interaction> now_interactions;
  std::vector<Opportunity> now_deals;
  std::vector<Customer> now_related;
  const auto check = [&](std::string_view kind, std::uint64_t rid, auto now, std::uint64_t left, auto& into) {
    auto same = blockers.Same(kind, rid, now, left);
    if (same.ok() && *same) into.push_back(*std::move(now));
    return same.status();
  };
  for (std::size_t i = 0; i < j.interactions.size(); ++i) {
    const InteractionId iid = j.interactions[i].id;
    if (auto s = check("interaction", iid, interactions::Get(ctx, iid), j.interaction_revisions[i], now_interactions);
        !s.ok())
      return s;
  }
  for (std::size_t i = 0; i < j.deals.size(); ++i) {
    const OpportunityId oid = j.deals[i].id;
    if (auto s = check("opportunity", oid, opportunities::Get(ctx, oid), j.deal_revisions[i], now_deals); !s.ok())
      return s;
  }
  for (std::size_t i = 0; i < j.related.size(); ++i) {
    const CustomerId cid = j.related[i].id;
    if (auto s = check("customer", cid, customers::Get(ctx, cid), j.related_revisions[i], now_related); !s.ok())
      return s;
  }
  for (const ConsentRecord& r : j.consents) {
    ConsentRecord moved = r;
    moved.customer = survivor_id;
    auto kept = consent::Has(ctx, moved);
    if (!kept.ok()) return kept.status();
    if (!*kept) blockers.Add(absl::StrCat("consent record ", r.id, " (of customer ", r.customer, ") is gone"));
  }
  // The losers' unique keys must be free once the survivor is restored.
  const auto held_by_other = [&](absl::StatusOr<Customer> holder) -> absl::StatusOr<std::optional<CustomerId>> {
    if (absl::IsNotFound(holder.status())) return std::nullopt;
    if (!holder.ok()) return holder.status();
    if (holder->id == survivor_id) return std::nullopt;
    return holder->id;
  };
  for (const Customer& l : j.losers) {
    for (const Email& e : l.emails) {
      auto other = held_by_other(customers::FindByEmail(ctx, e.address));
      if (!other.ok()) return other.status();
      if (other->has_value())
        blockers.Add(absl::StrCat("email ", e.address, " of customer ", l.id, " is customer ", **other, "'s now"));
    }
    if (!l.external_id.empty()) {
      auto other = held_by_other(customers::FindByExternalId(ctx, l.external_id));
      if (!other.ok()) return other.status();
      if (other->has_value())
        blockers.Add(absl::StrCat("external id ", l.external_id, " of customer ", l.id, " is customer ", **other, "'s now"));
    }
  }
  if (auto s = blockers.Result(id); !s.ok()) return s;

  // ---- the writes: a failure from here on dooms the transaction ----
  std::vector<std::string> names;
  for (const Customer& l : j.losers) names.push_back(absl::StrCat(l.id));
  if (auto s = customers::Replace(ctx, *survivor, j.survivor, ChangeOp::kUnmerge, {{"unmerged", absl::StrJoin(names, "; ")}});
      !s.ok())
    return s.status();
  for (const Customer& l : j.losers) {
    if (auto s = DeleteRedirect(ctx, l.id); !s.ok()) return s;
    if (auto s = customers::Recreate(ctx, l); !s.ok()) return s.status();
  }
  // With no blocker, every record was read as the merge left it, in the journal's order.
  for (std::size_t i = 0; i < j.related.size(); ++i)
    if (auto s = customers::Replace(ctx, now_related[i], j.related[i], ChangeOp::kUpdate); !s.ok()) return s.status();
  for (std::size_t i = 0; i < j.deals.size(); ++i)
    if (auto s = opportunities::Reassign(ctx, now_deals[i], j.deals[i]); !s.ok()) return s.status();
  for (std::size_t i = 0; i < j.interactions.size(); ++i)
    if (auto s = interactions::Reassign(ctx, now_interactions[i], j.interactions[i]); !s.ok()) return s.status();
  // What was written of them while they were the survivor's is sealed with the survivor's key:
  // their history goes back to the loser with them, so erasing the survivor leaves it readable.
  for (const Interaction& i : j.interactions)
    if (auto s = changes::Reseal(ctx, EntityType::kInteraction, i.id, i.customer); !s.ok()) return s;
  // The losers' tickets go back, as they are now; one deleted since has nothing to give back.
  auto held = tickets::IdsOf(ctx, survivor_id);
  if (!held.ok()) return held.status();
  for (const TicketPlace& p : j.tickets)
    if (std::binary_search(held->begin(), held->end(), p.ticket))
      if (auto s = tickets::Reassign(ctx, p.ticket, p.loser); !s.ok()) return s;
  for (const TicketPlace& p : j.tickets)
    if (std::binary_search(held->begin(), held->end(), p.ticket))
      if (auto s = changes::Reseal(ctx, EntityType::kTicket, p.ticket, p.loser); !s.ok()) return s;
  for (const ConsentRecord& r : j.consents) {
    ConsentRecord moved = r;
    moved.customer = survivor_id;
    if (auto s = consent::Move(ctx, moved, r.customer); !s.ok()) return s.status();
  }
  for (const StoredPair& p : j.pairs)
    if (auto s = PutStoredPair(ctx, p); !s.ok()) return s;
  for (const SegmentPlace& p : j.segments) {
    // A segment deleted since, or no longer holding the survivor, has nothing to give back.
    auto segment = segments::Get(ctx, p.segment);
    if (absl::IsNotFound(segment.status())) continue;
    if (!segment.ok()) return segment.status();
    if (auto joined = segments::Join(ctx, p.segment, p.loser); !joined.ok()) return joined.status();
    if (p.survivor_joined)
      if (auto left = segments::Leave(ctx, p.segment, survivor_id); !left.ok()) return left.status();
  }
  for (const CampaignPlace& p : j.campaigns) {
    // A campaign deleted since has nothing to give back.
    auto campaign = campaigns::Get(ctx, p.member.campaign);
    if (absl::IsNotFound(campaign.status())) continue;
    if (!campaign.ok()) return campaign.status();
    CampaignMember restored = p.member;
    // A status the campaign has dropped since becomes its default (a status members hold cannot
    // be dropped, but the loser's was not held while it was merged away).
    if (std::none_of(campaign->statuses.begin(), campaign->statuses.end(),
                     [&](const CampaignStatus& st) { return st.name == restored.status; }))
      restored.status = campaign->default_status;
    if (auto s = campaigns::PutMember(ctx, restored); !s.ok()) return s;
    if (auto s = campaigns::RemoveEvents(ctx, p.events, survivor_id); !s.ok()) return s;
    if (auto s = campaigns::PutEvents(ctx, p.events, p.member.customer); !s.ok()) return s;
    if (p.survivor_joined) {
      // The membership was the loser's: events recorded on it since the merge go back with it.
      auto since = campaigns::Events(ctx, p.member.campaign, survivor_id);
      if (!since.ok() && !absl::IsNotFound(since.status())) return since.status();
      if (since.ok())
        if (auto s = campaigns::PutEvents(ctx, *since, p.member.customer); !s.ok()) return s;
      if (auto left = campaigns::DropMember(ctx, p.member.campaign, survivor_id); !left.ok()) return left.status();
    }
  }
  if (auto s = DeleteJournal(ctx, j); !s.ok()) return s;
  if (auto s = interactions::RefreshContact(ctx, survivor_id); !s.ok()) return s;
  for (const Customer& l : j.losers)
    if (auto s = interactions::RefreshContact(ctx, l.id); !s.ok()) return s;
  return j.record;
}

}  // namespace crm::duplicates
