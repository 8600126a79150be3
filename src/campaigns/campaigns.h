// Campaigns (crm/campaign.hpp): records by id; members as records of their own under the
// campaign (campaign_member), mirrored by customer (customer_campaign); a count per campaign
// (the meta counter "campaign.<id>").
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/campaign.hpp"
#include "model/schema.h"

namespace crm::campaigns {

using model::Ctx;

absl::StatusOr<Campaign> Get(const Ctx& ctx, CampaignId id);
absl::StatusOr<std::vector<Campaign>> List(const Ctx& ctx);
absl::StatusOr<Campaign> Create(Ctx& ctx, Campaign c);
absl::StatusOr<Campaign> Update(Ctx& ctx, Campaign c);
absl::Status Delete(Ctx& ctx, CampaignId id);

absl::StatusOr<CampaignMember> GetMember(const Ctx& ctx, CampaignId campaign, CustomerId customer);
absl::StatusOr<CampaignMemberPage> Members(const Ctx& ctx, CampaignId campaign, std::string_view page_token,
                                           std::size_t limit);
absl::StatusOr<std::vector<CampaignMember>> Of(const Ctx& ctx, CustomerId customer);
absl::StatusOr<AudiencePage> Audience(const Ctx& ctx, CampaignId campaign, std::string_view page_token,
                                      std::size_t limit, Timestamp at);
absl::StatusOr<std::uint64_t> AddMembers(Ctx& ctx, CampaignId campaign, std::span<const CustomerId> customers,
                                         std::string_view status);
absl::StatusOr<std::uint64_t> AddSegment(Ctx& ctx, CampaignId campaign, SegmentId segment, std::string_view status);
absl::StatusOr<std::uint64_t> RemoveMembers(Ctx& ctx, CampaignId campaign, std::span<const CustomerId> customers);
absl::StatusOr<CampaignMember> SetStatus(Ctx& ctx, CampaignId campaign, CustomerId customer, std::string_view status);

absl::StatusOr<Touches> CustomerTouches(const Ctx& ctx, CustomerId customer);
absl::StatusOr<Touches> DealTouches(const Ctx& ctx, OpportunityId deal);
absl::StatusOr<std::vector<AttributionRow>> Attribution(const Ctx& ctx, const AttributionQuery& q);

absl::StatusOr<CampaignEvent> RecordEvent(Ctx& ctx, CampaignEvent e);
absl::StatusOr<std::vector<CampaignEvent>> Events(const Ctx& ctx, CampaignId campaign, CustomerId customer);
absl::StatusOr<std::vector<std::uint64_t>> EventCounts(const Ctx& ctx, CampaignId campaign);
// Removes a member's events (a membership dropped; merges read them first, to move them).
absl::Status DropEvents(Ctx& ctx, CampaignId campaign, CustomerId customer);
// Writes `events` as `customer`'s (their ids and times kept), or removes them from its log.
absl::Status PutEvents(Ctx& ctx, const std::vector<CampaignEvent>& events, CustomerId customer);
absl::Status RemoveEvents(Ctx& ctx, const std::vector<CampaignEvent>& events, CustomerId customer);

// Writes a member record as it is (a new one counts); used by merges to move memberships.
absl::Status PutMember(Ctx& ctx, const CampaignMember& m);
// Removes one membership; false when there was none.
absl::StatusOr<bool> DropMember(Ctx& ctx, CampaignId campaign, CustomerId customer);
// A deleted customer leaves every campaign.
absl::Status ForgetCustomer(Ctx& ctx, CustomerId customer);

// What Verify finds wrong: records that do not decode, members of missing campaigns or
// customers or with a status their campaign lacks, missing mirror entries, wrong counts.
absl::StatusOr<std::vector<std::string>> Check(const Ctx& ctx, std::uint64_t* records, std::uint64_t* entries);

}  // namespace crm::campaigns
