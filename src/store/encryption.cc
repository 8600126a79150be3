#include "store/encryption.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "model/sealing.h"

namespace crm::store {

absl::StatusOr<std::unique_ptr<crypto::Vault>> Unlock(storage::Env& env, const model::Schema& schema,
                                                      const crypto::Secret& secret) {
  std::string stored;
  bool found = false;
  {
    auto txn = env.BeginRead();
    if (!txn.ok()) return txn.status();
    std::string_view value;
    auto got = txn->Get(schema.meta, model::kEncryptionKey, &value);
    if (!got.ok()) return got.status();
    found = *got;
    stored = std::string(value);
  }
  if (!found) {
    if (secret.empty()) return nullptr;
    return absl::FailedPreconditionError(
        absl::StrCat("database ", env.path(),
                     " is not encrypted: an encryption key is given only to a database created with it"));
  }
  auto header = crypto::Header::Parse(stored);
  if (!header.ok()) return header.status();
  auto vault = crypto::Vault::Unlock(secret, *header);
  if (!vault.ok()) {
    const std::string message = absl::StrCat("database ", env.path(), ": ", vault.status().message());
    if (absl::IsPermissionDenied(vault.status())) return WrongKeyError(message);
    return absl::Status(vault.status().code(), message);
  }
  return vault;
}

}  // namespace crm::store
