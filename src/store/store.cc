#include "crm/store.hpp"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "changes/changes.h"
#include "common/errors.h"
#include "customers/customers.h"
#include "interactions/interactions.h"
#include "model/schema.h"
#include "opportunities/opportunities.h"
#include "pipelines/pipelines.h"
#include "relations/relations.h"
#include "storage/lmdb.h"

namespace crm {
namespace detail {

struct StoreImpl {
  std::shared_ptr<storage::Env> env;  // shared by every Store of this process on the file
  model::Schema schema;
  StoreOptions options;

  Timestamp Now() const {
    return options.clock ? options.clock() : absl::ToUnixMicros(absl::Now());
  }
};

struct TxnImpl {
  StoreImpl* store = nullptr;
  storage::Txn txn;
  std::string actor;
  Timestamp now = 0;
  model::Counters counters;
  // Set when an operation failed after it had written: the transaction was aborted then.
  absl::Status failure;

  model::Ctx ctx() {
    return model::Ctx{txn, store->schema, now, txn.writable() ? &counters : nullptr, actor};
  }

  absl::Status CheckOpen() const {
    if (!failure.ok())
      return TxnFinishedError(absl::StrCat(
          "transaction was aborted after a write failed half-way (a storage failure or a refusal after "
          "writing began): ",
          failure.message()));
    if (!txn.active()) return TxnFinishedError("transaction is already finished");
    return absl::OkStatus();
  }

  // The writes made so far: storage writes and pending counter changes.
  std::uint64_t Writes() const { return txn.writes() + counters.changes(); }

