// What Verify checks of campaigns (campaigns::Check).
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "campaigns/campaigns.h"
#include "campaigns/members.h"
#include "codec/key.h"

namespace crm::campaigns {

absl::StatusOr<std::vector<std::string>> Check(const Ctx& ctx, std::uint64_t* records, std::uint64_t* entries) {
  std::vector<std::string> problems;
  if (ctx.schema.campaigns == model::kAbsentTable) return problems;
  absl::flat_hash_map<CampaignId, Campaign> campaigns;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.campaigns, {}, {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 ++*records;
                                 Campaign c;
                                 const std::uint64_t id = key.size() == 8 ? codec::GetBigEndian64(key.data()) : 0;
                                 if (auto st = codec::Decode(value, kKind.type, {"campaign", id}, c); !st.ok())
                                   problems.emplace_back(st.message());
                                 else if (c.id != id || id == 0)
                                   problems.push_back(absl::StrCat("campaign ", id, ": the stored record holds id ", c.id));
                                 else
                                   campaigns.emplace(id, std::move(c));
                                 return true;
                               });
  if (!s.ok()) return s;
  absl::flat_hash_map<CampaignId, std::uint64_t> counted;
  std::uint64_t memberships = 0;
  s = storage::ScanPrefix(ctx.txn, ctx.schema.campaign_member, {}, {},
                          [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                            ++*records;
                            ++memberships;
                            CampaignMember m;
                            const CampaignId id = key.size() == 16 ? codec::GetBigEndian64(key.data()) : 0;
                            if (auto st = codec::Decode(value, codec::RecordType::kCampaignMember, {"campaign member", id}, m);
                                !st.ok()) {
                              problems.emplace_back(st.message());
                              return true;
                            }
                            if (key.size() != 16 || m.campaign != id || m.customer != codec::GetBigEndian64(key.data() + 8)) {
                              problems.push_back(absl::StrCat("campaign ", id, ": a member record holds another"));
                              return true;
                            }
                            ++counted[id];
                            auto c = campaigns.find(id);
                            if (c == campaigns.end())
                              problems.push_back(absl::StrCat("campaign_member: an entry names campaign ", id,
                                                              ", which does not exist"));
                            else if (FindStatus(c->second, m.status) == nullptr)
                              problems.push_back(absl::StrCat("campaign ", id, ": member ", m.customer, " has the status '",
                                                              m.status, "', which the campaign lacks"));
                            std::string_view v;
                            auto customer = ctx.txn.Get(ctx.schema.customers, codec::EncodeU64(m.customer), &v);
                            if (!customer.ok()) return customer.status();
                            if (!*customer)
                              problems.push_back(absl::StrCat("campaign ", id, ": member ", m.customer, " does not exist"));
                            auto mirror = ctx.txn.Get(ctx.schema.customer_campaign,
                                                      codec::KeyBuilder().U64(m.customer).U64(id).Take(), &v);
                            if (!mirror.ok()) return mirror.status();
                            if (!*mirror)
                              problems.push_back(absl::StrCat("customer_campaign: customer ", m.customer,
                                                              " lacks the entry of campaign ", id));
                            return true;
                          });
  if (!s.ok()) return s;
  std::uint64_t mirrors = 0;
  s = storage::ScanPrefix(ctx.txn, ctx.schema.customer_campaign, {}, {},
                          [&](std::string_view, std::string_view) -> absl::StatusOr<bool> {
                            ++*entries;
                            ++mirrors;
                            return true;
                          });
  if (!s.ok()) return s;
  if (mirrors != memberships)
    problems.push_back(absl::StrCat("customer_campaign: ", mirrors, " entries for ", memberships, " memberships"));
  // Every event belongs to a membership.
  std::string last_pair;
  s = storage::ScanPrefix(ctx.txn, ctx.schema.campaign_events, {}, {},
                          [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                            ++*records;
                            if (key.size() != 32) {
                              problems.push_back("campaign_events: a damaged key");
                              return true;
                            }
                            if (key.substr(0, 16) == last_pair) return true;
                            last_pair.assign(key.substr(0, 16));
                            std::string_view v;
                            auto member = ctx.txn.Get(ctx.schema.campaign_member, last_pair, &v);
                            if (!member.ok()) return member.status();
                            if (!*member)
                              problems.push_back(absl::StrCat("campaign_events: customer ", codec::GetBigEndian64(key.data() + 8),
                                                              " has events of campaign ", codec::GetBigEndian64(key.data()),
                                                              " and is not a member"));
                            return true;
                          });
  if (!s.ok()) return s;
  for (const auto& [id, c] : campaigns) {
    auto n = model::ReadCounter(ctx, CountName(id));
    if (!n.ok()) return n.status();
    if (*n != counted[id])
      problems.push_back(absl::StrCat("campaign ", id, ": its count says ", *n, " members, and it has ", counted[id]));
  }
  return problems;
}

}  // namespace crm::campaigns
