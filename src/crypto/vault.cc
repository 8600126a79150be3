#include "crypto/vault.h"

#include <sodium.h>

#include <pthread.h>

#include <atomic>
#include <memory>
#include <cstring>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "codec/key.h"

namespace crm::crypto {
namespace {

static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kKeyBytes);
static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES ==
              kSealOverhead);
static_assert(crypto_kdf_KEYBYTES == kKeyBytes);

constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kSaltBytes = crypto_pwhash_SALTBYTES;
constexpr std::size_t kCheckBytes = 32;
constexpr std::size_t kWrappedRootBytes = kKeyBytes + kSealOverhead;
constexpr char kContext[crypto_kdf_CONTEXTBYTES] = {'l', 'i', 'b', 'c', 'r', 'm', 'k', '1'};
// kWrap and kIndex derive from the root key; kCheck and kRootWrap from the store key.
enum Subkey : std::uint64_t { kWrap = 1, kIndex = 2, kCheck = 3, kRootWrap = 4 };

const unsigned char* U(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

absl::Status Init() {
  if (sodium_init() < 0) return absl::InternalError("encryption: libsodium could not be initialised");
  return absl::OkStatus();
}

void PutU64(std::string& out, std::uint64_t v) {
  char b[8];
  codec::PutBigEndian64(b, v);
  out.append(b, 8);
}

}  // namespace

Key::~Key() { sodium_memzero(bytes_.data(), bytes_.size()); }

namespace {
// Counts the forks of this process: a child's pools were copied from its parent's, and must not
// hand out the same bytes.
std::atomic<std::uint64_t> g_forks{1};
}  // namespace

void RandomBytes(void* out, std::size_t n) {
  struct Pool {
    unsigned char bytes[4096];
    std::size_t used = sizeof bytes;
    std::uint64_t forks = 0;
    ~Pool() { sodium_memzero(bytes, sizeof bytes); }
  };
  static std::once_flag watch;
  std::call_once(watch, [] { pthread_atfork(nullptr, nullptr, [] { g_forks.fetch_add(1); }); });
  // On the heap: libcrm's static TLS must stay small enough for a dlopen (Python loads it so).
  thread_local std::unique_ptr<Pool> owned;
  if (owned == nullptr) owned = std::make_unique<Pool>();
  Pool& pool = *owned;
  auto* dst = static_cast<unsigned char*>(out);
  if (n > sizeof pool.bytes / 4) {
    randombytes_buf(dst, n);
    return;
  }
  const std::uint64_t forks = g_forks.load(std::memory_order_relaxed);
  if (pool.forks != forks || sizeof pool.bytes - pool.used < n) {
    randombytes_buf(pool.bytes, sizeof pool.bytes);
    pool.used = 0;
    pool.forks = forks;
  }
  std::memcpy(dst, pool.bytes + pool.used, n);
  sodium_memzero(pool.bytes + pool.used, n);  // each byte is handed out once
  pool.used += n;
}

bool KeyCache::Find(std::uint64_t owner, Key* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keys_.find(owner);
  if (it == keys_.end()) return false;
  *out = it->second;
  return true;
}

void KeyCache::Enter(std::uint64_t owner, const Key& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (forgotten_.contains(owner)) return;
  if (keys_.size() >= kMaxKeys) keys_.erase(keys_.begin());  // any one: a miss costs one unwrap
  keys_.insert_or_assign(owner, key);
}

void KeyCache::Forget(std::uint64_t owner) {
  std::lock_guard<std::mutex> lock(mu_);
  keys_.erase(owner);
  forgotten_.insert(owner);
}

std::string Header::Serialize() const {
  std::string out;
  out.push_back(static_cast<char>(version));
  out.push_back(static_cast<char>(kdf));
  out.push_back(static_cast<char>(salt.size()));
  out += salt;
  PutU64(out, opslimit);
  PutU64(out, memlimit);
  out += check;
  out += wrapped_root;
  return out;
}

