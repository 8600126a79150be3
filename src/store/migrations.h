// Migrations of earlier files to the current schema (model/schema.h says when they run).
#pragma once

#include <cstdint>

#include "model/schema.h"
#include "storage/lmdb.h"

namespace crm::store {

// Brings a file of schema `from` to model::kSchemaVersion inside `txn`, step by step.
absl::Status Migrate(storage::Txn& txn, const model::Schema& schema, std::uint64_t from);

}  // namespace crm::store
