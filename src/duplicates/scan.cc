// The store-wide duplicate scan: batches of customers, each compared with its candidates, the
// pairs found kept for review; where it stands is kept in the meta table, so a scan resumes
// where the last batch ended.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "codec/key.h"
#include "customers/customers.h"
#include "duplicates/match.h"
#include "duplicates/pairs.h"

namespace crm::duplicates {
namespace {

constexpr char kScanKey[] = "duplicate_scan";

// examined, total, pairs, next, finished.
std::string EncodeScan(const DuplicateScanProgress& p) {
  std::string v(33, '\0');
  codec::PutBigEndian64(v.data(), p.examined);
  codec::PutBigEndian64(v.data() + 8, p.total);
  codec::PutBigEndian64(v.data() + 16, p.pairs);
  codec::PutBigEndian64(v.data() + 24, p.next);
  v[32] = p.finished ? 1 : 0;
  return v;
}

}  // namespace

absl::StatusOr<DuplicateScanProgress> ScanProgress(const model::Ctx& ctx) {
  std::string_view v;
  auto found = ctx.txn.Get(ctx.schema.meta, kScanKey, &v);
  if (!found.ok()) return found.status();
  DuplicateScanProgress p;
  if (!*found) return p;
  if (v.size() != 33 || (v[32] != 0 && v[32] != 1))
    return absl::DataLossError("database is damaged: the duplicate scan's progress is unreadable");
  p.examined = codec::GetBigEndian64(v.data());
  p.total = codec::GetBigEndian64(v.data() + 8);
  p.pairs = codec::GetBigEndian64(v.data() + 16);
  p.next = codec::GetBigEndian64(v.data() + 24);
  p.finished = v[32] == 1;
  return p;
}

absl::StatusOr<DuplicateScanProgress> ScanStep(model::Ctx& ctx, const DuplicateScanOptions& o) {
  if (auto s = NeedMatchIndex(ctx); !s.ok()) return s;
  if (o.batch < 1 || o.batch > 100000) return absl::InvalidArgumentError("batch: must be 1 to 100000");
  if (auto s = CheckOptions(ctx, o.match); !s.ok()) return s;
  auto progress = ScanProgress(ctx);
  if (!progress.ok()) return progress.status();
  DuplicateScanProgress p = *progress;
  if (o.restart || p.finished || (p.next == 0 && p.examined == 0)) {
    p = DuplicateScanProgress{};
    auto s = storage::ScanPrefix(ctx.txn, ctx.schema.customers, {}, {}, [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
      if (p.total == 0) p.next = codec::GetBigEndian64(key.data());
      ++p.total;
      return true;
    });
    if (!s.ok()) return s;
    if (p.total == 0) p.finished = true;
  }
  // The batch's ids first (no writes during a scan), and the id after it.
  std::vector<CustomerId> ids;
  CustomerId after = 0;
  if (!p.finished) {
    auto s = storage::ScanRange(ctx.txn, ctx.schema.customers, codec::KeyBuilder().U64(p.next).Take(), {}, {}, false,
                                [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                   const CustomerId id = codec::GetBigEndian64(key.data());
                                   if (ids.size() == o.batch) {
                                     after = id;
                                     return false;
                                   }
                                   ids.push_back(id);
                                   return true;
                                 });
    if (!s.ok()) return s;
  }
  MatchOptions match = o.match;
  match.include_dismissed = false;
  for (CustomerId id : ids) {
    Customer c;
    auto loaded = customers::Load(ctx, id, &c);
    if (!loaded.ok()) return loaded.status();
    ++p.examined;
    if (!*loaded || (c.archived && !match.include_archived)) continue;
    auto found = Candidates(ctx, c, match);
    if (!found.ok()) return found.status();
    for (const DuplicateCandidate& d : *found) {
      auto kept = KeepPair(ctx, id, d.id, d);
      if (!kept.ok()) return kept.status();
      p.pairs += *kept;
    }
  }
  p.next = after;
  p.finished = after == 0;
  if (p.examined > p.total) p.total = p.examined;  // customers created since the start
  if (auto s = ctx.txn.Put(ctx.schema.meta, kScanKey, EncodeScan(p)); !s.ok()) return s;
  return p;
}

}  // namespace crm::duplicates
