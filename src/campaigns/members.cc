// Campaign members: adding (one by one or from a segment), statuses, removal, the audience with
// its exclusions, and the upkeep when customers are deleted or merged.
#include "campaigns/members.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "campaigns/campaigns.h"
#include "changes/changes.h"
#include "codec/key.h"
#include "common/strings.h"
#include "consent/consent.h"
#include "customers/customers.h"
#include "model/paging.h"
#include "segments/segments.h"
#include "text/text.h"

namespace crm::campaigns {
namespace {

constexpr std::size_t kMaxIdsPerCall = 10000;

std::string Key(std::uint64_t a, std::uint64_t b) { return codec::KeyBuilder().U64(a).U64(b).Take(); }

absl::StatusOr<CampaignMember> Decode(std::string_view key, std::string_view value) {
  CampaignMember m;
  const std::uint64_t campaign = key.size() == 16 ? codec::GetBigEndian64(key.data()) : 0;
  const std::uint64_t customer = key.size() == 16 ? codec::GetBigEndian64(key.data() + 8) : 0;
  if (auto s = codec::Decode(value, codec::RecordType::kCampaignMember, {"campaign member", campaign}, m); !s.ok()) return s;
  if (m.campaign != campaign || m.customer != customer)
    return absl::DataLossError(absl::StrCat("campaign ", campaign, ": the member record of customer ", customer,
                                            " holds another"));
  return m;
}

// The status a new member gets: `status` (one of the campaign's) or the default.
absl::StatusOr<const CampaignStatus*> StatusFor(const Campaign& c, std::string_view status) {
  const CampaignStatus* st = FindStatus(c, status.empty() ? std::string_view(c.default_status) : status);
  if (st == nullptr)
    return absl::InvalidArgumentError(absl::StrCat("status: '", Av(status), "' is not a status of campaign ", c.id));
  return st;
}

// Adds each of `ids` not a member yet; the ids added go to `added`.
absl::Status Join(Ctx& ctx, const Campaign& c, const std::vector<CustomerId>& ids, const CampaignStatus& st,
                  std::vector<CustomerId>* added) {
  for (CustomerId id : ids) {
    std::string_view v;
    auto found = ctx.txn.Get(ctx.schema.campaign_member, Key(c.id, id), &v);
    if (!found.ok()) return found.status();
    if (*found) continue;
    CampaignMember m{c.id, id, st.name, false, ctx.now, ctx.now, 0};
    Stamp(m, st.responded, ctx.now);
    if (auto s = PutMember(ctx, m); !s.ok()) return s;
    added->push_back(id);
  }
  if (added->empty()) return absl::OkStatus();
  return changes::Record(ctx, EntityType::kCampaign, c.id, ChangeOp::kUpdate, {},
                         {{"added", absl::StrJoin(*added, "; ")}});
}

}  // namespace

std::string CountName(CampaignId id) { return absl::StrCat("campaign.", id); }

absl::Status NeedTables(const Ctx& ctx) {
  if (ctx.schema.campaigns != model::kAbsentTable) return absl::OkStatus();
  return absl::FailedPreconditionError("this file predates campaigns (opened read-only): open it writable once");
}

const CampaignStatus* FindStatus(const Campaign& c, std::string_view name) {
  const std::string folded = text::FoldCase(name);
  for (const CampaignStatus& st : c.statuses)
    if (text::FoldCase(st.name) == folded) return &st;
  return nullptr;
}

void Stamp(CampaignMember& m, bool responded, Timestamp now) {
  m.responded = responded;
  m.updated_at = now;
  if (responded && m.first_responded_at == 0) m.first_responded_at = now;
}

absl::StatusOr<std::vector<CampaignMember>> All(const Ctx& ctx, CampaignId campaign) {
  std::vector<CampaignMember> out;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.campaign_member, codec::EncodeU64(campaign), {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 auto m = Decode(key, value);
                                 if (!m.ok()) return m.status();
                                 out.push_back(*std::move(m));
                                 return true;
                               });
  if (!s.ok()) return s;
  return out;
}

