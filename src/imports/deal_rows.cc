// Writing one import row of opportunities or interactions: finding the record it updates by its
// external id, or creating it, with its customer, pipeline and stage found by name or key.
#include <algorithm>
#include <cctype>
#include <type_traits>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/strings.h"
#include "customers/customers.h"
#include "imports/jobs.h"
#include "imports/rows.h"
#include "interactions/interactions.h"
#include "opportunities/opportunities.h"
#include "pipelines/pipelines.h"
#include "products/products.h"
#include "text/text.h"

namespace crm::imports {
namespace {

absl::Status Refused(std::string_view field, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(Av(field), ": ", Av(why)));
}

bool ByExternalId(const ImportJob& job) {
  return std::find(job.match.begin(), job.match.end(), MatchRule::kExternalId) != job.match.end();
}

// Keeps what a revert needs of deal or interaction `id`: that the job made it, or `before`.
template <class T>
absl::Status RememberRecord(model::Ctx& ctx, const ImportJob& job, UndoRecord record, const T& after, const T* before) {
  auto held = GetUndo(ctx, job.id, after.customer, record, after.id);
  if (!held.ok()) return held.status();
  if (!held->has_value() && before != nullptr && before->customer != after.customer) {
    // A deal made by this job without a customer, given one by a later row: its entry moves.
    held = GetUndo(ctx, job.id, before->customer, record, after.id);
    if (!held.ok()) return held.status();
    if (held->has_value())
      if (auto s = DelUndo(ctx, job.id, before->customer, record, after.id); !s.ok()) return s;
  }
  UndoEntry entry;
  if (held->has_value()) {
    entry = **held;
    entry.customer = after.customer;
  } else {
    entry.customer = after.customer;
    entry.record = record;
    entry.id = after.id;
    entry.created = before == nullptr;
    if constexpr (std::is_same_v<T, Opportunity>) {
      if (before != nullptr) entry.deal_before = *before;
    } else {
      if (before != nullptr) entry.activity_before = *before;
    }
  }
  entry.revision = after.revision;
  return PutUndo(ctx, job.id, entry);
}

// The one customer whose display name is `name` (ignoring case), or 0.
absl::StatusOr<CustomerId> CustomerNamed(const model::Ctx& ctx, const std::string& name) {
  const std::string folded = text::FoldCase(name);
  CustomerQuery q = CustomerQuery::NamePrefix(name);
  q.limit = 1000;
  std::vector<CustomerId> found;
  for (;;) {
    auto page = customers::List(ctx, q);
    if (absl::IsInvalidArgument(page.status())) break;
    if (!page.ok()) return page.status();
    for (const Customer& c : page->customers)
      if (text::FoldCase(c.display_name) == folded) found.push_back(c.id);
    if (page->next_page_token.empty()) break;
    q.page_token = page->next_page_token;
  }
  if (found.size() > 1)
    return Refused("customer", absl::StrCat("'", name, "' names ", found.size(), " customers (", absl::StrJoin(found, ", "),
                                           "); give customer_external_id or customer_email"));
  return found.empty() ? 0 : found.front();
}

// The row's customer, by external id, email or name (0 when the row names none). `make`: a name
// no customer has makes an organization (deals); else it is refused (interactions).
absl::StatusOr<CustomerId> CustomerOf(model::Ctx& ctx, const ImportJob& job, const Built& b, OrgCache& orgs,
                                      RowOutcome& outcome, bool make) {
  if (!b.customer_external.empty()) {
    auto c = customers::FindByExternalId(ctx, b.customer_external);
    if (absl::IsNotFound(c.status()))
      return Refused("customer_external_id", absl::StrCat("no customer has external id '", b.customer_external, "'"));
    if (!c.ok()) return c.status();
    return c->id;
  }
  if (!b.customer_email.empty()) {
    auto c = customers::FindByEmail(ctx, b.customer_email);
    if (absl::IsNotFound(c.status()))
      return Refused("customer_email", absl::StrCat("no customer has the email '", b.customer_email, "'"));
    if (!c.ok()) return c.status();
    return c->id;
  }
  if (b.customer_name.empty()) return 0;
  if (make) {
    auto org = FindOrganization(ctx, b.customer_name, orgs);
    if (!org.ok() || *org != 0) return org;
    auto any = CustomerNamed(ctx, b.customer_name);
    if (!any.ok() || *any != 0) return any;
    return Organization(ctx, job, b.customer_name, orgs, outcome);
  }
  auto any = CustomerNamed(ctx, b.customer_name);
  if (!any.ok()) return any.status();
  if (*any == 0) return Refused("customer", absl::StrCat("no customer is named '", b.customer_name, "'"));
  return *any;
}

absl::StatusOr<Pipeline> PipelineNamed(const model::Ctx& ctx, const std::string& name) {
  if (name.empty()) {
    auto id = pipelines::DefaultId(ctx);
    if (!id.ok()) return id.status();
    return pipelines::Get(ctx, *id);
  }
  auto all = pipelines::List(ctx);
  if (!all.ok()) return all.status();
  std::vector<std::string> names;
  for (Pipeline& p : *all) {
    if (absl::EqualsIgnoreCase(p.name, name)) return std::move(p);
    names.push_back(p.name);
  }
  return Refused("pipeline", absl::StrCat("no pipeline is named '", name, "' (", absl::StrJoin(names, ", "), ")"));
}

// The stage of `p` named `name` (ignoring case); "won" / "closed won" and "lost" / "closed lost"
// also name the pipeline's first won and lost stage.
absl::StatusOr<StageId> StageNamed(const Pipeline& p, const std::string& name) {
  std::vector<std::string> names;
  for (const Stage& s : p.stages) {
    if (absl::EqualsIgnoreCase(s.name, name)) return s.id;
    names.push_back(s.name);
  }
  std::string word = text::FoldCase(name);
  if (absl::StartsWith(word, "closed ")) word.erase(0, 7);
  const StageOutcome outcome = word == "won" ? StageOutcome::kWon : word == "lost" ? StageOutcome::kLost : StageOutcome::kOpen;
  if (outcome != StageOutcome::kOpen)
    for (const Stage& s : p.stages)
      if (s.outcome == outcome) return s.id;
  return Refused("stage", absl::StrCat("pipeline '", p.name, "' has no stage '", name, "' (", absl::StrJoin(names, ", "), ")"));
}

// Letters and digits of `s`, folded: "GTX Pro" and "GTXPro" are the same name.
std::string Squeezed(std::string_view s) {
  std::string out;
  for (char c : text::FoldCase(s))
    if (static_cast<unsigned char>(c) >= 0x80 || std::isalnum(static_cast<unsigned char>(c))) out.push_back(c);
  return out;
}

// The product a row names: by code, else the one product whose code or name is the same but for
// case, spaces and punctuation.
absl::StatusOr<ProductId> ProductNamed(const model::Ctx& ctx, const std::string& name) {
  auto by_code = products::FindByCode(ctx, name);
  if (by_code.ok()) return by_code->id;
  if (!absl::IsNotFound(by_code.status())) return by_code.status();
  auto all = products::List(ctx, false);
  if (!all.ok()) return all.status();
  const std::string wanted = Squeezed(name);
  std::vector<std::string> found;
  ProductId id = 0;
  for (const Product& p : *all)
    if (Squeezed(p.code) == wanted || Squeezed(p.name) == wanted) {
      id = p.id;
      found.push_back(p.code);
    }
  if (found.size() > 1)
    return Refused("product", absl::StrCat("'", name, "' could be any of ", absl::StrJoin(found, ", "), "; give its code"));
  if (id == 0) return Refused("product", absl::StrCat("no product of the catalog has the code or name '", name, "'"));
  return id;
}

// Without "entered.<stage>" columns.
void DefaultHistory(Opportunity& o, const Pipeline& p) {
  const Stage* stage = p.FindStage(o.stage);
  const StageId first = p.stages.front().id;
  const bool closed = stage != nullptr && stage->outcome != StageOutcome::kOpen;
  if (closed && o.closed_at != 0 && o.created_at != 0 && o.closed_at >= o.created_at && o.stage != first) {
    o.history = {StageChange{0, first, o.created_at, {}, {}, -1}, StageChange{first, o.stage, o.closed_at, {}, {}, -1}};
  } else if (closed && o.closed_at != 0) {
    o.history = {StageChange{0, o.stage, o.created_at != 0 ? o.created_at : o.closed_at, {}, {}, -1}};
  } else if (o.created_at != 0) {
    o.history = {StageChange{0, o.stage, o.created_at, {}, {}, -1}};
  }
}

// A new deal's history as the row tells it: an open deal enters its stage when created; a closed
// one enters the pipeline's first stage when created and its closing stage when closed. With the
// times it entered stages ("entered.<stage>" columns), it goes through those stages in time order
// instead, starting in the first stage when it was created before it entered any.
absl::Status History(Opportunity& o, const Pipeline& p, const std::vector<std::pair<StageId, Timestamp>>& entered) {
  if (entered.empty()) {
    DefaultHistory(o, p);
    return absl::OkStatus();
  }
  const auto position = [&](StageId id) {
    for (std::size_t i = 0; i < p.stages.size(); ++i)
      if (p.stages[i].id == id) return i;
    return p.stages.size();
  };
  std::vector<std::pair<StageId, Timestamp>> steps = entered;
  const bool closed = p.FindStage(o.stage)->outcome != StageOutcome::kOpen;
  const bool named = std::any_of(steps.begin(), steps.end(), [&](const auto& e) { return e.first == o.stage; });
  if (!named) {
    Timestamp latest = o.created_at;
    for (const auto& e : steps) latest = std::max(latest, e.second);
    steps.emplace_back(o.stage, closed && o.closed_at != 0 ? std::max(o.closed_at, latest) : latest);
  }
  std::stable_sort(steps.begin(), steps.end(), [&](const auto& a, const auto& b) {
    return a.second != b.second ? a.second < b.second : position(a.first) < position(b.first);
  });
  const auto name = [&](StageId id) { return p.FindStage(id)->name; };
  if (steps.back().first != o.stage)
    return Refused(absl::StrCat("entered.", name(steps.back().first)),
                   absl::StrCat("is after the deal entered its stage, '", name(o.stage), "' (it is in that stage now)"));
  if (o.created_at != 0 && steps.front().second < o.created_at)
    return Refused(absl::StrCat("entered.", name(steps.front().first)), "is before the deal's created_at");
  if (o.created_at != 0 && o.created_at < steps.front().second && steps.front().first != p.stages.front().id)
    steps.insert(steps.begin(), {p.stages.front().id, o.created_at});
  o.history.clear();
  for (const auto& [stage, at] : steps) {
    const StageId from = o.history.empty() ? 0 : o.history.back().to;
    if (from == stage) continue;
    o.history.push_back(StageChange{from, stage, at, {}, {}, -1});
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RowOutcome> ApplyDealRow(model::Ctx& ctx, const ImportJob& job, Built&& b, OrgCache& orgs) {
  RowOutcome outcome;
  Opportunity& o = b.deal;
  std::optional<Opportunity> stored;
  if (ByExternalId(job) && !o.external_id.empty()) {
    auto found = opportunities::FindByExternalId(ctx, o.external_id);
    if (found.ok()) stored = *std::move(found);
    else if (!absl::IsNotFound(found.status())) return found.status();
  }
  Pipeline p;
  if (stored.has_value() && b.pipeline.empty()) {
    auto got = pipelines::Get(ctx, stored->pipeline);
    if (!got.ok()) return got.status();
    p = *std::move(got);
  } else {
    auto got = PipelineNamed(ctx, b.pipeline.empty() ? job.pipeline : b.pipeline);
    if (!got.ok()) return got.status();
    p = *std::move(got);
  }
  if (stored.has_value() && p.id != stored->pipeline)
    return Refused("pipeline", absl::StrCat("opportunity ", stored->id, " is in pipeline ", stored->pipeline,
                                           "; a deal does not move to another pipeline"));
  if (!b.stage.empty()) {
    auto stage = StageNamed(p, b.stage);
    if (!stage.ok()) return stage.status();
    o.stage = *stage;
    AddField(b, "stage");
  }
  auto customer = CustomerOf(ctx, job, b, orgs, outcome, /*make=*/true);
  if (!customer.ok()) return customer.status();
  if (*customer != 0) {
    o.customer = *customer;
    AddField(b, "customer");
  }
  if (!b.product.empty()) {  // one line; a row's amount is then its total, else the list price makes it
    auto product = ProductNamed(ctx, b.product);
    if (!product.ok()) return product.status();
    LineItem line;
    line.product = *product;
    if (b.quantity_milli != 0) line.quantity_milli = b.quantity_milli;
    if (!o.amount.currency.empty()) {
      const __int128 scaled = static_cast<__int128>(o.amount.minor_units) * 1000;
      if (scaled % line.quantity_milli != 0)
        return Refused("amount", "does not divide by the quantity into a unit price of whole minor units");
      line.unit_price = Money{static_cast<std::int64_t>(scaled / line.quantity_milli), o.amount.currency};
    }
    o.lines = {line};
    AddField(b, "lines");
  } else if (b.quantity_milli != 0) {
    return Refused("quantity", "a quantity needs the row's product");
  }
  if (!stored.has_value()) {
    o.pipeline = p.id;
    if (o.stage == 0) o.stage = p.stages.front().id;
    std::vector<std::pair<StageId, Timestamp>> entered;
    for (const auto& [name, at] : b.entered) {
      auto stage = StageNamed(p, name);
      if (!stage.ok()) {  // "stage: pipeline 'X' has no stage ..." said of this column
        std::string why(stage.status().message());
        if (absl::StartsWith(why, "stage: ")) why.erase(0, 7);
        return Refused(absl::StrCat("entered.", name), why);
      }
      entered.emplace_back(*stage, at);
    }
    if (auto s = History(o, p, entered); !s.ok()) return s;
    auto made = opportunities::Create(ctx, o);
    if (!made.ok()) return made.status();
    if (auto s = RememberRecord(ctx, job, UndoRecord::kOpportunity, *made, static_cast<const Opportunity*>(nullptr)); !s.ok())
      return s;
    outcome.kind = RowOutcome::kCreated;
    outcome.customer = made->id;
    return outcome;
  }
  if (stored->customer != 0 && o.customer != 0 && o.customer != stored->customer)
    return Refused("customer", absl::StrCat("opportunity ", stored->id, " belongs to customer ", stored->customer,
                                           ", not to customer ", o.customer));
  Opportunity out = *stored;
  if (auto s = opportunities::ApplyPatch(o, b.patch, out); !s.ok()) return s;
  // Priced as the store would price them, so that the same line again is no change.
  if (auto s = products::SettleLines(ctx, out, &*stored); !s.ok()) return s;
  outcome.customer = stored->id;
  if (out == *stored) {
    outcome.kind = RowOutcome::kUnchanged;
    return outcome;
  }
  // A move to another stage happened when the file says: the time it entered that stage, else,
  // for a close, its closed_at; else now.
  Timestamp moved_at = 0;
  std::string when;
  if (out.stage != stored->stage) {
    for (const auto& [name, at] : b.entered)
      if (auto stage = StageNamed(p, name); stage.ok() && *stage == out.stage) moved_at = at, when = "entered." + name;
    const Stage* stage = p.FindStage(out.stage);
    if (moved_at == 0 && stage != nullptr && stage->outcome != StageOutcome::kOpen && o.closed_at != 0)
      moved_at = o.closed_at, when = "closed_at";
  }
  auto written = opportunities::Update(ctx, out, moved_at, when);
  if (!written.ok()) return written.status();
  if (auto s = RememberRecord(ctx, job, UndoRecord::kOpportunity, *written, &*stored); !s.ok()) return s;
  outcome.kind = RowOutcome::kUpdated;
  return outcome;
}

absl::StatusOr<RowOutcome> ApplyActivityRow(model::Ctx& ctx, const ImportJob& job, Built&& b, OrgCache& orgs) {
  RowOutcome outcome;
  Interaction& i = b.activity;
  auto customer = CustomerOf(ctx, job, b, orgs, outcome, /*make=*/false);
  if (!customer.ok()) return customer.status();
  if (!b.opportunity_external.empty()) {
    auto deal = opportunities::FindByExternalId(ctx, b.opportunity_external);
    if (absl::IsNotFound(deal.status()))
      return Refused("opportunity_external_id", absl::StrCat("no opportunity has external id '", b.opportunity_external, "'"));
    if (!deal.ok()) return deal.status();
    i.opportunity = deal->id;
    AddField(b, "opportunity");
    if (*customer == 0) *customer = deal->customer;
  }
  std::optional<Interaction> stored;
  if (ByExternalId(job) && !i.external_id.empty()) {
    auto found = interactions::FindByExternalId(ctx, i.external_id);
    if (found.ok()) stored = *std::move(found);
    else if (!absl::IsNotFound(found.status())) return found.status();
  }
  if (!stored.has_value()) {
    if (*customer == 0)
      return Refused("customer", "an interaction needs its customer: give customer, customer_external_id or customer_email");
    i.customer = *customer;
    auto made = interactions::Log(ctx, i);
    if (!made.ok()) return made.status();
    if (auto s = RememberRecord(ctx, job, UndoRecord::kInteraction, *made, static_cast<const Interaction*>(nullptr)); !s.ok())
      return s;
    outcome.kind = RowOutcome::kCreated;
    outcome.customer = made->id;
    return outcome;
  }
  if (*customer != 0 && *customer != stored->customer)
    return Refused("customer", absl::StrCat("interaction ", stored->id, " belongs to customer ", stored->customer,
                                           ", not to customer ", *customer));
  Interaction out = *stored;
  if (auto s = interactions::ApplyPatch(i, b.patch, out); !s.ok()) return s;
  outcome.customer = stored->id;
  if (out == *stored) {
    outcome.kind = RowOutcome::kUnchanged;
    return outcome;
  }
  auto written = interactions::Update(ctx, out);
  if (!written.ok()) return written.status();
  if (auto s = RememberRecord(ctx, job, UndoRecord::kInteraction, *written, &*stored); !s.ok()) return s;
  outcome.kind = RowOutcome::kUpdated;
  return outcome;
}

}  // namespace crm::imports
