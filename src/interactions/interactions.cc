#include "interactions/interactions.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "analytics/facts.h"
#include "model/external.h"
#include "common/errors.h"
#include "changes/changes.h"
#include "codec/key.h"
#include "customers/customers.h"
#include "model/paging.h"
#include "model/records.h"
#include "model/validation.h"
#include "opportunities/opportunities.h"

namespace crm {

namespace {
constexpr std::string_view kKindNames[] = {"",     "call",           "email",    "meeting", "note",
                                           "task", "support_ticket", "purchase", "other"};
}  // namespace

std::string_view InteractionKindName(InteractionKind kind) {
  const auto i = static_cast<std::size_t>(kind);
  return i > 0 && i < std::size(kKindNames) ? kKindNames[i] : std::string_view("unknown");
}

std::optional<InteractionKind> ParseInteractionKind(std::string_view name) {
  for (std::size_t i = 1; i < std::size(kKindNames); ++i)
    if (kKindNames[i] == name) return static_cast<InteractionKind>(i);
  return std::nullopt;
}

bool CountsAsContact(InteractionKind kind) {
  return kind != InteractionKind::kNote && kind != InteractionKind::kTask;
}

namespace interactions {
namespace {

constexpr char kSequence[] = "seq.interaction";
constexpr std::size_t kLabelBytes = 64;
constexpr std::size_t kSubjectBytes = 512;
constexpr std::size_t kBodyBytes = 64 * 1024;
constexpr std::size_t kOutcomeBytes = 256;
constexpr std::size_t kOwnerBytes = 128;

using model::Field;
using model::Invalid;

// Interactions are clustered by customer and time (interactions table) and found by id through
// interaction_ids; the record-table mechanism serves them for messages, revisions and stamps.
const model::RecordKind kKind{&model::Schema::interactions, codec::RecordType::kInteraction, "interaction"};

}  // namespace

std::string RecordKey(CustomerId customer, Timestamp at, InteractionId id) {
  return codec::KeyBuilder().U64(customer).I64(at).U64(id).Take();
}

std::string OppKey(OpportunityId opp, InteractionId id) { return codec::KeyBuilder().U64(opp).U64(id).Take(); }

// Decodes the interaction stored under `key` in the interactions table: DataLoss when the value
// is damaged or the record is not the one its key names (customer, time and id).
absl::Status DecodeAt(const Ctx& ctx, std::string_view key, std::string_view value, Interaction* out) {
  if (key.size() != 24) return absl::DataLossError("database is damaged: an interaction key has the wrong length");
  const InteractionId id = codec::GetBigEndian64(key.data() + 16);
  if (auto s = codec::Decode(value, codec::RecordType::kInteraction, {"interaction", id}, *out, ctx.sealing); !s.ok()) return s;
  if (RecordKey(out->customer, out->occurred_at, out->id) != key)
    return absl::DataLossError(absl::StrCat("database is damaged: interaction ", id,
                                            " is stored under another customer, time or id than its own"));
  return absl::OkStatus();
}

namespace {

absl::Status Normalize(const Ctx& ctx, Interaction& i) {
  const int kind = static_cast<int>(i.kind);
  if (kind < 1 || kind > static_cast<int>(InteractionKind::kOther)) return Invalid("kind", "is not a known interaction kind");
  model::Trim(i.kind_label);
  if (i.kind == InteractionKind::kOther) {
    if (auto s = model::CheckRequiredText("kind_label", i.kind_label, kLabelBytes); !s.ok()) return s;
  } else if (!i.kind_label.empty()) {
    return Invalid("kind_label", "is only for interactions of kind other");
  }
  const int direction = static_cast<int>(i.direction);
  if (direction < 0 || direction > 2) return Invalid("direction", "must be none, inbound or outbound");
  if (i.occurred_at == 0) i.occurred_at = ctx.now;
  if (auto s = model::CheckTime("occurred_at", i.occurred_at); !s.ok()) return s;
  if (i.duration_seconds < 0) return Invalid("duration_seconds", "must not be negative");
  model::Trim(i.subject);
  if (auto s = model::CheckText("subject", i.subject, kSubjectBytes); !s.ok()) return s;
  if (auto s = model::CheckText("body", i.body, kBodyBytes, true); !s.ok()) return s;
  model::Trim(i.outcome);
  if (auto s = model::CheckText("outcome", i.outcome, kOutcomeBytes); !s.ok()) return s;
  if (i.satisfaction > 5) return Invalid("satisfaction", "must be 1 to 5, or 0 for none");
  if (i.amount && !IsKnownCurrency(i.amount->currency))
    return Invalid("amount.currency", "is not a known ISO 4217 code");
  model::Trim(i.owner);
  if (auto s = model::CheckText("owner", i.owner, kOwnerBytes); !s.ok()) return s;
  model::Trim(i.external_id);
  if (auto s = model::CheckText("external_id", i.external_id, Limits::kExternalIdBytes); !s.ok()) return s;
  if (auto s = model::CheckCustomFields(i.custom); !s.ok()) return s;
  if (auto s = model::CheckExternalFree(ctx, ctx.schema.interaction_external, i.external_id, i.id, "interaction");
      !s.ok())
    return s;
  if (i.due_at < 0) return Invalid("due_at", "must not be negative");
  if (auto s = model::CheckTime("due_at", i.due_at); !s.ok()) return s;
  auto found = customers::Exists(ctx, i.customer);
  if (!found.ok()) return found.status();
  if (i.customer == 0 || !*found) return Invalid("customer", absl::StrCat("customer ", i.customer, " does not exist"));
  if (i.opportunity != 0) {
    Opportunity o;
    auto opp = opportunities::Load(ctx, i.opportunity, &o);
    if (!opp.ok()) return opp.status();
    if (!*opp) return Invalid("opportunity", absl::StrCat("opportunity ", i.opportunity, " does not exist"));
    if (o.customer != i.customer) {
      // A person may talk about a deal of an organization they belong to, or one they have a
      // part in.
      bool involved = std::any_of(o.contacts.begin(), o.contacts.end(),
                                  [&](const ContactRole& r) { return r.person == i.customer; });
      if (!involved && o.customer != 0) {
        auto person = customers::Get(ctx, i.customer);
        if (!person.ok()) return person.status();
        involved = std::any_of(person->memberships.begin(), person->memberships.end(),
                               [&](const Membership& m) { return m.organization == o.customer; });
      }
      if (!involved)
        return Invalid("opportunity", absl::StrCat("opportunity ", i.opportunity, " belongs to customer ", o.customer,
                                                   ", of whom customer ", i.customer,
                                                   " is neither a member nor a contact of the deal"));
    }
  }
  return absl::OkStatus();
}

// Where interaction `id` is stored: its record key, or NotFound.
absl::StatusOr<std::string> Locate(const Ctx& ctx, InteractionId id) {
  std::string_view loc;
  auto found = ctx.txn.Get(ctx.schema.interaction_ids, codec::EncodeU64(id), &loc);
  if (!found.ok()) return found.status();
  if (!*found) return model::NotFound(kKind, id);
  if (loc.size() != 16) return absl::DataLossError(absl::StrCat("interaction ", id, ": location entry is damaged"));
  std::string key(loc);
  key += codec::EncodeU64(id);
  return key;
}

absl::StatusOr<Interaction> LoadAt(const Ctx& ctx, InteractionId id, const std::string& key) {
  std::string_view value;
  auto found = ctx.txn.Get(ctx.schema.interactions, key, &value);
  if (!found.ok()) return found.status();
  if (!*found) return absl::DataLossError(absl::StrCat("interaction ", id, " is indexed but missing"));
  Interaction i;
  if (auto s = DecodeAt(ctx, key, value, &i); !s.ok()) return s;
  if (i.id != id) return absl::DataLossError(absl::StrCat("interaction ", id, ": its location entry names another record"));
  return i;
}

absl::Status Put(Ctx& ctx, const Interaction& i) {
  thread_local std::string buffer;
  if (auto s = codec::Encode(codec::RecordType::kInteraction, i, i.customer, i.id, ctx.sealing, buffer); !s.ok())
    return s;
  const std::string key = RecordKey(i.customer, i.occurred_at, i.id);
  if (auto s = ctx.txn.Put(ctx.schema.interactions, key, buffer); !s.ok()) return s;
  if (auto s = ctx.txn.Put(ctx.schema.interaction_ids, codec::EncodeU64(i.id), std::string_view(key).substr(0, 16));
      !s.ok())
    return s;
  if (!i.external_id.empty())
    if (auto s = model::MoveExternal(ctx, ctx.schema.interaction_external, {}, i.external_id, i.id); !s.ok()) return s;
  if (i.opportunity != 0)
    if (auto s = ctx.txn.Put(ctx.schema.interaction_opp, OppKey(i.opportunity, i.id), ""); !s.ok()) return s;
  return analytics::MoveInteraction(ctx, nullptr, &i);
}

absl::Status Remove(Ctx& ctx, const Interaction& i) {
  if (auto s = ctx.txn.Del(ctx.schema.interactions, RecordKey(i.customer, i.occurred_at, i.id)); !s.ok())
    return s.status();
  if (auto s = ctx.txn.Del(ctx.schema.interaction_ids, codec::EncodeU64(i.id)); !s.ok()) return s.status();
  if (auto s = model::MoveExternal(ctx, ctx.schema.interaction_external, i.external_id, {}, i.id); !s.ok()) return s;
  if (i.opportunity != 0)
    if (auto s = ctx.txn.Del(ctx.schema.interaction_opp, OppKey(i.opportunity, i.id)); !s.ok()) return s.status();
  return analytics::MoveInteraction(ctx, &i, nullptr);
}

}  // namespace

absl::StatusOr<Timestamp> NewestContact(const Ctx& ctx, CustomerId customer) {
  const std::string lo = codec::EncodeU64(customer);
  Timestamp newest = 0;
  auto s = storage::ScanRange(ctx.txn, ctx.schema.interactions, lo, codec::PrefixSuccessor(lo), {}, true,
                              [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                Interaction i;
                                if (auto st = DecodeAt(ctx, key, value, &i); !st.ok()) return st;
                                if (!CountsAsContact(i.kind)) return true;
                                newest = i.occurred_at;
                                return false;
                              });
  if (!s.ok()) return s;
  return newest;
}

namespace {

// Called after a write: a failure dooms the transaction.
absl::Status RefreshLastInteraction(Ctx& ctx, CustomerId customer) {
  auto newest = NewestContact(ctx, customer);
  absl::Status s = newest.status();
  if (s.ok()) s = customers::SetLastInteraction(ctx, customer, *newest, false);
  return s;
}

std::uint64_t HashOf(const TimelineQuery& q) {
  model::QueryHash h;
  h.Add(q.customer).Add(static_cast<std::uint64_t>(q.newest_first)).Add(static_cast<std::uint64_t>(q.from));
  h.Add(static_cast<std::uint64_t>(q.to));
  for (InteractionKind k : q.kinds) h.Add(static_cast<std::uint64_t>(k));
  return h.value();
}

}  // namespace

absl::StatusOr<Interaction> Get(const Ctx& ctx, InteractionId id) {
  auto key = Locate(ctx, id);
  if (!key.ok()) return key.status();
  return LoadAt(ctx, id, *key);
}

absl::StatusOr<InteractionPage> Timeline(const Ctx& ctx, const TimelineQuery& q) {
  if (auto s = model::CheckLimit(q.limit); !s.ok()) return s;
  if (q.customer == 0) return absl::InvalidArgumentError("customer: a timeline needs the customer id");
  if (q.from >= q.to) return absl::InvalidArgumentError("to: must be after from");
  const std::string lo = codec::KeyBuilder().U64(q.customer).I64(q.from).Take();
  const std::string hi = codec::KeyBuilder().U64(q.customer).I64(q.to).Take();
  auto after = model::ParsePageToken(q.page_token, HashOf(q), lo, hi);
  if (!after.ok()) return after.status();
  InteractionPage page;
  std::string last_key;
  bool more = false;
  auto s = storage::ScanRange(
      ctx.txn, ctx.schema.interactions, lo, hi, *after, q.newest_first,
      [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
        Interaction i;
        if (auto st = DecodeAt(ctx, key, value, &i); !st.ok()) return st;
        if (!q.kinds.empty() && std::find(q.kinds.begin(), q.kinds.end(), i.kind) == q.kinds.end()) return true;
        if (page.interactions.size() == q.limit) {
          more = true;
          return false;
        }
        page.interactions.push_back(std::move(i));
        last_key.assign(key);
        return true;
      });
  if (!s.ok()) return s;
  if (more) page.next_page_token = model::MakePageToken(HashOf(q), last_key);
  return page;
}

absl::StatusOr<Interaction> Log(Ctx& ctx, Interaction i) {
  i.id = 0;
  if (auto s = Normalize(ctx, i); !s.ok()) return s;
  if (auto s = model::StampNew(i, ctx); !s.ok()) return s;
  auto id = model::NextId(ctx, kSequence);
  if (!id.ok()) return id.status();
  i.id = *id;
  absl::Status s = Put(ctx, i);
  if (s.ok()) s = changes::Record(ctx, EntityType::kInteraction, i.id, ChangeOp::kCreate, {}, changes::Flatten(i), i.customer);
  if (s.ok() && CountsAsContact(i.kind)) s = customers::SetLastInteraction(ctx, i.customer, i.occurred_at, true);
  if (!s.ok()) return s;
  return i;
}

absl::StatusOr<Interaction> Update(Ctx& ctx, Interaction i) {
  if (i.id == 0) return absl::InvalidArgumentError("id: an update needs the id of the interaction");
  auto before = Get(ctx, i.id);
  if (!before.ok()) return before.status();
  if (auto s = model::CheckRevision(kKind.name, i.id, before->revision, i.revision); !s.ok()) return s;
  if (i.customer != before->customer) return Invalid("customer", "an interaction cannot move to another customer");
  if (auto s = Normalize(ctx, i); !s.ok()) return s;
  model::StampChanged(i, *before, ctx.now);
  absl::Status s = Remove(ctx, *before);
  if (s.ok()) s = Put(ctx, i);
  if (s.ok())
    s = changes::Record(ctx, EntityType::kInteraction, i.id, ChangeOp::kUpdate, changes::Flatten(*before),
                        changes::Flatten(i), i.customer);
  if (!s.ok()) return s;
  if (i.kind != before->kind || i.occurred_at != before->occurred_at)
    if (auto st = RefreshLastInteraction(ctx, i.customer); !st.ok()) return st;
  return i;
}

absl::StatusOr<Interaction> FindByExternalId(const Ctx& ctx, std::string_view external_id) {
  if (external_id.empty()) return absl::InvalidArgumentError("external_id: must not be empty");
  auto id = model::FindExternal(ctx, ctx.schema.interaction_external, external_id);
  if (!id.ok()) return id.status();
  if (*id == 0) return absl::NotFoundError("no interaction has this external id");
  auto i = Get(ctx, *id);
  if (absl::IsNotFound(i.status()))
    return absl::DataLossError(absl::StrCat("external id index names interaction ", *id, ", which does not exist"));
  if (i.ok() && i->external_id != external_id)
    return absl::DataLossError(absl::StrCat("external id index names interaction ", *id, ", which has another"));
  return i;
}

absl::StatusOr<Interaction> Upsert(Ctx& ctx, Interaction i) {
  model::Trim(i.external_id);
  if (i.external_id.empty()) return absl::InvalidArgumentError("external_id: an upsert needs the external id");
  auto existing = FindByExternalId(ctx, i.external_id);
  if (absl::IsNotFound(existing.status())) return Log(ctx, std::move(i));
  if (!existing.ok()) return existing.status();
  i.id = existing->id;
  i.revision = existing->revision;
  if (i.customer == 0) i.customer = existing->customer;
  return Update(ctx, std::move(i));
}

absl::Status Delete(Ctx& ctx, InteractionId id) {
  auto i = Get(ctx, id);
  if (!i.ok()) return i.status();
  absl::Status s = Remove(ctx, *i);
  if (s.ok()) s = changes::Record(ctx, EntityType::kInteraction, id, ChangeOp::kDelete, changes::Flatten(*i), {}, i->customer);
  if (!s.ok()) return s;
  if (CountsAsContact(i->kind)) return RefreshLastInteraction(ctx, i->customer);
  return absl::OkStatus();
}

absl::StatusOr<bool> Any(const Ctx& ctx, CustomerId customer) {
  return model::AnyWithPrefix(ctx, ctx.schema.interactions, codec::EncodeU64(customer));
}

absl::StatusOr<std::vector<Interaction>> OfCustomer(const Ctx& ctx, CustomerId customer) {
  std::vector<Interaction> all;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.interactions, codec::EncodeU64(customer), {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 if (auto st = DecodeAt(ctx, key, value, &all.emplace_back()); !st.ok()) return st;
                                 return true;
                               });
  if (!s.ok()) return s;
  return all;
}

absl::Status DeleteAllOf(Ctx& ctx, CustomerId customer) {
  auto all = OfCustomer(ctx, customer);  // read first: no writes during a scan
  if (!all.ok()) return all.status();
  for (const Interaction& i : *all) {
    absl::Status st = Remove(ctx, i);
    if (st.ok())
      st = changes::Record(ctx, EntityType::kInteraction, i.id, ChangeOp::kDelete, changes::Flatten(i), {}, i.customer);
    if (!st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Interaction> Reassign(Ctx& ctx, const Interaction& current, Interaction image) {
  image.id = current.id;
  model::StampChanged(image, current, ctx.now);
  absl::Status s = Remove(ctx, current);
  if (s.ok()) s = Put(ctx, image);
  if (s.ok())
    s = changes::Record(ctx, EntityType::kInteraction, image.id, ChangeOp::kUpdate, changes::Flatten(current),
                        changes::Flatten(image), image.customer);
  if (!s.ok()) return s;
  return image;
}

absl::Status RefreshContact(Ctx& ctx, CustomerId customer) { return RefreshLastInteraction(ctx, customer); }

absl::Status UnlinkOpportunity(Ctx& ctx, OpportunityId opportunity) {
  auto ids = model::IdsWithPrefix(ctx, ctx.schema.interaction_opp, codec::EncodeU64(opportunity));
  if (!ids.ok()) return ids.status();
  for (InteractionId id : *ids) {
    auto i = Get(ctx, id);
    if (!i.ok()) return i.status();
    if (i->opportunity != opportunity)
      return absl::DataLossError(absl::StrCat("database is damaged: the opportunity index names interaction ", id,
                                              ", which is not linked to opportunity ", opportunity));
    const Interaction before = *i;
    i->opportunity = 0;
    model::StampTouched(*i, ctx.now);
    absl::Status s = Remove(ctx, before);
    if (s.ok()) s = Put(ctx, *i);
    if (s.ok())
      s = changes::Record(ctx, EntityType::kInteraction, id, ChangeOp::kUpdate, changes::Flatten(before),
                          changes::Flatten(*i), i->customer);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace interactions
}  // namespace crm
