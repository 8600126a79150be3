// The transaction operations of campaigns, as declared in crm/campaign.hpp (core/txn.h).
#include "crm/campaign.hpp"

#include "campaigns/campaigns.h"
#include "core/txn.h"

namespace crm {

absl::StatusOr<Campaign> CampaignReads::GetCampaign(CampaignId id) const {
  return core::Query(this, [&](const model::Ctx& c) { return campaigns::Get(c, id); });
}
absl::StatusOr<std::vector<Campaign>> CampaignReads::ListCampaigns() const {
  return core::Query(this, [&](const model::Ctx& c) { return campaigns::List(c); });
}
absl::StatusOr<CampaignMember> CampaignReads::GetCampaignMember(CampaignId campaign, CustomerId customer) const {
  return core::Query(this, [&](const model::Ctx& c) { return campaigns::GetMember(c, campaign, customer); });
}
absl::StatusOr<CampaignMemberPage> CampaignReads::ListCampaignMembers(CampaignId campaign, std::string_view page_token,
                                                                      std::size_t limit) const {
  return core::Query(this, [&](const model::Ctx& c) { return campaigns::Members(c, campaign, page_token, limit); });
}
absl::StatusOr<std::vector<CampaignMember>> CampaignReads::CampaignsOf(CustomerId customer) const {
  return core::Query(this, [&](const model::Ctx& c) { return campaigns::Of(c, customer); });
}
absl::StatusOr<AudiencePage> CampaignReads::CampaignAudience(CampaignId campaign, std::string_view page_token,
                                                             std::size_t limit, Timestamp at) const {
  return core::Query(this, [&](const model::Ctx& c) { return campaigns::Audience(c, campaign, page_token, limit, at); });
}

absl::StatusOr<std::vector<CampaignEvent>> CampaignReads::CampaignEvents(CampaignId campaign, CustomerId customer) const {
  return core::Query(this, [&](const model::Ctx& c) { return campaigns::Events(c, campaign, customer); });
}
absl::StatusOr<std::vector<std::uint64_t>> CampaignReads::CampaignEventCounts(CampaignId campaign) const {
  return core::Query(this, [&](const model::Ctx& c) { return campaigns::EventCounts(c, campaign); });
}
absl::StatusOr<CampaignEvent> CampaignWrites::RecordCampaignEvent(const CampaignEvent& event) {
  return core::Mutate(this, [&](model::Ctx& c) { return campaigns::RecordEvent(c, event); });
}
absl::StatusOr<Touches> CampaignReads::CustomerTouches(CustomerId customer) const {
  return core::Query(this, [&](const model::Ctx& c) { return campaigns::CustomerTouches(c, customer); });
}
absl::StatusOr<Touches> CampaignReads::DealTouches(OpportunityId deal) const {
  return core::Query(this, [&](const model::Ctx& c) { return campaigns::DealTouches(c, deal); });
}
absl::StatusOr<std::vector<AttributionRow>> CampaignReads::CampaignAttribution(const AttributionQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return campaigns::Attribution(c, query); });
}

absl::StatusOr<Campaign> CampaignWrites::CreateCampaign(const Campaign& campaign) {
  return core::Mutate(this, [&](model::Ctx& c) { return campaigns::Create(c, campaign); });
}
absl::StatusOr<Campaign> CampaignWrites::UpdateCampaign(const Campaign& campaign) {
  return core::Mutate(this, [&](model::Ctx& c) { return campaigns::Update(c, campaign); });
}
absl::Status CampaignWrites::DeleteCampaign(CampaignId id) {
  return core::Mutate(this, [&](model::Ctx& c) { return campaigns::Delete(c, id); }, core::Growth::kRemoves);
}
absl::StatusOr<std::uint64_t> CampaignWrites::AddCampaignMembers(CampaignId campaign,
                                                                 std::span<const CustomerId> customers,
                                                                 std::string_view status) {
  return core::Mutate(this, [&](model::Ctx& c) { return campaigns::AddMembers(c, campaign, customers, status); });
}
absl::StatusOr<std::uint64_t> CampaignWrites::AddSegmentToCampaign(CampaignId campaign, SegmentId segment,
                                                                   std::string_view status) {
  return core::Mutate(this, [&](model::Ctx& c) { return campaigns::AddSegment(c, campaign, segment, status); });
}
absl::StatusOr<std::uint64_t> CampaignWrites::RemoveCampaignMembers(CampaignId campaign,
                                                                    std::span<const CustomerId> customers) {
  return core::Mutate(this, [&](model::Ctx& c) { return campaigns::RemoveMembers(c, campaign, customers); },
                      core::Growth::kRemoves);
}
absl::StatusOr<CampaignMember> CampaignWrites::SetCampaignMemberStatus(CampaignId campaign, CustomerId customer,
                                                                       std::string_view status) {
  return core::Mutate(this, [&](model::Ctx& c) { return campaigns::SetStatus(c, campaign, customer, status); });
}

}  // namespace crm
