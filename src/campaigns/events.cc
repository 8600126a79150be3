// Campaign events (crm/campaign.hpp): each member's log, sealed with the customer's data key in
// an encrypted store; an opt-out withdraws consent.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "campaigns/campaigns.h"
#include "campaigns/members.h"
#include "codec/key.h"
#include "common/strings.h"
#include "consent/consent.h"
#include "model/validation.h"

namespace crm {

namespace {
constexpr std::string_view kEventKindNames[] = {"",        "sent",    "delivered", "opened",
                                                "clicked", "replied", "bounced",   "opted_out", "converted"};
}  // namespace

std::string_view CampaignEventKindName(CampaignEventKind kind) {
  const auto i = static_cast<std::size_t>(kind);
  return i > 0 && i < std::size(kEventKindNames) ? kEventKindNames[i] : "unknown";
}

std::optional<CampaignEventKind> ParseCampaignEventKind(std::string_view name) {
  for (std::size_t i = 1; i < std::size(kEventKindNames); ++i)
    if (kEventKindNames[i] == name) return static_cast<CampaignEventKind>(i);
  return std::nullopt;
}

}  // namespace crm

namespace crm::campaigns {
namespace {

constexpr char kEventSequence[] = "seq.campaign_event";
constexpr std::size_t kDetailBytes = 1000;

std::string KeyOf(const CampaignEvent& e) {
  return codec::KeyBuilder().U64(e.campaign).U64(e.customer).I64(e.at).U64(e.id).Take();
}

absl::StatusOr<CampaignEvent> Load(const Ctx& ctx, std::string_view key, std::string_view value) {
  CampaignEvent e;
  const std::uint64_t campaign = key.size() >= 8 ? codec::GetBigEndian64(key.data()) : 0;
  // Sealed with the customer's data key, and bound to the customer (the name's id).
  const std::uint64_t customer = key.size() >= 16 ? codec::GetBigEndian64(key.data() + 8) : 0;
  if (auto s = codec::Decode(value, codec::RecordType::kCampaignEvent, {"campaign event of customer", customer}, e,
                             ctx.sealing);
      !s.ok())
    return s;
  if (KeyOf(e) != key)
    return absl::DataLossError(absl::StrCat("event ", e.id, " of campaign ", campaign, ": the stored record does not match its key"));
  return e;
}

absl::Status Put(Ctx& ctx, const CampaignEvent& e) {
  std::string value;
  if (auto s = codec::Encode(codec::RecordType::kCampaignEvent, e, e.customer, e.customer, ctx.sealing, value); !s.ok())
    return s;
  return ctx.txn.Put(ctx.schema.campaign_events, KeyOf(e), value);
}

// Calls fn with each event under `prefix`, in key order.
absl::Status Each(const Ctx& ctx, std::string_view prefix, absl::FunctionRef<absl::Status(CampaignEvent)> fn) {
  return storage::ScanPrefix(ctx.txn, ctx.schema.campaign_events, prefix, {},
                             [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                               auto e = Load(ctx, key, value);
                               if (!e.ok()) return e.status();
                               if (auto s = fn(*std::move(e)); !s.ok()) return s;
                               return true;
                             });
}

}  // namespace

absl::StatusOr<CampaignEvent> RecordEvent(Ctx& ctx, CampaignEvent e) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  if (e.kind < CampaignEventKind::kSent || e.kind > CampaignEventKind::kConverted)
    return model::Invalid("kind", "is not sent, delivered, opened, clicked, replied, bounced, opted_out or converted");
  auto c = Get(ctx, e.campaign);
  if (!c.ok()) return c.status();
  if (auto m = GetMember(ctx, e.campaign, e.customer); !m.ok()) return m.status();
  if (e.at == 0) e.at = ctx.now;
  if (auto s = model::CheckTime("at", e.at); !s.ok()) return s;
  if (e.at > ctx.now) return model::Invalid("at", "is in the future");
  model::Trim(e.detail);
  if (auto s = model::CheckText("detail", e.detail, kDetailBytes, true); !s.ok()) return s;
  auto id = model::NextId(ctx, kEventSequence);
  if (!id.ok()) return id.status();
  e.id = *id;
  if (auto s = Put(ctx, e); !s.ok()) return s;
  if (e.kind == CampaignEventKind::kOptedOut) {
    ConsentRecord withdrawal;
    withdrawal.customer = e.customer;
    withdrawal.purpose = c->purpose;
    withdrawal.channel = c->channel;
    withdrawal.granted = false;
    withdrawal.source = ConsentSource::kApi;
    withdrawal.captured_at = e.at;
    withdrawal.evidence = absl::StrCat("opted out of campaign ", c->id, " (", c->name, ")");
    if (auto r = consent::Record(ctx, std::move(withdrawal)); !r.ok()) return r.status();
  }
  return e;
}

absl::StatusOr<std::vector<CampaignEvent>> Events(const Ctx& ctx, CampaignId campaign, CustomerId customer) {
  if (auto m = GetMember(ctx, campaign, customer); !m.ok()) return m.status();
  std::vector<CampaignEvent> out;
  auto s = Each(ctx, codec::KeyBuilder().U64(campaign).U64(customer).Take(), [&](CampaignEvent e) {
    out.push_back(std::move(e));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<std::uint64_t>> EventCounts(const Ctx& ctx, CampaignId campaign) {
  if (auto c = Get(ctx, campaign); !c.ok()) return c.status();
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(CampaignEventKind::kConverted) + 1, 0);
  auto s = Each(ctx, codec::EncodeU64(campaign), [&](CampaignEvent e) {
    const auto k = static_cast<std::size_t>(e.kind);
    if (k == 0 || k >= counts.size())
      return absl::DataLossError(absl::StrCat("event ", e.id, " of campaign ", campaign, " has no kind known"));
    ++counts[k];
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return counts;
}

absl::Status DropEvents(Ctx& ctx, CampaignId campaign, CustomerId customer) {
  // By key alone: the events go unread (and, in an encrypted store, unopened).
  std::vector<std::string> keys;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.campaign_events, codec::KeyBuilder().U64(campaign).U64(customer).Take(),
                               {}, [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                 keys.emplace_back(key);
                                 return true;
                               });
  if (!s.ok()) return s;
  for (const std::string& k : keys)
    if (auto d = ctx.txn.Del(ctx.schema.campaign_events, k); !d.ok()) return d.status();
  return absl::OkStatus();
}

absl::Status RemoveEvents(Ctx& ctx, const std::vector<CampaignEvent>& events, CustomerId customer) {
  for (CampaignEvent e : events) {
    e.customer = customer;
    if (auto d = ctx.txn.Del(ctx.schema.campaign_events, KeyOf(e)); !d.ok()) return d.status();
  }
  return absl::OkStatus();
}

absl::Status PutEvents(Ctx& ctx, const std::vector<CampaignEvent>& events, CustomerId customer) {
  for (CampaignEvent e : events) {
    e.customer = customer;
    if (auto s = Put(ctx, e); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace crm::campaigns
