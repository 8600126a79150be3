#include "model/sealing.h"

#include "absl/strings/str_cat.h"
#include "codec/key.h"
#include "model/schema.h"

namespace crm::model {

absl::StatusOr<const crypto::Key*> Sealing::KeyOf(std::uint64_t owner, bool make) const {
  if (auto it = keys_.find(owner); it != keys_.end()) return &it->second;
  // The store's cache holds only keys of committed customers, which never change.
  crypto::Key cached;
  if (vault_.cache().Find(owner, &cached)) return &keys_.insert_or_assign(owner, cached).first->second;
  if (schema_.data_keys == kAbsentTable)
    return absl::FailedPreconditionError("encryption: this database predates data keys");
  const std::string key = codec::EncodeU64(owner);
  std::string_view wrapped;
  auto found = txn_.Get(schema_.data_keys, key, &wrapped);
  if (!found.ok()) return found.status();
  if (*found) {
    auto k = vault_.Unwrap(wrapped, owner);
    if (!k.ok()) return k.status();
    // A read sees committed data only; a write may see a key it made and will not commit.
    if (!txn_.writable()) vault_.cache().Enter(owner, *k);
    return &keys_.insert_or_assign(owner, *k).first->second;
  }
  if (!make || !txn_.writable())
    return absl::DataLossError(absl::StrCat("the data key of customer ", owner,
                                            " is gone (the customer was erased, or the file is damaged)"));
  const crypto::Key fresh = crypto::Vault::NewDataKey();
  if (auto s = txn_.Put(schema_.data_keys, key, vault_.Wrap(fresh, owner)); !s.ok()) return s;
  return &keys_.insert_or_assign(owner, fresh).first->second;
}

absl::Status Sealing::Seal(std::uint64_t owner, std::string_view ad, std::string_view plain,
                           std::string& out) const {
  auto key = KeyOf(owner, true);
  if (!key.ok()) return key.status();
  crypto::Vault::Seal(**key, ad, plain, out);
  return absl::OkStatus();
}

absl::Status Sealing::Open(std::uint64_t owner, std::string_view ad, std::string_view sealed,
                           std::string& out) const {
  auto key = KeyOf(owner, false);
  if (!key.ok()) return key.status();
  if (!crypto::Vault::Open(**key, ad, sealed, out))
    return absl::DataLossError("sealed value does not open (damaged, or moved from another record)");
  return absl::OkStatus();
}

absl::Status Sealing::Destroy(std::uint64_t owner) {
  keys_.erase(owner);
  vault_.cache().Forget(owner);
  if (schema_.data_keys == kAbsentTable) return absl::OkStatus();
  return txn_.Del(schema_.data_keys, codec::EncodeU64(owner)).status();
}

}  // namespace crm::model
