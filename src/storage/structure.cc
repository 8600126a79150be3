// Env::CheckStructure: a walk of every B-tree page of the file, read straight from the map with
// LMDB's on-disk layout (lmdb.h of LMDB 0.9, 64-bit: 16-byte page headers, 8-byte nodes), before
// a write that LMDB would otherwise make through a damaged page.
#include <lmdb.h>
#include <sys/stat.h>

#include <algorithm>

#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "storage/lmdb.h"

namespace crm::storage {
namespace {

constexpr std::size_t kPageHeader = 16;  // page number, pad, flags, lower, upper
constexpr std::size_t kNodeHeader = 8;   // data size (lo, hi), flags, key size
constexpr std::uint16_t kBranch = 0x01, kLeaf = 0x02, kOverflow = 0x04;
constexpr std::uint16_t kBigData = 0x01, kSubData = 0x02, kDupData = 0x04;
constexpr std::size_t kDescriptorBytes = 48, kRootAt = 40;  // a table's MDB_db, its root's place
constexpr std::size_t kMetaDbs = 24;     // where a meta page's two MDB_db start, after its header
constexpr std::size_t kMetaTxnid = 128;  // and its transaction id
constexpr int kMaxDepth = 32;
constexpr std::uint64_t kNoRoot = ~std::uint64_t{0};

template <class T>
T Read(const char* at) {
  T v;
  std::memcpy(&v, at, sizeof v);
  return v;
}

enum class Tree { kFree, kMain, kTable };

class Walker {
 public:
  Walker(const char* base, std::size_t page_size, std::uint64_t last)
      : base_(base), psize_(page_size), last_(last), seen_(last + 1, false) {}

  // Walks the tree under `root`; false (with problem() set) at the first damage.
  bool Walk(std::uint64_t root, Tree tree, const std::string& name) { return Page(root, tree, name, 0); }
  const std::string& problem() const { return problem_; }

 private:
  template <class... Parts>
  bool Fail(const Parts&... parts) {
    problem_ = absl::StrCat(parts...);
    return false;
  }

  // Claims page `pgno` (and the `count` - 1 after it) for one place in the file.
  bool Claim(std::uint64_t pgno, std::uint64_t count, const std::string& name) {
    if (pgno < 2 || count == 0 || pgno > last_ || count - 1 > last_ - pgno)
      return Fail(name, ": page ", pgno, " (", count, " pages) lies outside pages 2-", last_);
    for (std::uint64_t p = pgno; p < pgno + count; ++p) {
      if (seen_[p]) return Fail(name, ": page ", p, " is reached twice");
      seen_[p] = true;
    }
    return true;
  }

  bool Page(std::uint64_t pgno, Tree tree, const std::string& name, int depth) {
    if (depth > kMaxDepth) return Fail(name, ": the tree is deeper than ", kMaxDepth, " levels");
    if (!Claim(pgno, 1, name)) return false;
    const char* p = base_ + pgno * psize_;
    const auto flags = Read<std::uint16_t>(p + 10);
    const auto lower = Read<std::uint16_t>(p + 12);
    const auto upper = Read<std::uint16_t>(p + 14);
    if (Read<std::uint64_t>(p) != pgno) return Fail(name, ": page ", pgno, " holds the number of another page");
    if (flags != kBranch && flags != kLeaf) return Fail(name, ": page ", pgno, " is neither a branch nor a leaf");
    if (lower < kPageHeader || lower > upper || upper > psize_ || (lower - kPageHeader) % 2 != 0)
      return Fail(name, ": page ", pgno, " has bounds ", lower, "-", upper, " outside its ", psize_, " bytes");
    const std::size_t keys = (lower - kPageHeader) / 2;
    if (keys == 0 && flags == kBranch) return Fail(name, ": branch page ", pgno, " has no children");
    for (std::size_t i = 0; i < keys; ++i) {
      const auto at = Read<std::uint16_t>(p + kPageHeader + 2 * i);
      if (at < upper || at + kNodeHeader > psize_) return Fail(name, ": page ", pgno, " has node ", i, " outside its room");
      const char* node = p + at;
      const std::uint64_t lo = Read<std::uint16_t>(node), hi = Read<std::uint16_t>(node + 2);
      const std::uint16_t node_flags = Read<std::uint16_t>(node + 4);
      const std::size_t key_size = Read<std::uint16_t>(node + 6);
      if (at + kNodeHeader + key_size > psize_) return Fail(name, ": page ", pgno, " has key ", i, " past its end");
      if (flags == kBranch) {
        const std::uint64_t child = lo | (hi << 16) | (std::uint64_t{node_flags} << 32);
        if (!Page(child, tree, name, depth + 1)) return false;
        continue;
      }
      const std::size_t data_size = lo | (hi << 16);
      const char* data = node + kNodeHeader + key_size;
      if ((node_flags & kDupData) != 0) return Fail(name, ": page ", pgno, " has a duplicate-sorted node ", i);
      if ((node_flags & kBigData) != 0) {
        if (at + kNodeHeader + key_size + 8 > psize_) return Fail(name, ": page ", pgno, " has node ", i, " past its end");
        const auto first = Read<std::uint64_t>(data);
        if (first < 2 || first > last_) return Fail(name, ": page ", pgno, " names overflow page ", first, " outside the file");
        const char* o = base_ + first * psize_;
        const std::uint64_t pages = Read<std::uint32_t>(o + 12);
        if (Read<std::uint64_t>(o) != first || Read<std::uint16_t>(o + 10) != kOverflow)
          return Fail(name, ": overflow page ", first, " is not one");
        if (!Claim(first, pages, name)) return false;
        if (data_size > pages * psize_ - kPageHeader)
          return Fail(name, ": a value of ", data_size, " bytes does not fit its ", pages, " overflow pages");
        data = o + kPageHeader;
      } else if (at + kNodeHeader + key_size + data_size > psize_) {
        return Fail(name, ": page ", pgno, " has value ", i, " past its end");
      }
      if (tree == Tree::kFree && !FreeEntry(key_size, data, data_size, pgno)) return false;
      if (tree == Tree::kMain && (node_flags & kSubData) != 0) {
        const std::string table(node + kNodeHeader, key_size);
        if (data_size != kDescriptorBytes) return Fail("table ", table, ": a descriptor of ", data_size, " bytes");
        const auto root = Read<std::uint64_t>(data + kRootAt);
        if (root != kNoRoot && !Page(root, Tree::kTable, "table " + table, 0)) return false;
      }
    }
    return true;
  }

