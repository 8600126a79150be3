#include "model/schema.h"

#include "absl/strings/str_cat.h"
#include "codec/key.h"
#include "common/errors.h"
#include "common/strings.h"

namespace crm::model {

absl::StatusOr<Schema> Schema::Open(storage::Env& env) {
  const bool create = !env.read_only();
  absl::StatusOr<storage::Txn> txn = create ? env.BeginWrite() : env.BeginRead();
  if (!txn.ok()) return txn.status();
  Schema s;
  struct Entry {
    storage::Table* table;
    const char* name;
  };
  const Entry entries[] = {
      {&s.meta, "meta"},
      {&s.customers, "customers"},
      {&s.customer_email, "customer_email"},
      {&s.customer_external, "customer_external"},
      {&s.customer_phone, "customer_phone"},
      {&s.customer_name, "customer_name"},
      {&s.customer_tag, "customer_tag"},
      {&s.customer_owner, "customer_owner"},
      {&s.customer_stage, "customer_stage"},
      {&s.customer_org, "customer_org"},
      {&s.customer_contact, "customer_contact"},
      {&s.customer_contacted, "customer_contacted"},
      {&s.interactions, "interactions"},
      {&s.interaction_ids, "interaction_ids"},
      {&s.interaction_opp, "interaction_opp"},
      {&s.pipelines, "pipelines"},
      {&s.opportunities, "opportunities"},
      {&s.opp_customer, "opp_customer"},
      {&s.opp_stage, "opp_stage"},
      {&s.opp_owner, "opp_owner"},
      {&s.opp_close, "opp_close"},
      {&s.opp_contact, "opp_contact"},
      {&s.changes, "changes"},
      {&s.change_entity, "change_entity"},
  };
  for (const Entry& e : entries) {
    auto t = env.OpenTable(*txn, e.name, create);
    if (!t.ok()) return t.status();
    *e.table = *t;
  }
  std::string_view stored;
  auto found = txn->Get(s.meta, "schema_version", &stored);
  if (!found.ok()) return found.status();
  if (*found) {
    if (stored.size() != 8)
      return absl::DataLossError(absl::StrCat(env.path(), ": schema version record is damaged"));
    const std::uint64_t version = codec::GetBigEndian64(stored.data());
    if (version > kSchemaVersion)
      return NewerFormatError(absl::StrCat(
          env.path(), " was written by a newer libcrm (schema ", version, "; this build reads up to ",
          kSchemaVersion, ")"));
  } else if (create) {
    if (auto st = txn->Put(s.meta, "schema_version", codec::EncodeU64(kSchemaVersion)); !st.ok())
      return st;
  } else {
    return NotADatabaseError(absl::StrCat(env.path(), " is not a libcrm database"));
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
  for (const Entry& e : entries_)
    if (e.name == name) return e.value;
  auto stored = ReadStored(txn, schema, name);
  if (!stored.ok()) return stored;
  entries_.push_back(Entry{std::string(name), *stored, false});
  return *stored;
}

absl::Status Counters::Add(const storage::Txn& txn, const Schema& schema, std::string_view name,
                           std::int64_t delta) {
  if (auto v = Get(txn, schema, name); !v.ok()) return v.status();
  ++changes_;
  for (Entry& e : entries_) {
    if (e.name != name) continue;
    e.value += static_cast<std::uint64_t>(delta);
    e.dirty = true;
  }
  return absl::OkStatus();
}

absl::Status Counters::Flush(storage::Txn& txn, const Schema& schema) {
  for (Entry& e : entries_) {
    if (!e.dirty) continue;
    if (auto s = txn.Put(schema.meta, e.name, codec::EncodeU64(e.value)); !s.ok()) return s;
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

}  // namespace crm::model
