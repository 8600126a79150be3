#include "crm/store.hpp"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "customers/customers.h"
#include "model/schema.h"
#include "storage/lmdb.h"

namespace crm {
namespace detail {

struct StoreImpl {
  std::unique_ptr<storage::Env> env;
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
  // Set when a storage failure hit a write half-way: the transaction was aborted then.
  absl::Status failure;

  model::Ctx ctx() { return model::Ctx{txn, store->schema, now, txn.writable() ? &counters : nullptr}; }

  absl::Status CheckOpen() const {
    if (!failure.ok())
      return absl::FailedPreconditionError(absl::StrCat(
          "transaction was aborted after a storage failure: ", failure.message()));
    if (!txn.active()) return absl::FailedPreconditionError("transaction is already finished");
    return absl::OkStatus();
  }

  // Records the outcome of a write: a failure after writing started aborts the transaction.
  template <class T>
  T Settle(T result, bool poisoned) {
    if (poisoned) {
      failure = StatusOf(result);
      txn.Abort();
    }
    return result;
  }

 private:
  template <class U>
  static absl::Status StatusOf(const absl::StatusOr<U>& r) {
    return r.status();
  }
  static absl::Status StatusOf(const absl::Status& s) { return s; }
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

// ---- ReadTxn ----

ReadTxn::ReadTxn(std::unique_ptr<detail::TxnImpl> impl) : impl_(std::move(impl)) {}
ReadTxn::ReadTxn(ReadTxn&&) noexcept = default;
ReadTxn& ReadTxn::operator=(ReadTxn&&) noexcept = default;
ReadTxn::~ReadTxn() = default;

#define CRM_CHECK_OPEN()                                                          \
  do {                                                                            \
    if (!impl_) return absl::FailedPreconditionError("transaction was moved from"); \
    if (absl::Status open = impl_->CheckOpen(); !open.ok()) return open;          \
  } while (0)

absl::StatusOr<Customer> ReadTxn::GetCustomer(CustomerId id) const {
  CRM_CHECK_OPEN();
  return customers::Get(impl_->ctx(), id);
}

absl::StatusOr<Customer> ReadTxn::FindCustomerByEmail(std::string_view email) const {
  CRM_CHECK_OPEN();
  return customers::FindByEmail(impl_->ctx(), email);
}

absl::StatusOr<Customer> ReadTxn::FindCustomerByExternalId(std::string_view external_id) const {
  CRM_CHECK_OPEN();
  return customers::FindByExternalId(impl_->ctx(), external_id);
}

absl::StatusOr<std::vector<Customer>> ReadTxn::FindCustomersByPhone(std::string_view phone) const {
  CRM_CHECK_OPEN();
  return customers::FindByPhone(impl_->ctx(), phone);
}

absl::StatusOr<CustomerPage> ReadTxn::ListCustomers(const CustomerQuery& query) const {
  CRM_CHECK_OPEN();
  return customers::List(impl_->ctx(), query);
}

absl::StatusOr<std::uint64_t> ReadTxn::CountCustomers(const CustomerQuery& query) const {
  CRM_CHECK_OPEN();
  return customers::Count(impl_->ctx(), query);
}

// ---- WriteTxn ----

WriteTxn::WriteTxn(std::unique_ptr<detail::TxnImpl> impl) : ReadTxn(std::move(impl)) {}
WriteTxn::WriteTxn(WriteTxn&&) noexcept = default;
WriteTxn& WriteTxn::operator=(WriteTxn&&) noexcept = default;
WriteTxn::~WriteTxn() = default;

absl::StatusOr<Customer> WriteTxn::CreateCustomer(const Customer& customer) {
  CRM_CHECK_OPEN();
  bool poisoned = false;
  model::Ctx ctx = impl_->ctx();
  return impl_->Settle(customers::Create(ctx, customer, &poisoned), poisoned);
}

absl::StatusOr<Customer> WriteTxn::UpdateCustomer(const Customer& customer) {
  CRM_CHECK_OPEN();
  bool poisoned = false;
  model::Ctx ctx = impl_->ctx();
  return impl_->Settle(customers::Update(ctx, customer, &poisoned), poisoned);
}

absl::StatusOr<Customer> WriteTxn::UpsertCustomer(const Customer& customer) {
  CRM_CHECK_OPEN();
  bool poisoned = false;
  model::Ctx ctx = impl_->ctx();
  return impl_->Settle(customers::Upsert(ctx, customer, &poisoned), poisoned);
}

absl::StatusOr<Customer> WriteTxn::ArchiveCustomer(CustomerId id) {
  CRM_CHECK_OPEN();
  bool poisoned = false;
  model::Ctx ctx = impl_->ctx();
  return impl_->Settle(customers::SetArchived(ctx, id, true, &poisoned), poisoned);
}

absl::StatusOr<Customer> WriteTxn::RestoreCustomer(CustomerId id) {
  CRM_CHECK_OPEN();
  bool poisoned = false;
  model::Ctx ctx = impl_->ctx();
  return impl_->Settle(customers::SetArchived(ctx, id, false, &poisoned), poisoned);
}

absl::Status WriteTxn::DeleteCustomer(CustomerId id) {
  CRM_CHECK_OPEN();
  bool poisoned = false;
  model::Ctx ctx = impl_->ctx();
  return impl_->Settle(customers::Delete(ctx, id, &poisoned), poisoned);
}

absl::Status WriteTxn::Commit() {
  if (!impl_) return absl::FailedPreconditionError("transaction was moved from");
  if (!impl_->failure.ok()) return impl_->failure;
  if (!impl_->txn.active()) return absl::FailedPreconditionError("transaction is already finished");
  if (absl::Status s = impl_->counters.Flush(impl_->txn, impl_->store->schema); !s.ok()) {
    impl_->txn.Abort();
    return s;
  }
  return impl_->txn.Commit();
}

void WriteTxn::Abort() {
  if (impl_) impl_->txn.Abort();
}

#undef CRM_CHECK_OPEN

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
  auto schema = model::Schema::Open(**env);
  if (!schema.ok()) return schema.status();
  auto impl = std::make_unique<detail::StoreImpl>();
  impl->env = *std::move(env);
  impl->schema = *schema;
  impl->options = std::move(options);
  return std::unique_ptr<Store>(new Store(std::move(impl)));
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
absl::Status Store::DeleteCustomer(CustomerId id, std::string_view actor) {
  return Write(actor, [&](WriteTxn& t) { return t.DeleteCustomer(id); });
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

const std::string& Store::path() const { return impl_->env->path(); }
std::size_t Store::map_size() const { return impl_->env->map_size(); }

}  // namespace crm
