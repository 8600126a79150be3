#include "storage/files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/strings.h"

namespace crm::storage::files {
namespace {

// The on-disk layout of an LMDB meta page (LMDB 0.9, 64-bit): a 16-byte page header whose
// flags (at 10) say P_META, then magic, version, fixed address, map size, the free-list and
// main table descriptors (48 bytes each, the free list's first word holding the page size and
// each ending with its root page), the last page and the transaction id.
constexpr std::uint16_t kPageBranch = 0x01;
constexpr std::uint16_t kPageLeaf = 0x02;
constexpr std::uint16_t kPageMeta = 0x08;
constexpr std::uint32_t kMagic = 0xBEEFC0DE;
constexpr std::uint32_t kDataVersion = 1;
constexpr std::size_t kFlagsAt = 10;
constexpr std::size_t kMagicAt = 16;
constexpr std::size_t kVersionAt = 20;
constexpr std::size_t kPageSizeAt = 40;
constexpr std::size_t kFreeRootAt = 80;
constexpr std::size_t kMainRootAt = 128;
constexpr std::size_t kLastPageAt = 136;
constexpr std::size_t kTxnAt = 144;
constexpr std::size_t kMetaBytes = 152;
constexpr std::uint64_t kNoRoot = ~std::uint64_t{0};

template <class T>
T At(const unsigned char* p, std::size_t offset) {
  T v;
  std::memcpy(&v, p + offset, sizeof v);
  return v;
}

bool ReadAt(int fd, unsigned char* buf, std::size_t n, std::uint64_t offset) {
  std::size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd, buf + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    done += static_cast<std::size_t>(r);
  }
  return true;
}

bool IsMeta(const unsigned char* p) {
  return (At<std::uint16_t>(p, kFlagsAt) & kPageMeta) != 0 && At<std::uint32_t>(p, kMagicAt) == kMagic;
}

}  // namespace

