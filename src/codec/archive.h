// Boost.Serialization archives over a flat byte buffer.
//
// Records describe themselves with ordinary Boost.Serialization `serialize(Archive&, T&,
// unsigned version)` functions and BOOST_CLASS_VERSION, so they work with Boost's stock archives
// too. These two archives skip what makes the stock ones slow for small records (stream
// buffers, archive headers, per-archive class registries): integers are LEB128 varints,
// strings are length-prefixed, and every versioned class writes its version number in front of
// its members, which is what lets a newer build read records written by an older one.
//
// The input archive never trusts a length: a string or a collection that claims more bytes than
// remain, a varint that overflows, a version newer than this build knows, or a bool that is
// neither 0 nor 1 throws DecodeError before anything is allocated for it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <optional>
#include <variant>
#include <vector>

#include <boost/container/flat_map.hpp>
#include <boost/container/small_vector.hpp>
#include <boost/mpl/bool.hpp>
#include <boost/serialization/level.hpp>
#include <boost/serialization/nvp.hpp>
#include <boost/serialization/serialization.hpp>
#include <boost/serialization/split_free.hpp>
#include <boost/serialization/version.hpp>

namespace crm::codec {

struct DecodeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace detail {
template <class T>
struct IsNvp : std::false_type {};
template <class T>
struct IsNvp<boost::serialization::nvp<T>> : std::true_type {};

template <class T>
constexpr bool kVersioned = boost::serialization::implementation_level<T>::value >=
                            boost::serialization::object_class_info;
}  // namespace detail

class BufferOArchive {
 public:
  using is_saving = boost::mpl::true_;
  using is_loading = boost::mpl::false_;

  explicit BufferOArchive(std::string& out) : out_(out) {}

  template <class T>
  BufferOArchive& operator<<(const T& t) {
    Save(t);
    return *this;
  }
  template <class T>
  BufferOArchive& operator&(const T& t) {
    Save(t);
    return *this;
  }
  void save_binary(const void* p, std::size_t n) { out_.append(static_cast<const char*>(p), n); }
  unsigned int get_library_version() const { return 0; }

  void Varint(std::uint64_t v) {
    char buf[10];
    int n = 0;
    while (v >= 0x80) {
      buf[n++] = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    out_.append(buf, n);
  }

 private:
  template <class T>
  void Save(const T& t) {
    if constexpr (std::is_same_v<T, bool>) {
      out_.push_back(t ? 1 : 0);
    } else if constexpr (std::is_enum_v<T>) {
      Save(static_cast<std::underlying_type_t<T>>(t));
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      const auto u = static_cast<std::uint64_t>(static_cast<std::int64_t>(t));
      Varint((u << 1) ^ (t < 0 ? ~std::uint64_t{0} : 0));  // zigzag
    } else if constexpr (std::is_integral_v<T>) {
      Varint(t);
    } else if constexpr (std::is_same_v<T, std::string>) {
      Varint(t.size());
      out_.append(t);
    } else if constexpr (detail::IsNvp<T>::value) {
      Save(t.const_value());
    } else {
      if constexpr (detail::kVersioned<T>) Varint(boost::serialization::version<T>::value);
      boost::serialization::serialize_adl(*this, const_cast<T&>(t),
                                          boost::serialization::version<T>::value);
    }
  }

  std::string& out_;
};

class BufferIArchive {
 public:
  using is_saving = boost::mpl::false_;
  using is_loading = boost::mpl::true_;

  explicit BufferIArchive(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}

  template <class T>
  BufferIArchive& operator>>(T& t) {
    Load(t);
    return *this;
  }
  template <class T>
  BufferIArchive& operator&(T& t) {
    Load(t);
    return *this;
  }
  template <class T>
  BufferIArchive& operator&(const boost::serialization::nvp<T>& t) {
    Load(t.value());
    return *this;
  }
  template <class T>
  BufferIArchive& operator>>(const boost::serialization::nvp<T>& t) {
    Load(t.value());
    return *this;
  }
  void load_binary(void* p, std::size_t n) {
    Need(n);
    std::memcpy(p, p_, n);
    p_ += n;
  }
  unsigned int get_library_version() const { return 0; }

