// What the halves of the campaigns module share.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "codec/envelope.h"
#include "crm/campaign.hpp"
#include "model/records.h"

namespace crm::campaigns {

inline const model::RecordKind kKind{&model::Schema::campaigns, codec::RecordType::kCampaign, "campaign"};

// The meta counter holding a campaign's member count.
std::string CountName(CampaignId id);
// FailedPrecondition on a file opened read-only that predates campaigns.
absl::Status NeedTables(const model::Ctx& ctx);
// The campaign's status named `name` (case-insensitively); nullptr when it has none.
const CampaignStatus* FindStatus(const Campaign& c, std::string_view name);
// Sets a member's responded flag, its first response time and updated_at.
void Stamp(CampaignMember& m, bool responded, Timestamp now);
// Every member of a campaign, by customer id.
absl::StatusOr<std::vector<CampaignMember>> All(const model::Ctx& ctx, CampaignId campaign);

}  // namespace crm::campaigns
