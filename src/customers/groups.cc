#include "customers/groups.h"

#include <map>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "codec/key.h"
#include "common/strings.h"

namespace crm::customers {
namespace {

constexpr std::string_view kPrefix = "grp.";

struct Counted {
  storage::Table model::Schema::*table;
  char tag;
  std::string_view field;
};
constexpr Counted kCounted[] = {{&model::Schema::customer_stage, 's', "stage"},
                                {&model::Schema::customer_country, 'c', "country"},
                                {&model::Schema::customer_owner, 'o', "owner"}};

const Counted* Find(const model::Schema& s, storage::Table t) {
  for (const Counted& c : kCounted)
    if (s.*c.table == t) return &c;
  return nullptr;
}

std::string Name(char tag, bool archived, std::string_view value_key) {
  return absl::StrCat(Av(kPrefix), std::string(1, tag), archived ? ".r." : ".a.", Av(value_key));
}

// Counts, from an index, its customers per value: name -> count.
absl::Status CountIndex(const Ctx& ctx, const Counted& c, std::map<std::string, std::uint64_t>* out) {
  return storage::ScanPrefix(ctx.txn, ctx.schema.*c.table, {}, {},
                             [&](std::string_view key, std::string_view flags) -> absl::StatusOr<bool> {
                               if (key.size() < 8) return absl::DataLossError("a customer index entry is damaged");
                               ++(*out)[Name(c.tag, Archived(flags), key.substr(0, key.size() - 8))];
                               return true;
                             });
}

}  // namespace

absl::Status CountEntries(Ctx& ctx, const std::vector<Entry>& before, const std::vector<Entry>& after,
                          bool archived_before, bool archived_after) {
  if (ctx.schema.version < 3) return absl::OkStatus();  // a read-only earlier file is never written
  const auto adjust = [&](const Entry& e, bool archived, int delta) -> absl::Status {
    const Counted* c = Find(ctx.schema, e.table);
    if (c == nullptr) return absl::OkStatus();
    return model::AddToCounter(ctx, Name(c->tag, archived, std::string_view(e.key).substr(0, e.key.size() - 8)),
                               delta);
  };
  for (const Entry& e : before) {
    const bool kept = std::binary_search(after.begin(), after.end(), e);
    if (kept && archived_before == archived_after) continue;
    if (auto s = adjust(e, archived_before, -1); !s.ok()) return s;
  }
  for (const Entry& e : after) {
    const bool kept = std::binary_search(before.begin(), before.end(), e);
    if (kept && archived_before == archived_after) continue;
    if (auto s = adjust(e, archived_after, 1); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status RecountGroups(Ctx& ctx) {
  for (const Counted& c : kCounted) {
    std::map<std::string, std::uint64_t> counts;
    if (auto s = CountIndex(ctx, c, &counts); !s.ok()) return s;
    for (const auto& [name, n] : counts)
      if (auto s = ctx.txn.Put(ctx.schema.meta, name, codec::EncodeU64(n)); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::vector<GroupCount>>> ReadGroups(const Ctx& ctx, std::string_view field,
                                                                  bool include_archived) {
  using Result = std::optional<std::vector<GroupCount>>;
  const Counted* c = nullptr;
  for (const Counted& k : kCounted)
    if (k.field == field) c = &k;
  if (c == nullptr || ctx.schema.version < 3 || ctx.counters != nullptr) return Result();  // (writers: pending)
  std::map<std::string, std::uint64_t> by_value;
  for (bool archived : {false, true}) {
    if (archived && !include_archived) break;
    const std::string prefix = Name(c->tag, archived, {});
    auto s = storage::ScanPrefix(ctx.txn, ctx.schema.meta, prefix, {},
                                 [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                   if (value.size() != 8) return absl::DataLossError("a group counter is damaged");
                                   by_value[std::string(key.substr(prefix.size()))] += codec::GetBigEndian64(value.data());
                                   return true;
                                 });
    if (!s.ok()) return s;
  }
  std::vector<GroupCount> out;
  for (auto& [value_key, n] : by_value)
    if (n != 0) out.push_back(GroupCount{value_key, n, 0});
  return Result(std::move(out));
}

absl::StatusOr<std::vector<std::string>> CheckGroups(const Ctx& ctx) {
  std::vector<std::string> problems;
  if (ctx.schema.version < 3) return problems;
  std::map<std::string, std::uint64_t> want;
  for (const Counted& c : kCounted)
    if (auto s = CountIndex(ctx, c, &want); !s.ok()) return s;
  // The stored counters, as this transaction sees them: a write transaction's pending changes
  // are written only when it commits (model::Counters), so each is read through ReadCounter.
  std::map<std::string, std::uint64_t> have;
  std::vector<std::string> names;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.meta, kPrefix, {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 if (value.size() != 8) return absl::DataLossError("a group counter is damaged");
                                 names.emplace_back(key);
                                 return true;
                               });
  if (!s.ok()) return s;
  for (const auto& [name, n] : want) names.push_back(name);
  for (const std::string& name : names) {
    auto n = model::ReadCounter(ctx, name);
    if (!n.ok()) return n.status();
    if (*n != 0) have[name] = *n;
  }
  for (const auto& [name, n] : want)
    if (have[name] != n)
      problems.push_back(absl::StrCat("group counter ", absl::CHexEscape(name), " is ", have[name],
                                      "; its index has ", n));
  for (const auto& [name, n] : have)
    if (want.find(name) == want.end() && n != 0)
      problems.push_back(absl::StrCat("group counter ", absl::CHexEscape(name), " is ", n, "; its index has none"));
  return problems;
}

}  // namespace crm::customers
