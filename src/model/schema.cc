#include "model/schema.h"

#include "absl/strings/str_cat.h"
#include "codec/key.h"
#include "common/errors.h"
#include "common/strings.h"

namespace crm::model {

namespace {

// The tables of a database and the schema version that added each.
struct TableSpec {
  storage::Table Schema::*table;
  const char* name;
  std::uint64_t since;
};

constexpr TableSpec kTables[] = {
    {&Schema::meta, "meta", 1},
    {&Schema::customers, "customers", 1},
    {&Schema::customer_email, "customer_email", 1},
    {&Schema::customer_external, "customer_external", 1},
    {&Schema::customer_phone, "customer_phone", 1},
    {&Schema::customer_name, "customer_name", 1},
    {&Schema::customer_tag, "customer_tag", 1},
    {&Schema::customer_owner, "customer_owner", 1},
    {&Schema::customer_stage, "customer_stage", 1},
    {&Schema::customer_country, "customer_country", 2},
    {&Schema::customer_org, "customer_org", 1},
    {&Schema::customer_domain, "customer_domain", 3},
    {&Schema::customer_parent, "customer_parent", 3},
    {&Schema::customer_contact, "customer_contact", 1},
    {&Schema::customer_contacted, "customer_contacted", 1},
    {&Schema::interactions, "interactions", 1},
    {&Schema::interaction_ids, "interaction_ids", 1},
    {&Schema::interaction_opp, "interaction_opp", 1},
    {&Schema::pipelines, "pipelines", 1},
    {&Schema::opportunities, "opportunities", 1},
    {&Schema::opp_customer, "opp_customer", 1},
    {&Schema::opp_stage, "opp_stage", 1},
    {&Schema::opp_owner, "opp_owner", 1},
    {&Schema::opp_close, "opp_close", 1},
    {&Schema::opp_contact, "opp_contact", 1},
    {&Schema::opp_external, "opp_external", 3},
    {&Schema::interaction_external, "interaction_external", 3},
    {&Schema::index_catalog, "index_catalog", 4},
    {&Schema::field_index, "field_index", 4},
    {&Schema::users, "users", 5},
    {&Schema::user_login, "user_login", 5},
    {&Schema::user_email, "user_email", 5},
    {&Schema::user_name, "user_name", 5},
    {&Schema::teams, "teams", 5},
    {&Schema::team_name, "team_name", 5},
    {&Schema::erasures, "erasures", 6},
    {&Schema::suppressions, "suppressions", 6},
    {&Schema::consents, "consents", 7},
    {&Schema::data_keys, "data_keys", 8},
    {&Schema::import_jobs, "import_jobs", 9},
    {&Schema::import_errors, "import_errors", 9},
    {&Schema::import_undo, "import_undo", 9},
    {&Schema::quotas, "quotas", 11},
    {&Schema::deal_totals, "deal_totals", 11},
    {&Schema::deal_scores, "deal_scores", 12},
    {&Schema::exchange_rates, "exchange_rates", 12},
    {&Schema::products, "products", 13},
    {&Schema::product_code, "product_code", 13},
    {&Schema::product_deals, "product_deals", 13},
    {&Schema::purchases, "purchases", 14},
    {&Schema::customer_facts, "customer_facts", 14},
    {&Schema::customer_value, "customer_value", 14},
    {&Schema::churn_counts, "churn_counts", 14},
    {&Schema::customer_match, "customer_match", 15},
    {&Schema::duplicate_pairs, "duplicate_pairs", 15},
    {&Schema::duplicate_pair_of, "duplicate_pair_of", 15},
    {&Schema::merges, "merges", 16},
    {&Schema::merge_survivor, "merge_survivor", 16},
    {&Schema::customer_merged, "customer_merged", 16},
    {&Schema::segments, "segments", 17},
    {&Schema::segment_name, "segment_name", 17},
    {&Schema::segment_member, "segment_member", 17},
    {&Schema::customer_segment, "customer_segment", 17},
    {&Schema::campaigns, "campaigns", 17},
    {&Schema::campaign_member, "campaign_member", 17},
    {&Schema::customer_campaign, "customer_campaign", 17},
    {&Schema::campaign_events, "campaign_events", 17},
    {&Schema::tickets, "tickets", 18},
    {&Schema::customer_ticket, "customer_ticket", 18},
    {&Schema::ticket_entries, "ticket_entries", 18},
    {&Schema::ticket_due, "ticket_due", 18},
    {&Schema::ticket_opened, "ticket_opened", 18},
    {&Schema::calendars, "calendars", 18},
    {&Schema::sla_policies, "sla_policies", 18},
    {&Schema::deal_closings, "deal_closings", 20},
    {&Schema::changes, "changes", 1},
    {&Schema::change_entity, "change_entity", 1},
};

constexpr char kVersionKey[] = "schema_version";

// The version recorded in the file: 0 when none (a new file), an error when damaged or newer.
absl::StatusOr<std::uint64_t> StoredVersion(const storage::Env& env, const storage::Txn& txn, storage::Table meta) {
  std::string_view stored;
  auto found = txn.Get(meta, kVersionKey, &stored);
  if (!found.ok()) return found.status();
  if (!*found) return 0;
  if (stored.size() != 8) return absl::DataLossError(absl::StrCat(env.path(), ": schema version record is damaged"));
  const std::uint64_t version = codec::GetBigEndian64(stored.data());
  if (version == 0) return absl::DataLossError(absl::StrCat(env.path(), ": schema version record is damaged"));
  if (version > kSchemaVersion)
    return NewerFormatError(absl::StrCat(env.path(), " was written by a newer libcrm (schema ", version,
                                         "; this build reads up to ", kSchemaVersion, ")"));
  return version;
}

}  // namespace

absl::StatusOr<Schema> Schema::Open(storage::Env& env, const Migrate& migrate, const Create& create) {
  const bool writable = !env.read_only();
  absl::StatusOr<storage::Txn> txn = writable ? env.BeginWrite() : env.BeginRead();
  if (!txn.ok()) return txn.status();
  Schema s;
  // The meta table first: it says which version, and so which tables, the file has. A file
  // without one is new only when it holds nothing at all: another program's LMDB file is refused
  // before anything is written into it.
  auto existing = env.OpenTable(*txn, "meta", false);
  if (!existing.ok() && writable && absl::IsNotFound(existing.status())) {
    auto entries = env.MainEntries(*txn);
    if (!entries.ok()) return entries.status();
    if (*entries != 0)
      return NotADatabaseError(absl::StrCat(env.path(), " is not a libcrm database: it is an LMDB file of another "
                                            "program (it has ", *entries, " tables and no libcrm meta table)"));
  }
  auto meta = existing.ok() ? existing : env.OpenTable(*txn, "meta", writable);
  if (!meta.ok()) return NotADatabaseError(absl::StrCat(env.path(), " is not a libcrm database (it has no meta table)"));
  s.meta = *meta;
  auto version = StoredVersion(env, *txn, s.meta);
  if (!version.ok()) return version.status();
  if (*version == 0 && !writable) return NotADatabaseError(absl::StrCat(env.path(), " is not a libcrm database"));
  // libcrm writes the version in the transaction that makes the meta table: a meta table that
  // was there before and holds no version is damaged, not a new database to set up again.
  if (*version == 0 && existing.ok())
    return absl::DataLossError(absl::StrCat("database ", env.path(), " is damaged: its schema version record is missing"));
  // An upgrade is the one time an open writes into pages an earlier release wrote: LMDB trusts
  // them when it writes, so the whole file's structure is checked first.
  if (writable && *version != 0 && *version < kSchemaVersion)
    if (auto st = env.CheckStructure(*txn); !st.ok()) return st;
  for (const TableSpec& t : kTables) {
    if (t.table == &Schema::meta) continue;
    // Only a table this file's version does not have yet is created: one its version has and
    // that is gone means damage, which recreating it empty would hide.
    const bool added_since = *version == 0 || t.since > *version;
    auto table = env.OpenTable(*txn, t.name, writable && added_since);
    if (!table.ok() && !writable && absl::IsNotFound(table.status()) && added_since) {
      s.*t.table = kAbsentTable;  // an earlier file, read as it is
      continue;
    }
    if (!table.ok() && absl::IsNotFound(table.status()))
      return absl::DataLossError(absl::StrCat("database ", env.path(), " is damaged: its table ", t.name,
                                              " is missing"));
    if (!table.ok()) return table.status();
    s.*t.table = *table;
  }
  s.version = *version;
  if (writable && *version < kSchemaVersion) {
    if (*version != 0 && migrate) {
      if (auto st = migrate(*txn, s, *version); !st.ok())
        return WithKind(absl::Status(st.code(), absl::StrCat("migrating ", env.path(), " from schema ", *version,
                                                            " to ", kSchemaVersion, ": ", st.message())),
                        ErrorKindOf(st));
    }
    if (*version == 0 && create)
      if (auto st = create(*txn, s); !st.ok()) return st;
    if (auto st = txn->Put(s.meta, kVersionKey, codec::EncodeU64(kSchemaVersion)); !st.ok()) return st;
    s.version = kSchemaVersion;
  }
  // Committing (a read transaction too) keeps the table handles open for later transactions.
  if (auto st = txn->Commit(); !st.ok()) return st;
  return s;
}

namespace {
absl::StatusOr<std::uint64_t> ReadStored(const storage::Txn& txn, const Schema& schema,
                                         std::string_view name) {
  std::string_view v;
  auto found = txn.Get(schema.meta, name, &v);
  if (!found.ok()) return found.status();
  if (!*found) return 0;
  if (v.size() != 8) return absl::DataLossError(absl::StrCat("counter ", Av(name), " is damaged"));
  return codec::GetBigEndian64(v.data());
}
}  // namespace

absl::StatusOr<std::uint64_t> Counters::Get(const storage::Txn& txn, const Schema& schema,
                                            std::string_view name) {
  if (auto it = entries_.find(Av(name)); it != entries_.end()) return it->second.value;
  auto stored = ReadStored(txn, schema, name);
  if (!stored.ok()) return stored;
  entries_.emplace(std::string(name), Entry{*stored, false});
  return *stored;
}

absl::Status Counters::Add(const storage::Txn& txn, const Schema& schema, std::string_view name,
                           std::int64_t delta) {
  if (auto v = Get(txn, schema, name); !v.ok()) return v.status();
  ++changes_;
  Entry& e = entries_.find(Av(name))->second;
  e.value += static_cast<std::uint64_t>(delta);
  e.dirty = true;
  return absl::OkStatus();
}

absl::Status Counters::Flush(storage::Txn& txn, const Schema& schema) {
  for (auto& [name, e] : entries_) {
    if (!e.dirty) continue;
    if (auto s = txn.Put(schema.meta, name, codec::EncodeU64(e.value)); !s.ok()) return s;
    e.dirty = false;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::uint64_t> ReadCounter(const Ctx& ctx, std::string_view name) {
  if (ctx.counters != nullptr) return ctx.counters->Get(ctx.txn, ctx.schema, name);
  return ReadStored(ctx.txn, ctx.schema, name);
}

absl::Status AddToCounter(Ctx& ctx, std::string_view name, std::int64_t delta) {
  if (ctx.counters == nullptr) return absl::InternalError("counter change outside a write transaction");
  return ctx.counters->Add(ctx.txn, ctx.schema, name, delta);
}

absl::StatusOr<std::uint64_t> PeekNextId(const Ctx& ctx, std::string_view sequence) {
  auto current = ReadCounter(ctx, sequence);
  if (!current.ok()) return current;
  return *current + 1;
}

absl::StatusOr<std::uint64_t> NextId(Ctx& ctx, std::string_view sequence) {
  auto next = PeekNextId(ctx, sequence);
  if (!next.ok()) return next;
  if (auto s = AddToCounter(ctx, sequence, 1); !s.ok()) return s;
  return *next;
}

std::string& RecordScratch() {
  thread_local std::string buffer;
  return buffer;
}

}  // namespace crm::model
