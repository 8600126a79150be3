// The customers' data keys of one transaction in an encrypted store: sealing and opening the
// records that belong to a customer, the keyed hashes that stand for personal values in index
// keys, and crypto-shredding.
//
//   data_keys   U64(customer) -> the customer's data key, wrapped by the store key   (schema 8)
//
// A customer's data key is made the first time one of its records is sealed and destroyed when
// the customer is erased; keys used in a transaction are kept unwrapped until it ends.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "codec/envelope.h"
#include "crypto/vault.h"
#include "storage/lmdb.h"

namespace crm::model {

struct Schema;

// The meta entry holding the encryption header (crypto::Header) of an encrypted store.
inline constexpr char kEncryptionKey[] = "encryption";

class Sealing final : public codec::Sealer {
 public:
  Sealing(const crypto::Vault& vault, storage::Txn& txn, const Schema& schema)
      : vault_(vault), txn_(txn), schema_(schema) {}

  absl::Status Seal(std::uint64_t owner, std::string_view ad, std::string_view plain,
                    std::string& out) const override;
  absl::Status Open(std::uint64_t owner, std::string_view ad, std::string_view sealed,
                    std::string& out) const override;

  // Destroys the data key of customer `owner`: every record sealed with it is unreadable from
  // now on, wherever a copy of it lies.
  absl::Status Destroy(std::uint64_t owner);

  // The keyed hash standing for `value` in the index `domain`, appended to `out`.
  void IndexHash(std::string_view domain, std::string_view value, std::string& out) const {
    vault_.IndexHash(domain, value, out);
  }

 private:
  // The data key of `owner`: made (in a write transaction) when `make` and there is none.
  absl::StatusOr<const crypto::Key*> KeyOf(std::uint64_t owner, bool make) const;

  const crypto::Vault& vault_;
  storage::Txn& txn_;
  const Schema& schema_;
  mutable absl::flat_hash_map<std::uint64_t, crypto::Key> keys_;
};

}  // namespace crm::model
