// Opening an encrypted store: checking the key a caller gives against the file's header.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "crypto/vault.h"
#include "model/schema.h"
#include "storage/lmdb.h"

namespace crm::store {

// The vault of the database in `env` when it is encrypted and `secret` is its key; null when it
// is not encrypted and no secret is given. PermissionDenied for a missing or wrong key,
// FailedPrecondition for a key given to a database that is not encrypted.
absl::StatusOr<std::unique_ptr<crypto::Vault>> Unlock(storage::Env& env, const model::Schema& schema,
                                                      const crypto::Secret& secret);

}  // namespace crm::store
