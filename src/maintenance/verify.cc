#include "maintenance/verify.h"

#include <algorithm>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "analytics/facts.h"
#include "analytics/risk.h"
#include "codec/envelope.h"
#include "changes/retention.h"
#include "codec/key.h"
#include "common/strings.h"
#include "customers/customers.h"
#include "customers/entries.h"
#include "duplicates/journal.h"
#include "duplicates/pairs.h"
#include "interactions/interactions.h"
#include "model/sealing.h"
#include "model/serialize.h"
#include "customers/groups.h"
#include "imports/jobs.h"
#include "opportunities/opportunities.h"
#include "products/products.h"
#include "pipelines/pipelines.h"
#include "query/declared.h"
#include "text/text.h"
#include "sales/quotas.h"
#include "sales/rates.h"
#include "sales/scores.h"
#include "sales/closings.h"
#include "sales/totals.h"
#include "segments/segments.h"
#include "campaigns/campaigns.h"
#include "tickets/tickets.h"
#include "users/users.h"

namespace crm::maintenance {
namespace {

using model::Ctx;
using Visit = absl::FunctionRef<void(std::string_view key, std::string_view value)>;

class Checker {
 public:
  Checker(const Ctx& ctx, VerifyReport& report) : ctx_(ctx), s_(ctx.schema), report_(report) {}

  void Customers();
  void CustomerIndexes();
  void Pipelines();
  void Opportunities();
  void Interactions();
  void Changes();
  void Users();
  void Imports();
  void Quotas();
  void Declared() {
    std::vector<std::string> problems;
    auto checked = query::CheckDeclared(ctx_, &problems);
    if (!checked.ok()) return Problem("declared indexes: ", checked.status().message());
    report_.index_entries += *checked;
    for (const std::string& p : problems) Problem(p);
  }

 private:
  template <class... Parts>
  void Problem(const Parts&... parts) {
    ++report_.problem_count;
    if (report_.problems.size() < VerifyReport::kMaxProblems) report_.problems.push_back(absl::StrCat(parts...));
  }
  void Problem(const absl::Status& s) { Problem(s.message()); }

  // Visits every entry of `table`; damage that stops the scan is a problem (the rest of the
  // table goes unchecked).
  void Scan(storage::Table table, std::string_view name, Visit visit) {
    if (table == model::kAbsentTable) return;
    absl::Status s = storage::ScanPrefix(ctx_.txn, table, {}, {}, [&](std::string_view k, std::string_view v) {
      visit(k, v);
      return absl::StatusOr<bool>(true);
    });
    if (!s.ok()) Problem(Av(name), ": the scan stopped at damage: ", s.message());
  }

  // Whether `key` is in `table`; its value in `value`. A failed read is a problem (false).
  // A record's external id is indexed, pointing at it.
  void External(storage::Table table, const char* kind, std::uint64_t id, const std::string& external_id) {
    if (external_id.empty() || table == model::kAbsentTable) return;
    ++report_.index_entries;
    std::string_view value;
    if (!Has(table, external_id, &value) || value != codec::EncodeU64(id))
      Problem(kind, " ", id, ": its external id is not indexed, or indexed for another record");
  }

  // Every entry of an external id index names a record that holds that external id.
  template <class Lookup>
  void ExternalEntries(storage::Table table, const char* name, Lookup lookup) {
    if (table == model::kAbsentTable) return;
    Scan(table, name, [&](std::string_view key, std::string_view value) {
      if (value.size() != 8) return Problem(name, ": an entry of the wrong length");
      auto held = lookup(codec::GetBigEndian64(value.data()));
      if (!held.ok()) return Problem(name, ": ", held.status().message());
      if (*held != key) Problem(name, ": an entry for a record that does not hold that external id");
    });
  }

  bool Has(storage::Table table, std::string_view key, std::string_view* value = nullptr) {
    std::string_view v;
    auto found = ctx_.txn.Get(table, key, &v);
    if (!found.ok()) {
      Problem(found.status());
      return false;
    }
    if (value != nullptr) *value = v;
    return *found;
  }

  template <class T>
  bool Exists(absl::StatusOr<bool> (*load)(const Ctx&, std::uint64_t, T*), std::uint64_t id, T* out) {
    auto found = load(ctx_, id, out);
    if (!found.ok()) {
      Problem(found.status());
      return false;
    }
    return *found;
  }

