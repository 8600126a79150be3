#include "privacy/suppression.h"
#include "customers/customers.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "analytics/facts.h"
#include "analytics/risk.h"
#include "common/errors.h"
#include "codec/envelope.h"
#include "codec/key.h"
#include "common/strings.h"
#include "customers/entries.h"
#include "customers/validate.h"
#include "duplicates/pairs.h"
#include "changes/changes.h"
#include "consent/records.h"
#include "model/paging.h"
#include "model/records.h"
#include "model/validation.h"
#include "model/serialize.h"
#include "query/declared.h"
#include "segments/segments.h"
#include "campaigns/campaigns.h"
#include "tickets/tickets.h"
#include "text/phone.h"
#include "text/text.h"

namespace crm::customers {
namespace {

absl::StatusOr<bool> HasMembers(const Ctx& ctx, CustomerId org) {
  return model::AnyWithPrefix(ctx, ctx.schema.customer_org, IdKey(org).view());
}

absl::Status CheckMemberships(const Ctx& ctx, const Customer& c) {
  for (std::size_t i = 0; i < c.memberships.size(); ++i) {
    const CustomerId org_id = c.memberships[i].organization;
    const std::string field = absl::StrCat("memberships[", i, "].organization");
    if (org_id == c.id && c.id != 0)
      return absl::InvalidArgumentError(absl::StrCat(field, ": a customer cannot be a member of itself"));
    Customer org;
    auto found = Load(ctx, org_id, &org);
    if (!found.ok()) return found.status();
    if (!*found)
      return absl::InvalidArgumentError(absl::StrCat(field, ": customer ", org_id, " does not exist"));
    if (org.kind != CustomerKind::kOrganization)
      return absl::InvalidArgumentError(absl::StrCat(field, ": customer ", org_id, " is not an organization"));
  }
  return absl::OkStatus();
}

// An organization's parent exists, is an organization, and is not the organization itself or
// one of its subsidiaries (a hierarchy has no cycles).
absl::Status CheckParent(const Ctx& ctx, const Customer& c) {
  constexpr int kMaxDepth = 64;
  CustomerId at = c.parent;
  for (int depth = 0; at != 0; ++depth) {
    if (at == c.id && c.id != 0)
      return absl::InvalidArgumentError(absl::StrCat(
          "parent: customer ", c.parent, depth == 0 ? " is this organization itself" : " is a subsidiary of this organization",
          " (a hierarchy has no cycles)"));
    if (depth == kMaxDepth)
      return absl::InvalidArgumentError(absl::StrCat("parent: the hierarchy above is deeper than ", kMaxDepth, " levels"));
    Customer p;
    auto found = Load(ctx, at, &p);
    if (!found.ok()) return found.status();
    if (!*found) return absl::InvalidArgumentError(absl::StrCat(
        depth == 0 ? "parent: customer " : "parent: an organization above names customer ", at, ", which does not exist"));
    if (p.kind != CustomerKind::kOrganization)
      return absl::InvalidArgumentError(absl::StrCat("parent: customer ", at, " is not an organization"));
    at = p.parent;
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> HasSubsidiaries(const Ctx& ctx, CustomerId org) {
  if (ctx.schema.customer_parent == model::kAbsentTable) return false;
  return model::AnyWithPrefix(ctx, ctx.schema.customer_parent, IdKey(org).view());
}

// ---- the write phase: a failure here dooms the transaction (the storage layer saw a write) ----

absl::Status PutRecord(Ctx& ctx, const Customer& c, bool fresh = false) { return model::Put(ctx, kKind, c, fresh); }

// E.164 form, type and validity of each phone, from its number as entered, in the store's region
// as it is now. A number written with its country code reads the same in every region: when
// `before` (the stored customer) has it as entered, its reading is kept rather than made again.
void ReadPhones(const Ctx& ctx, Customer& c, const Customer* before = nullptr) {
  for (Phone& p : c.phones) {
    const Phone* kept = nullptr;
    const std::size_t first = p.number.find_first_not_of(" \t");
    if (before != nullptr && first != std::string::npos && p.number[first] == '+')
      for (const Phone& b : before->phones)
        if (b.number == p.number) kept = &b;
    if (kept != nullptr) {
      p.e164 = kept->e164;
      p.type = kept->type;
      p.valid = kept->valid;
      continue;
    }
    text::ParsedPhone parsed = text::ParsePhone(p.number, ctx.phone_region);
    p.e164 = std::move(parsed.e164);
    p.type = parsed.type;
    p.valid = parsed.valid;
  }
}


void StampConsent(Customer& c, const Customer* before, Timestamp now) {
  if (!c.consent.email_opt_in || c.consent.email_opt_in_at != 0) return;
  const bool was_in = before != nullptr && before->consent.email_opt_in;
  c.consent.email_opt_in_at = was_in ? before->consent.email_opt_in_at : now;
}

// ---- lists ----

std::uint64_t HashOf(const CustomerQuery& q) {
  return model::QueryHash()
      .Add(static_cast<std::uint64_t>(q.by))
      .Add(static_cast<std::uint64_t>(q.stage))
      .Add(static_cast<std::uint64_t>(q.include_archived))
      .Add(q.organization)
      .Add(static_cast<std::uint64_t>(q.since))
      .Add(q.text)
      .value();
}

struct Plan {
  storage::Table table;
  std::string lo;  // the keys covered: lo <= key < hi (hi empty: no upper bound)
  std::string hi;
  bool primary = false;                  // scanning the customers table itself
  std::vector<std::string> query_words;  // kNamePrefix: every word must prefix-match a name word
  std::string scan_word;                 // kNamePrefix: the word whose prefix is scanned
};

Plan Prefixed(Plan p, std::string prefix) {
  p.hi = codec::PrefixSuccessor(prefix);
  p.lo = std::move(prefix);
  return p;
}

absl::StatusOr<Plan> MakePlan(const Ctx& ctx, const CustomerQuery& q) {
  const model::Schema& s = ctx.schema;
  Plan p;
  switch (q.by) {
    case CustomerQuery::By::kAll:
      p.table = s.customers;
      p.primary = true;
      return p;
    case CustomerQuery::By::kTag:
      if (q.text.empty()) return absl::InvalidArgumentError("text: a tag query needs the tag");
      p.table = s.customer_tag;
      return Prefixed(p, codec::KeyBuilder().Str(text::FoldCase(q.text)).Take());
    case CustomerQuery::By::kOwner:
      if (q.text.empty()) return absl::InvalidArgumentError("text: an owner query needs the owner");
      p.table = s.customer_owner;
      return Prefixed(p, codec::KeyBuilder().Str(q.text).Take());
    case CustomerQuery::By::kCountry:
      if (q.text.empty()) return absl::InvalidArgumentError("text: a country query needs the country");
      if (s.customer_country == model::kAbsentTable)
        return absl::FailedPreconditionError(
            "this file predates the country index (schema 1, opened read-only): open it writable once to add it");
      p.table = s.customer_country;
      return Prefixed(p, codec::KeyBuilder().Str(text::FoldCase(q.text)).Take());
    case CustomerQuery::By::kStage:
      p.table = s.customer_stage;
      return Prefixed(p, codec::KeyBuilder().U8(static_cast<std::uint8_t>(q.stage)).Take());
    case CustomerQuery::By::kOrganization:
      if (q.organization == 0)
        return absl::InvalidArgumentError("organization: an organization query needs its id");
      p.table = s.customer_org;
      return Prefixed(p, std::string(IdKey(q.organization).view()));
    case CustomerQuery::By::kNamePrefix: {
      if (!text::IsValidUtf8(q.text)) return absl::InvalidArgumentError("text: is not valid UTF-8");
      p.query_words = text::Words(text::FoldForSearch(q.text));
      if (p.query_words.empty())
        return absl::InvalidArgumentError("text: a name prefix needs at least one letter or digit");
      p.scan_word = *std::max_element(
          p.query_words.begin(), p.query_words.end(),
          [](const std::string& a, const std::string& b) { return a.size() < b.size(); });
      p.table = s.customer_name;
      if (ctx.sealing != nullptr) {
        std::string hashed = HashedNamePrefix(ctx, p.scan_word);
        if (!hashed.empty()) return Prefixed(p, std::move(hashed));
        p.table = s.customers;  // one character: no entry covers it, every record is read
        p.primary = true;
        return p;
      }
      return Prefixed(p, codec::KeyBuilder().StrPrefix(p.scan_word).Take());
    }
    case CustomerQuery::By::kNotContactedSince:
      p.table = s.customer_contacted;
      p.hi = codec::KeyBuilder().I64(q.since).Take();
      return p;
  }
  return absl::InvalidArgumentError("by: is not a known query kind");
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// kNamePrefix: whether `c`, reached through name word `word`, is a match to report here (every
// query word prefixes one of its words, and `word` is its first word the scan reaches). In an
// encrypted store, where the entry holds no word (`word` null), a customer has one entry per
// prefix.
bool NameMatch(const Plan& p, const Customer& c, const std::string_view* word) {
  const std::vector<std::string> words = NameWords(c);
  for (const std::string& q : p.query_words) {
    bool hit = false;
    for (const std::string& w : words) hit = hit || StartsWith(w, q);
    if (!hit) return false;
  }
  if (word == nullptr) return true;
  for (const std::string& w : words)
    if (StartsWith(w, p.scan_word)) return w == *word;  // words are sorted: the first hit
  return false;
}

// Walks the customers a query covers from after `after`, calling `emit` for each one until it
// returns false.
// Every entry is confirmed by its record before it is emitted (counts included): a damaged
// index must neither hand out nor count another record.
absl::Status Walk(const Ctx& ctx, const CustomerQuery& q, const Plan& p, std::string_view after,
                  absl::FunctionRef<bool(std::string_view key, const Customer* c)> emit) {
  Customer c;
  return storage::ScanRange(
      ctx.txn, p.table, p.lo, p.hi, after, false,
      [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
        if (p.primary) {
          const CustomerId id = IdAtEnd(key);
          if (auto s = codec::Decode(value, codec::RecordType::kCustomer, {"customer", id}, c, ctx.sealing); !s.ok())
            return s;
          if (c.id != id) return absl::DataLossError(absl::StrCat("customer ", id, ": stored record holds id ", c.id));
          if (c.archived && !q.include_archived) return true;
          if (!p.query_words.empty() && !NameMatch(p, c, nullptr)) return true;
          auto last = LastInteraction(ctx, id);
          if (!last.ok()) return last.status();
          c.last_interaction_at = *last;
          return emit(key, &c);
        }
        const bool name_query = !p.query_words.empty();
        const CustomerId id = IdAtEnd(key);
        auto found = Load(ctx, id, &c);
        if (!found.ok()) return found.status();
        if (!*found)
          return absl::DataLossError(absl::StrCat("index entry names customer ", id, ", which does not exist"));
        if (auto s = CheckReached(ctx, p.table, key, value, false, c); !s.ok()) return s;
        if (c.archived && !q.include_archived) return true;
        if (name_query && ctx.sealing != nullptr) {
          if (!NameMatch(p, c, nullptr)) return true;
        } else if (name_query) {
          codec::KeyReader reader(key);
          auto word = reader.Str();
          if (!word) return absl::DataLossError("name index entry is damaged");
          const std::string_view w = *word;
          if (!NameMatch(p, c, &w)) return true;
        }
        return emit(key, &c);
      });
}

}  // namespace

absl::StatusOr<bool> Load(const Ctx& ctx, CustomerId id, Customer* out) {
  auto found = model::Load(ctx, kKind, id, out);
  if (!found.ok() || !*found) return found;
  auto last = LastInteraction(ctx, id);
  if (!last.ok()) return last.status();
  out->last_interaction_at = *last;
  return true;
}

absl::StatusOr<Customer> Get(const Ctx& ctx, CustomerId id) {
  Customer c;
  auto found = Load(ctx, id, &c);
  if (!found.ok()) return found.status();
  if (!*found) return model::NotFound(kKind, id);
  return c;
}

absl::StatusOr<CustomerPage> List(const Ctx& ctx, const CustomerQuery& q) {
  if (auto s = model::CheckLimit(q.limit); !s.ok()) return s;
  auto plan = MakePlan(ctx, q);
  if (!plan.ok()) return plan.status();
  auto after = model::ParsePageToken(q.page_token, HashOf(q), plan->lo, plan->hi);
  if (!after.ok()) return after.status();
  CustomerPage page;
  auto s = model::CollectPage(q.limit, HashOf(q), page.customers, page.next_page_token, [&](auto emit) {
    return Walk(ctx, q, *plan, *after, [&](std::string_view key, const Customer* c) { return emit(key, *c); });
  });
  if (!s.ok()) return s;
  return page;
}

absl::StatusOr<std::uint64_t> Count(const Ctx& ctx, const CustomerQuery& q) {
  if (q.by == CustomerQuery::By::kAll) {
    auto active = model::ReadCounter(ctx, kActiveCount);
    if (!active.ok() || !q.include_archived) return active;
    auto archived = model::ReadCounter(ctx, kArchivedCount);
    if (!archived.ok()) return archived;
    return *active + *archived;
  }
  auto plan = MakePlan(ctx, q);
  if (!plan.ok()) return plan.status();
  std::uint64_t n = 0;
  auto s = Walk(ctx, q, *plan, {}, [&](std::string_view, const Customer*) {
    ++n;
    return true;
  });
  if (!s.ok()) return s;
  return n;
}

absl::Status Prepare(const Ctx& ctx, Customer& c) {
  if (auto s = Normalize(c); !s.ok()) return s;
  ReadPhones(ctx, c);
  return absl::OkStatus();
}

absl::StatusOr<Customer> Create(Ctx& ctx, Customer c) {
  c.id = 0;  // store-managed: whatever the caller left there is ignored
  if (auto s = Normalize(c); !s.ok()) return s;
  ReadPhones(ctx, c);
  if (auto s = privacy::CheckNotSuppressed(ctx, c, nullptr); !s.ok()) return s;
  if (auto s = CheckMemberships(ctx, c); !s.ok()) return s;
  if (auto s = CheckParent(ctx, c); !s.ok()) return s;
  std::vector<DuplicateCandidate> alerted;
  if (auto s = duplicates::Gate(ctx, c, false, &alerted); !s.ok()) return s;
  auto id = model::PeekNextId(ctx, kSequence);
  if (!id.ok()) return id.status();
  c.id = *id;
  if (auto s = model::StampNew(c, ctx); !s.ok()) return s;
  c.archived = false;
  c.archived_at = 0;
  c.last_interaction_at = 0;
  StampConsent(c, nullptr, ctx.now);
  const std::vector<Entry> wanted = Entries(ctx, c);
  if (auto s = CheckUnique(ctx, c.id, wanted, {}); !s.ok()) return s;
  auto declared = query::DeclaredKeys(ctx, c);
  if (!declared.ok()) return declared.status();

  absl::Status s = model::NextId(ctx, kSequence).status();
  if (s.ok()) s = PutRecord(ctx, c, /*fresh=*/true);
  if (s.ok()) s = ApplyEntries(ctx, c, {}, wanted, false);
  if (s.ok()) s = query::ApplyDeclared(ctx, {}, *declared, 0, false);
  if (s.ok()) s = model::AddToCounter(ctx, kActiveCount, 1);
  if (s.ok()) s = analytics::MoveCustomer(ctx, nullptr, &c);
  if (s.ok()) s = analytics::MoveChurnCounts(ctx, nullptr, &c);
  if (s.ok()) s = segments::MoveCustomer(ctx, nullptr, &c);
  if (s.ok()) s = changes::Record(ctx, EntityType::kCustomer, c.id, ChangeOp::kCreate, {}, changes::Flatten(c), c.id);
  if (s.ok()) s = consent::MirrorOptIn(ctx, nullptr, c);
  if (s.ok()) s = duplicates::Alert(ctx, c.id, std::move(alerted));
  if (!s.ok()) return s;
  return c;
}

absl::StatusOr<Customer> Update(Ctx& ctx, Customer c, bool* changed) {
  if (c.id == 0) return absl::InvalidArgumentError("id: an update needs the id of the customer");
  auto stored = Get(ctx, c.id);  // with its last_interaction_at, which Update keeps
  if (!stored.ok()) return stored.status();
  const Customer& before = *stored;
  if (auto s = model::CheckRevision(kKind.name, c.id, before.revision, c.revision); !s.ok()) return s;
  if (auto s = Normalize(c); !s.ok()) return s;
  ReadPhones(ctx, c, &before);
  if (auto s = privacy::CheckNotSuppressed(ctx, c, &before); !s.ok()) return s;
  if (auto s = CheckMemberships(ctx, c); !s.ok()) return s;
  if (auto s = CheckParent(ctx, c); !s.ok()) return s;
  if (before.kind == CustomerKind::kOrganization && c.kind != CustomerKind::kOrganization) {
    auto members = HasMembers(ctx, c.id);
    if (!members.ok()) return members.status();
    auto subsidiaries = HasSubsidiaries(ctx, c.id);
    if (!subsidiaries.ok()) return subsidiaries.status();
    if (*members || *subsidiaries)
      return HasDependentsError(absl::StrCat("kind: customer ", c.id, " is an organization with ",
                                             *members ? "members" : "subsidiaries", " and cannot become a person"));
  }
  model::StampChanged(c, before, ctx.now);
  c.archived = before.archived;
  c.archived_at = before.archived_at;
  c.last_interaction_at = before.last_interaction_at;
  StampConsent(c, &before, ctx.now);
  if (changed != nullptr) {
    Customer same = c;
    same.revision = before.revision;
    same.updated_at = before.updated_at;
    *changed = !(same == before);
    if (!*changed) return before;
  }
  const std::vector<Entry> held = Entries(ctx, before);
  const std::vector<Entry> wanted = Entries(ctx, c);
  if (auto s = CheckUnique(ctx, c.id, wanted, held); !s.ok()) return s;
  std::vector<DuplicateCandidate> alerted;
  if (auto s = duplicates::Gate(ctx, c, true, &alerted); !s.ok()) return s;
  auto declared_held = query::DeclaredKeys(ctx, before);
  if (!declared_held.ok()) return declared_held.status();
  auto declared = query::DeclaredKeys(ctx, c);
  if (!declared.ok()) return declared.status();

  absl::Status s = PutRecord(ctx, c);
  if (s.ok()) s = ApplyEntries(ctx, c, held, wanted, false);
  if (s.ok()) s = query::ApplyDeclared(ctx, *declared_held, *declared, Flags(c), false);
  if (s.ok()) s = analytics::MoveCustomer(ctx, &before, &c);
  if (s.ok()) s = analytics::MoveChurnCounts(ctx, &before, &c);
  if (s.ok()) s = segments::MoveCustomer(ctx, &before, &c);
  if (s.ok())
    s = changes::Record(ctx, EntityType::kCustomer, c.id, ChangeOp::kUpdate, changes::Flatten(before),
                        changes::Flatten(c), c.id);
  if (s.ok()) s = consent::MirrorOptIn(ctx, &before, c);
  if (s.ok()) s = duplicates::Alert(ctx, c.id, std::move(alerted));
  if (!s.ok()) return s;
  return c;
}

absl::StatusOr<Customer> Upsert(Ctx& ctx, Customer c) {
  std::string external = c.external_id;
  model::Trim(external);  // as Normalize will, so the lookup sees the id that gets stored
  if (external.empty()) return absl::InvalidArgumentError("external_id: an upsert needs the external id");
  auto existing = FindByExternalId(ctx, external);
  if (absl::IsNotFound(existing.status())) return Create(ctx, std::move(c));
  if (!existing.ok()) return existing.status();
  c.id = existing->id;
  c.revision = existing->revision;
  return Update(ctx, std::move(c));
}

absl::StatusOr<Customer> SetArchived(Ctx& ctx, CustomerId id, bool archived) {
  auto stored = Get(ctx, id);
  if (!stored.ok()) return stored.status();
  Customer& c = *stored;
  if (c.archived == archived) return c;
  const Customer unchanged = c;
  const std::vector<Entry> entries = Entries(ctx, c);
  const changes::Fields before = changes::Flatten(c);
  auto declared_held = query::DeclaredKeys(ctx, c);
  if (!declared_held.ok()) return declared_held.status();
  c.archived = archived;
  c.archived_at = archived ? ctx.now : 0;
  model::StampTouched(c, ctx.now);
  auto declared = query::DeclaredKeys(ctx, c);  // archived_at and updated_at may be indexed
  if (!declared.ok()) return declared.status();
  absl::Status s = PutRecord(ctx, c);
  if (s.ok()) s = ApplyEntries(ctx, c, entries, entries, true);
  if (s.ok()) s = query::ApplyDeclared(ctx, *declared_held, *declared, Flags(c), true);
  if (s.ok()) s = model::AddToCounter(ctx, kActiveCount, archived ? -1 : 1);
  if (s.ok()) s = model::AddToCounter(ctx, kArchivedCount, archived ? 1 : -1);
  if (s.ok()) s = analytics::MoveChurnCounts(ctx, &unchanged, &c);  // archived and the times are fields too
  if (s.ok()) s = segments::MoveCustomer(ctx, &unchanged, &c);
  if (s.ok())
    s = changes::Record(ctx, EntityType::kCustomer, id, archived ? ChangeOp::kArchive : ChangeOp::kRestore,
                        before, changes::Flatten(c), id);
  if (!s.ok()) return s;
  return c;
}

absl::Status Backfill(Ctx& ctx, storage::Table table) {
  return storage::ScanPrefix(ctx.txn, ctx.schema.customers, {}, {},
                             [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                               Customer c;
                               auto found = Load(ctx, codec::GetBigEndian64(key.data()), &c);
                               if (!found.ok()) return found.status();
                               for (const Entry& e : Entries(ctx, c))
                                 if (e.table == table)
                                   if (auto s = PutEntry(ctx, e, c); !s.ok()) return s;
                               return true;
                             });
}

absl::Status SetLastInteraction(Ctx& ctx, CustomerId id, Timestamp at, bool only_if_newer) {
  auto current = LastInteraction(ctx, id);
  if (!current.ok()) return current.status();
  if (*current == at || (only_if_newer && at < *current)) return absl::OkStatus();
  // Only this value and its index entry change; the customer record is not rewritten. Being
  // derived from the interactions (whose changes the feed has), it is not in the feed itself.
  const auto contacted_key = [&](Timestamp t) { return codec::KeyBuilder().I64(t).U64(id).Take(); };
  absl::Status s;
  const std::string old_key = contacted_key(*current);
  std::string_view old_flags;
  auto indexed = ctx.txn.Get(ctx.schema.customer_contacted, old_key, &old_flags);
  if (!indexed.ok()) s = indexed.status();
  if (s.ok() && !*indexed)
    s = absl::DataLossError(absl::StrCat("customer ", id, ": last-contact index entry is missing"));
  const char flags = s.ok() && !old_flags.empty() ? old_flags[0] : 0;
  if (s.ok()) s = ctx.txn.Del(ctx.schema.customer_contacted, old_key).status();
  const std::string new_key = contacted_key(at);
  if (s.ok()) s = ctx.txn.Put(ctx.schema.customer_contacted, new_key, codec::IndexValue(new_key, flags));
  if (s.ok()) {
    s = at == 0 ? ctx.txn.Del(ctx.schema.customer_contact, IdKey(id).view()).status()
                : ctx.txn.Put(ctx.schema.customer_contact, IdKey(id).view(),
                              codec::EncodeU64(static_cast<std::uint64_t>(at)));
  }
  if (s.ok()) s = segments::MoveContact(ctx, id);
  return s;
}

absl::StatusOr<Timestamp> LastInteraction(const Ctx& ctx, CustomerId id) {
  std::string_view v;
  auto found = ctx.txn.Get(ctx.schema.customer_contact, IdKey(id).view(), &v);
  if (!found.ok()) return found.status();
  if (!*found) return 0;
  if (v.size() != 8) return absl::DataLossError(absl::StrCat("customer ", id, ": last-contact entry is damaged"));
  return static_cast<Timestamp>(codec::GetBigEndian64(v.data()));
}

absl::StatusOr<bool> Exists(const Ctx& ctx, CustomerId id) {
  std::string_view v;
  return ctx.txn.Get(ctx.schema.customers, IdKey(id).view(), &v);
}

absl::Status Delete(Ctx& ctx, CustomerId id) {
  Customer c;
  auto found = Load(ctx, id, &c);
  if (!found.ok()) return found.status();
  if (!*found) return model::NotFound(kKind, id);
  if (c.kind == CustomerKind::kOrganization) {
    auto members = HasMembers(ctx, id);
    if (!members.ok()) return members.status();
    if (*members)
      return HasDependentsError(absl::StrCat(
          "customer ", id, " is an organization that still has members; remove their memberships first"));
  }
  auto declared = query::DeclaredKeys(ctx, c);
  if (!declared.ok()) return declared.status();
  absl::Status s = ApplyEntries(ctx, c, Entries(ctx, c), {}, false);
  if (s.ok()) s = query::ApplyDeclared(ctx, *declared, {}, 0, false);
  if (s.ok()) {
    auto deleted = ctx.txn.Del(ctx.schema.customers, IdKey(id).view());
    if (!deleted.ok()) s = deleted.status();
  }
  if (s.ok()) s = ctx.txn.Del(ctx.schema.customer_contact, IdKey(id).view()).status();
  if (s.ok()) s = analytics::MoveCustomer(ctx, &c, nullptr);
  if (s.ok()) s = analytics::MoveChurnCounts(ctx, &c, nullptr);
  if (s.ok()) s = segments::MoveCustomer(ctx, &c, nullptr);
  if (s.ok()) s = campaigns::ForgetCustomer(ctx, id);
  if (s.ok()) s = tickets::ForgetCustomer(ctx, id);
  if (s.ok()) s = duplicates::ForgetCustomer(ctx, id);
  if (s.ok()) s = model::AddToCounter(ctx, c.archived ? kArchivedCount : kActiveCount, -1);
  if (s.ok()) s = changes::Record(ctx, EntityType::kCustomer, id, ChangeOp::kDelete, changes::Flatten(c), {}, id);
  if (!s.ok()) return s;
  return absl::OkStatus();
}

}  // namespace crm::customers
