// The store and its transactions; the operations themselves live with their concepts
// (src/<concept>/api.cc).
#include "crm/store.hpp"

#include <type_traits>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "analytics/facts.h"
#include "duplicates/pairs.h"
#include "common/errors.h"
#include "crypto/vault.h"
#include "core/txn.h"
#include "model/schema.h"
#include "model/validation.h"
#include "pipelines/pipelines.h"
#include "storage/group.h"
#include "storage/lmdb.h"
#include "store/encryption.h"
#include "store/migrations.h"
#include "text/phone.h"
#include "users/users.h"

namespace crm {
namespace {
constexpr std::size_t kActorBytes = 256;  // who a write is attributed to

// A key or passphrase as a caller gives it: at most one of the two, a key of the right size.
absl::Status CheckSecret(const crypto::Secret& secret) {
  if (!secret.raw_key.empty() && !secret.passphrase.empty())
    return absl::InvalidArgumentError("encryption_key, encryption_passphrase: give one of the two, not both");
  if (!secret.raw_key.empty() && secret.raw_key.size() != crypto::kKeyBytes)
    return absl::InvalidArgumentError(absl::StrCat("encryption_key: must be ", crypto::kKeyBytes, " bytes, not ",
                                                   secret.raw_key.size()));
  return absl::OkStatus();
}
}  // namespace

namespace detail {

struct StoreImpl {
  std::shared_ptr<storage::Env> env;  // shared by every Store of this process on the file
  model::Schema schema;
  StoreOptions options;
  std::unique_ptr<crypto::Vault> vault;  // encrypted stores
  mutable users::DirectoryCache directories;  // the owners' directory read transactions share

  // Gives a transaction's state the customers' data keys when the store is encrypted.
  void Seal(TxnImpl& t) const {
    if (vault != nullptr) t.sealing = std::make_unique<model::Sealing>(*vault, t.txn, schema);
  }

  Timestamp Now() const { return options.clock ? options.clock() : absl::ToUnixMicros(absl::Now()); }

  // Whether a write by `w` may begin.
  absl::Status CheckWrite(const WriteOptions& w) const {
    if (!w.actor.empty())
      if (absl::Status s = model::CheckText("actor", w.actor, kActorBytes); !s.ok()) return s;
    if (options.read_only) return ReadOnlyError(absl::StrCat("database ", env->path(), " is open read-only"));
    return absl::OkStatus();
  }