  std::size_t remaining() const { return static_cast<std::size_t>(end_ - p_); }

  // A collection about to be read claims `n` elements; each takes at least one byte.
  void CheckCount(std::uint64_t n) const {
    if (n > remaining()) throw DecodeError("collection length exceeds the record");
  }

  // Most varints (lengths, counts, small numbers) are one byte: read inline; longer ones, and
  // the checks at the end of the record, out of line.
  std::uint64_t Varint() {
    if (p_ != end_ && static_cast<unsigned char>(*p_) < 0x80) return static_cast<unsigned char>(*p_++);
    return LongVarint();
  }

 private:
  [[gnu::noinline]] std::uint64_t LongVarint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      Need(1);
      const auto byte = static_cast<unsigned char>(*p_++);
      if (shift == 63 && byte > 1) throw DecodeError("varint overflows 64 bits");
      v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return v;
    }
    throw DecodeError("varint longer than 10 bytes");
  }

  void Need(std::size_t n) const {
    if (n > remaining()) throw DecodeError("record is truncated");
  }

  template <class T>
  void Load(T& t) {
    if constexpr (std::is_same_v<T, bool>) {
      Need(1);
      const char c = *p_++;
      if (c != 0 && c != 1) throw DecodeError("invalid boolean");
      t = c == 1;
    } else if constexpr (std::is_enum_v<T>) {
      std::underlying_type_t<T> raw;
      Load(raw);
      t = static_cast<T>(raw);
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      const std::uint64_t z = Varint();
      const auto v = static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
      if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max())
        throw DecodeError("integer out of range");
      t = static_cast<T>(v);
    } else if constexpr (std::is_integral_v<T>) {
      const std::uint64_t v = Varint();
      if (v > std::numeric_limits<T>::max()) throw DecodeError("integer out of range");
      t = static_cast<T>(v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      const std::uint64_t n = Varint();
      Need(n);
      t.assign(p_, n);
      p_ += n;
    } else if constexpr (detail::IsNvp<T>::value) {
      Load(t.value());
    } else {
      unsigned version = boost::serialization::version<T>::value;
      if constexpr (detail::kVersioned<T>) {
        const std::uint64_t stored = Varint();
        if (stored > version) throw DecodeError("record written by a newer format version");
        version = static_cast<unsigned>(stored);
      }
      boost::serialization::serialize_adl(*this, t, version);
    }
  }

  const char* p_;
  const char* end_;
};

// Collections check their claimed length where the archive can (ours); stock archives do not.
template <class Archive>
void CheckCount(Archive&, std::uint64_t) {}
inline void CheckCount(BufferIArchive& ar, std::uint64_t n) { ar.CheckCount(n); }

}  // namespace crm::codec