absl::StatusOr<Header> Header::Parse(std::string_view b) {
  const auto damaged = [](const std::string& what) {
    return absl::DataLossError(absl::StrCat("database is damaged: its encryption header ", what));
  };
  Header h;
  if (b.size() < 3) return damaged("is truncated");
  h.version = static_cast<std::uint8_t>(b[0]);
  h.kdf = static_cast<std::uint8_t>(b[1]);
  const std::size_t salt = static_cast<std::uint8_t>(b[2]);
  if (h.version != 1 && h.version != 2)
    return absl::FailedPreconditionError(
        absl::StrCat("database uses encryption header version ", h.version, ", which this libcrm does not know"));
  if (h.kdf > 1) return damaged(absl::StrCat("names an unknown key derivation (", h.kdf, ")"));
  const std::size_t root = h.version == 2 ? kWrappedRootBytes : 0;
  if (b.size() != 3 + salt + 16 + kCheckBytes + root) return damaged("has the wrong size");
  if ((h.kdf == 1) != (salt == kSaltBytes)) return damaged("has a salt of the wrong size");
  h.salt = std::string(b.substr(3, salt));
  h.opslimit = codec::GetBigEndian64(b.data() + 3 + salt);
  h.memlimit = codec::GetBigEndian64(b.data() + 11 + salt);
  h.check = std::string(b.substr(19 + salt, kCheckBytes));
  h.wrapped_root = std::string(b.substr(19 + salt + kCheckBytes));
  // No more than libsodium's "sensitive" limits (1 GiB, a few seconds): a damaged or hostile
  // header must not make an open take minutes or all memory.
  if (h.kdf == 1 && (h.opslimit < crypto_pwhash_OPSLIMIT_MIN || h.opslimit > crypto_pwhash_OPSLIMIT_SENSITIVE ||
                     h.memlimit < crypto_pwhash_MEMLIMIT_MIN || h.memlimit > crypto_pwhash_MEMLIMIT_SENSITIVE))
    return damaged("has key derivation limits out of range");
  return h;
}