  // The state of a write transaction by `w` on `txn`.
  std::unique_ptr<TxnImpl> Writing(const WriteOptions& w, storage::Txn txn) {
    auto t = std::make_unique<TxnImpl>();
    t->schema = &schema;
    t->env = env.get();
    t->txn = std::move(txn);
    t->actor = w.actor.empty() ? options.default_actor : w.actor;
    t->now = Now();
    t->importing = w.import;
    t->phone_region = options.phone_region;
    Seal(*t);
    return t;
  }
};

}  // namespace detail

// ---- the transaction each part belongs to ----

namespace detail {

template <class Part>
TxnImpl* ImplOf(const Part* part) {
  if constexpr (std::is_base_of_v<Part, ReadTxn>) {
    return static_cast<const ReadTxn*>(part)->impl_.get();
  } else {
    static_assert(std::is_base_of_v<Part, WriteTxn>, "a transaction part is a base of ReadTxn or WriteTxn");
    return static_cast<const WriteTxn*>(part)->impl_.get();
  }
}

// Every part of the transactions (the base lists in store.hpp).
template TxnImpl* ImplOf(const CustomerReads*);
template TxnImpl* ImplOf(const ImportReads*);
template TxnImpl* ImplOf(const CustomerWrites*);
template TxnImpl* ImplOf(const InteractionReads*);
template TxnImpl* ImplOf(const InteractionWrites*);
template TxnImpl* ImplOf(const PipelineReads*);
template TxnImpl* ImplOf(const PipelineWrites*);
template TxnImpl* ImplOf(const OpportunityReads*);
template TxnImpl* ImplOf(const OpportunityWrites*);
template TxnImpl* ImplOf(const ChangeReads*);
template TxnImpl* ImplOf(const MaintenanceReads*);
template TxnImpl* ImplOf(const QueryReads*);
template TxnImpl* ImplOf(const QueryWrites*);
template TxnImpl* ImplOf(const UserReads*);
template TxnImpl* ImplOf(const UserWrites*);
template TxnImpl* ImplOf(const PrivacyReads*);
template TxnImpl* ImplOf(const PrivacyWrites*);
template TxnImpl* ImplOf(const ConsentReads*);
template TxnImpl* ImplOf(const ConsentWrites*);
template TxnImpl* ImplOf(const SalesReads*);
template TxnImpl* ImplOf(const SalesWrites*);
template TxnImpl* ImplOf(const ProductReads*);
template TxnImpl* ImplOf(const ProductWrites*);
template TxnImpl* ImplOf(const AnalyticsReads*);
template TxnImpl* ImplOf(const AnalyticsWrites*);
template TxnImpl* ImplOf(const DuplicateReads*);
template TxnImpl* ImplOf(const DuplicateWrites*);
template TxnImpl* ImplOf(const SegmentReads*);
template TxnImpl* ImplOf(const SegmentWrites*);
template TxnImpl* ImplOf(const CampaignReads*);
template TxnImpl* ImplOf(const CampaignWrites*);
template TxnImpl* ImplOf(const TicketReads*);
template TxnImpl* ImplOf(const TicketWrites*);
template TxnImpl* ImplOf(const LeadWrites*);

}  // namespace detail

// ---- ReadTxn ----

ReadTxn::ReadTxn(std::unique_ptr<detail::TxnImpl> impl) : impl_(std::move(impl)) {}
ReadTxn::ReadTxn(ReadTxn&&) noexcept = default;
ReadTxn& ReadTxn::operator=(ReadTxn&&) noexcept = default;
ReadTxn::~ReadTxn() = default;

// ---- WriteTxn ----

WriteTxn::WriteTxn(std::unique_ptr<detail::TxnImpl> impl) : ReadTxn(std::move(impl)) {}
WriteTxn::WriteTxn(WriteTxn&&) noexcept = default;
WriteTxn& WriteTxn::operator=(WriteTxn&&) noexcept = default;
WriteTxn::~WriteTxn() = default;

absl::Status WriteTxn::Commit() {
  if (!impl_) return TxnFinishedError("transaction was moved from");
  if (!impl_->failure.ok()) return impl_->failure;
  if (!impl_->txn.active()) return TxnFinishedError("transaction is already finished");
  if (absl::Status s = impl_->counters.Flush(impl_->txn, *impl_->schema); !s.ok()) {
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
  if (options.max_map_size < (std::size_t{4} << 20))
    return absl::InvalidArgumentError("max_map_size: must be at least 4 MiB");
  if (absl::Status s = model::CheckRequiredText("default_actor", options.default_actor, kActorBytes); !s.ok())
    return s;
  if (!options.phone_region.empty() && !text::KnownPhoneRegion(options.phone_region))
    return absl::InvalidArgumentError(absl::StrCat("phone_region: '", options.phone_region,
                                                   "' is not a region (ISO 3166 alpha-2, upper case: \"DE\")"));
  storage::EnvOptions env_options;
  env_options.create_if_missing = options.create_if_missing;
  env_options.read_only = options.read_only;
  switch (options.sync ? options.durability : Durability::kNone) {
    case Durability::kFull: env_options.sync = storage::Sync::kFull; break;
    case Durability::kNormal: env_options.sync = storage::Sync::kData; break;
    case Durability::kNone: env_options.sync = storage::Sync::kNone; break;
    default: return absl::InvalidArgumentError("durability: must be kFull, kNormal or kNone");
  }
  env_options.initial_map_size = options.initial_map_size;
  env_options.max_map_size = options.max_map_size;
  crypto::Secret secret{options.encryption_key, options.encryption_passphrase};
  if (absl::Status s = CheckSecret(secret); !s.ok()) return s;
  auto env = storage::Env::Open(path, env_options);
  if (!env.ok()) return env.status();
  std::unique_ptr<crypto::Vault> vault;  // made with a new encrypted file
  auto create = [&](storage::Txn& txn, const model::Schema& s) -> absl::Status {
    if (secret.empty()) return absl::OkStatus();
    crypto::Header header;
    auto made = crypto::Vault::Create(secret, &header);
    if (!made.ok()) return made.status();
    if (auto st = txn.Put(s.meta, model::kEncryptionKey, header.Serialize()); !st.ok()) return st;
    vault = *std::move(made);
    return absl::OkStatus();
  };
  auto schema = (*env)->Attached<model::Schema>([&] { return model::Schema::Open(**env, store::Migrate, create); });
  if (!schema.ok()) return schema.status();
  if (vault == nullptr) {
    auto unlocked = store::Unlock(**env, **schema, secret);
    if (!unlocked.ok()) return unlocked.status();
    vault = *std::move(unlocked);
  }
  auto impl = std::make_unique<detail::StoreImpl>();
  impl->env = *std::move(env);
  impl->schema = **schema;
  impl->vault = std::move(vault);
  impl->options = std::move(options);
  impl->options.encryption_key.assign(impl->options.encryption_key.size(), '\0');
  impl->options.encryption_passphrase.assign(impl->options.encryption_passphrase.size(), '\0');
  std::unique_ptr<Store> store(new Store(std::move(impl)));
  if (!store->impl_->options.read_only) {
    // Writes nothing once the default pipeline exists, so it may use the reserve kept for
    // deletes: a store at its size limit still opens.
    absl::Status s = store->Write(std::string_view(), [](WriteTxn& txn) -> absl::Status {
      return core::Mutate(
          static_cast<PipelineWrites*>(&txn), [](model::Ctx& c) { return pipelines::EnsureDefault(c); },
          core::Growth::kRemoves);
    });
    if (!s.ok()) return s;
    // A file upgraded to schema 14 counts its customers' purchase facts once, now that sealed
    // records can be read (a read first: a full store still opens).
    // So does a file upgraded to schema 15 with its duplicate match index.
    absl::StatusOr<bool> pending = false, match_pending = false;
    {
      auto read = store->BeginRead();
      if (!read.ok()) return read.status();
      const auto* reads = static_cast<const PipelineReads*>(&*read);
      pending = core::Query(reads, [](const model::Ctx& c) { return analytics::RebuildPending(c); });
      match_pending = core::Query(reads, [](const model::Ctx& c) { return duplicates::IndexPending(c); });
    }
    if (!pending.ok()) return pending.status();
    if (!match_pending.ok()) return match_pending.status();
    if (*pending)
      s = store->Write(std::string_view(), [](WriteTxn& txn) -> absl::Status {
        return core::Mutate(static_cast<PipelineWrites*>(&txn), [](model::Ctx& c) { return analytics::Rebuild(c); });
      });
    if (s.ok() && *match_pending)
      s = store->Write(std::string_view(), [](WriteTxn& txn) -> absl::Status {
        return core::Mutate(static_cast<PipelineWrites*>(&txn), [](model::Ctx& c) { return duplicates::BuildIndex(c); });
      });
    if (!s.ok()) return s;
  }
  return store;
}

absl::StatusOr<ReadTxn> Store::BeginRead() const {
  auto txn = impl_->env->BeginRead();
  if (!txn.ok()) return txn.status();
  auto t = std::make_unique<detail::TxnImpl>();
  t->schema = &impl_->schema;
  t->env = impl_->env.get();
  t->txn = *std::move(txn);
  t->now = impl_->Now();  // when the snapshot was taken (a subject export states it)
  t->phone_region = impl_->options.phone_region;
  t->directories = &impl_->directories;
  impl_->Seal(*t);
  return ReadTxn(std::move(t));
}

absl::StatusOr<WriteTxn> Store::BeginWrite(std::string_view actor) {
  WriteOptions options;
  options.actor = std::string(actor);
  return BeginWrite(options);
}

absl::StatusOr<WriteTxn> Store::BeginWrite(const WriteOptions& options) {
  if (absl::Status s = impl_->CheckWrite(options); !s.ok()) return s;
  auto txn = impl_->env->BeginWrite();
  if (!txn.ok()) return txn.status();
  return WriteTxn(impl_->Writing(options, *std::move(txn)));
}

absl::Status Store::Write(std::string_view actor,
                          const std::function<absl::Status(WriteTxn&)>& fn) {
  WriteOptions options;
  options.actor = std::string(actor);
  return Write(options, fn);
}

absl::Status Store::Write(const WriteOptions& options, const std::function<absl::Status(WriteTxn&)>& fn) {
  if (absl::Status s = impl_->CheckWrite(options); !s.ok()) return s;
  storage::Env& env = *impl_->env;
  while (true) {
    // `fn` runs in a transaction nested in the one its group commits: the writes of other
    // threads arriving meanwhile share that commit (storage/group.h).
    absl::Status s = env.group().Run(env, [&](storage::Txn& group) -> absl::Status {
      absl::StatusOr<storage::Txn> txn = group.BeginChild();
      if (!txn.ok()) return txn.status();
      WriteTxn write(impl_->Writing(options, *std::move(txn)));
      absl::Status done = fn(write);
      if (done.ok()) done = write.Commit();
      return done;
    });
    if (s.ok() || !storage::IsMapFull(s)) return s;
    // Pages pinned by readers that died free up without growing; otherwise grow.
    if (env.ClearStaleReaders() > 0) continue;
    if (absl::Status grown = env.Grow(); !grown.ok()) return grown;
  }
}

absl::Status Store::Backup(const std::string& path, BackupOptions options) const {
  return impl_->env->CopyTo(path, options.compact);
}

absl::Status Store::Flush() const { return impl_->env->Flush(); }

absl::Status Store::Rekey(std::string_view encryption_key, std::string_view encryption_passphrase) {
  if (absl::Status s = impl_->CheckWrite(WriteOptions{}); !s.ok()) return s;
  crypto::Secret secret{std::string(encryption_key), std::string(encryption_passphrase)};
  absl::Cleanup wipe = [&] {
    secret.raw_key.assign(secret.raw_key.size(), '\0');
    secret.passphrase.assign(secret.passphrase.size(), '\0');
  };
  if (secret.empty())
    return absl::InvalidArgumentError("encryption_key, encryption_passphrase: give one of the two");
  if (absl::Status s = CheckSecret(secret); !s.ok()) return s;
  if (impl_->vault == nullptr)
    return absl::FailedPreconditionError(absl::StrCat(
        "database ", impl_->env->path(), " is not encrypted: only an encrypted database has a key to change"));
  auto header = impl_->vault->Rekey(secret);
  if (!header.ok()) return header.status();
  const std::string bytes = header->Serialize();
  absl::Status s = Write(std::string_view(), [&](WriteTxn& txn) -> absl::Status {
    return txn.impl_->txn.Put(impl_->schema.meta, model::kEncryptionKey, bytes);
  });
  if (!s.ok()) return s;
  // Whatever the durability: a caller told OK may forget the old key.
  return impl_->env->Flush();
}

const std::string& Store::path() const { return impl_->env->path(); }
std::size_t Store::map_size() const { return impl_->env->map_size(); }

}  // namespace crm

namespace crm {

absl::StatusOr<DuplicateScanProgress> Store::ScanDuplicates(const DuplicateScanOptions& options,
                                                           const std::function<bool(const DuplicateScanProgress&)>& progress) {
  DuplicateScanOptions step = options;
  DuplicateScanProgress p;
  for (;;) {
    absl::Status s = Write(std::string_view(), [&](WriteTxn& txn) -> absl::Status {
      auto done = txn.ScanDuplicatesStep(step);
      if (!done.ok()) return done.status();
      p = *done;
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    step.restart = false;
    if (progress && !progress(p)) return p;
    if (p.finished) return p;
  }
}

}  // namespace crm