namespace {
absl::Status CheckMetaOnce(int fd, const std::string& path) {
  const auto damaged = [&](std::string_view why) {
    return absl::DataLossError(absl::StrCat("database ", path, " is damaged: ", Av(why)));
  };
  // The meta pages first, the size after: a writer in another process writes its pages before
  // its meta page, so the file is at least as long as any meta page read before it claims.
  unsigned char first[kMetaBytes];
  unsigned char second[kMetaBytes];
  const bool read_first = ReadAt(fd, first, kMetaBytes, 0);
  const std::uint32_t first_page = read_first && IsMeta(first) ? At<std::uint32_t>(first, kPageSizeAt) : 0;
  const bool read_second = first_page >= 512 && first_page <= 65536 && ReadAt(fd, second, kMetaBytes, first_page);
  struct stat st;
  if (::fstat(fd, &st) != 0) return absl::DataLossError(absl::StrCat("database ", path, ": cannot stat the file"));
  const std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
  if (size < kMetaBytes || !read_first)
    return NotADatabaseError(absl::StrCat(path, " is not a libcrm database (", size, " bytes, too short)"));
  // The page size, from the first meta page or (when that one is damaged) the usual sizes.
  std::uint32_t page = first_page;
  bool second_ok = false;
  if (page == 0) {
    for (std::uint32_t guess = 4096; guess <= 65536 && !second_ok; guess *= 2)
      if (ReadAt(fd, second, kMetaBytes, guess) && IsMeta(second)) {
        page = guess;
        second_ok = true;
      }
    if (!second_ok)
      return NotADatabaseError(absl::StrCat(path, " is not a libcrm database (no LMDB meta page)"));
    return damaged("its first meta page is overwritten");
  }
  if (page < 512 || page > 65536 || (page & (page - 1)) != 0)
    return damaged(absl::StrCat("its meta page names a page size of ", page, " bytes"));
  if (size < 2 * std::uint64_t{page})
    return damaged(absl::StrCat("the file is truncated to ", size, " bytes, shorter than its two meta pages"));
  if (!read_second || !IsMeta(second))
    return damaged("its second meta page is overwritten");
  // LMDB writes transaction t's meta page into slot t % 2, so the two slots hold consecutive
  // transactions, the even one first (a new file: 0 and 0 or 1). Anything else is a damaged
  // transaction id, which would silently turn the file back to an older state.
  const std::uint64_t t0 = At<std::uint64_t>(first, kTxnAt), t1 = At<std::uint64_t>(second, kTxnAt);
  if ((t0 % 2 != 0) || (t1 % 2 != 1 && t1 != 0) || (t0 > t1 ? t0 - t1 : t1 - t0) > 1)
    return damaged(absl::StrCat("its meta pages name transactions ", t0, " and ", t1, ", which LMDB never writes"));
  for (const unsigned char* m : {first, second}) {
    if (At<std::uint32_t>(m, kPageSizeAt) != page)
      return damaged(absl::StrCat("its meta pages disagree on the page size (", page, " and ",
                                  At<std::uint32_t>(m, kPageSizeAt), ")"));
    if (At<std::uint32_t>(m, kVersionAt) != kDataVersion)
      return damaged(absl::StrCat("a meta page names LMDB data version ", At<std::uint32_t>(m, kVersionAt)));
    const std::uint64_t last = At<std::uint64_t>(m, kLastPageAt);
    for (std::size_t root_at : {kFreeRootAt, kMainRootAt}) {
      const std::uint64_t root = At<std::uint64_t>(m, root_at);
      if (root != kNoRoot && (root < 2 || root > last))
        return damaged(absl::StrCat("a meta page names root page ", root, " outside pages 2-", last));
    }
    // Every page up to the last one a meta page claims must be in the file: LMDB reads them
    // through the map, and a page past the end of the file is a SIGBUS there.
    if (last >= size / page)
      return damaged(absl::StrCat("the file is truncated: it has ", size / page, " pages of ", page,
                                  " bytes, and its meta pages use ", last + 1));
  }
  // The newest meta page's two roots, which every transaction starts from, must be tree pages:
  // a damaged root is one LMDB would search with nonsense bounds (a search that never ends).
  const unsigned char* current = t0 > t1 ? first : second;
  for (std::size_t root_at : {kFreeRootAt, kMainRootAt}) {
    const std::uint64_t root = At<std::uint64_t>(current, root_at);
    if (root == kNoRoot) continue;
    unsigned char header[16];
    if (!ReadAt(fd, header, sizeof header, root * page))
      return damaged(absl::StrCat("its root page ", root, " cannot be read"));
    const std::uint16_t flags = At<std::uint16_t>(header, kFlagsAt);
    const std::uint16_t lower = At<std::uint16_t>(header, 12), upper = At<std::uint16_t>(header, 14);
    const bool tree_page = flags == kPageBranch || flags == kPageLeaf;
    if (At<std::uint64_t>(header, 0) != root || !tree_page || lower < 16 || lower % 2 != 0 || lower > upper ||
        upper > page)
      return damaged(absl::StrCat("its root page ", root, " is not a well-formed tree page"));
  }
  return absl::OkStatus();
}
}  // namespace

absl::Status CheckMeta(int fd, const std::string& path) {
  // Writers in other processes may commit between the reads: what looks damaged is read again
  // (a few times, a millisecond apart) before it is called so.
  absl::Status checked;
  for (int attempt = 0; attempt < 5; ++attempt) {
    checked = CheckMetaOnce(fd, path);
    if (!absl::IsDataLoss(checked)) return checked;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return checked;
}

const char* FindMapping(ino_t ino, const std::string& path, std::size_t length) {
  std::FILE* maps = std::fopen("/proc/self/maps", "re");
  if (maps == nullptr) return nullptr;
  const char* found = nullptr;
  char line[4096];
  while (found == nullptr && std::fgets(line, sizeof line, maps) != nullptr) {
    std::uintptr_t lo = 0, hi = 0;
    unsigned long long offset = 0, inode = 0;
    unsigned major = 0, minor = 0;
    char perms[8];
    int name_at = 0;
    if (std::sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %7s %llx %x:%x %llu %n", &lo, &hi, perms, &offset, &major,
                    &minor, &inode, &name_at) < 7)
      continue;
    if (offset != 0) continue;
    // By inode or, on file systems that show another inode there (overlays), by path.
    std::string name = name_at > 0 ? std::string(line + name_at) : std::string();
    while (!name.empty() && (name.back() == '\n' || name.back() == ' ')) name.pop_back();
    if (inode != static_cast<unsigned long long>(ino) && name != path) continue;
    // The kernel lists a mapping longer than its file in one line, rounded to whole pages.
    if (hi - lo >= length) found = reinterpret_cast<const char*>(lo);
  }
  std::fclose(maps);
  return found;
}

}  // namespace crm::storage::files