// Serialization of the container types the records use, for any archive.
namespace boost::serialization {

template <class T, std::size_t N, class A, class O>
struct implementation_level<boost::container::small_vector<T, N, A, O>> {
  typedef mpl::integral_c_tag tag;
  typedef mpl::int_<object_serializable> type;
  BOOST_STATIC_CONSTANT(int, value = object_serializable);
};
template <class K, class V, class C, class A>
struct implementation_level<boost::container::flat_map<K, V, C, A>> {
  typedef mpl::integral_c_tag tag;
  typedef mpl::int_<object_serializable> type;
  BOOST_STATIC_CONSTANT(int, value = object_serializable);
};
template <class T, class A>
struct implementation_level<std::vector<T, A>> {
  typedef mpl::integral_c_tag tag;
  typedef mpl::int_<object_serializable> type;
  BOOST_STATIC_CONSTANT(int, value = object_serializable);
};
template <class T>
struct implementation_level<std::optional<T>> {
  typedef mpl::integral_c_tag tag;
  typedef mpl::int_<object_serializable> type;
  BOOST_STATIC_CONSTANT(int, value = object_serializable);
};
template <class... Ts>
struct implementation_level<std::variant<Ts...>> {
  typedef mpl::integral_c_tag tag;
  typedef mpl::int_<object_serializable> type;
  BOOST_STATIC_CONSTANT(int, value = object_serializable);
};

namespace detail_sequence {
// A count, then the elements. Loading grows the sequence one element at a time, so a corrupt
// count never allocates more than the record's bytes can fill.
template <class Archive, class Seq>
void Serialize(Archive& ar, Seq& v) {
  if constexpr (Archive::is_saving::value) {
    const std::uint64_t n = v.size();
    ar << n;
    for (const auto& e : v) ar << e;
  } else {
    std::uint64_t n = 0;
    ar >> n;
    crm::codec::CheckCount(ar, n);
    // Elements already there are read into (a record read into the object of the previous one
    // keeps its strings' memory); every element's load sets all of its members.
    const std::size_t kept = std::min<std::size_t>(v.size(), n);
    for (std::size_t i = 0; i < kept; ++i) ar >> v[i];
    v.erase(v.begin() + static_cast<std::ptrdiff_t>(kept), v.end());
    for (std::uint64_t i = kept; i < n; ++i) {
      v.emplace_back();
      ar >> v.back();
    }
  }
}
}  // namespace detail_sequence

template <class Archive, class T, std::size_t N, class A, class O>
void serialize(Archive& ar, boost::container::small_vector<T, N, A, O>& v, unsigned) {
  detail_sequence::Serialize(ar, v);
}

template <class Archive, class T, class A>
void serialize(Archive& ar, std::vector<T, A>& v, unsigned) {
  detail_sequence::Serialize(ar, v);
}

template <class Archive, class T>
void serialize(Archive& ar, std::optional<T>& o, unsigned) {
  if constexpr (Archive::is_saving::value) {
    const bool present = o.has_value();
    ar << present;
    if (present) ar << *o;
  } else {
    bool present = false;
    ar >> present;
    if (!present) {
      o.reset();
      return;
    }
    T value{};
    ar >> value;
    o = std::move(value);
  }
}

template <class Archive, class K, class V, class C, class A>
void serialize(Archive& ar, boost::container::flat_map<K, V, C, A>& m, unsigned) {
  if constexpr (Archive::is_saving::value) {
    const std::uint64_t n = m.size();
    ar << n;
    for (const auto& [k, v] : m) {
      ar << k;
      ar << v;
    }
  } else {
    std::uint64_t n = 0;
    ar >> n;
    crm::codec::CheckCount(ar, n);
    m.clear();
    m.reserve(n);
    for (std::uint64_t i = 0; i < n; ++i) {
      K k;
      V v;
      ar >> k;
      ar >> v;
      // Keys were written in order; anything else is not a record this code wrote.
      if (!m.empty() && !(m.rbegin()->first < k))
        throw crm::codec::DecodeError("map keys out of order");
      m.emplace_hint(m.end(), std::move(k), std::move(v));
    }
  }
}

namespace detail_variant {
template <class Archive, class Variant, std::size_t I = 0>
void LoadAlternative(Archive& ar, Variant& v, std::size_t index) {
  if constexpr (I < std::variant_size_v<Variant>) {
    if (index == I) {
      std::variant_alternative_t<I, Variant> value{};
      ar >> value;
      v = std::move(value);
      return;
    }
    LoadAlternative<Archive, Variant, I + 1>(ar, v, index);
  } else {
    throw crm::codec::DecodeError("unknown variant alternative");
  }
}
}  // namespace detail_variant

template <class Archive, class... Ts>
void serialize(Archive& ar, std::variant<Ts...>& v, unsigned) {
  if constexpr (Archive::is_saving::value) {
    const std::uint32_t index = static_cast<std::uint32_t>(v.index());
    ar << index;
    std::visit([&](const auto& alt) { ar << alt; }, v);
  } else {
    std::uint32_t index = 0;
    ar >> index;
    detail_variant::LoadAlternative(ar, v, index);
  }
}

}  // namespace boost::serialization
