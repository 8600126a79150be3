#include "codec/key.h"

#include "codec/crc32c.h"

namespace crm::codec {

std::string IndexValue(std::string_view key, char flags) {
  std::string v(5, flags);
  const std::uint32_t crc = Crc32c(key.data(), key.size());
  for (int i = 0; i < 4; ++i) v[1 + i] = static_cast<char>(crc >> (24 - 8 * i));
  return v;
}

bool IndexValueSound(std::string_view key, std::string_view value) {
  if (value.size() != 5) return false;
  const std::uint32_t crc = Crc32c(key.data(), key.size());
  for (int i = 0; i < 4; ++i)
    if (value[1 + i] != static_cast<char>(crc >> (24 - 8 * i))) return false;
  return true;
}

std::string EncodeU64(std::uint64_t v) {
  std::string s(8, '\0');
  PutBigEndian64(s.data(), v);
  return s;
}

KeyBuilder& KeyBuilder::U8(std::uint8_t v) {
  buf_.push_back(static_cast<char>(v));
  return *this;
}

KeyBuilder& KeyBuilder::U32(std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) buf_.push_back(static_cast<char>((v >> shift) & 0xFF));
  return *this;
}

KeyBuilder& KeyBuilder::U64(std::uint64_t v) {
  const std::size_t at = buf_.size();
  buf_.resize(at + 8);
  PutBigEndian64(buf_.data() + at, v);
  return *this;
}

KeyBuilder& KeyBuilder::I64(std::int64_t v) {
  return U64(static_cast<std::uint64_t>(v) ^ (std::uint64_t{1} << 63));
}

KeyBuilder& KeyBuilder::StrPrefix(std::string_view s) {
  for (char c : s) {
    buf_.push_back(c);
    if (c == '\0') buf_.push_back('\xFF');
  }
  return *this;
}

KeyBuilder& KeyBuilder::Str(std::string_view s) {
  StrPrefix(s);
  buf_.push_back('\0');
  buf_.push_back('\x01');
  return *this;
}

std::optional<std::uint8_t> KeyReader::U8() {
  if (rest_.empty()) return std::nullopt;
  const auto v = static_cast<std::uint8_t>(rest_[0]);
  rest_.remove_prefix(1);
  return v;
}

std::optional<std::uint32_t> KeyReader::U32() {
  if (rest_.size() < 4) return std::nullopt;
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(rest_[i]);
  rest_.remove_prefix(4);
  return v;
}

std::optional<std::uint64_t> KeyReader::U64() {
  if (rest_.size() < 8) return std::nullopt;
  const std::uint64_t v = GetBigEndian64(rest_.data());
  rest_.remove_prefix(8);
  return v;
}

std::optional<std::int64_t> KeyReader::I64() {
  auto u = U64();
  if (!u) return std::nullopt;
  return static_cast<std::int64_t>(*u ^ (std::uint64_t{1} << 63));
}

std::optional<std::string> KeyReader::Str() {
  std::string out;
  for (std::size_t i = 0; i < rest_.size(); ++i) {
    const char c = rest_[i];
    if (c != '\0') {
      out.push_back(c);
      continue;
    }
    if (i + 1 >= rest_.size()) return std::nullopt;
    const char next = rest_[i + 1];
    if (next == '\x01') {
      rest_.remove_prefix(i + 2);
      return out;
    }
    if (next != '\xFF') return std::nullopt;
    out.push_back('\0');
    ++i;
  }
  return std::nullopt;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    if (static_cast<unsigned char>(s.back()) != 0xFF) {
      s.back() = static_cast<char>(static_cast<unsigned char>(s.back()) + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

}  // namespace crm::codec