  // A free-list entry: a transaction id and the pages it freed (a count, then that many page
  // numbers, in descending order).
  bool FreeEntry(std::size_t key_size, const char* data, std::size_t data_size, std::uint64_t pgno) {
    if (key_size != 8) return Fail("free list: page ", pgno, " has a key of ", key_size, " bytes");
    if (data_size < 8 || data_size % 8 != 0) return Fail("free list: page ", pgno, " has an entry of ", data_size, " bytes");
    const auto count = Read<std::uint64_t>(data);
    if (count != data_size / 8 - 1) return Fail("free list: page ", pgno, " has an entry whose count does not match its size");
    std::uint64_t before = kNoRoot;
    for (std::uint64_t i = 1; i <= count; ++i) {
      const auto page = Read<std::uint64_t>(data + 8 * i);
      if (page < 2 || page > last_ || page >= before)
        return Fail("free list: page ", pgno, " lists page ", page, " out of order or outside the file");
      before = page;
    }
    return true;
  }

  const char* base_;
  std::size_t psize_;
  std::uint64_t last_;
  std::vector<bool> seen_;
  std::string problem_;
};

}  // namespace

absl::Status Env::CheckStructure(const Txn& txn) {
  (void)txn;  // the snapshot the walk reads: the newest meta page, which `txn` began from
  const char* base = map_base_.load();
  if (base == nullptr) return absl::OkStatus();  // the map could not be found: nothing to read
  MDB_envinfo info;
  if (int rc = mdb_env_info(env_, &info); rc != 0) return absl::InternalError("mdb_env_info failed");
  const std::uint64_t last = info.me_last_pgno;
  // Only pages the file holds may be read (past its end the map faults).
  int fd = -1;
  struct stat st;
  if (mdb_env_get_fd(env_, &fd) != 0 || ::fstat(fd, &st) != 0) return absl::InternalError("the file's size is unknown");
  const std::uint64_t file_pages = std::min<std::uint64_t>(static_cast<std::uint64_t>(st.st_size), map_length_.load()) / page_size_;
  if (last < 1 || last >= file_pages)
    return absl::DataLossError(absl::StrCat("database ", path_, " is damaged: its last page ", last,
                                            " is past the file's ", file_pages, " pages"));
  // The newer of the two meta pages is the snapshot.
  const char* meta = base + kPageHeader;
  if (Read<std::uint64_t>(base + page_size_ + kPageHeader + kMetaTxnid) > Read<std::uint64_t>(meta + kMetaTxnid))
    meta = base + page_size_ + kPageHeader;
  Walker walker(base, page_size_, last);
  const std::uint64_t free_root = Read<std::uint64_t>(meta + kMetaDbs + kRootAt);
  const std::uint64_t main_root = Read<std::uint64_t>(meta + kMetaDbs + kDescriptorBytes + kRootAt);
  if ((free_root == kNoRoot || walker.Walk(free_root, Tree::kFree, "free list")) &&
      (main_root == kNoRoot || walker.Walk(main_root, Tree::kMain, "main table")))
    return absl::OkStatus();
  return absl::DataLossError(absl::StrCat("database ", path_, " is damaged: ", walker.problem()));
}

}  // namespace crm::storage
