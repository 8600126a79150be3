#include "opportunities/opportunities.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "analytics/facts.h"
#include "common/errors.h"
#include "changes/changes.h"
#include "codec/key.h"
#include "common/strings.h"
#include "customers/customers.h"
#include "opportunities/import.h"
#include "model/external.h"
#include "model/paging.h"
#include "model/records.h"
#include "model/validation.h"
#include "pipelines/pipelines.h"
#include "products/products.h"
#include "query/declared.h"
#include "sales/closings.h"
#include "sales/scores.h"
#include "sales/totals.h"

namespace crm::opportunities {
namespace {

constexpr char kSequence[] = "seq.opportunity";
constexpr std::size_t kTitleBytes = 256;
constexpr std::size_t kOwnerBytes = 128;
constexpr std::size_t kRoleBytes = 128;
constexpr std::size_t kReasonBytes = 1024;
constexpr std::size_t kMaxContacts = 32;

using model::Field;
using model::Invalid;

const model::RecordKind kKind{&model::Schema::opportunities, codec::RecordType::kOpportunity, "opportunity"};

// The pipeline of a stored opportunity (DataLoss when it is gone).
absl::StatusOr<Pipeline> PipelineOf(const Ctx& ctx, const Opportunity& o) {
  Pipeline p;
  auto found = pipelines::Load(ctx, o.pipeline, &p);
  if (!found.ok()) return found.status();
  if (!*found) return absl::DataLossError(absl::StrCat("opportunity ", o.id, " names missing pipeline ", o.pipeline));
  return p;
}

bool Closed(const Pipeline& p, StageId stage) {
  const Stage* s = p.FindStage(stage);
  return s != nullptr && s->outcome != StageOutcome::kOpen;
}

// Index entries: table and key (the value is the open/closed flag).
struct Entry {
  storage::Table table;
  std::string key;
  friend bool operator<(const Entry& a, const Entry& b) {
    return a.table != b.table ? a.table < b.table : a.key < b.key;
  }
  friend bool operator==(const Entry& a, const Entry& b) { return a.table == b.table && a.key == b.key; }
};

std::vector<Entry> Entries(const model::Schema& s, const Opportunity& o) {
  std::vector<Entry> out;
  if (o.customer != 0) out.push_back({s.opp_customer, codec::KeyBuilder().U64(o.customer).U64(o.id).Take()});
  out.push_back({s.opp_stage, codec::KeyBuilder().U64(o.pipeline).U32(o.stage).U64(o.id).Take()});
  if (!o.owner.empty()) out.push_back({s.opp_owner, codec::KeyBuilder().Str(o.owner).U64(o.id).Take()});
  out.push_back({s.opp_close, codec::KeyBuilder().I64(o.expected_close).U64(o.id).Take()});
  for (const ContactRole& r : o.contacts)
    out.push_back({s.opp_contact, codec::KeyBuilder().U64(r.person).U64(o.id).Take()});
  for (const LineItem& l : o.lines)
    out.push_back({s.product_deals, codec::KeyBuilder().U64(l.product).U64(o.id).Take()});
  std::sort(out.begin(), out.end());
  if (!o.lines.empty()) out.erase(std::unique(out.begin(), out.end()), out.end());  // a product on two lines
  return out;
}

// Rewrites index entries: removes those only in `before` and writes those only in `after`, or
// every one of `after` when the closed flag they carry changed.
absl::Status ApplyEntries(Ctx& ctx, const std::vector<Entry>& before, const std::vector<Entry>& after,
                          bool closed, bool flag_changed) {
  for (const Entry& e : before)
    if (!std::binary_search(after.begin(), after.end(), e))
      if (auto s = ctx.txn.Del(e.table, e.key); !s.ok()) return s.status();
  const char flags = closed ? model::kFlagClosed : 0;
  for (const Entry& e : after) {
    if (!flag_changed && std::binary_search(before.begin(), before.end(), e)) continue;
    if (auto s = ctx.txn.Put(e.table, e.key, codec::IndexValue(e.key, flags)); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// Validates the caller's fields and resolves pipeline, stage and probability; prices the lines
// (`before`: the stored deal of an update).
absl::Status Normalize(const Ctx& ctx, Opportunity& o, Pipeline* pipeline, const Opportunity* before) {
  if (auto s = model::CheckTime("expected_close", o.expected_close); !s.ok()) return s;
  model::Trim(o.title);
  if (auto s = model::CheckRequiredText("title", o.title, kTitleBytes); !s.ok()) return s;
  if (o.customer != 0) {  // optional, as in Salesforce and HubSpot: a deal may come before its account
    Customer customer;
    auto found = customers::Load(ctx, o.customer, &customer);
    if (!found.ok()) return found.status();
    if (!*found) return Invalid("customer", absl::StrCat("customer ", o.customer, " does not exist"));
  }
  if (o.pipeline == 0) {
    auto id = pipelines::DefaultId(ctx);
    if (!id.ok()) return id.status();
    o.pipeline = *id;
  }
  auto p = pipelines::Load(ctx, o.pipeline, pipeline);
  if (!p.ok()) return p.status();
  if (!*p) return Invalid("pipeline", absl::StrCat("pipeline ", o.pipeline, " does not exist"));
  if (o.stage == 0) o.stage = pipeline->stages.front().id;
  if (pipeline->FindStage(o.stage) == nullptr)
    return Invalid("stage", absl::StrCat("pipeline ", o.pipeline, " has no stage ", o.stage));
  if (o.amount.currency.empty()) {  // no amount (yet): an open deal may have none
    if (o.amount.minor_units != 0) return Invalid("amount.currency", "an amount needs its currency");
  } else if (!IsKnownCurrency(o.amount.currency)) {
    return Invalid("amount.currency", absl::StrCat("'", o.amount.currency, "' is not a known ISO 4217 code"));
  }
  if (o.amount.minor_units < 0) return Invalid("amount", "must not be negative");
  if (o.probability < -1 || o.probability > 100) return Invalid("probability", "must be between 0 and 100 (or -1)");
  if (static_cast<int>(o.forecast_category) > static_cast<int>(ForecastCategory::kOmitted))
    return Invalid("forecast_category", "must be auto, pipeline, best_case, commit or omitted");
  if (o.forecast_category == ForecastCategory::kClosed)
    return Invalid("forecast_category", "a deal counts as closed by being won, not by its category");
  model::Trim(o.owner);
  if (auto s = model::CheckText("owner", o.owner, kOwnerBytes); !s.ok()) return s;
  if (o.contacts.size() > kMaxContacts) return Invalid("contacts", absl::StrCat("more than ", kMaxContacts, " contacts"));
  std::vector<std::string> seen;
  for (std::size_t i = 0; i < o.contacts.size(); ++i) {
    ContactRole& r = o.contacts[i];
    Customer person;
    auto exists = customers::Load(ctx, r.person, &person);
    if (!exists.ok()) return exists.status();
    if (!*exists) return Invalid(Field("contacts", i, "person"), absl::StrCat("customer ", r.person, " does not exist"));
    if (person.kind != CustomerKind::kPerson)
      return Invalid(Field("contacts", i, "person"), absl::StrCat("customer ", r.person, " is not a person"));
    if (model::Repeats(seen, std::to_string(r.person)))
      return Invalid(Field("contacts", i, "person"), "repeats another contact");
    model::Trim(r.role);
    if (auto s = model::CheckText(Field("contacts", i, "role"), r.role, kRoleBytes); !s.ok()) return s;
  }
  model::Trim(o.lost_reason);
  if (auto s = model::CheckText("lost_reason", o.lost_reason, kReasonBytes, true); !s.ok()) return s;
  model::Trim(o.external_id);
  if (auto s = model::CheckText("external_id", o.external_id, Limits::kExternalIdBytes); !s.ok()) return s;
  if (auto s = model::CheckCustomFields(o.custom); !s.ok()) return s;
  if (auto s = products::SettleLines(ctx, o, before); !s.ok()) return s;
  return model::CheckExternalFree(ctx, ctx.schema.opp_external, o.external_id, o.id, "opportunity");
}

// Applies the effects of being in `o.stage`: probability following the stage unless set by
// hand, closing time, and no lost reason outside a lost stage.
void SettleStage(Opportunity& o, const Pipeline& p, Timestamp now, bool stage_changed) {
  const Stage* stage = p.FindStage(o.stage);
  if (stage->outcome != StageOutcome::kOpen) {
    o.probability = stage->probability;  // won and lost stages decide it
    o.probability_overridden = false;
  } else if (!o.probability_overridden) {
    o.probability = stage->probability;
  }
  if (stage->outcome == StageOutcome::kOpen) {
    o.closed_at = 0;
  } else if (stage_changed || o.closed_at == 0) {
    o.closed_at = now;
  }
  if (stage->outcome != StageOutcome::kLost) o.lost_reason.clear();
}

void AppendHistory(Ctx& ctx, Opportunity& o, StageId from) {
  o.history.push_back(StageChange{from, o.stage, ctx.now, std::string(ctx.actor), o.amount, o.probability});
}

absl::StatusOr<Opportunity> Store(Ctx& ctx, const Opportunity& before, Opportunity o, const Pipeline& p,
                                  ChangeOp op) {
  const bool fresh = before.id == 0;
  std::vector<std::string> declared_held;
  if (!fresh) {
    auto held = query::DeclaredKeys(ctx, before);
    if (!held.ok()) return held.status();
    declared_held = *std::move(held);
  }
  auto declared = query::DeclaredKeys(ctx, o);
  if (!declared.ok()) return declared.status();
  absl::Status s = model::Put(ctx, kKind, o, fresh);
  if (s.ok()) s = query::ApplyDeclared(ctx, declared_held, *declared, 0, false);
  // The pipeline does not change once created, so `p` also tells whether `before` was closed.
  const bool closed = Closed(p, o.stage);
  if (s.ok())
    s = ApplyEntries(ctx, fresh ? std::vector<Entry>{} : Entries(ctx.schema, before), Entries(ctx.schema, o),
                     closed, fresh || closed != Closed(p, before.stage));
  if (s.ok()) s = model::MoveExternal(ctx, ctx.schema.opp_external, before.external_id, o.external_id, o.id);
#ifndef CRM_WITHOUT_SALES_AGGREGATES  // defined only to measure their cost (bench/deal_write_bench.cc)
  if (s.ok()) s = sales::MoveTotals(ctx, fresh ? nullptr : &before, &o);
  if (s.ok()) s = sales::MoveClosings(ctx, p, fresh ? nullptr : &before, &o);
  if (s.ok()) s = sales::MoveScores(ctx, p, fresh ? nullptr : &before, &o);
#endif
  if (s.ok()) s = analytics::MoveDeal(ctx, p, fresh ? nullptr : &before, &o);
  if (s.ok())
    s = changes::Record(ctx, EntityType::kOpportunity, o.id, op, fresh ? changes::Fields{} : changes::Flatten(before, &p),
                        changes::Flatten(o, &p));
  if (!s.ok()) return s;
  return o;
}

// A won deal is reopened (moved to an open stage) before it can be lost.
absl::Status CheckMove(const Pipeline& p, const Opportunity& o, StageId to) {
  const Stage* from = p.FindStage(o.stage);
  const Stage* next = p.FindStage(to);
  if (from != nullptr && next != nullptr && from->outcome == StageOutcome::kWon && next->outcome == StageOutcome::kLost)
    return absl::FailedPreconditionError(absl::StrCat(
        "opportunity ", o.id, " is won: reopen it (move it to an open stage) before it can be lost"));
  return absl::OkStatus();
}

absl::StatusOr<Opportunity> MoveTo(Ctx& ctx, Opportunity o, StageId stage, std::string lost_reason) {
  auto pipeline = PipelineOf(ctx, o);
  if (!pipeline.ok()) return pipeline.status();
  const Pipeline& p = *pipeline;
  if (p.FindStage(stage) == nullptr)
    return Invalid("stage", absl::StrCat("pipeline ", o.pipeline, " has no stage ", stage));
  const Opportunity before = o;
  if (o.stage == stage && o.lost_reason == lost_reason) return o;
  if (auto s = CheckMove(p, o, stage); !s.ok()) return s;
  const StageId from = o.stage;
  o.stage = stage;
  SettleStage(o, p, ctx.now, from != stage);
  if (!lost_reason.empty()) o.lost_reason = std::move(lost_reason);
  model::StampChanged(o, before, ctx.now);
  if (from != stage) AppendHistory(ctx, o, from);
  return Store(ctx, before, std::move(o), p, from != stage ? ChangeOp::kStageMove : ChangeOp::kUpdate);
}

absl::StatusOr<Opportunity> CloseAs(Ctx& ctx, OpportunityId id, StageOutcome outcome, std::string reason) {
  auto o = Get(ctx, id);
  if (!o.ok()) return o.status();
  auto pipeline = PipelineOf(ctx, *o);
  if (!pipeline.ok()) return pipeline.status();
  const Pipeline& p = *pipeline;
  for (const Stage& s : p.stages)
    if (s.outcome == outcome) return MoveTo(ctx, *std::move(o), s.id, std::move(reason));
  return absl::FailedPreconditionError(absl::StrCat("pipeline ", p.id, " has no ",
                                                    Av(StageOutcomeName(outcome)), " stage"));
}

// ---- lists ----

struct Plan {
  storage::Table table;
  std::string lo, hi;
  bool primary = false;
};

Plan Prefixed(storage::Table t, std::string prefix) {
  Plan p{t, prefix, codec::PrefixSuccessor(prefix)};
  return p;
}

absl::StatusOr<Plan> MakePlan(const Ctx& ctx, const OpportunityQuery& q) {
  const model::Schema& s = ctx.schema;
  using By = OpportunityQuery::By;
  switch (q.by) {
    case By::kAll: {
      Plan p{s.opportunities, "", "", true};
      return p;
    }
    case By::kCustomer:
      if (q.customer == 0) return absl::InvalidArgumentError("customer: a customer query needs its id");
      return Prefixed(s.opp_customer, codec::EncodeU64(q.customer));
    case By::kStage:
    case By::kPipeline: {
      PipelineId pipeline = q.pipeline;
      if (pipeline == 0) {
        auto id = pipelines::DefaultId(ctx);
        if (!id.ok()) return id.status();
        pipeline = *id;
      }
      codec::KeyBuilder kb;
      kb.U64(pipeline);
      if (q.by == By::kStage) {
        if (q.stage == 0) return absl::InvalidArgumentError("stage: a stage query needs the stage id");
        kb.U32(q.stage);
      }
      return Prefixed(s.opp_stage, kb.Take());
    }
    case By::kOwner:
      if (q.owner.empty()) return absl::InvalidArgumentError("owner: an owner query needs the owner");
      return Prefixed(s.opp_owner, codec::KeyBuilder().Str(q.owner).Take());
    case By::kExpectedClose: {
      if (q.close_from >= q.close_to) return absl::InvalidArgumentError("close_to: must be after close_from");
      Plan p{s.opp_close, codec::KeyBuilder().I64(q.close_from).Take(), codec::KeyBuilder().I64(q.close_to).Take()};
      return p;
    }
  }
  return absl::InvalidArgumentError("by: is not a known query kind");
}

std::uint64_t HashOf(const OpportunityQuery& q) {
  return model::QueryHash()
      .Add(static_cast<std::uint64_t>(q.by))
      .Add(q.customer)
      .Add(q.pipeline)
      .Add(static_cast<std::uint64_t>(q.stage))
      .Add(q.owner)
      .Add(static_cast<std::uint64_t>(q.close_from))
      .Add(static_cast<std::uint64_t>(q.close_to))
      .Add(static_cast<std::uint64_t>(q.open_only))
      .value();
}

absl::Status Walk(const Ctx& ctx, const OpportunityQuery& q, const Plan& p, std::string_view after,
                  bool need_record, absl::FunctionRef<bool(std::string_view key, const Opportunity* o)> emit) {
  Opportunity o;
  Pipeline pipeline;
  return storage::ScanRange(
      ctx.txn, p.table, p.lo, p.hi, after, false,
      [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
        if (key.size() < 8) return absl::DataLossError("database is damaged: an opportunity key is too short");
        const OpportunityId id = codec::GetBigEndian64(key.data() + key.size() - 8);
        if (p.primary) {
          if (auto s = codec::Decode(value, codec::RecordType::kOpportunity, {"opportunity", id}, o); !s.ok())
            return s;
          if (o.id != id) return absl::DataLossError(absl::StrCat("opportunity ", id, ": stored record holds id ", o.id));
        } else {
          // Every entry is confirmed by its record (counts included): a damaged index must
          // neither hand out nor count another deal.
          auto found = Load(ctx, id, &o);
          if (!found.ok()) return found.status();
          if (!*found)
            return absl::DataLossError(absl::StrCat("index entry names opportunity ", id, ", which does not exist"));
          const std::vector<Entry> entries = Entries(ctx.schema, o);
          if (!std::binary_search(entries.begin(), entries.end(), Entry{p.table, std::string(key)}))
            return absl::DataLossError(absl::StrCat("database is damaged: an index has an entry for opportunity ", id,
                                                    " that the record does not have"));
        }
        if (pipeline.id != o.pipeline) {
          auto found = pipelines::Load(ctx, o.pipeline, &pipeline);
          if (!found.ok()) return found.status();
          if (!*found) return absl::DataLossError(absl::StrCat("opportunity ", id, " names missing pipeline ", o.pipeline));
        }
        const bool closed = Closed(pipeline, o.stage);
        if (!p.primary && closed != (!value.empty() && (value[0] & model::kFlagClosed)))
          return absl::DataLossError(absl::StrCat("database is damaged: an index entry of opportunity ", id,
                                                  " disagrees with the record on whether it is closed"));
        if (q.open_only && closed) return true;
        return emit(key, need_record ? &o : nullptr);
      });
}

}  // namespace

absl::StatusOr<bool> Load(const Ctx& ctx, OpportunityId id, Opportunity* out) { return model::Load(ctx, kKind, id, out); }

absl::StatusOr<Opportunity> Get(const Ctx& ctx, OpportunityId id) { return model::Get<Opportunity>(ctx, kKind, id); }

absl::StatusOr<OpportunityPage> List(const Ctx& ctx, const OpportunityQuery& q) {
  if (auto s = model::CheckLimit(q.limit); !s.ok()) return s;
  auto plan = MakePlan(ctx, q);
  if (!plan.ok()) return plan.status();
  auto after = model::ParsePageToken(q.page_token, HashOf(q), plan->lo, plan->hi);
  if (!after.ok()) return after.status();
  OpportunityPage page;
  auto s = model::CollectPage(q.limit, HashOf(q), page.opportunities, page.next_page_token, [&](auto emit) {
    return Walk(ctx, q, *plan, *after, true,
                [&](std::string_view key, const Opportunity* o) { return emit(key, *o); });
  });
  if (!s.ok()) return s;
  return page;
}

absl::StatusOr<std::uint64_t> Count(const Ctx& ctx, const OpportunityQuery& q) {
  auto plan = MakePlan(ctx, q);
  if (!plan.ok()) return plan.status();
  std::uint64_t n = 0;
  auto s = Walk(ctx, q, *plan, {}, false, [&](std::string_view, const Opportunity*) {
    ++n;
    return true;
  });
  if (!s.ok()) return s;
  return n;
}

absl::StatusOr<Opportunity> Create(Ctx& ctx, Opportunity o) {
  o.id = 0;
  const Opportunity given = o;  // import mode keeps its times and history
  if (ctx.importing && o.stage == 0 && !o.history.empty()) o.stage = o.history.back().to;
  o.history.clear();
  o.lost_reason.clear();
  Pipeline p;
  if (auto s = Normalize(ctx, o, &p, nullptr); !s.ok()) return s;
  o.probability_overridden = o.probability != -1;
  SettleStage(o, p, ctx.now, true);
  if (ctx.importing)
    if (auto s = ApplyImport(ctx, o, p, given); !s.ok()) return s;
  auto id = model::NextId(ctx, kSequence);
  if (!id.ok()) return id.status();
  o.id = *id;
  if (!ctx.importing) {
    model::StampCreated(o, ctx.now);
    AppendHistory(ctx, o, 0);
  }
  return Store(ctx, Opportunity{}, std::move(o), p, ChangeOp::kCreate);
}

absl::StatusOr<Opportunity> Update(Ctx& ctx, Opportunity o, Timestamp moved_at, std::string_view field) {
  auto stored = model::LoadForUpdate(ctx, kKind, o);
  if (!stored.ok()) return stored.status();
  const Opportunity& before = *stored;
  if (o.customer != before.customer && before.customer != 0)
    return Invalid("customer", "an opportunity's customer, once set, does not change");
  if (o.pipeline != before.pipeline && o.pipeline != 0)
    return Invalid("pipeline", "an opportunity cannot move to another pipeline");
  o.pipeline = before.pipeline;
  Pipeline p;
  if (auto s = Normalize(ctx, o, &p, &before); !s.ok()) return s;
  if (auto s = CheckMove(p, before, o.stage); !s.ok()) return s;
  if (o.probability == -1) {
    o.probability_overridden = false;
  } else if (o.probability != before.probability || before.probability_overridden) {
    o.probability_overridden = true;
  } else {
    o.probability_overridden = false;
  }
  o.history = before.history;
  o.closed_at = before.closed_at;
  const bool moved = o.stage != before.stage;
  Timestamp at = ctx.now;
  if (moved && moved_at != 0) {
    const Timestamp last = before.history.empty() ? before.created_at : before.history.back().at;
    if (moved_at < last)
      return Invalid(std::string(field), absl::StrCat("the move to its stage would be before the deal's last stage change (",
                                         absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixMicros(last), absl::UTCTimeZone()), ")"));
    if (moved_at > ctx.now) return Invalid(std::string(field), "the move to its stage would be in the future");
    at = moved_at;
  }
  SettleStage(o, p, at, moved);
  model::StampChanged(o, before, ctx.now);
  if (moved) o.history.push_back(StageChange{before.stage, o.stage, at, std::string(ctx.actor), o.amount, o.probability});
  return Store(ctx, before, std::move(o), p, moved ? ChangeOp::kStageMove : ChangeOp::kUpdate);
}

absl::StatusOr<Opportunity> FindByExternalId(const Ctx& ctx, std::string_view external_id) {
  if (external_id.empty()) return absl::InvalidArgumentError("external_id: must not be empty");
  auto id = model::FindExternal(ctx, ctx.schema.opp_external, external_id);
  if (!id.ok()) return id.status();
  if (*id == 0) return absl::NotFoundError("no opportunity has this external id");
  auto o = Get(ctx, *id);
  if (absl::IsNotFound(o.status()))
    return absl::DataLossError(absl::StrCat("external id index names opportunity ", *id, ", which does not exist"));
  if (o.ok() && o->external_id != external_id)
    return absl::DataLossError(absl::StrCat("external id index names opportunity ", *id, ", which has another"));
  return o;
}

absl::StatusOr<Opportunity> Upsert(Ctx& ctx, Opportunity o) {
  model::Trim(o.external_id);
  if (o.external_id.empty()) return absl::InvalidArgumentError("external_id: an upsert needs the external id");
  auto existing = FindByExternalId(ctx, o.external_id);
  if (absl::IsNotFound(existing.status())) return Create(ctx, std::move(o));
  if (!existing.ok()) return existing.status();
  o.id = existing->id;
  o.revision = existing->revision;
  o.pipeline = existing->pipeline;
  if (o.stage == 0) o.stage = existing->stage;
  if (o.customer == 0) o.customer = existing->customer;
  return Update(ctx, std::move(o));
}

absl::StatusOr<Opportunity> Move(Ctx& ctx, OpportunityId id, StageId stage) {
  auto o = Get(ctx, id);
  if (!o.ok()) return o.status();
  return MoveTo(ctx, *std::move(o), stage, {});
}

absl::StatusOr<Opportunity> CloseWon(Ctx& ctx, OpportunityId id) {
  return CloseAs(ctx, id, StageOutcome::kWon, {});
}

absl::StatusOr<Opportunity> CloseLost(Ctx& ctx, OpportunityId id, std::string reason) {
  model::Trim(reason);
  if (auto s = model::CheckRequiredText("reason", reason, kReasonBytes); !s.ok()) return s;
  return CloseAs(ctx, id, StageOutcome::kLost, std::move(reason));
}

absl::Status Remove(Ctx& ctx, OpportunityId id) {
  auto o = Get(ctx, id);
  if (!o.ok()) return o.status();
  Pipeline p;
  auto found = pipelines::Load(ctx, o->pipeline, &p);
  if (!found.ok()) return found.status();
  auto declared = query::DeclaredKeys(ctx, *o);
  if (!declared.ok()) return declared.status();
  absl::Status s = ApplyEntries(ctx, Entries(ctx.schema, *o), {}, false, false);
  if (s.ok()) s = query::ApplyDeclared(ctx, *declared, {}, 0, false);
  if (s.ok()) s = model::MoveExternal(ctx, ctx.schema.opp_external, o->external_id, {}, id);
  if (s.ok()) s = ctx.txn.Del(ctx.schema.opportunities, codec::EncodeU64(id)).status();
#ifndef CRM_WITHOUT_SALES_AGGREGATES
  if (s.ok()) s = sales::MoveTotals(ctx, &*o, nullptr);
  if (s.ok()) s = sales::MoveClosings(ctx, p, &*o, nullptr);
  if (s.ok()) s = sales::MoveScores(ctx, p, &*o, nullptr);
#endif
  if (s.ok()) s = analytics::MoveDeal(ctx, p, &*o, nullptr);
  if (s.ok())
    s = changes::Record(ctx, EntityType::kOpportunity, id, ChangeOp::kDelete,
                        changes::Flatten(*o, *found ? &p : nullptr), {});
  return s;
}

std::vector<std::pair<storage::Table, std::string>> IndexEntries(const model::Schema& s, const Opportunity& o) {
  std::vector<std::pair<storage::Table, std::string>> out;
  for (Entry& e : Entries(s, o)) out.emplace_back(e.table, std::move(e.key));
  return out;
}

absl::StatusOr<std::vector<OpportunityId>> OfCustomer(const Ctx& ctx, CustomerId customer) {
  return model::IdsWithPrefix(ctx, ctx.schema.opp_customer, codec::EncodeU64(customer));
}

absl::StatusOr<std::vector<OpportunityId>> WithContact(const Ctx& ctx, CustomerId person) {
  return model::IdsWithPrefix(ctx, ctx.schema.opp_contact, codec::EncodeU64(person));
}

namespace {

// Applies `edit` to deal `id` and stores it as an update.
template <class Edit>
absl::Status Rewrite(Ctx& ctx, OpportunityId id, Edit edit) {
  auto o = Get(ctx, id);
  if (!o.ok()) return o.status();
  const Opportunity before = *o;
  edit(*o);
  auto p = PipelineOf(ctx, before);
  if (!p.ok()) return p.status();
  model::StampChanged(*o, before, ctx.now);
  return Store(ctx, before, *std::move(o), *p, ChangeOp::kUpdate).status();
}

void DropContact(Opportunity& o, CustomerId person) {
  o.contacts.erase(std::remove_if(o.contacts.begin(), o.contacts.end(),
                                  [&](const ContactRole& r) { return r.person == person; }),
                   o.contacts.end());
}

}  // namespace

absl::StatusOr<Opportunity> Reassign(Ctx& ctx, const Opportunity& current, Opportunity image) {
  image.id = current.id;
  auto p = PipelineOf(ctx, current);
  if (!p.ok()) return p.status();
  model::StampChanged(image, current, ctx.now);
  return Store(ctx, current, std::move(image), *p, ChangeOp::kUpdate);
}

absl::Status RemoveContact(Ctx& ctx, OpportunityId id, CustomerId person) {
  return Rewrite(ctx, id, [&](Opportunity& o) { DropContact(o, person); });
}

absl::Status Anonymize(Ctx& ctx, OpportunityId id, CustomerId person) {
  return Rewrite(ctx, id, [&](Opportunity& o) {
    o.customer = 0;
    o.title = "Erased customer's deal";
    o.external_id.clear();
    o.lost_reason.clear();
    o.custom.clear();
    for (LineItem& l : o.lines) l.description.clear();
    DropContact(o, person);
  });
}

}  // namespace crm::opportunities
