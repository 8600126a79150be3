// Order-preserving key encoding: the byte order of an encoded key is the logical order of its
// parts, so LMDB's memcmp ordering gives range scans over composite keys.
//
// - Unsigned integers: fixed-width big-endian.
// - Signed integers: big-endian with the sign bit flipped (negatives sort first).
// - Strings: each 0x00 byte written as 0x00 0xFF, then the terminator 0x00 0x01. No encoded
//   string is a prefix of another's encoding, so "ab" + x sorts before "abc" + y whatever x and
//   y are, and a string followed by more parts stays unambiguous.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace crm::codec {

class KeyBuilder {
 public:
  KeyBuilder& U8(std::uint8_t v);
  KeyBuilder& U32(std::uint32_t v);
  KeyBuilder& U64(std::uint64_t v);
  KeyBuilder& I64(std::int64_t v);
  KeyBuilder& Str(std::string_view s);
  // The encoding of `s` without its terminator: every key whose string part starts with `s`
  // starts with these bytes (the prefix of a prefix scan).
  KeyBuilder& StrPrefix(std::string_view s);

  const std::string& bytes() const { return buf_; }
  std::string Take() { return std::move(buf_); }

 private:
  std::string buf_;
};

// Reads the parts of a key back in the order they were written. Every call returns nullopt
// when the key is too short or malformed.
class KeyReader {
 public:
  explicit KeyReader(std::string_view key) : rest_(key) {}
  std::optional<std::uint8_t> U8();
  std::optional<std::uint32_t> U32();
  std::optional<std::uint64_t> U64();
  std::optional<std::int64_t> I64();
  std::optional<std::string> Str();
  bool done() const { return rest_.empty(); }
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
};

// Big-endian fixed-width integers, shared by keys and small values. Inline: index scans read
// one per entry.
inline void PutBigEndian64(char* out, std::uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  std::memcpy(out, &v, 8);
}
inline std::uint64_t GetBigEndian64(const char* in) {
  std::uint64_t v;
  std::memcpy(&v, in, 8);
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  return v;
}
inline std::uint32_t GetBigEndian32(const char* in) {
  std::uint32_t v;
  std::memcpy(&v, in, 4);
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap32(v);
  return v;
}
std::string EncodeU64(std::uint64_t v);

// The value of an index entry that is not unique (since schema 4): the record's flags, then the
// CRC-32C of the key, so that a reader going by the index alone (a count) tells a damaged entry
// from a sound one without reading the record. IndexValueSound: whether `value` is the value of
// the entry `key`.
std::string IndexValue(std::string_view key, char flags);
bool IndexValueSound(std::string_view key, std::string_view value);

// The smallest key greater than every key that starts with `prefix` (empty when none exists,
// i.e. the prefix is all 0xFF).
std::string PrefixSuccessor(std::string_view prefix);

}  // namespace crm::codec