  const Ctx& ctx_;
  const model::Schema& s_;
  VerifyReport& report_;
};

std::uint64_t IdAtEnd(std::string_view key) {
  return key.size() < 8 ? 0 : codec::GetBigEndian64(key.data() + key.size() - 8);
}

// ---- customers ----

void Checker::Customers() {
  std::uint64_t active = 0, archived = 0, max_id = 0;
  auto pending = duplicates::IndexPending(ctx_);
  if (!pending.ok()) return Problem(pending.status());
  const bool match_pending = *pending;
  Scan(s_.customers, "customers", [&](std::string_view key, std::string_view value) {
    ++report_.records;
    if (key.size() != 8) return Problem("customers: a key of ", key.size(), " bytes (ids are 8)");
    const CustomerId id = codec::GetBigEndian64(key.data());
    Customer c;
    if (auto st = codec::Decode(value, codec::RecordType::kCustomer, {"customer", id}, c, ctx_.sealing); !st.ok()) return Problem(st);
    if (c.id != id) return Problem("customer ", id, ": the stored record holds id ", c.id);
    (c.archived ? archived : active) += 1;
    max_id = std::max(max_id, id);
    auto last = customers::LastInteraction(ctx_, id);
    auto newest = interactions::NewestContact(ctx_, id);
    if (!last.ok() || !newest.ok()) return Problem(!last.ok() ? last.status() : newest.status());
    if (*last != *newest)
      Problem("customer ", id, ": last contact recorded at ", *last, ", but its newest contact interaction is at ", *newest);
    c.last_interaction_at = *last;
    for (const customers::Entry& e : customers::Entries(ctx_, c)) {
      if (e.table == s_.customer_match && match_pending) continue;  // built at the next writable open
      ++report_.index_entries;
      std::string_view stored;
      // The entry is the record's own, so only what the index stores with it is left to check.
      if (!Has(e.table, e.key, &stored)) {
        Problem("customer ", id, ": an index entry is missing (", e.unique ? e.field : "list index", ")");
      } else if (e.unique && (stored.size() != 8 || codec::GetBigEndian64(stored.data()) != id)) {
        Problem("customer ", id, ": its ", e.field, " entry names another customer");
      } else if (!e.unique && customers::Archived(stored) != c.archived) {
        Problem("customer ", id, ": an index entry disagrees with the record on whether it is archived");
      } else if (!e.unique && s_.version >= 4 && !codec::IndexValueSound(e.key, stored)) {
        Problem("customer ", id, ": an index entry fails its checksum");
      }
    }
    for (const Membership& m : c.memberships) {
      Customer org;
      if (!Exists(&customers::Load, m.organization, &org))
        Problem("customer ", id, ": member of organization ", m.organization, ", which does not exist");
      else if (org.kind != CustomerKind::kOrganization)
        Problem("customer ", id, ": member of customer ", m.organization, ", which is not an organization");
    }
  });
  const auto counter = [&](std::string_view name, std::uint64_t counted) {
    auto kept = model::ReadCounter(ctx_, name);
    if (!kept.ok()) return Problem(kept.status());
    if (*kept != counted) Problem("total ", Av(name), " is ", *kept, ", but ", counted, " records were counted");
  };
  counter("count.customer.active", active);
  counter("count.customer.archived", archived);
  auto next = model::PeekNextId(ctx_, "seq.customer");
  if (next.ok() && *next <= max_id) Problem("customer id sequence would hand out ", *next, ", which is taken");
}

void Checker::CustomerIndexes() {
  struct Index {
    storage::Table table;
    std::string_view name;
    bool unique;
  };
  const Index indexes[] = {
      {s_.customer_email, "customer_email", true},   {s_.customer_external, "customer_external", true},
      {s_.customer_phone, "customer_phone", false},  {s_.customer_name, "customer_name", false},
      {s_.customer_tag, "customer_tag", false},      {s_.customer_owner, "customer_owner", false},
      {s_.customer_stage, "customer_stage", false},  {s_.customer_country, "customer_country", false},
      {s_.customer_org, "customer_org", false},      {s_.customer_contacted, "customer_contacted", false},
      {s_.customer_domain, "customer_domain", false}, {s_.customer_parent, "customer_parent", false},
      {s_.customer_match, "customer_match", false},
  };
  for (const Index& index : indexes) {
    Scan(index.table, index.name, [&](std::string_view key, std::string_view value) {
      ++report_.index_entries;
      const CustomerId id = index.unique ? (value.size() == 8 ? codec::GetBigEndian64(value.data()) : 0) : IdAtEnd(key);
      Customer c;
      if (!Exists(&customers::Load, id, &c))
        return Problem(Av(index.name), ": an entry names customer ", id, ", which does not exist");
      if (auto st = customers::CheckReached(ctx_, index.table, key, value, index.unique, c); !st.ok()) Problem(st);
    });
  }
  Scan(s_.customer_contact, "customer_contact", [&](std::string_view key, std::string_view) {
    ++report_.index_entries;
    Customer c;
    if (key.size() != 8 || !Exists(&customers::Load, codec::GetBigEndian64(key.data()), &c))
      Problem("customer_contact: an entry names a customer that does not exist");
  });
  auto groups = customers::CheckGroups(ctx_);
  if (!groups.ok()) return Problem(groups.status());
  for (const std::string& p : *groups) Problem(p);
}

// ---- users and teams ----

void Checker::Users() {
  if (s_.users == model::kAbsentTable) return;
  // A unique lookup from folded text to an id holds exactly the records' values.
  const auto lookup = [&](storage::Table table, const char* name, const auto& expected) {
    std::size_t entries = 0;
    Scan(table, name, [&](std::string_view key, std::string_view value) {
      ++report_.index_entries;
      ++entries;
      if (value.size() != 8) return Problem(name, ": an entry of the wrong length");
      auto it = expected.find(Av(key));
      if (it == expected.end() || it->second != codec::GetBigEndian64(value.data()))
        Problem(name, ": the entry '", Av(key), "' names a record that does not hold it");
    });
    if (entries != expected.size()) Problem(name, ": ", expected.size(), " records hold a value, ", entries, " entries");
  };
  absl::flat_hash_map<std::string, std::uint64_t> logins, emails, names, team_names;
  absl::flat_hash_map<UserId, UserId> managers;
  absl::flat_hash_map<TeamId, UserId> team_managers;
  std::vector<std::pair<UserId, TeamId>> teams_of;
  Scan(s_.users, "users", [&](std::string_view key, std::string_view value) {
    ++report_.records;
    if (key.size() != 8) return Problem("users: a key of ", key.size(), " bytes (ids are 8)");
    const UserId id = codec::GetBigEndian64(key.data());
    User u;
    if (auto st = codec::Decode(value, codec::RecordType::kUser, {"user", id}, u); !st.ok()) return Problem(st);
    if (u.id != id) return Problem("user ", id, ": the stored record holds id ", u.id);
    if (!u.login.empty()) logins[text::FoldCase(u.login)] = id;
    if (!u.email.empty()) emails[text::FoldCase(u.email)] = id;
    names[codec::KeyBuilder().Str(text::FoldCase(u.name)).U64(id).Take()] = id;
    managers[id] = u.manager;
    teams_of.emplace_back(id, u.team);
  });
  Scan(s_.teams, "teams", [&](std::string_view key, std::string_view value) {
    ++report_.records;
    if (key.size() != 8) return Problem("teams: a key of ", key.size(), " bytes (ids are 8)");
    const TeamId id = codec::GetBigEndian64(key.data());
    Team t;
    if (auto st = codec::Decode(value, codec::RecordType::kTeam, {"team", id}, t); !st.ok()) return Problem(st);
    if (t.id != id) return Problem("team ", id, ": the stored record holds id ", t.id);
    team_names[text::FoldCase(t.name)] = id;
    team_managers[id] = t.manager;
  });
  lookup(s_.user_login, "user_login", logins);
  lookup(s_.user_email, "user_email", emails);
  lookup(s_.team_name, "team_name", team_names);
  std::size_t name_entries = 0;
  Scan(s_.user_name, "user_name", [&](std::string_view key, std::string_view value) {
    ++report_.index_entries;
    ++name_entries;
    if (!names.contains(Av(key)) || !codec::IndexValueSound(key, value))
      Problem("user_name: an entry for no user of that name, or damaged");
  });
  if (name_entries != names.size()) Problem("user_name: ", names.size(), " users, ", name_entries, " entries");
  for (const auto& [user, team] : teams_of)
    if (team != 0 && !team_managers.contains(team)) Problem("user ", user, ": its team ", team, " does not exist");
  for (const auto& [user, manager] : managers) {
    if (manager != 0 && !managers.contains(manager)) Problem("user ", user, ": its manager ", manager, " does not exist");
    UserId next = manager;
    for (std::size_t steps = 0; next != 0 && managers.contains(next); next = managers[next])
      if (++steps > managers.size()) {
        Problem("user ", user, ": its chain of managers loops");
        break;
      }
  }
  for (const auto& [team, manager] : team_managers)
    if (manager != 0 && !managers.contains(manager)) Problem("team ", team, ": its manager ", manager, " does not exist");
}

// ---- pipelines and opportunities ----

void Checker::Pipelines() {
  Scan(s_.pipelines, "pipelines", [&](std::string_view key, std::string_view value) {
    ++report_.records;
    if (key.size() != 8) return Problem("pipelines: a key of ", key.size(), " bytes (ids are 8)");
    const PipelineId id = codec::GetBigEndian64(key.data());
    Pipeline p;
    if (auto st = codec::Decode(value, codec::RecordType::kPipeline, {"pipeline", id}, p); !st.ok()) return Problem(st);
    if (p.id != id) Problem("pipeline ", id, ": the stored record holds id ", p.id);
  });
  auto def = pipelines::DefaultId(ctx_);
  Pipeline p;
  if (!def.ok()) Problem(def.status());
  else if (!Exists(&pipelines::Load, *def, &p)) Problem("the default pipeline ", *def, " does not exist");
}

void Checker::Opportunities() {
  Scan(s_.opportunities, "opportunities", [&](std::string_view key, std::string_view value) {
    ++report_.records;
    if (key.size() != 8) return Problem("opportunities: a key of ", key.size(), " bytes (ids are 8)");
    const OpportunityId id = codec::GetBigEndian64(key.data());
    Opportunity o;
    if (auto st = codec::Decode(value, codec::RecordType::kOpportunity, {"opportunity", id}, o); !st.ok())
      return Problem(st);
    if (o.id != id) return Problem("opportunity ", id, ": the stored record holds id ", o.id);
    Customer c;
    if (o.customer != 0 && !Exists(&customers::Load, o.customer, &c)) Problem("opportunity ", id, ": its customer ", o.customer, " does not exist");
    for (const ContactRole& r : o.contacts)
      if (!Exists(&customers::Load, r.person, &c)) Problem("opportunity ", id, ": its contact ", r.person, " does not exist");
    Pipeline p;
    const Stage* stage = nullptr;
    if (!Exists(&pipelines::Load, o.pipeline, &p)) Problem("opportunity ", id, ": its pipeline ", o.pipeline, " does not exist");
    else if ((stage = p.FindStage(o.stage)) == nullptr) Problem("opportunity ", id, ": its stage ", o.stage, " is not in its pipeline");
    const char closed = stage != nullptr && stage->outcome != StageOutcome::kOpen ? model::kFlagClosed : 0;
    for (const auto& [table, entry] : opportunities::IndexEntries(s_, o)) {
      ++report_.index_entries;
      std::string_view flags;
      if (!Has(table, entry, &flags)) Problem("opportunity ", id, ": an index entry is missing");
      else if (s_.version >= 4 && !codec::IndexValueSound(entry, flags))
        Problem("opportunity ", id, ": an index entry fails its checksum");
      else if (stage != nullptr && table != s_.opp_contact && (flags.empty() ? 0 : flags[0] & model::kFlagClosed) != closed)
        Problem("opportunity ", id, ": an index entry disagrees with the record on whether it is closed");
    }
    External(s_.opp_external, "opportunity", id, o.external_id);
  });
  ExternalEntries(s_.opp_external, "opp_external", [&](std::uint64_t id) -> absl::StatusOr<std::string> {
    auto o = opportunities::Get(ctx_, id);
    if (!o.ok()) return o.status();
    return o->external_id;
  });
  for (const auto& index : {std::pair{s_.opp_customer, "opp_customer"}, {s_.opp_stage, "opp_stage"},
                             {s_.opp_owner, "opp_owner"}, {s_.opp_close, "opp_close"}, {s_.opp_contact, "opp_contact"},
                             {s_.product_deals, "product_deals"}}) {
    const storage::Table table = index.first;
    const char* const name = index.second;
    Scan(table, name, [&](std::string_view key, std::string_view) {
      ++report_.index_entries;
      Opportunity o;
      const OpportunityId id = IdAtEnd(key);
      if (!Exists(&opportunities::Load, id, &o)) return Problem(name, ": an entry names opportunity ", id, ", which does not exist");
      const auto entries = opportunities::IndexEntries(s_, o);
      if (!std::binary_search(entries.begin(), entries.end(), std::pair{table, std::string(key)}))
        Problem(name, ": an entry for opportunity ", id, " that the record does not have");
    });
  }
}

// ---- interactions ----

void Checker::Interactions() {
  Scan(s_.interactions, "interactions", [&](std::string_view key, std::string_view value) {
    ++report_.records;
    Interaction i;
    if (auto st = interactions::DecodeAt(ctx_, key, value, &i); !st.ok()) return Problem(st);
    std::string_view loc;
    if (!Has(s_.interaction_ids, codec::EncodeU64(i.id), &loc) || loc != key.substr(0, 16))
      Problem("interaction ", i.id, ": its entry in interaction_ids is missing or points elsewhere");
    Customer c;
    if (!Exists(&customers::Load, i.customer, &c)) Problem("interaction ", i.id, ": its customer ", i.customer, " does not exist");
    if (i.opportunity != 0) {
      Opportunity o;
      if (!Exists(&opportunities::Load, i.opportunity, &o))
        Problem("interaction ", i.id, ": its opportunity ", i.opportunity, " does not exist");
      if (!Has(s_.interaction_opp, interactions::OppKey(i.opportunity, i.id)))
        Problem("interaction ", i.id, ": its entry in interaction_opp is missing");
    }
    External(s_.interaction_external, "interaction", i.id, i.external_id);
  });
  ExternalEntries(s_.interaction_external, "interaction_external", [&](std::uint64_t id) -> absl::StatusOr<std::string> {
    auto i = interactions::Get(ctx_, id);
    if (!i.ok()) return i.status();
    return i->external_id;
  });
  Scan(s_.interaction_ids, "interaction_ids", [&](std::string_view key, std::string_view loc) {
    ++report_.index_entries;
    if (key.size() != 8 || loc.size() != 16) return Problem("interaction_ids: an entry of the wrong length");
    if (!Has(s_.interactions, absl::StrCat(Av(loc), Av(key))))
      Problem("interaction_ids: interaction ", codec::GetBigEndian64(key.data()), " is indexed but missing");
  });
  Scan(s_.interaction_opp, "interaction_opp", [&](std::string_view key, std::string_view) {
    ++report_.index_entries;
    if (key.size() != 16) return Problem("interaction_opp: an entry of the wrong length");
    auto i = interactions::Get(ctx_, codec::GetBigEndian64(key.data() + 8));
    if (!i.ok()) return Problem("interaction_opp: ", i.status().message());
    if (i->opportunity != codec::GetBigEndian64(key.data()))
      Problem("interaction_opp: interaction ", i->id, " is listed under an opportunity it is not linked to");
  });
}

// ---- the change feed ----

void Checker::Changes() {
  auto first = changes::FirstSeq(ctx_);  // retention may have removed the oldest
  if (!first.ok()) return Problem(first.status());
  std::uint64_t expected = *first;
  Scan(s_.changes, "changes", [&](std::string_view key, std::string_view value) {
    ++report_.changes;
    if (key.size() != 8) return Problem("changes: a key of ", key.size(), " bytes (sequence numbers are 8)");
    const std::uint64_t seq = codec::GetBigEndian64(key.data());
    if (seq != expected) Problem("change feed: a gap, ", expected, " to ", seq - 1, " are missing");
    expected = seq + 1;
    Change c;
    if (auto st = codec::Decode(value, codec::RecordType::kChange, {"change", seq}, c, ctx_.sealing); !st.ok()) return Problem(st);
    if (c.seq != seq) return Problem("change ", seq, ": the stored change holds sequence number ", c.seq);
    const bool indexed =
        Has(s_.change_entity, codec::KeyBuilder().U8(static_cast<std::uint8_t>(c.entity)).U64(c.entity_id).U64(seq).Take());
    if (c.trimmed && (indexed || !c.fields.empty() || !c.actor.empty()))
      Problem("change ", seq, ": trimmed, yet it keeps values, an actor or its entry in change_entity");
    if (!c.trimmed && !indexed) Problem("change ", seq, ": its entry in change_entity is missing");
    if (c.op == ChangeOp::kErase && s_.erasures != model::kAbsentTable && !Has(s_.erasures, codec::EncodeU64(seq)))
      Problem("change ", seq, ": an erasure's tombstone without its entry in the erasure log");
  });
  if (s_.suppressions != model::kAbsentTable)
    Scan(s_.suppressions, "suppressions", [&](std::string_view key, std::string_view value) {
      if (key.size() != 32 || value.size() != 16) Problem("suppressions: an entry of the wrong length");
    });
  if (s_.erasures != model::kAbsentTable)
    Scan(s_.erasures, "erasures", [&](std::string_view key, std::string_view value) {
      if (key.size() != 8) return Problem("erasures: a key of ", key.size(), " bytes (sequence numbers are 8)");
      const std::uint64_t seq = codec::GetBigEndian64(key.data());
      Erasure e;
      if (auto st = codec::Decode(value, codec::RecordType::kErasure, {"erasure", seq}, e); !st.ok()) return Problem(st);
      std::string_view change;
      Change c;
      if (e.seq != seq) return Problem("erasure ", seq, ": the stored entry holds sequence number ", e.seq);
      if (seq < *first) return;  // its tombstone left the feed with retention
      if (!Has(s_.changes, codec::EncodeU64(seq), &change) ||
          !codec::Decode(change, codec::RecordType::kChange, {"change", seq}, c, ctx_.sealing).ok() || c.op != ChangeOp::kErase ||
          c.entity != EntityType::kCustomer || c.entity_id != e.customer)
        return Problem("erasure ", seq, ": the change feed has no tombstone of customer ", e.customer, " there");
      if (Has(s_.customers, codec::EncodeU64(e.customer))) Problem("erasure ", seq, ": customer ", e.customer, " still exists");
    });
  if (s_.consents != model::kAbsentTable)
    Scan(s_.consents, "consents", [&](std::string_view key, std::string_view value) {
      ConsentRecord r;
      const std::uint64_t customer = key.size() >= 8 ? codec::GetBigEndian64(key.data()) : 0;
      if (auto st = codec::Decode(value, codec::RecordType::kConsent, {"consent of customer", customer}, r, ctx_.sealing); !st.ok())
        return Problem(st);
      if (key.size() < 8 || codec::GetBigEndian64(key.data()) != r.customer || IdAtEnd(key) != r.id)
        return Problem("consents: record ", r.id, " is stored under another key");
      if (!Has(s_.customers, codec::EncodeU64(r.customer)))
        Problem("consent ", r.id, ": customer ", r.customer, " does not exist");
    });
  Scan(s_.change_entity, "change_entity", [&](std::string_view key, std::string_view) {
    ++report_.index_entries;
    if (key.size() != 17) return Problem("change_entity: an entry of the wrong length");
    const std::uint64_t seq = IdAtEnd(key);
    std::string_view value;
    Change c;
    if (!Has(s_.changes, codec::EncodeU64(seq), &value)) return Problem("change_entity: change ", seq, " is indexed but missing");
    if (!codec::Decode(value, codec::RecordType::kChange, {"change", seq}, c, ctx_.sealing).ok()) return;  // reported above
    if (static_cast<std::uint8_t>(c.entity) != static_cast<std::uint8_t>(key[0]) || c.entity_id != codec::GetBigEndian64(key.data() + 1))
      Problem("change_entity: change ", seq, " is indexed under another record");
  });
}

}  // namespace

// ---- import jobs ----

// Every job record, failed row and undo entry reads back (sealed ones open), and each belongs to
// a job.
void Checker::Imports() {
  if (s_.import_jobs == model::kAbsentTable) return;
  std::set<std::uint64_t> jobs;
  Scan(s_.import_jobs, "import jobs", [&](std::string_view key, std::string_view) {
    if (key.size() != 8) return Problem("import jobs: a key of the wrong length");
    const std::uint64_t id = codec::GetBigEndian64(key.data());
    auto job = imports::GetJob(ctx_, id);
    if (!job.ok()) return Problem("import job ", id, ": ", job.status().message());
    jobs.insert(id);
  });
  for (std::uint64_t id : jobs) {
    for (std::uint64_t after = 0;;) {
      auto errors = imports::ListErrors(ctx_, id, after, 10000);
      if (!errors.ok()) {
        Problem("import errors of job ", id, ": ", errors.status().message());
        break;
      }
      if (errors->size() < 10000) break;
      after = errors->back().row;
    }
    if (auto undo = imports::ListUndo(ctx_, id); !undo.ok())
      Problem("import undo entries of job ", id, ": ", undo.status().message());
  }
  for (const auto& [table, name, sizes] : {std::tuple{s_.import_errors, "import errors", std::pair<std::size_t, std::size_t>{16, 16}},
                                           std::tuple{s_.import_undo, "import undo", std::pair<std::size_t, std::size_t>{16, 25}}}) {
    Scan(table, name, [&, name = name, sizes = sizes](std::string_view key, std::string_view) {
      if (key.size() != sizes.first && key.size() != sizes.second) return Problem(name, ": a key of the wrong length");
      const std::uint64_t job = codec::GetBigEndian64(key.data());
      if (jobs.count(job) == 0) Problem(name, ": an entry of job ", job, ", which does not exist (or is damaged)");
    });
  }
}

void Checker::Quotas() {
  if (s_.quotas == model::kAbsentTable) return;
  Scan(s_.quotas, "quotas", [&](std::string_view key, std::string_view value) {
    if (auto st = sales::CheckQuota(ctx_, key, value); !st.ok()) Problem(st.message());
  });
  auto totals = sales::CheckTotals(ctx_);
  if (!totals.ok()) return Problem("deal totals: ", totals.status().message());
  for (const std::string& p : *totals) Problem(p);
  auto closings = sales::CheckClosings(ctx_);
  if (!closings.ok()) return Problem("deal closings: ", closings.status().message());
  for (const std::string& p : *closings) Problem(p);
  if (s_.exchange_rates != model::kAbsentTable)
    if (auto rates = sales::ListExchangeRates(ctx_, {}, {}); !rates.ok()) Problem(rates.status().message());
  auto catalog = products::Check(ctx_, &report_.records, &report_.index_entries);
  if (!catalog.ok()) return Problem("products: ", catalog.status().message());
  for (const std::string& p : *catalog) Problem(p);
  auto scores = sales::CheckScores(ctx_);
  if (!scores.ok()) return Problem("deal scores: ", scores.status().message());
  for (const std::string& p : *scores) Problem(p);
  auto facts = analytics::Check(ctx_);
  if (!facts.ok()) return Problem("purchase facts: ", facts.status().message());
  for (const std::string& p : *facts) Problem(p);
  auto churn = analytics::CheckChurnCounts(ctx_);
  if (!churn.ok()) return Problem("churn counts: ", churn.status().message());
  for (const std::string& p : *churn) Problem(p);
  std::vector<std::string> pairs;
  if (auto st = duplicates::Check(ctx_, &pairs); !st.ok()) return Problem("duplicate pairs: ", st.message());
  for (const std::string& p : pairs) Problem(p);
  std::vector<std::string> merges;
  if (auto st = duplicates::CheckMerges(ctx_, &merges); !st.ok()) return Problem("merges: ", st.message());
  for (const std::string& p : merges) Problem(p);
  auto segments = segments::Check(ctx_, &report_.records, &report_.index_entries);
  if (!segments.ok()) return Problem("segments: ", segments.status().message());
  for (const std::string& p : *segments) Problem(p);
  auto campaigns = campaigns::Check(ctx_, &report_.records, &report_.index_entries);
  if (!campaigns.ok()) return Problem("campaigns: ", campaigns.status().message());
  for (const std::string& p : *campaigns) Problem(p);
  auto tickets = tickets::Check(ctx_, &report_.records, &report_.index_entries);
  if (!tickets.ok()) return Problem("tickets: ", tickets.status().message());
  for (const std::string& p : *tickets) Problem(p);
}

absl::StatusOr<VerifyReport> Verify(const model::Ctx& ctx) {
  VerifyReport report;
  Checker check(ctx, report);
  check.Customers();
  check.CustomerIndexes();
  check.Pipelines();
  check.Opportunities();
  check.Interactions();
  check.Changes();
  check.Users();
  check.Imports();
  check.Quotas();
  check.Declared();
  return report;
}

}  // namespace crm::maintenance