namespace {

// The store key `secret` makes under `header`'s derivation.
absl::StatusOr<Key> StoreKey(const Secret& secret, const Header& header) {
  if (auto s = Init(); !s.ok()) return s;
  if (!secret.raw_key.empty() && !secret.passphrase.empty())
    return absl::InvalidArgumentError("encryption: give a key or a passphrase, not both");
  Key key;
  if (header.kdf == 0) {
    if (secret.raw_key.empty())
      return absl::PermissionDeniedError("encryption: this database was encrypted with a raw key, not a passphrase");
    if (secret.raw_key.size() != kKeyBytes)
      return absl::InvalidArgumentError(
          absl::StrCat("encryption_key: must be ", kKeyBytes, " bytes, not ", secret.raw_key.size()));
    std::memcpy(key.data(), secret.raw_key.data(), kKeyBytes);
  } else {
    if (secret.passphrase.empty())
      return absl::PermissionDeniedError("encryption: this database was encrypted with a passphrase, not a raw key");
    if (crypto_pwhash(key.data(), kKeyBytes, secret.passphrase.data(), secret.passphrase.size(), U(header.salt),
                      header.opslimit, static_cast<std::size_t>(header.memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0)
      return absl::ResourceExhaustedError("encryption: not enough memory to stretch the passphrase (Argon2id)");
  }
  return key;
}

Key Derived(const Key& from, Subkey id) {
  Key k;
  crypto_kdf_derive_from_key(k.data(), kKeyBytes, id, kContext, from.data());
  return k;
}

// The tag that proves `store_key` right.
std::string CheckTag(const Key& store_key) {
  static constexpr std::string_view kProof = "libcrm store key check";
  const Key check = Derived(store_key, kCheck);
  std::string out(kCheckBytes, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(), U(kProof), kProof.size(),
                     check.data(), kKeyBytes);
  return out;
}

constexpr std::string_view kRootAd = "libcrm store root";

// A header for `secret` (a fresh salt for a passphrase) holding `root` sealed by its store key.
absl::StatusOr<Header> HeaderFor(const Secret& secret, const Key& root) {
  if (auto s = Init(); !s.ok()) return s;
  if (secret.empty()) return absl::InvalidArgumentError("encryption: a key or a passphrase is needed");
  Header h;
  h.version = 2;
  if (secret.raw_key.empty()) {
    h.kdf = 1;
    h.salt.resize(kSaltBytes);
    randombytes_buf(h.salt.data(), h.salt.size());
    h.opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    h.memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  }
  auto key = StoreKey(secret, h);
  if (!key.ok()) return key.status();
  h.check = CheckTag(*key);
  Vault::Seal(Derived(*key, kRootWrap), kRootAd,
              std::string_view(reinterpret_cast<const char*>(root.data()), kKeyBytes), h.wrapped_root);
  return h;
}

}  // namespace

std::unique_ptr<Vault> Vault::FromRoot(const Key& root) {
  std::unique_ptr<Vault> v(new Vault());
  v->root_ = root;
  v->wrap_ = Derived(root, kWrap);
  v->index_ = Derived(root, kIndex);
  return v;
}

absl::StatusOr<std::unique_ptr<Vault>> Vault::Create(const Secret& secret, Header* header) {
  if (auto s = Init(); !s.ok()) return s;
  Key root;
  randombytes_buf(root.data(), kKeyBytes);
  auto h = HeaderFor(secret, root);
  if (!h.ok()) return h.status();
  *header = *std::move(h);
  return FromRoot(root);
}

absl::StatusOr<std::unique_ptr<Vault>> Vault::Unlock(const Secret& secret, const Header& header) {
  if (secret.empty())
    return absl::PermissionDeniedError("it is encrypted: open it with its key or passphrase");
  auto key = StoreKey(secret, header);
  if (!key.ok()) return key.status();
  const std::string check = CheckTag(*key);
  if (header.check.size() != check.size() || sodium_memcmp(check.data(), header.check.data(), check.size()) != 0)
    return absl::PermissionDeniedError("wrong key for this encrypted database");
  if (header.version == 1) return FromRoot(*key);  // the store key is the root
  std::string plain;
  if (!Open(Derived(*key, kRootWrap), kRootAd, header.wrapped_root, plain) || plain.size() != kKeyBytes) {
    sodium_memzero(plain.data(), plain.size());
    return absl::DataLossError("database is damaged: the key is right, but its sealed root key does not open");
  }
  Key root;
  std::memcpy(root.data(), plain.data(), kKeyBytes);
  sodium_memzero(plain.data(), plain.size());
  return FromRoot(root);
}

absl::StatusOr<Header> Vault::Rekey(const Secret& secret) const { return HeaderFor(secret, root_); }

Vault::~Vault() = default;

Key Vault::NewDataKey() {
  Key k;
  RandomBytes(k.data(), kKeyBytes);
  return k;
}

namespace {
std::string OwnerAd(std::uint64_t owner) {
  std::string ad = "data key ";
  PutU64(ad, owner);
  return ad;
}
}  // namespace

std::string Vault::Wrap(const Key& key, std::uint64_t owner) const {
  std::string out;
  Seal(wrap_, OwnerAd(owner),
       std::string_view(reinterpret_cast<const char*>(key.data()), kKeyBytes), out);
  return out;
}

absl::StatusOr<Key> Vault::Unwrap(std::string_view wrapped, std::uint64_t owner) const {
  std::string plain;
  if (wrapped.size() != kKeyBytes + kSealOverhead || !Open(wrap_, OwnerAd(owner), wrapped, plain) ||
      plain.size() != kKeyBytes)
    return absl::DataLossError(absl::StrCat("database is damaged: the data key of customer ", owner, " does not open"));
  Key k;
  std::memcpy(k.data(), plain.data(), kKeyBytes);
  sodium_memzero(plain.data(), plain.size());
  return k;
}

static_assert(crypto_shorthash_siphashx24_BYTES == kIndexHashBytes);
static_assert(crypto_shorthash_siphashx24_KEYBYTES <= kKeyBytes);

void Vault::IndexHash(std::string_view domain, std::string_view value, std::string& out) const {
  thread_local std::string input;
  input.assign(1, static_cast<char>(domain.size()));
  input.append(domain);
  input.append(value);
  unsigned char h[kIndexHashBytes];
  crypto_shorthash_siphashx24(h, U(input), input.size(), index_.data());
  out.append(reinterpret_cast<const char*>(h), sizeof h);
}

void Vault::Seal(const Key& key, std::string_view ad, std::string_view plain, std::string& out) {
  const std::size_t at = out.size();
  out.resize(at + kNonce + plain.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  auto* nonce = reinterpret_cast<unsigned char*>(out.data() + at);
  RandomBytes(nonce, kNonce);
  unsigned long long n = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonce, &n, U(plain), plain.size(), U(ad), ad.size(), nullptr,
                                             nonce, key.data());
}

bool Vault::Open(const Key& key, std::string_view ad, std::string_view sealed, std::string& out) {
  if (sealed.size() < kSealOverhead) return false;
  out.resize(sealed.size() - kSealOverhead);
  unsigned long long n = 0;
  const int r = crypto_aead_xchacha20poly1305_ietf_decrypt(
      reinterpret_cast<unsigned char*>(out.data()), &n, nullptr, U(sealed.substr(kNonce)), sealed.size() - kNonce,
      U(ad), ad.size(), U(sealed), key.data());
  if (r != 0) {
    out.clear();
    return false;
  }
  out.resize(n);
  return true;
}

}  // namespace crm::crypto
