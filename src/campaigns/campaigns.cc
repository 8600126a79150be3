// Campaign records: create, update and delete (crm/campaign.hpp).
#include "campaigns/campaigns.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "campaigns/members.h"
#include "changes/changes.h"
#include "codec/key.h"
#include "common/errors.h"
#include "common/strings.h"
#include "consent/records.h"
#include "model/records.h"
#include "model/validation.h"
#include "text/text.h"

namespace crm::campaigns {
namespace {

constexpr char kSequence[] = "seq.campaign";
constexpr std::size_t kNameBytes = 256;
constexpr std::size_t kDescriptionBytes = 4096;
constexpr std::size_t kStatusBytes = 64;
constexpr std::size_t kMaxStatuses = 32;
constexpr int kMaxDepth = 64;

using model::Field;
using model::Invalid;

absl::Status CheckMoney(const char* field, const Money& m) {
  if (m.currency.empty()) {
    if (m.minor_units != 0) return Invalid(field, "an amount needs its currency");
    return absl::OkStatus();
  }
  if (!IsKnownCurrency(m.currency))
    return Invalid(absl::StrCat(field, ".currency"), absl::StrCat("'", m.currency, "' is not a known ISO 4217 code"));
  if (m.minor_units < 0) return Invalid(field, "must not be negative");
  return absl::OkStatus();
}

// The campaigns above `parent`, refusing a chain that reaches `self` (a cycle) or a parent that
// does not exist.
absl::Status CheckParent(const Ctx& ctx, CampaignId self, CampaignId parent) {
  CampaignId at = parent;
  for (int depth = 0; at != 0; ++depth) {
    if (at == self) return Invalid("parent", absl::StrCat("campaign ", parent, " is part of campaign ", self, ": a cycle"));
    if (depth == kMaxDepth) return Invalid("parent", absl::StrCat("campaigns nest at most ", kMaxDepth, " deep"));
    auto up = model::Get<Campaign>(ctx, kKind, at);
    if (absl::IsNotFound(up.status()))
      return Invalid("parent", absl::StrCat("campaign ", at, " does not exist"));
    if (!up.ok()) return up.status();
    at = up->parent;
  }
  return absl::OkStatus();
}

absl::Status Normalize(const Ctx& ctx, Campaign& c) {
  model::Trim(c.name);
  model::Trim(c.description);
  model::Trim(c.owner);
  if (auto s = model::CheckRequiredText("name", c.name, kNameBytes); !s.ok()) return s;
  if (auto s = model::CheckText("description", c.description, kDescriptionBytes, true); !s.ok()) return s;
  if (auto s = model::CheckText("owner", c.owner, kNameBytes); !s.ok()) return s;
  if (c.channel < ContactChannel::kEmail || c.channel > ContactChannel::kAny)
    return Invalid("channel", "is not email, phone, sms, post or any");
  c.purpose = consent::FoldPurpose(c.purpose);
  if (auto s = model::CheckRequiredText("purpose", c.purpose, kStatusBytes); !s.ok()) return s;
  if (c.purpose.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-.") != std::string::npos)
    return Invalid("purpose", "is a consent purpose: letters, digits, '_', '-' and '.'");
  if (c.starts_at != 0)
    if (auto s = model::CheckTime("starts_at", c.starts_at); !s.ok()) return s;
  if (c.ends_at != 0)
    if (auto s = model::CheckTime("ends_at", c.ends_at); !s.ok()) return s;
  if (c.starts_at != 0 && c.ends_at != 0 && c.ends_at < c.starts_at) return Invalid("ends_at", "is before starts_at");
  if (auto s = CheckMoney("budget", c.budget); !s.ok()) return s;
  if (auto s = CheckMoney("actual_cost", c.actual_cost); !s.ok()) return s;
  if (!c.budget.currency.empty() && !c.actual_cost.currency.empty() && c.budget.currency != c.actual_cost.currency)
    return Invalid("actual_cost.currency", absl::StrCat("is ", c.actual_cost.currency, ", and the budget is in ",
                                                        c.budget.currency));
  if (c.statuses.empty()) c.statuses = {CampaignStatus{"sent", false}, CampaignStatus{"responded", true}};
  if (c.statuses.size() > kMaxStatuses) return Invalid("statuses", absl::StrCat("more than ", kMaxStatuses));
  std::vector<std::string> seen;
  for (std::size_t i = 0; i < c.statuses.size(); ++i) {
    CampaignStatus& st = c.statuses[i];
    model::Trim(st.name);
    if (auto s = model::CheckRequiredText(Field("statuses", i, "name"), st.name, kStatusBytes); !s.ok()) return s;
    std::string folded = text::FoldCase(st.name);
    if (std::find(seen.begin(), seen.end(), folded) != seen.end())
      return Invalid(Field("statuses", i, "name"), absl::StrCat("a second status '", st.name, "'"));
    seen.push_back(std::move(folded));
  }
  model::Trim(c.default_status);
  if (c.default_status.empty()) c.default_status = c.statuses.front().name;
  const CampaignStatus* d = FindStatus(c, c.default_status);
  if (d == nullptr) return Invalid("default_status", absl::StrCat("'", c.default_status, "' is not one of its statuses"));
  c.default_status = d->name;
  return CheckParent(ctx, c.id, c.parent);
}

}  // namespace

absl::StatusOr<Campaign> Get(const Ctx& ctx, CampaignId id) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  auto c = model::Get<Campaign>(ctx, kKind, id);
  if (!c.ok()) return c.status();
  auto n = model::ReadCounter(ctx, CountName(id));
  if (!n.ok()) return n.status();
  c->members = *n;
  return c;
}

absl::StatusOr<std::vector<Campaign>> List(const Ctx& ctx) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  std::vector<Campaign> out;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.campaigns, {}, {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 Campaign c;
                                 const std::uint64_t id = key.size() == 8 ? codec::GetBigEndian64(key.data()) : 0;
                                 if (auto st = codec::Decode(value, kKind.type, {"campaign", id}, c); !st.ok()) return st;
                                 if (c.id != id)
                                   return absl::DataLossError(absl::StrCat("campaign ", id, ": stored record holds id ", c.id));
                                 out.push_back(std::move(c));
                                 return true;
                               });
  if (!s.ok()) return s;
  for (Campaign& c : out) {
    auto n = model::ReadCounter(ctx, CountName(c.id));
    if (!n.ok()) return n.status();
    c.members = *n;
  }
  return out;
}

