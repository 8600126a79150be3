#include "query/search.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "codec/envelope.h"
#include "codec/key.h"
#include "customers/customers.h"
#include "interactions/interactions.h"
#include "model/paging.h"
#include "model/sealing.h"
#include "model/serialize.h"
#include "opportunities/opportunities.h"
#include "pipelines/pipelines.h"
#include "products/products.h"
#include "users/users.h"

namespace crm::query {
namespace {

using model::Ctx;

struct Prepared {
  Lookups pipelines;
  Compiled filter;
  Candidates candidates;
};

// `owners`, `catalog`: whether something besides the filter (the sort) reads fields through
// owners' users, or through the product catalog.
absl::StatusOr<Prepared> Prepare(const Ctx& ctx, EntityType kind, const Filter& filter, bool include_archived,
                                 bool owners, bool catalog, Window window = {}) {
  if (kind != EntityType::kCustomer && kind != EntityType::kOpportunity && kind != EntityType::kInteraction)
    return absl::InvalidArgumentError("kind: searches cover customers, opportunities and interactions");
  Prepared p;
  auto pipelines = LoadLookups(ctx, kind);
  if (!pipelines.ok()) return pipelines.status();
  p.pipelines = *std::move(pipelines);
  auto compiled = Compile(kind, filter, p.pipelines, ctx.phone_region);
  if (!compiled.ok()) return compiled.status();
  p.filter = *std::move(compiled);
  if (auto st = LoadOwners(ctx, owners || p.filter.uses_owners, &p.pipelines); !st.ok()) return st;
  if (auto st = LoadCatalog(ctx, catalog || p.filter.uses_catalog, &p.pipelines); !st.ok()) return st;
  auto candidates = FindCandidates(ctx, p.filter, p.pipelines, include_archived, window);
  if (!candidates.ok()) return candidates.status();
  p.candidates = *std::move(candidates);
  return p;
}

std::uint64_t HashOf(EntityType kind, const Search& s) {
  return model::QueryHash()
      .Add(static_cast<std::uint64_t>(kind))
      .Add(s.filter.ToString())
      .Add(s.order_by)
      .Add(static_cast<std::uint64_t>(s.descending))
      .Add(static_cast<std::uint64_t>(s.include_archived))
      .value();
}

// A match waiting for its place in the page: its sort key and id, then the record (held by
// pointer, so sorting and growing the list never copies a record).
template <class R>
struct Ranked {
  std::string key;  // SortKey, then the id (8 bytes, big-endian)
  std::unique_ptr<R> record;
};

// Where a page in id order starts and how many candidates it needs (`after`: the page token's
// key, empty on the first page).
Window IdWindow(const Search& s, const FieldRef& order, std::string_view after) {
  Window w;
  if (order.name != "id" || s.descending) return w;
  if (after.size() >= 8) w.after = codec::GetBigEndian64(after.data() + after.size() - 8);
  w.first = s.limit + 1;
  return w;
}

template <class R>
Slots SlotsOf(R** next) {
  Slots slots;
  if constexpr (std::is_same_v<R, Customer>) {
    slots.customer = next;
  } else if constexpr (std::is_same_v<R, Opportunity>) {
    slots.opportunity = next;
  } else {
    slots.interaction = next;
  }
  return slots;
}

template <class R>
absl::Status Page(const Ctx& ctx, EntityType kind, const Search& s, std::vector<R>& out, std::string& next_token) {
  if (auto st = model::CheckLimit(s.limit); !st.ok()) return st;
  auto order = Resolve(kind, s.order_by);
  if (!order.ok()) return absl::InvalidArgumentError(absl::StrCat("order_by: ", order.status().message()));
  const std::uint64_t hash = HashOf(kind, s);
  auto after = model::ParsePageToken(s.page_token, hash, {}, {});
  if (!after.ok()) return after.status();
  if (!after->empty() && after->size() < 8) return absl::InvalidArgumentError("page_token: is damaged");
  auto p = Prepare(ctx, kind, s.filter, s.include_archived, NeedsOwners(*order), NeedsCatalog(kind, *order),
                   IdWindow(s, *order, *after));
  if (!p.ok()) return p.status();

  const bool by_id = order->name == "id";
  const bool desc = s.descending;
  // Whether key a comes before key b in the requested order.
  const auto before = [desc](const std::string& a, const std::string& b) { return desc ? b < a : a < b; };
  const auto key_of = [&](const R& r) {
    char id[8];
    codec::PutBigEndian64(id, r.id);
    if (by_id) return std::string(id, 8);
    std::string key;
    bool first = true;
    const auto take = [&](const Val& v) {
      if (first) key = SortKey(&v, *order);
      first = false;
    };
    Values(r, p->pipelines, *order, take);
    return key + std::string(id, 8);
  };
  // Walk hands records on in id order, except a full scan of interactions (clustered by customer
  // and time).
  const bool in_id_order = kind != EntityType::kInteraction || !p->candidates.full_scan;
  const std::size_t want = s.limit + 1;
  if (by_id && !desc && in_id_order) {
    // The records come in the page's order: the first `want` after the token are the page and
    // whether another follows.
    const std::uint64_t after_id = after->empty() ? 0 : codec::GetBigEndian64(after->data() + after->size() - 8);
    // Each record is read straight into its place in the page: the last element of `out` is
    // the slot the next one is read into (never moved: room for every slot is reserved).
    const std::size_t start = out.size();
    out.reserve(start + want + 1);
    R* next = &out.emplace_back();
    std::size_t taken = 0;  // records kept in the page
    auto st = Walk(
        ctx, p->filter, p->pipelines, p->candidates, s.include_archived, true,
        [&](Customer* c, Opportunity* o, Interaction* i) -> absl::StatusOr<bool> {
          R* r = nullptr;
          if constexpr (std::is_same_v<R, Customer>) {
            r = c;
          } else if constexpr (std::is_same_v<R, Opportunity>) {
            r = o;
          } else {
            r = i;
          }
          if (r->id <= after_id) return true;  // its slot takes the next record
          if (++taken == want) return false;
          next = &out.emplace_back();
          return true;
        },
        SlotsOf(&next));
    if (out.size() - start > taken) out.pop_back();  // the last slot, which holds no kept record
    if (!st.ok()) {
      out.resize(start);
      return st;
    }
    if (out.size() - start > s.limit) {
      out.pop_back();
      next_token = model::MakePageToken(hash, key_of(out.back()));
    }
    return absl::OkStatus();
  }
  std::vector<Ranked<R>> kept;
  kept.reserve(std::min<std::size_t>(2 * want, 1024));
  auto spare = std::make_unique<R>();  // where Walk reads the next record
  R* next = spare.get();
  const auto trim = [&] {
    std::nth_element(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(want - 1), kept.end(),
                     [&](const Ranked<R>& a, const Ranked<R>& b) { return before(a.key, b.key); });
    kept.resize(want);
  };
  auto st = Walk(ctx, p->filter, p->pipelines, p->candidates, s.include_archived, true,
                 [&](Customer* c, Opportunity* o, Interaction* i) -> absl::StatusOr<bool> {
                   R& r = [&]() -> R& {
                     if constexpr (std::is_same_v<R, Customer>) {
                       return *c;
                     } else if constexpr (std::is_same_v<R, Opportunity>) {
                       return *o;
                     } else {
                       return *i;
                     }
                   }();
                   std::string key = key_of(r);
                   if (!after->empty() && !before(*after, key)) return true;
                   kept.push_back(Ranked<R>{std::move(key), std::move(spare)});
                   spare = std::make_unique<R>();
                   next = spare.get();
                   if (kept.size() >= 2 * want) trim();
                   return true;
                 },
                 SlotsOf(&next));
  if (!st.ok()) return st;
  std::sort(kept.begin(), kept.end(), [&](const Ranked<R>& a, const Ranked<R>& b) { return before(a.key, b.key); });
  if (kept.size() > s.limit) {
    kept.resize(s.limit);
    next_token = model::MakePageToken(hash, kept.back().key);
  }
  out.reserve(out.size() + kept.size());
  for (Ranked<R>& r : kept) out.push_back(std::move(*r.record));
  return absl::OkStatus();
}

}  // namespace

absl::Status LoadOwners(const Ctx& ctx, bool needed, Lookups* l) {
  if (!needed || l->owners != nullptr) return absl::OkStatus();
  auto directory = users::Directory::Shared(ctx);
  if (!directory.ok()) return directory.status();
  l->owners = *std::move(directory);
  return absl::OkStatus();
}

absl::StatusOr<Lookups> LoadLookups(const Ctx& ctx, EntityType kind) {
  if (kind != EntityType::kOpportunity) return Lookups{};
  auto all = pipelines::List(ctx);
  if (!all.ok()) return all.status();
  Lookups p;
  p.pipelines = *std::move(all);
  return p;
}

absl::Status LoadCatalog(const Ctx& ctx, bool needed, Lookups* l) {
  if (!needed || l->products != nullptr || ctx.schema.products == model::kAbsentTable) return absl::OkStatus();
  auto catalog = products::Catalog::Load(ctx);  // products are few: read whole
  if (!catalog.ok()) return catalog.status();
  l->products = *std::move(catalog);
  return absl::OkStatus();
}

absl::Status Walk(const Ctx& ctx, const Compiled& f, const Lookups& p, const Candidates& cand, bool include_archived,
                  bool contact,
                  absl::FunctionRef<absl::StatusOr<bool>(Customer*, Opportunity*, Interaction*)> fn,
                  const Slots& slots) {
  const EntityType kind = f.kind;
  contact = contact || f.uses_last_interaction;
  Customer own_customer;
  Opportunity own_opportunity;
  Interaction own_interaction;
  const auto slot = [](auto** given, auto* own) { return given != nullptr ? *given : own; };
  const auto C = [&]() -> Customer& { return *slot(slots.customer, &own_customer); };
  const auto O = [&]() -> Opportunity& { return *slot(slots.opportunity, &own_opportunity); };
  const auto I = [&]() -> Interaction& { return *slot(slots.interaction, &own_interaction); };
  // Tests a record just read and hands it on (`loaded`: a customer read with its last contact).
  const auto offer = [&](bool loaded) -> absl::StatusOr<bool> {
    switch (kind) {
      case EntityType::kCustomer: {
        Customer& c = C();
        if (c.archived && !include_archived) return true;
        if (contact && !loaded) {
          auto last = customers::LastInteraction(ctx, c.id);
          if (!last.ok()) return last.status();
          c.last_interaction_at = *last;
        }
        if (!Matches(f, c, p)) return true;
        return fn(&c, nullptr, nullptr);
      }
      case EntityType::kOpportunity:
        if (!Matches(f, O(), p)) return true;
        return fn(nullptr, &O(), nullptr);
      default:
        if (!Matches(f, I(), p)) return true;
        return fn(nullptr, nullptr, &I());
    }
  };
  if (!cand.full_scan) {
    for (std::uint64_t id : cand.ids) {
      absl::StatusOr<bool> found = false;
      if (kind == EntityType::kCustomer) {
        found = customers::Load(ctx, id, &C());
      } else if (kind == EntityType::kOpportunity) {
        found = opportunities::Load(ctx, id, &O());
      } else {
        auto got = interactions::Get(ctx, id);
        if (got.ok()) I() = *std::move(got);
        found = got.ok() ? absl::StatusOr<bool>(true)
                         : absl::IsNotFound(got.status()) ? absl::StatusOr<bool>(false) : got.status();
      }
      if (!found.ok()) return found.status();
      if (!*found) continue;  // an id written in the filter that names no record
      auto more = offer(true);
      if (!more.ok()) return more.status();
      if (!*more) break;
    }
    return absl::OkStatus();
  }
  if (kind == EntityType::kInteraction)
    return storage::ScanPrefix(ctx.txn, ctx.schema.interactions, {}, {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 if (auto st = interactions::DecodeAt(ctx, key, value, &I()); !st.ok()) return st;
                                 return offer(false);
                               });
  const bool customers = kind == EntityType::kCustomer;
  const storage::Table table = customers ? ctx.schema.customers : ctx.schema.opportunities;
  return storage::ScanPrefix(ctx.txn, table, {}, {}, [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
    if (key.size() != 8) return absl::DataLossError(absl::StrCat(customers ? "customer" : "opportunity", " key is damaged"));
    const std::uint64_t id = codec::GetBigEndian64(key.data());
    absl::Status st = customers ? codec::Decode(value, codec::RecordType::kCustomer, {"customer", id}, C(), ctx.sealing)
                                : codec::Decode(value, codec::RecordType::kOpportunity, {"opportunity", id}, O());
    if (!st.ok()) return st;
    if ((customers ? C().id : O().id) != id)
      return absl::DataLossError(absl::StrCat(customers ? "customer " : "opportunity ", id, ": stored record holds another id"));
    if (customers) C().last_interaction_at = 0;
    return offer(false);
  });
}

absl::StatusOr<CustomerPage> SearchCustomers(const Ctx& ctx, const Search& s) {
  CustomerPage page;
  if (auto st = Page(ctx, EntityType::kCustomer, s, page.customers, page.next_page_token); !st.ok()) return st;
  return page;
}

absl::StatusOr<OpportunityPage> SearchOpportunities(const Ctx& ctx, const Search& s) {
  OpportunityPage page;
  if (auto st = Page(ctx, EntityType::kOpportunity, s, page.opportunities, page.next_page_token); !st.ok()) return st;
  return page;
}

absl::StatusOr<InteractionPage> SearchInteractions(const Ctx& ctx, const Search& s) {
  InteractionPage page;
  if (auto st = Page(ctx, EntityType::kInteraction, s, page.interactions, page.next_page_token); !st.ok()) return st;
  return page;
}

absl::StatusOr<std::uint64_t> Count(const Ctx& ctx, EntityType kind, const Search& s) {
  Window counting;
  counting.only_count = true;
  auto p = Prepare(ctx, kind, s.filter, s.include_archived, false, false, counting);
  if (!p.ok()) return p.status();
  if (!p->candidates.full_scan && p->candidates.exact) return p->candidates.ids.size();
  std::uint64_t n = 0;
  auto st = Walk(ctx, p->filter, p->pipelines, p->candidates, s.include_archived, false,
                 [&](const Customer*, const Opportunity*, const Interaction*) -> absl::StatusOr<bool> {
                   ++n;
                   return true;
                 });
  if (!st.ok()) return st;
  return n;
}

absl::Status EachOpportunityMatching(const Ctx& ctx, const Filter& filter,
                                     absl::FunctionRef<absl::Status(const Opportunity&)> fn) {
  auto p = Prepare(ctx, EntityType::kOpportunity, filter, false, false, false);
  if (!p.ok()) return p.status();
  return Walk(ctx, p->filter, p->pipelines, p->candidates, false, false,
              [&](const Customer*, const Opportunity* o, const Interaction*) -> absl::StatusOr<bool> {
                if (auto st = fn(*o); !st.ok()) return st;
                return true;
              });
}

absl::Status EachCustomerMatching(const Ctx& ctx, const Filter& filter, bool include_archived,
                                  absl::FunctionRef<absl::Status(CustomerId)> fn) {
  auto p = Prepare(ctx, EntityType::kCustomer, filter, include_archived, false, false);
  if (!p.ok()) return p.status();
  return Walk(ctx, p->filter, p->pipelines, p->candidates, include_archived, false,
              [&](const Customer* c, const Opportunity*, const Interaction*) -> absl::StatusOr<bool> {
                if (auto st = fn(c->id); !st.ok()) return st;
                return true;
              });
}

absl::StatusOr<SearchPlan> Explain(const Ctx& ctx, EntityType kind, const Search& s) {
  auto order = Resolve(kind, s.order_by);
  if (!order.ok()) return absl::InvalidArgumentError(absl::StrCat("order_by: ", order.status().message()));
  if (auto st = model::CheckLimit(s.limit); !st.ok()) return st;
  auto after = model::ParsePageToken(s.page_token, HashOf(kind, s), {}, {});
  if (!after.ok()) return after.status();
  // The plan of the page the search would read.
  auto p = Prepare(ctx, kind, s.filter, s.include_archived, NeedsOwners(*order), NeedsCatalog(kind, *order),
                   IdWindow(s, *order, *after));
  if (!p.ok()) return p.status();
  SearchPlan plan;
  plan.full_scan = p->candidates.full_scan;
  plan.indexes = p->candidates.lookups;
  plan.sorted_in_memory = order->name != "id";
  const char* what = kind == EntityType::kCustomer      ? "customers"
                     : kind == EntityType::kOpportunity ? "opportunities"
                                                        : "interactions";
  if (plan.full_scan) {
    plan.text = absl::StrCat("read every one of the ", what);
  } else {
    plan.text = absl::StrCat(p->candidates.how, " -> ", p->candidates.ids.size(), " candidate ", what);
  }
  if (!s.filter.matches_all())
    absl::StrAppend(&plan.text, p->candidates.exact ? ", test each against the whole filter (a count needs none: the declared indexes decide it)"
                                                    : ", test each against the whole filter");
  absl::StrAppend(&plan.text, plan.sorted_in_memory ? absl::StrCat(", sort the matches by ", order->name) : ", in id order",
                  s.descending ? " (descending)" : "");
  return plan;
}

}  // namespace crm::query
