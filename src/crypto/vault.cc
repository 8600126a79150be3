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
constexpr char kContext[crypto_kdf_CONTEXTBYTES] = {'l', 'i', 'b', 'c', 'r', 'm', 'k', '1'};
enum Subkey : std::uint64_t { kWrap = 1, kIndex = 2, kCheck = 3 };

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
  if (h.version != 1)
    return absl::FailedPreconditionError(
        absl::StrCat("database uses encryption header version ", h.version, ", which this libcrm does not know"));
  if (h.kdf > 1) return damaged(absl::StrCat("names an unknown key derivation (", h.kdf, ")"));
  if (b.size() != 3 + salt + 16 + kCheckBytes) return damaged("has the wrong size");
  if ((h.kdf == 1) != (salt == kSaltBytes)) return damaged("has a salt of the wrong size");
  h.salt = std::string(b.substr(3, salt));
  h.opslimit = codec::GetBigEndian64(b.data() + 3 + salt);
  h.memlimit = codec::GetBigEndian64(b.data() + 11 + salt);
  h.check = std::string(b.substr(19 + salt));
  // No more than libsodium's "sensitive" limits (1 GiB, a few seconds): a damaged or hostile
  // header must not make an open take minutes or all memory.
  if (h.kdf == 1 && (h.opslimit < crypto_pwhash_OPSLIMIT_MIN || h.opslimit > crypto_pwhash_OPSLIMIT_SENSITIVE ||
                     h.memlimit < crypto_pwhash_MEMLIMIT_MIN || h.memlimit > crypto_pwhash_MEMLIMIT_SENSITIVE))
    return damaged("has key derivation limits out of range");
  return h;
}

absl::StatusOr<std::unique_ptr<Vault>> Vault::Derive(const Secret& secret, const Header& header) {
  if (auto s = Init(); !s.ok()) return s;
  if (!secret.raw_key.empty() && !secret.passphrase.empty())
    return absl::InvalidArgumentError("encryption: give a key or a passphrase, not both");
  Key root;
  if (header.kdf == 0) {
    if (secret.raw_key.empty())
      return absl::PermissionDeniedError("encryption: this database was encrypted with a raw key, not a passphrase");
    if (secret.raw_key.size() != kKeyBytes)
      return absl::InvalidArgumentError(
          absl::StrCat("encryption_key: must be ", kKeyBytes, " bytes, not ", secret.raw_key.size()));
    std::memcpy(root.data(), secret.raw_key.data(), kKeyBytes);
  } else {
    if (secret.passphrase.empty())
      return absl::PermissionDeniedError("encryption: this database was encrypted with a passphrase, not a raw key");
    if (crypto_pwhash(root.data(), kKeyBytes, secret.passphrase.data(), secret.passphrase.size(), U(header.salt),
                      header.opslimit, static_cast<std::size_t>(header.memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0)
      return absl::ResourceExhaustedError("encryption: not enough memory to stretch the passphrase (Argon2id)");
  }
  std::unique_ptr<Vault> v(new Vault());
  crypto_kdf_derive_from_key(v->wrap_.data(), kKeyBytes, kWrap, kContext, root.data());
  crypto_kdf_derive_from_key(v->index_.data(), kKeyBytes, kIndex, kContext, root.data());
  crypto_kdf_derive_from_key(v->check_.data(), kKeyBytes, kCheck, kContext, root.data());
  return v;
}

std::string Vault::Check() const {
  static constexpr std::string_view kProof = "libcrm store key check";
  std::string out(kCheckBytes, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(), U(kProof), kProof.size(),
                     check_.data(), kKeyBytes);
  return out;
}

absl::StatusOr<std::unique_ptr<Vault>> Vault::Create(const Secret& secret, Header* header) {
  if (auto s = Init(); !s.ok()) return s;
  if (secret.empty()) return absl::InvalidArgumentError("encryption: a key or a passphrase is needed");
  Header h;
  if (secret.raw_key.empty()) {
    h.kdf = 1;
    h.salt.resize(kSaltBytes);
    randombytes_buf(h.salt.data(), h.salt.size());
    h.opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    h.memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  }
  auto v = Derive(secret, h);
  if (!v.ok()) return v.status();
  h.check = (*v)->Check();
  *header = std::move(h);
  return v;
}

absl::StatusOr<std::unique_ptr<Vault>> Vault::Unlock(const Secret& secret, const Header& header) {
  if (secret.empty())
    return absl::PermissionDeniedError("it is encrypted: open it with its key or passphrase");
  auto v = Derive(secret, header);
  if (!v.ok()) return v.status();
  const std::string check = (*v)->Check();
  if (header.check.size() != check.size() || sodium_memcmp(check.data(), header.check.data(), check.size()) != 0)
    return absl::PermissionDeniedError("wrong key for this encrypted database");
  return v;
}

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