absl::Status PutMember(Ctx& ctx, const CampaignMember& m) {
  const std::string key = Key(m.campaign, m.customer);
  std::string_view v;
  auto found = ctx.txn.Get(ctx.schema.campaign_member, key, &v);
  if (!found.ok()) return found.status();
  std::string value;
  codec::Encode(codec::RecordType::kCampaignMember, m, value);
  absl::Status s = ctx.txn.Put(ctx.schema.campaign_member, key, value);
  if (s.ok() && !*found) {
    const std::string mirror = Key(m.customer, m.campaign);
    s = ctx.txn.Put(ctx.schema.customer_campaign, mirror, codec::IndexValue(mirror, 0));
    if (s.ok()) s = model::AddToCounter(ctx, CountName(m.campaign), 1);
  }
  return s;
}

absl::StatusOr<bool> DropMember(Ctx& ctx, CampaignId campaign, CustomerId customer) {
  auto deleted = ctx.txn.Del(ctx.schema.campaign_member, Key(campaign, customer));
  if (!deleted.ok()) return deleted.status();
  if (!*deleted) return false;
  if (auto s = DropEvents(ctx, campaign, customer); !s.ok()) return s;
  absl::Status s = ctx.txn.Del(ctx.schema.customer_campaign, Key(customer, campaign)).status();
  if (s.ok()) s = model::AddToCounter(ctx, CountName(campaign), -1);
  if (!s.ok()) return s;
  return true;
}

absl::Status ForgetCustomer(Ctx& ctx, CustomerId customer) {
  if (ctx.schema.campaigns == model::kAbsentTable) return absl::OkStatus();
  auto of = Of(ctx, customer);
  if (!of.ok()) return of.status();
  for (const CampaignMember& m : *of)
    if (auto dropped = DropMember(ctx, m.campaign, customer); !dropped.ok()) return dropped.status();
  return absl::OkStatus();
}

absl::StatusOr<CampaignMember> GetMember(const Ctx& ctx, CampaignId campaign, CustomerId customer) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  const std::string key = Key(campaign, customer);
  std::string_view v;
  auto found = ctx.txn.Get(ctx.schema.campaign_member, key, &v);
  if (!found.ok()) return found.status();
  if (!*found)
    return absl::NotFoundError(absl::StrCat("customer ", customer, " is not a member of campaign ", campaign));
  return Decode(key, v);
}

namespace {

// A page of members of a campaign the caller has read.
absl::StatusOr<CampaignMemberPage> PageOf(const Ctx& ctx, CampaignId campaign, std::string_view page_token,
                                          std::size_t limit) {
  if (auto s = model::CheckLimit(limit); !s.ok()) return s;
  const std::string lo = codec::EncodeU64(campaign);
  const std::uint64_t hash = model::QueryHash().Add("campaign members").Add(campaign).value();
  auto after = model::ParsePageToken(page_token, hash, lo, codec::PrefixSuccessor(lo));
  if (!after.ok()) return after.status();
  CampaignMemberPage page;
  auto s = model::CollectPage<CampaignMember>(limit, hash, page.members, page.next_page_token, [&](auto emit) {
    return storage::ScanPrefix(ctx.txn, ctx.schema.campaign_member, lo, *after,
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 auto m = Decode(key, value);
                                 if (!m.ok()) return m.status();
                                 return emit(key, *m);
                               });
  });
  if (!s.ok()) return s;
  return page;
}

absl::Status CheckIds(std::span<const CustomerId> customers) {
  if (customers.size() <= kMaxIdsPerCall) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("customers: ", customers.size(), " ids; at most ", kMaxIdsPerCall, " a call"));
}

}  // namespace

absl::StatusOr<CampaignMemberPage> Members(const Ctx& ctx, CampaignId campaign, std::string_view page_token,
                                           std::size_t limit) {
  if (auto c = Get(ctx, campaign); !c.ok()) return c.status();
  return PageOf(ctx, campaign, page_token, limit);
}

absl::StatusOr<std::vector<CampaignMember>> Of(const Ctx& ctx, CustomerId customer) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  std::vector<CampaignId> ids;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.customer_campaign, codec::EncodeU64(customer), {},
                               [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                 ids.push_back(codec::GetBigEndian64(key.data() + 8));
                                 return true;
                               });
  if (!s.ok()) return s;
  std::vector<CampaignMember> out;
  for (CampaignId id : ids) {
    auto m = GetMember(ctx, id, customer);
    if (!m.ok()) return absl::IsNotFound(m.status()) ? absl::DataLossError(m.status().message()) : m.status();
    out.push_back(*std::move(m));
  }
  return out;
}

