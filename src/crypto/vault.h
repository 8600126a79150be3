// Encryption of personal values at rest (libsodium).
//
// A store opened with a key holds a vault. Two keys stand behind it:
//
//   the store key   what the caller gives: 32 raw bytes, or a passphrase stretched with
//                   Argon2id (its salt and limits kept in the store's header). It never touches
//                   the file. It keys the header's check tag, by which a wrong key is told apart
//                   from a damaged file, and seals the root key.
//   the root key    random, made with the store, kept in the header sealed by the store key.
//                   Changing the store key (Rekey) seals the same root key anew: one small
//                   write, nothing else in the file changes.
//
// From the root key, libsodium's key derivation makes two keys of separate purpose:
//
//   wrap    seals each customer's data key (XChaCha20-Poly1305, the customer id as associated
//           data, so a wrapped key moved to another customer does not open);
//   index   keys the SipHash-2-4 hashes (128-bit) that stand in index keys for emails, phones
//           and name words.
//
// Headers of version 1 (libcrm 0.9.0) have no root key: the store key itself is the root, and
// a rekey keeps it as the root, sealed by the new key.
//
// Records that hold personal values are sealed with their customer's data key: erasing the
// customer destroys that key, and every copy of the sealed bytes becomes unreadable.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"

namespace crm::crypto {

inline constexpr std::size_t kKeyBytes = 32;
// What sealing adds to a value: the nonce (24 bytes) and the authentication tag (16).
inline constexpr std::size_t kSealOverhead = 40;
// The length of the keyed hashes kept in index keys.
inline constexpr std::size_t kIndexHashBytes = 16;

// A 32-byte key, wiped when destroyed.
class Key {
 public:
  Key() { bytes_.fill(0); }
  Key(const Key&) = default;
  Key& operator=(const Key&) = default;
  ~Key();
  unsigned char* data() { return bytes_.data(); }
  const unsigned char* data() const { return bytes_.data(); }

 private:
  std::array<unsigned char, kKeyBytes> bytes_;
};

// `n` random bytes into `out`, from a per-thread pool refilled from the system's generator 4 KiB
// at a time (a fork refills it: no two processes share bytes).
void RandomBytes(void* out, std::size_t n);

// Unwrapped data keys shared by the transactions of one store, so that a read need not find and
// unwrap its customer's key again. Only keys read from committed data are entered; a key that
// is destroyed is forgotten, and its owner is never entered again.
class KeyCache {
 public:
  bool Find(std::uint64_t owner, Key* out) const;
  void Enter(std::uint64_t owner, const Key& key);
  void Forget(std::uint64_t owner);

 private:
  static constexpr std::size_t kMaxKeys = std::size_t{1} << 18;  // 12 MiB at most
  mutable std::mutex mu_;
  absl::flat_hash_map<std::uint64_t, Key> keys_;       // under mu_
  absl::flat_hash_set<std::uint64_t> forgotten_;  // under mu_
};

// What a caller gives to open an encrypted store: exactly one of the two.
struct Secret {
  std::string raw_key;     // 32 bytes
  std::string passphrase;  // stretched with Argon2id
  bool empty() const { return raw_key.empty() && passphrase.empty(); }
};

// The stored description of a store's encryption (the meta entry "encryption"): how the store
// key is made from the secret, the tag that proves a key right, and the root key sealed by the
// store key. Nothing in it opens without the store key.
struct Header {
  std::uint8_t version = 2;
  std::uint8_t kdf = 0;  // 0: raw key; 1: Argon2id passphrase
  std::string salt;      // Argon2id: 16 bytes
  std::uint64_t opslimit = 0;
  std::uint64_t memlimit = 0;
  std::string check;         // 32 bytes
  std::string wrapped_root;  // version 2: the root key sealed by the store key (72 bytes)

  std::string Serialize() const;
  static absl::StatusOr<Header> Parse(std::string_view bytes);
};

class Vault {
 public:
  // A vault for a new encrypted store, and the header to store with it.
  static absl::StatusOr<std::unique_ptr<Vault>> Create(const Secret& secret, Header* header);
  // The vault of an encrypted store; PermissionDenied when `secret` is not its key.
  static absl::StatusOr<std::unique_ptr<Vault>> Unlock(const Secret& secret, const Header& header);
  // The header by which `secret` opens this vault's store instead of its present key (a fresh
  // salt for a passphrase); this vault's keys stay as they are.
  absl::StatusOr<Header> Rekey(const Secret& secret) const;

  Vault(const Vault&) = delete;
  Vault& operator=(const Vault&) = delete;
  ~Vault();

  // A fresh random data key.
  static Key NewDataKey();
  // `key` sealed for customer `owner` (kKeyBytes + kSealOverhead bytes).
  std::string Wrap(const Key& key, std::uint64_t owner) const;
  // The data key `wrapped` holds; DataLoss when it does not open for `owner`.
  absl::StatusOr<Key> Unwrap(std::string_view wrapped, std::uint64_t owner) const;

  // The keyed hash of `value` in the index named by `domain` (kIndexHashBytes bytes), appended
  // to `out`.
  void IndexHash(std::string_view domain, std::string_view value, std::string& out) const;

  KeyCache& cache() const { return cache_; }

  // Appends to `out` the nonce and the sealed `plain`, bound to `ad`.
  static void Seal(const Key& key, std::string_view ad, std::string_view plain, std::string& out);
  // Opens what Seal wrote into `out` (replacing its content); false when `sealed` was not sealed
  // with `key` and `ad`, or was altered.
  static bool Open(const Key& key, std::string_view ad, std::string_view sealed, std::string& out);

 private:
  Vault() = default;
  static std::unique_ptr<Vault> FromRoot(const Key& root);

  Key root_;
  Key wrap_;
  Key index_;  // its first 16 bytes key SipHash
  mutable KeyCache cache_;
};

}  // namespace crm::crypto