  // Ends the transaction after a write operation failed having written something: nothing of it
  // may be committed, and every later call says why.
  void Doom(const absl::Status& cause) {
    failure = cause;
    txn.Abort();
  }
};

}  // namespace detail

// ---- CustomerQuery ----

CustomerQuery CustomerQuery::All() { return CustomerQuery{}; }
CustomerQuery CustomerQuery::Tag(std::string tag) {
  CustomerQuery q;
  q.by = By::kTag;
  q.text = std::move(tag);
  return q;
}
CustomerQuery CustomerQuery::Owner(std::string owner) {
  CustomerQuery q;
  q.by = By::kOwner;
  q.text = std::move(owner);
  return q;
}
CustomerQuery CustomerQuery::Stage(LifecycleStage stage) {
  CustomerQuery q;
  q.by = By::kStage;
  q.stage = stage;
  return q;
}
CustomerQuery CustomerQuery::Organization(CustomerId organization) {
  CustomerQuery q;
  q.by = By::kOrganization;
  q.organization = organization;
  return q;
}
CustomerQuery CustomerQuery::NamePrefix(std::string prefix) {
  CustomerQuery q;
  q.by = By::kNamePrefix;
  q.text = std::move(prefix);
  return q;
}

CustomerQuery CustomerQuery::NotContactedSince(Timestamp since) {
  CustomerQuery q;
  q.by = By::kNotContactedSince;
  q.since = since;
  return q;
}

OpportunityQuery OpportunityQuery::All() { return OpportunityQuery{}; }
OpportunityQuery OpportunityQuery::ForCustomer(CustomerId customer) {
  OpportunityQuery q;
  q.by = By::kCustomer;
  q.customer = customer;
  return q;
}
OpportunityQuery OpportunityQuery::AtStage(PipelineId pipeline, StageId stage) {
  OpportunityQuery q;
  q.by = By::kStage;
  q.pipeline = pipeline;
  q.stage = stage;
  return q;
}
OpportunityQuery OpportunityQuery::InPipeline(PipelineId pipeline) {
  OpportunityQuery q;
  q.by = By::kPipeline;
  q.pipeline = pipeline;
  return q;
}
OpportunityQuery OpportunityQuery::OwnedBy(std::string owner) {
  OpportunityQuery q;
  q.by = By::kOwner;
  q.owner = std::move(owner);
  return q;
}
OpportunityQuery OpportunityQuery::ClosingBetween(Timestamp from, Timestamp to) {
  OpportunityQuery q;
  q.by = By::kExpectedClose;
  q.close_from = from;
  q.close_to = to;
  return q;
}

// ---- ReadTxn ----

ReadTxn::ReadTxn(std::unique_ptr<detail::TxnImpl> impl) : impl_(std::move(impl)) {}
ReadTxn::ReadTxn(ReadTxn&&) noexcept = default;
ReadTxn& ReadTxn::operator=(ReadTxn&&) noexcept = default;
ReadTxn::~ReadTxn() = default;

namespace {

template <class U>
absl::Status StatusOf(const absl::StatusOr<U>& r) {
  return r.status();
}
absl::Status StatusOf(const absl::Status& s) { return s; }

// Runs a read `fn(ctx)` on an open transaction.
template <class Fn>
auto Query(const std::unique_ptr<detail::TxnImpl>& impl, Fn fn) -> decltype(fn(std::declval<const model::Ctx&>())) {
  using R = decltype(fn(std::declval<const model::Ctx&>()));
  if (!impl) return R(TxnFinishedError("transaction was moved from"));
  if (absl::Status open = impl->CheckOpen(); !open.ok()) return R(open);
  const model::Ctx ctx = impl->ctx();
  return fn(ctx);
}

// Runs a write `fn(ctx)`. A failure after the operation wrote anything dooms the transaction,
// by construction: the storage layer counts writes, so no operation can forget to say so.
template <class Fn>
auto Mutate(const std::unique_ptr<detail::TxnImpl>& impl, Fn fn) -> decltype(fn(std::declval<model::Ctx&>())) {
  using R = decltype(fn(std::declval<model::Ctx&>()));
  if (!impl) return R(TxnFinishedError("transaction was moved from"));
  if (absl::Status open = impl->CheckOpen(); !open.ok()) return R(open);
  const std::uint64_t before = impl->Writes();
  model::Ctx ctx = impl->ctx();
  R result = fn(ctx);
  if (!result.ok() && impl->Writes() != before) impl->Doom(StatusOf(result));
  return result;
}

}  // namespace

absl::StatusOr<Customer> ReadTxn::GetCustomer(CustomerId id) const {
  return Query(impl_, [&](const model::Ctx& c) { return customers::Get(c, id); });
}
absl::StatusOr<Customer> ReadTxn::FindCustomerByEmail(std::string_view email) const {
  return Query(impl_, [&](const model::Ctx& c) { return customers::FindByEmail(c, email); });
}
absl::StatusOr<Customer> ReadTxn::FindCustomerByExternalId(std::string_view external_id) const {
  return Query(impl_, [&](const model::Ctx& c) { return customers::FindByExternalId(c, external_id); });
}
absl::StatusOr<std::vector<Customer>> ReadTxn::FindCustomersByPhone(std::string_view phone) const {
  return Query(impl_, [&](const model::Ctx& c) { return customers::FindByPhone(c, phone); });
}
absl::StatusOr<CustomerPage> ReadTxn::ListCustomers(const CustomerQuery& query) const {
  return Query(impl_, [&](const model::Ctx& c) { return customers::List(c, query); });
}
absl::StatusOr<std::uint64_t> ReadTxn::CountCustomers(const CustomerQuery& query) const {
  return Query(impl_, [&](const model::Ctx& c) { return customers::Count(c, query); });
}
absl::StatusOr<Interaction> ReadTxn::GetInteraction(InteractionId id) const {
  return Query(impl_, [&](const model::Ctx& c) { return interactions::Get(c, id); });
}
absl::StatusOr<InteractionPage> ReadTxn::ListTimeline(const TimelineQuery& query) const {
  return Query(impl_, [&](const model::Ctx& c) { return interactions::Timeline(c, query); });
}
absl::StatusOr<Pipeline> ReadTxn::GetPipeline(PipelineId id) const {
  return Query(impl_, [&](const model::Ctx& c) { return pipelines::Get(c, id); });
}
absl::StatusOr<std::vector<Pipeline>> ReadTxn::ListPipelines() const {
  return Query(impl_, [&](const model::Ctx& c) { return pipelines::List(c); });
}
absl::StatusOr<Pipeline> ReadTxn::GetDefaultPipeline() const {
  return Query(impl_, [&](const model::Ctx& c) -> absl::StatusOr<Pipeline> {
    auto id = pipelines::DefaultId(c);
    if (!id.ok()) return id.status();
    return pipelines::Get(c, *id);
  });
}
absl::StatusOr<Opportunity> ReadTxn::GetOpportunity(OpportunityId id) const {
  return Query(impl_, [&](const model::Ctx& c) { return opportunities::Get(c, id); });
}
absl::StatusOr<OpportunityPage> ReadTxn::ListOpportunities(const OpportunityQuery& query) const {
  return Query(impl_, [&](const model::Ctx& c) { return opportunities::List(c, query); });
}
absl::StatusOr<std::uint64_t> ReadTxn::CountOpportunities(const OpportunityQuery& query) const {
  return Query(impl_, [&](const model::Ctx& c) { return opportunities::Count(c, query); });
}
absl::StatusOr<std::vector<Change>> ReadTxn::ListChanges(std::uint64_t from_seq, std::size_t limit) const {
  return Query(impl_, [&](const model::Ctx& c) { return changes::List(c, from_seq, limit); });
}
absl::StatusOr<std::uint64_t> ReadTxn::LastChangeSeq() const {
  return Query(impl_, [&](const model::Ctx& c) { return changes::LastSeq(c); });
}
absl::StatusOr<std::vector<FieldHistoryEntry>> ReadTxn::FieldHistory(EntityType entity, std::uint64_t id,
                                                                     std::string_view field) const {
  return Query(impl_, [&](const model::Ctx& c) { return changes::FieldHistory(c, entity, id, field); });
}

// ---- WriteTxn ----

WriteTxn::WriteTxn(std::unique_ptr<detail::TxnImpl> impl) : ReadTxn(std::move(impl)) {}
WriteTxn::WriteTxn(WriteTxn&&) noexcept = default;
WriteTxn& WriteTxn::operator=(WriteTxn&&) noexcept = default;
WriteTxn::~WriteTxn() = default;

absl::StatusOr<Customer> WriteTxn::CreateCustomer(const Customer& customer) {
  return Mutate(impl_, [&](model::Ctx& c) { return customers::Create(c, customer);});
}
absl::StatusOr<Customer> WriteTxn::UpdateCustomer(const Customer& customer) {
  return Mutate(impl_, [&](model::Ctx& c) { return customers::Update(c, customer);});
}
absl::StatusOr<Customer> WriteTxn::UpsertCustomer(const Customer& customer) {
  return Mutate(impl_, [&](model::Ctx& c) { return customers::Upsert(c, customer);});
}
absl::StatusOr<Customer> WriteTxn::ArchiveCustomer(CustomerId id) {
  return Mutate(impl_, [&](model::Ctx& c) { return customers::SetArchived(c, id, true);});
}
absl::StatusOr<Customer> WriteTxn::RestoreCustomer(CustomerId id) {
  return Mutate(impl_, [&](model::Ctx& c) { return customers::SetArchived(c, id, false);});
}
absl::Status WriteTxn::DeleteCustomer(CustomerId id, DeleteOptions options) {
  return Mutate(impl_, [&](model::Ctx& c) { return relations::DeleteCustomer(c, id, options.cascade);});
}
absl::StatusOr<Interaction> WriteTxn::LogInteraction(const Interaction& interaction) {
  return Mutate(impl_, [&](model::Ctx& c) { return interactions::Log(c, interaction);});
}
absl::StatusOr<Interaction> WriteTxn::UpdateInteraction(const Interaction& interaction) {
  return Mutate(impl_, [&](model::Ctx& c) { return interactions::Update(c, interaction);});
}
absl::Status WriteTxn::DeleteInteraction(InteractionId id) {
  return Mutate(impl_, [&](model::Ctx& c) { return interactions::Delete(c, id);});
}
absl::StatusOr<Pipeline> WriteTxn::CreatePipeline(const Pipeline& pipeline) {
  return Mutate(impl_, [&](model::Ctx& c) { return pipelines::Create(c, pipeline);});
}
absl::StatusOr<Pipeline> WriteTxn::UpdatePipeline(const Pipeline& pipeline) {
  return Mutate(impl_, [&](model::Ctx& c) { return pipelines::Update(c, pipeline);});
}
absl::Status WriteTxn::DeletePipeline(PipelineId id) {
  return Mutate(impl_, [&](model::Ctx& c) { return pipelines::Delete(c, id);});
}
absl::StatusOr<Opportunity> WriteTxn::CreateOpportunity(const Opportunity& opportunity) {
  return Mutate(impl_, [&](model::Ctx& c) { return opportunities::Create(c, opportunity);});
}
absl::StatusOr<Opportunity> WriteTxn::UpdateOpportunity(const Opportunity& opportunity) {
  return Mutate(impl_, [&](model::Ctx& c) { return opportunities::Update(c, opportunity);});
}
absl::StatusOr<Opportunity> WriteTxn::MoveOpportunity(OpportunityId id, StageId stage) {
  return Mutate(impl_, [&](model::Ctx& c) { return opportunities::Move(c, id, stage);});
}
absl::StatusOr<Opportunity> WriteTxn::CloseWon(OpportunityId id) {
  return Mutate(impl_, [&](model::Ctx& c) { return opportunities::CloseWon(c, id);});
}
absl::StatusOr<Opportunity> WriteTxn::CloseLost(OpportunityId id, std::string_view reason) {
  return Mutate(impl_, [&](model::Ctx& c) {
    return opportunities::CloseLost(c, id, std::string(reason));
  });
}
absl::Status WriteTxn::DeleteOpportunity(OpportunityId id) {
  return Mutate(impl_, [&](model::Ctx& c) { return relations::DeleteOpportunity(c, id);});
}

absl::Status WriteTxn::Commit() {
  if (!impl_) return TxnFinishedError("transaction was moved from");
  if (!impl_->failure.ok()) return impl_->failure;
  if (!impl_->txn.active()) return TxnFinishedError("transaction is already finished");
  if (absl::Status s = impl_->counters.Flush(impl_->txn, impl_->store->schema); !s.ok()) {
    impl_->txn.Abort();
    return s;
  }
  return impl_->txn.Commit();
}

void WriteTxn::Abort() {
  if (impl_) impl_->txn.Abort();
}

// ---- Store ----

Store::Store(std::unique_ptr<detail::StoreImpl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path, StoreOptions options) {
  if (options.initial_map_size < (std::size_t{1} << 20))
    return absl::InvalidArgumentError("initial_map_size: must be at least 1 MiB");
  if (options.max_map_size < options.initial_map_size)
    return absl::InvalidArgumentError("max_map_size: must not be below initial_map_size");
  if (options.default_actor.empty())
    return absl::InvalidArgumentError("default_actor: must not be empty");
  storage::EnvOptions env_options;
  env_options.create_if_missing = options.create_if_missing;
  env_options.read_only = options.read_only;
  env_options.sync = options.sync;
  env_options.initial_map_size = options.initial_map_size;
  env_options.max_map_size = options.max_map_size;
  auto env = storage::Env::Open(path, env_options);
  if (!env.ok()) return env.status();
  auto schema = (*env)->Attached<model::Schema>([&] { return model::Schema::Open(**env); });
  if (!schema.ok()) return schema.status();
  auto impl = std::make_unique<detail::StoreImpl>();
  impl->env = *std::move(env);
  impl->schema = **schema;
  impl->options = std::move(options);
  std::unique_ptr<Store> store(new Store(std::move(impl)));
  if (!store->impl_->options.read_only) {
    absl::Status s = store->Write({}, [](WriteTxn& txn) -> absl::Status {
      return Mutate(txn.impl_, [](model::Ctx& c) { return pipelines::EnsureDefault(c);});
    });
    if (!s.ok()) return s;
  }
  return store;
}

absl::StatusOr<ReadTxn> Store::BeginRead() const {
  auto txn = impl_->env->BeginRead();
  if (!txn.ok()) return txn.status();
  auto t = std::make_unique<detail::TxnImpl>();
  t->store = impl_.get();
  t->txn = *std::move(txn);
  return ReadTxn(std::move(t));
}

absl::StatusOr<WriteTxn> Store::BeginWrite(std::string_view actor) {
  if (actor.size() > 256) return absl::InvalidArgumentError("actor: is longer than 256 bytes");
  if (impl_->options.read_only)
    return ReadOnlyError(absl::StrCat("database ", path(), " is open read-only"));
  auto txn = impl_->env->BeginWrite();
  if (!txn.ok()) return txn.status();
  auto t = std::make_unique<detail::TxnImpl>();
  t->store = impl_.get();
  t->txn = *std::move(txn);
  t->actor = actor.empty() ? impl_->options.default_actor : std::string(actor);
  t->now = impl_->Now();
  return WriteTxn(std::move(t));
}

absl::Status Store::Write(std::string_view actor,
                          const std::function<absl::Status(WriteTxn&)>& fn) {
  while (true) {
    auto txn = BeginWrite(actor);
    if (!txn.ok()) return txn.status();
    absl::Status s = fn(*txn);
    if (s.ok()) s = txn->Commit();
    if (s.ok()) return s;
    if (!storage::IsMapFull(s)) return s;
    txn->Abort();
    if (absl::Status grown = impl_->env->Grow(); !grown.ok()) return grown;
  }
}

namespace {
template <class T, class Fn>
absl::StatusOr<T> WriteOne(Store& store, std::string_view actor, Fn fn) {
  absl::StatusOr<T> result;
  absl::Status s = store.Write(actor, [&](WriteTxn& txn) {
    result = fn(txn);
    return result.status();
  });
  if (!s.ok()) return s;
  return result;
}

template <class T, class Fn>
absl::StatusOr<T> ReadOne(const Store& store, Fn fn) {
  auto txn = store.BeginRead();
  if (!txn.ok()) return txn.status();
  return fn(*txn);
}
}  // namespace

absl::StatusOr<Customer> Store::CreateCustomer(const Customer& c, std::string_view actor) {
  return WriteOne<Customer>(*this, actor, [&](WriteTxn& t) { return t.CreateCustomer(c); });
}
absl::StatusOr<Customer> Store::UpdateCustomer(const Customer& c, std::string_view actor) {
  return WriteOne<Customer>(*this, actor, [&](WriteTxn& t) { return t.UpdateCustomer(c); });
}
absl::StatusOr<Customer> Store::UpsertCustomer(const Customer& c, std::string_view actor) {
  return WriteOne<Customer>(*this, actor, [&](WriteTxn& t) { return t.UpsertCustomer(c); });
}
absl::StatusOr<Customer> Store::ArchiveCustomer(CustomerId id, std::string_view actor) {
  return WriteOne<Customer>(*this, actor, [&](WriteTxn& t) { return t.ArchiveCustomer(id); });
}
absl::StatusOr<Customer> Store::RestoreCustomer(CustomerId id, std::string_view actor) {
  return WriteOne<Customer>(*this, actor, [&](WriteTxn& t) { return t.RestoreCustomer(id); });
}
absl::Status Store::DeleteCustomer(CustomerId id, DeleteOptions options, std::string_view actor) {
  return Write(actor, [&](WriteTxn& t) { return t.DeleteCustomer(id, options); });
}
absl::StatusOr<Interaction> Store::LogInteraction(const Interaction& i, std::string_view actor) {
  return WriteOne<Interaction>(*this, actor, [&](WriteTxn& t) { return t.LogInteraction(i); });
}
absl::StatusOr<Interaction> Store::UpdateInteraction(const Interaction& i, std::string_view actor) {
  return WriteOne<Interaction>(*this, actor, [&](WriteTxn& t) { return t.UpdateInteraction(i); });
}
absl::Status Store::DeleteInteraction(InteractionId id, std::string_view actor) {
  return Write(actor, [&](WriteTxn& t) { return t.DeleteInteraction(id); });
}
absl::StatusOr<Pipeline> Store::CreatePipeline(const Pipeline& p, std::string_view actor) {
  return WriteOne<Pipeline>(*this, actor, [&](WriteTxn& t) { return t.CreatePipeline(p); });
}
absl::StatusOr<Pipeline> Store::UpdatePipeline(const Pipeline& p, std::string_view actor) {
  return WriteOne<Pipeline>(*this, actor, [&](WriteTxn& t) { return t.UpdatePipeline(p); });
}
absl::Status Store::DeletePipeline(PipelineId id, std::string_view actor) {
  return Write(actor, [&](WriteTxn& t) { return t.DeletePipeline(id); });
}
absl::StatusOr<Opportunity> Store::CreateOpportunity(const Opportunity& o, std::string_view actor) {
  return WriteOne<Opportunity>(*this, actor, [&](WriteTxn& t) { return t.CreateOpportunity(o); });
}
absl::StatusOr<Opportunity> Store::UpdateOpportunity(const Opportunity& o, std::string_view actor) {
  return WriteOne<Opportunity>(*this, actor, [&](WriteTxn& t) { return t.UpdateOpportunity(o); });
}
absl::StatusOr<Opportunity> Store::MoveOpportunity(OpportunityId id, StageId stage, std::string_view actor) {
  return WriteOne<Opportunity>(*this, actor, [&](WriteTxn& t) { return t.MoveOpportunity(id, stage); });
}
absl::StatusOr<Opportunity> Store::CloseWon(OpportunityId id, std::string_view actor) {
  return WriteOne<Opportunity>(*this, actor, [&](WriteTxn& t) { return t.CloseWon(id); });
}
absl::StatusOr<Opportunity> Store::CloseLost(OpportunityId id, std::string_view reason, std::string_view actor) {
  return WriteOne<Opportunity>(*this, actor, [&](WriteTxn& t) { return t.CloseLost(id, reason); });
}
absl::Status Store::DeleteOpportunity(OpportunityId id, std::string_view actor) {
  return Write(actor, [&](WriteTxn& t) { return t.DeleteOpportunity(id); });
}
absl::StatusOr<Customer> Store::GetCustomer(CustomerId id) const {
  return ReadOne<Customer>(*this, [&](const ReadTxn& t) { return t.GetCustomer(id); });
}
absl::StatusOr<Customer> Store::FindCustomerByEmail(std::string_view email) const {
  return ReadOne<Customer>(*this, [&](const ReadTxn& t) { return t.FindCustomerByEmail(email); });
}
absl::StatusOr<Customer> Store::FindCustomerByExternalId(std::string_view external_id) const {
  return ReadOne<Customer>(*this,
                           [&](const ReadTxn& t) { return t.FindCustomerByExternalId(external_id); });
}
absl::StatusOr<std::vector<Customer>> Store::FindCustomersByPhone(std::string_view phone) const {
  return ReadOne<std::vector<Customer>>(*this,
                                        [&](const ReadTxn& t) { return t.FindCustomersByPhone(phone); });
}
absl::StatusOr<CustomerPage> Store::ListCustomers(const CustomerQuery& query) const {
  return ReadOne<CustomerPage>(*this, [&](const ReadTxn& t) { return t.ListCustomers(query); });
}
absl::StatusOr<std::uint64_t> Store::CountCustomers(const CustomerQuery& query) const {
  return ReadOne<std::uint64_t>(*this, [&](const ReadTxn& t) { return t.CountCustomers(query); });
}

absl::StatusOr<Interaction> Store::GetInteraction(InteractionId id) const {
  return ReadOne<Interaction>(*this, [&](const ReadTxn& t) { return t.GetInteraction(id); });
}
absl::StatusOr<InteractionPage> Store::ListTimeline(const TimelineQuery& q) const {
  return ReadOne<InteractionPage>(*this, [&](const ReadTxn& t) { return t.ListTimeline(q); });
}
absl::StatusOr<Pipeline> Store::GetPipeline(PipelineId id) const {
  return ReadOne<Pipeline>(*this, [&](const ReadTxn& t) { return t.GetPipeline(id); });
}
absl::StatusOr<std::vector<Pipeline>> Store::ListPipelines() const {
  return ReadOne<std::vector<Pipeline>>(*this, [&](const ReadTxn& t) { return t.ListPipelines(); });
}
absl::StatusOr<Pipeline> Store::GetDefaultPipeline() const {
  return ReadOne<Pipeline>(*this, [&](const ReadTxn& t) { return t.GetDefaultPipeline(); });
}
absl::StatusOr<Opportunity> Store::GetOpportunity(OpportunityId id) const {
  return ReadOne<Opportunity>(*this, [&](const ReadTxn& t) { return t.GetOpportunity(id); });
}
absl::StatusOr<OpportunityPage> Store::ListOpportunities(const OpportunityQuery& q) const {
  return ReadOne<OpportunityPage>(*this, [&](const ReadTxn& t) { return t.ListOpportunities(q); });
}
absl::StatusOr<std::uint64_t> Store::CountOpportunities(const OpportunityQuery& q) const {
  return ReadOne<std::uint64_t>(*this, [&](const ReadTxn& t) { return t.CountOpportunities(q); });
}
absl::StatusOr<std::vector<Change>> Store::ListChanges(std::uint64_t from_seq, std::size_t limit) const {
  return ReadOne<std::vector<Change>>(*this, [&](const ReadTxn& t) { return t.ListChanges(from_seq, limit); });
}
absl::StatusOr<std::uint64_t> Store::LastChangeSeq() const {
  return ReadOne<std::uint64_t>(*this, [&](const ReadTxn& t) { return t.LastChangeSeq(); });
}
absl::StatusOr<std::vector<FieldHistoryEntry>> Store::FieldHistory(EntityType entity, std::uint64_t id,
                                                                   std::string_view field) const {
  return ReadOne<std::vector<FieldHistoryEntry>>(*this,
                                                 [&](const ReadTxn& t) { return t.FieldHistory(entity, id, field); });
}

const std::string& Store::path() const { return impl_->env->path(); }
std::size_t Store::map_size() const { return impl_->env->map_size(); }

}  // namespace crm