absl::StatusOr<AudiencePage> Audience(const Ctx& ctx, CampaignId campaign, std::string_view page_token,
                                      std::size_t limit, Timestamp at) {
  auto c = Get(ctx, campaign);
  if (!c.ok()) return c.status();
  auto members = PageOf(ctx, campaign, page_token, limit);
  if (!members.ok()) return members.status();
  AudiencePage page;
  page.next_page_token = std::move(members->next_page_token);
  for (const CampaignMember& m : members->members) {
    auto d = consent::CanContact(ctx, m.customer, c->channel, c->purpose, at);
    if (!d.ok()) return d.status();
    page.entries.push_back(AudienceEntry{m.customer, d->allowed, d->verdict, d->reason});
  }
  return page;
}

absl::StatusOr<std::uint64_t> AddMembers(Ctx& ctx, CampaignId campaign, std::span<const CustomerId> customers,
                                         std::string_view status) {
  if (auto s = CheckIds(customers); !s.ok()) return s;
  auto c = Get(ctx, campaign);
  if (!c.ok()) return c.status();
  auto st = StatusFor(*c, status);
  if (!st.ok()) return st.status();
  for (std::size_t i = 0; i < customers.size(); ++i) {
    auto exists = customers::Exists(ctx, customers[i]);
    if (!exists.ok()) return exists.status();
    if (!*exists)
      return absl::NotFoundError(absl::StrCat("customers[", i, "]: customer ", customers[i], " does not exist"));
  }
  std::vector<CustomerId> ids(customers.begin(), customers.end()), added;
  if (auto s = Join(ctx, *c, ids, **st, &added); !s.ok()) return s;
  return added.size();
}

absl::StatusOr<std::uint64_t> AddSegment(Ctx& ctx, CampaignId campaign, SegmentId segment, std::string_view status) {
  auto c = Get(ctx, campaign);
  if (!c.ok()) return c.status();
  auto st = StatusFor(*c, status);
  if (!st.ok()) return st.status();
  std::vector<CustomerId> ids, added;
  std::string token;
  do {
    auto page = segments::Members(ctx, segment, token, 1000);
    if (!page.ok()) return page.status();
    ids.insert(ids.end(), page->members.begin(), page->members.end());
    token = std::move(page->next_page_token);
  } while (!token.empty());
  if (auto s = Join(ctx, *c, ids, **st, &added); !s.ok()) return s;
  return added.size();
}

absl::StatusOr<std::uint64_t> RemoveMembers(Ctx& ctx, CampaignId campaign, std::span<const CustomerId> customers) {
  if (auto s = CheckIds(customers); !s.ok()) return s;
  if (auto c = Get(ctx, campaign); !c.ok()) return c.status();
  std::vector<CustomerId> removed;
  for (CustomerId id : customers) {
    auto dropped = DropMember(ctx, campaign, id);
    if (!dropped.ok()) return dropped.status();
    if (*dropped) removed.push_back(id);
  }
  if (removed.empty()) return 0;
  if (auto s = changes::Record(ctx, EntityType::kCampaign, campaign, ChangeOp::kUpdate, {},
                               {{"removed", absl::StrJoin(removed, "; ")}});
      !s.ok())
    return s;
  return removed.size();
}

absl::StatusOr<CampaignMember> SetStatus(Ctx& ctx, CampaignId campaign, CustomerId customer, std::string_view status) {
  auto c = Get(ctx, campaign);
  if (!c.ok()) return c.status();
  const CampaignStatus* st = FindStatus(*c, status);
  if (st == nullptr)
    return absl::InvalidArgumentError(absl::StrCat("status: '", Av(status), "' is not a status of campaign ", campaign));
  auto m = GetMember(ctx, campaign, customer);
  if (!m.ok()) return m.status();
  if (m->status == st->name) return m;
  const std::string before = absl::StrCat(customer, ": ", m->status);
  m->status = st->name;
  Stamp(*m, st->responded, ctx.now);
  absl::Status s = PutMember(ctx, *m);
  if (s.ok())
    s = changes::Record(ctx, EntityType::kCampaign, campaign, ChangeOp::kUpdate, {{"status", before}},
                        {{"status", absl::StrCat(customer, ": ", m->status)}});
  if (!s.ok()) return s;
  return m;
}

}  // namespace crm::campaigns