absl::StatusOr<Campaign> Create(Ctx& ctx, Campaign c) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  c.id = 0;
  if (auto s = Normalize(ctx, c); !s.ok()) return s;
  auto id = model::NextId(ctx, kSequence);
  if (!id.ok()) return id.status();
  c.id = *id;
  if (auto s = model::StampNew(c, ctx); !s.ok()) return s;
  absl::Status s = model::Put(ctx, kKind, c, /*fresh=*/true);
  if (s.ok()) s = changes::Record(ctx, EntityType::kCampaign, c.id, ChangeOp::kCreate, {}, changes::Flatten(c));
  if (!s.ok()) return s;
  c.members = 0;
  return c;
}

absl::StatusOr<Campaign> Update(Ctx& ctx, Campaign c) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  auto before = model::LoadForUpdate(ctx, kKind, c);
  if (!before.ok()) return before.status();
  if (auto s = Normalize(ctx, c); !s.ok()) return s;
  // Members keep their status: one the campaign no longer has is refused; one whose responded
  // flag changed is rewritten with it.
  auto members = All(ctx, c.id);
  if (!members.ok()) return members.status();
  absl::flat_hash_map<std::string, std::uint64_t> missing;
  std::vector<CampaignMember> changed;
  for (CampaignMember& m : *members) {
    const CampaignStatus* st = FindStatus(c, m.status);
    if (st == nullptr) {
      ++missing[m.status];
      continue;
    }
    if (st->responded != m.responded || st->name != m.status) {
      m.status = st->name;
      Stamp(m, st->responded, ctx.now);
      changed.push_back(m);
    }
  }
  if (!missing.empty()) {
    const auto& [name, n] = *missing.begin();
    return absl::FailedPreconditionError(absl::StrCat("statuses: ", n, n == 1 ? " member has" : " members have",
                                                      " the status '", name, "', which the update removes"));
  }
  model::StampChanged(c, *before, ctx.now);
  absl::Status s = model::Put(ctx, kKind, c);
  for (std::size_t i = 0; s.ok() && i < changed.size(); ++i) s = PutMember(ctx, changed[i]);
  if (s.ok())
    s = changes::Record(ctx, EntityType::kCampaign, c.id, ChangeOp::kUpdate, changes::Flatten(*before), changes::Flatten(c));
  if (!s.ok()) return s;
  auto n = model::ReadCounter(ctx, CountName(c.id));
  if (!n.ok()) return n.status();
  c.members = *n;
  return c;
}

absl::Status Delete(Ctx& ctx, CampaignId id) {
  auto c = Get(ctx, id);
  if (!c.ok()) return c.status();
  auto all = List(ctx);
  if (!all.ok()) return all.status();
  for (const Campaign& other : *all)
    if (other.parent == id)
      return HasDependentsError(absl::StrCat("campaign ", id, " has child campaign ", other.id,
                                             ": move or delete the children first"));
  auto members = All(ctx, id);
  if (!members.ok()) return members.status();
  absl::Status s;
  for (std::size_t i = 0; s.ok() && i < members->size(); ++i) s = DropMember(ctx, id, (*members)[i].customer).status();
  if (s.ok()) s = ctx.txn.Del(ctx.schema.campaigns, codec::EncodeU64(id)).status();
  if (s.ok()) s = changes::Record(ctx, EntityType::kCampaign, id, ChangeOp::kDelete, changes::Flatten(*c), {});
  return s;
}

}  // namespace crm::campaigns
