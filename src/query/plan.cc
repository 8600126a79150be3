#include "query/plan.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "codec/key.h"
#include "customers/entries.h"
#include "query/declared.h"
#include "text/text.h"

namespace crm::query {
namespace {

using model::Ctx;

PlanLimits g_limits;

// One index lookup: the entries under one or more key prefixes (each ending in the record id),
// a unique index's entries (value: the id), ids written in the filter, or a key range.
struct Source {
  storage::Table table = 0;
  std::vector<std::string> prefixes;
  std::vector<std::string> unique_keys;
  std::vector<std::uint64_t> literal_ids;
  std::vector<std::pair<std::string, std::string>> ranges;  // [lo, hi); hi empty: to the end
  std::vector<std::pair<std::string, std::string>> loose;  // ranges holding more than the matches
  std::string from_id;  // 8 bytes, big-endian: a prefix's entries are read from this id on
  std::string field;  // ranges of one field in one table intersect ("x >= 1 and x < 5")
  // Its entries carry a checksum (declared indexes; every index not unique since schema 4),
  // checked as they are read.
  bool checked = false;
  // Its entries (loose ranges aside) are exactly the records the node matches.
  bool exact = false;
  std::string label;
};

using Ids = std::vector<std::uint64_t>;

void SortUnique(Ids& ids) {
  if (std::adjacent_find(ids.begin(), ids.end(), std::greater_equal<>()) == ids.end()) return;  // already so
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

Ids Intersect(const Ids& a, const Ids& b) {
  Ids out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

bool Archived(std::string_view flags) { return !flags.empty() && (flags[0] & model::kFlagArchived); }

class Planner {
 public:
  Planner(const Ctx& ctx, const Compiled& f, const Lookups& p, bool include_archived)
      : ctx_(ctx), f_(f), p_(p), include_archived_(include_archived) {}

  // A window for the root lookup (set when the root is a comparison).
  std::optional<Window> window;
  bool windowed = false;  // the window narrowed the lookup
  // The root node, when the caller only counts: its lookup of one single-valued field (one entry
  // per record, so its ids are unique) is not sorted by id. `unsorted` says that happened.
  const Node* count_root = nullptr;
  bool unsorted = false;

  // nullopt: the node needs every record. `how` describes the lookups made.
  absl::StatusOr<std::optional<Ids>> Run(const Node& n, std::string* how) {
    switch (n.type) {
      case FilterNode::Type::kAnd: return And(n, how);
      case FilterNode::Type::kOr: {
        Ids all;
        std::vector<std::string> parts;
        for (const Node& c : n.children) {
          std::string part;
          auto ids = Run(c, &part);
          if (!ids.ok() || !ids->has_value()) return ids;
          all.insert(all.end(), (*ids)->begin(), (*ids)->end());
          parts.push_back(std::move(part));
        }
        SortUnique(all);
        *how = absl::StrCat("unite(", absl::StrJoin(parts, "; "), ")");
        return std::optional<Ids>(std::move(all));
      }
      case FilterNode::Type::kNot: return std::optional<Ids>();
      default: {
        std::optional<Source> s = SourceOf(n);
        if (!s) return std::optional<Ids>();
        lookups.push_back(s->label);
        loose_ = loose_ || !s->exact;
        absl::StatusOr<std::pair<Ids, bool>> ids;
        if (window && s->exact && !s->prefixes.empty() && s->unique_keys.empty() && s->literal_ids.empty() &&
            s->ranges.empty() && s->table != ctx_.schema.interactions) {
          ids = Windowed(*s);
          if (!ids.ok()) return ids.status();
          windowed = !loose_;
        }
        if (!windowed) ids = Read(*s, SIZE_MAX, &n == count_root && !s->field.empty());
        if (!ids.ok()) return ids.status();
        *how = windowed ? absl::StrCat("index ", s->label, " (the first ", ids->first.size(), " in id order)")
                        : absl::StrCat("index ", s->label, " (", ids->first.size(), ")");
        return std::optional<Ids>(std::move(ids->first));
      }
    }
  }

  std::vector<std::string> lookups;
  absl::Status failure;  // a catalogue read that failed while choosing lookups
  // Whether the ids found are exactly the matches: every part of the filter was decided by
  // declared indexes (checked entries, no loose range that found anything).
  bool exact() const { return !loose_; }

 private:
  bool loose_ = false;

  absl::StatusOr<std::optional<Ids>> And(const Node& n, std::string* how) {
    std::vector<std::pair<Ids, std::string>> complete;
    std::vector<Source> large;
    // Every child's lookup, bounds of one field merged into one range ("x >= 1 and x < 5").
    std::vector<std::pair<const Node*, std::optional<Source>>> children;
    for (const Node& c : n.children) {
      std::optional<Source> s = c.type == FilterNode::Type::kCompare || c.type == FilterNode::Type::kIn
                                    ? SourceOf(c)
                                    : std::nullopt;
      bool merged = false;
      if (s && RangesOnly(*s))
        for (auto& [other, o] : children)
          if (o && RangesOnly(*o) && o->table == s->table && o->field == s->field) {
            // Exact where both are; loose where either is.
            auto loose = IntersectRanges(o->loose, s->loose);
            for (auto* part : {&o->ranges, &s->ranges}) {
              const auto& other = part == &o->ranges ? s->loose : o->loose;
              for (auto& r : IntersectRanges(*part, other)) loose.push_back(std::move(r));
            }
            o->ranges = IntersectRanges(o->ranges, s->ranges);
            o->loose = std::move(loose);
            o->checked = o->checked && s->checked;
            o->exact = o->exact && s->exact;
            o->label = absl::StrCat(o->label, " and ", s->label);
            s.reset();
            merged = true;
            break;
          }
      if (s || c.type == FilterNode::Type::kAnd || c.type == FilterNode::Type::kOr)
        children.emplace_back(&c, std::move(s));
      else if (!merged)
        loose_ = true;  // a part no index decides: each candidate is tested on its record
    }
    for (auto& [child, s] : children) {
      const Node& c = *child;
      if (!s) {
        std::string part;
        auto ids = Run(c, &part);
        if (!ids.ok()) return ids.status();
        if (ids->has_value()) complete.emplace_back(**std::move(ids), std::move(part));
        else loose_ = true;
        continue;
      }
      loose_ = loose_ || !s->exact;
      lookups.push_back(s->label);
      // A key of the interactions table holds a time between its prefix and the id: it is read,
      // never probed by prefix and id.
      const bool probeable = !s->prefixes.empty() && s->ranges.empty() && s->loose.empty() &&
                             s->table != ctx_.schema.interactions;
      auto read = Read(*s, probeable ? g_limits.small_lookup : SIZE_MAX,
                       &n == count_root && children.size() == 1 && !s->field.empty());
      if (!read.ok()) return read.status();
      if (read->second) {
        std::string part = absl::StrCat("index ", s->label, " (", read->first.size(), ")");
        complete.emplace_back(std::move(read->first), std::move(part));
      } else {
        large.push_back(*std::move(s));
      }
    }
    if (complete.empty() && large.empty()) return std::optional<Ids>();
    if (complete.empty()) {
      auto all = Read(large.front(), SIZE_MAX);
      if (!all.ok()) return all.status();
      std::string part = absl::StrCat("index ", large.front().label, " (", all->first.size(), ")");
      complete.emplace_back(std::move(all->first), std::move(part));
      large.erase(large.begin());
    }
    std::sort(complete.begin(), complete.end(), [](const auto& a, const auto& b) { return a.first.size() < b.first.size(); });
    std::vector<std::string> parts;
    Ids ids = std::move(complete.front().first);
    parts.push_back(std::move(complete.front().second));
    for (std::size_t i = 1; i < complete.size(); ++i) {
      ids = Intersect(ids, complete[i].first);
      parts.push_back(std::move(complete[i].second));
    }
    for (Source& s : large) {
      if (ids.size() <= g_limits.probe_at_most) {
        parts.push_back(absl::StrCat("probe ", s.label, " for each of ", ids.size()));
        auto kept = Probe(s, ids);
        if (!kept.ok()) return kept.status();
        ids = *std::move(kept);
      } else {
        auto all = Read(s, SIZE_MAX);
        if (!all.ok()) return all.status();
        parts.push_back(absl::StrCat("index ", s.label, " (", all->first.size(), ")"));
        ids = Intersect(ids, all->first);
      }
    }
    *how = parts.size() == 1 ? parts.front() : absl::StrCat("intersect(", absl::StrJoin(parts, "; "), ")");
    return std::optional<Ids>(std::move(ids));
  }

  // The window's part of an exact lookup under key prefixes: the first ids after the window's
  // start under each prefix, merged. Loose ranges are read whole: when they find anything the
  // lookup is not exact, and the caller reads it all instead.
  absl::StatusOr<std::pair<Ids, bool>> Windowed(const Source& s) {
    Ids ids;
    if (window->after == ~std::uint64_t{0}) return std::pair<Ids, bool>(std::move(ids), true);
    Source part = s;
    part.loose.clear();
    part.from_id.resize(8);
    codec::PutBigEndian64(part.from_id.data(), window->after + 1);
    for (const std::string& prefix : s.prefixes) {
      part.prefixes = {prefix};
      auto read = Read(part, window->first);
      if (!read.ok()) return read.status();
      ids.insert(ids.end(), read->first.begin(), read->first.end());
    }
    if (!s.loose.empty()) {
      part.prefixes.clear();
      part.loose = s.loose;
      auto read = Read(part, SIZE_MAX);  // marks the lookup loose when it finds anything
      if (!read.ok()) return read.status();
    }
    SortUnique(ids);
    if (ids.size() > window->first) ids.resize(window->first);
    return std::pair<Ids, bool>(std::move(ids), false);
  }

  // Reads up to `cap` entries; the bool says whether the lookup was read to its end. `unique`:
  // the entries name each record once, and the ids may stay in the index's order.
  absl::StatusOr<std::pair<Ids, bool>> Read(const Source& s, std::size_t cap, bool unique = false) {
    Ids ids = s.literal_ids;
    bool complete = true;
    for (const std::string& key : s.unique_keys) {
      std::string_view value;
      auto found = ctx_.txn.Get(s.table, key, &value);
      if (!found.ok()) return found.status();
      if (*found && value.size() == 8) ids.push_back(codec::GetBigEndian64(value.data()));
    }
    // Checksummed entries are checked as they are read.
    auto cursor = storage::Cursor::Open(ctx_.txn, s.table);
    if (!cursor.ok()) return cursor.status();
    const char skip = !include_archived_ && f_.kind == EntityType::kCustomer ? model::kFlagArchived : 0;
    const auto collect = [&](std::string_view from, std::string_view prefix, std::string_view hi) -> absl::Status {
      if (!complete) return absl::OkStatus();
      auto all = cursor->CollectIds(
          storage::Cursor::IdScan{from, prefix, hi, skip, cap, s.checked ? &EntrySound : nullptr}, &ids);
      if (!all.ok()) return all.status();
      complete = *all;
      return absl::OkStatus();
    };
    for (const std::string& prefix : s.prefixes)
      if (auto st = collect(prefix + s.from_id, prefix, {}); !st.ok()) return st;
    for (const auto& [lo, hi] : s.ranges)
      if (auto st = collect(lo, {}, hi); !st.ok()) return st;
    for (const auto& [lo, hi] : s.loose) {
      const std::size_t before = ids.size();
      if (auto st = collect(lo, {}, hi); !st.ok()) return st;
      loose_ = loose_ || ids.size() != before;
    }
    if (unique && complete)
      unsorted = true;
    else
      SortUnique(ids);
    return std::pair<Ids, bool>(std::move(ids), complete);
  }

  absl::StatusOr<Ids> Probe(const Source& s, const Ids& ids) {
    Ids kept;
    for (std::uint64_t id : ids)
      for (const std::string& prefix : s.prefixes) {
        char id_bytes[8];
        codec::PutBigEndian64(id_bytes, id);
        const std::string key = prefix + std::string(id_bytes, 8);
        std::string_view flags;
        auto found = ctx_.txn.Get(s.table, key, &flags);
        if (!found.ok()) return found.status();
        if (*found && s.checked)
          if (auto st = CheckEntry(key, flags); !st.ok()) return st;
        if (*found && (include_archived_ || f_.kind != EntityType::kCustomer || !Archived(flags))) {
          kept.push_back(id);
          break;
        }
      }
    return kept;
  }

  std::optional<Source> SourceOf(const Node& n) {
    if (f_.kind == EntityType::kInteraction) return BuiltinSource(n);  // no declared indexes, no checksums
    auto declared = FindDeclared(ctx_, f_.kind, n.field);
    if (!declared.ok()) {
      failure = declared.status();
      return std::nullopt;
    }
    if (*declared != nullptr) {
      std::optional<DeclaredLookup> lookup = LookupOf(**declared, n);
      if (!lookup) return std::nullopt;
      Source src;
      src.table = ctx_.schema.field_index;
      src.prefixes = std::move(lookup->prefixes);
      src.ranges = std::move(lookup->ranges);
      src.loose = std::move(lookup->loose);
      src.checked = true;
      src.exact = true;
      src.label = absl::StrCat(detail::PrintFilter(n.source), " [declared]");
      if (!n.field.multi) src.field = (*declared)->name;  // several values: each bound may hold for another
      return src;
    }
    std::optional<Source> src = BuiltinSource(n);
    if (src && src->unique_keys.empty() && src->literal_ids.empty() && ctx_.schema.version >= 4) {
      src->checked = true;
      src->exact = Exact(n);
    }
    return src;
  }

  // Whether an index of its own holds exactly the records for which `n` holds: keys made as the
  // filter compares (folded text, exact owner) and no entry for a record without a value.
  bool Exact(const Node& n) const {
    const std::string& name = n.field.name;
    const bool eq = n.type == FilterNode::Type::kIn || n.op == Filter::Op::kEq;
    if (f_.kind == EntityType::kCustomer)
      return name == "tag" || name == "owner" || name == "country" || name == "address.country" ||
             name == "organization" || name == "parent" || (name == "stage" && eq);
    return name == "customer" || name == "contact" || name == "pipeline" || name == "owner" || name == "stage" ||
           name == "status";
  }

  std::optional<Source> BuiltinSource(const Node& n) {
    const bool eq = n.type == FilterNode::Type::kIn || (n.type == FilterNode::Type::kCompare && n.op == Filter::Op::kEq);
    const bool ordered = n.type == FilterNode::Type::kCompare && n.op != Filter::Op::kEq &&
                         n.op != Filter::Op::kNe && n.op != Filter::Op::kPrefix;
    if (!eq && !ordered) return std::nullopt;
    const std::string& name = n.field.name;
    const model::Schema& s = ctx_.schema;
    Source src;
    src.label = detail::PrintFilter(n.source);
    const auto prefixes = [&](storage::Table table, auto key_of) -> std::optional<Source> {
      if (!eq || table == model::kAbsentTable) return std::nullopt;
      src.table = table;
      for (const Operand& o : n.operands) src.prefixes.push_back(key_of(o));
      return src;
    };
    if (name == "id") {
      if (!eq) return std::nullopt;
      for (const Operand& o : n.operands) src.literal_ids.push_back(static_cast<std::uint64_t>(o.i));
      return src;
    }
    if (NeedsOwners(n.field)) return OwnerSource(n, std::move(src));
    if (f_.kind == EntityType::kCustomer) {
      const auto text = [](const Operand& o) { return codec::KeyBuilder().Str(o.text).Take(); };
      const auto u64 = [](const Operand& o) { return codec::KeyBuilder().U64(static_cast<std::uint64_t>(o.i)).Take(); };
      if (name == "tag") return prefixes(s.customer_tag, text);
      if (name == "owner") return prefixes(s.customer_owner, text);
      if (name == "country" || name == "address.country") return prefixes(s.customer_country, text);
      if (name == "organization") return prefixes(s.customer_org, u64);
      if (name == "parent") return prefixes(s.customer_parent, u64);
      if (name == "domain")
        return prefixes(s.customer_domain,
                        [&](const Operand& o) { return customers::DomainPrefix(ctx_, text::DomainOf(o.text)); });
      if (name == "email" || name == "external_id") {
        if (!eq) return std::nullopt;
        src.table = name == "email" ? s.customer_email : s.customer_external;
        for (const Operand& o : n.operands)
          src.unique_keys.push_back(name == "email" ? customers::EmailKey(ctx_, o.text)
                                                    : customers::ExternalKey(ctx_, o.text));
        return src;
      }
      if (name == "stage") {
        src.table = s.customer_stage;
        for (std::int64_t v = 1; v < static_cast<std::int64_t>(n.field.names->size()); ++v)
          for (const Operand& o : n.operands)
            if (eq ? v == o.i : Satisfies(n.op, v, o.i)) {
              src.prefixes.push_back(codec::KeyBuilder().U8(static_cast<std::uint8_t>(v)).Take());
              break;
            }
        return src;
      }
      if (name == "last_interaction_at" && ordered) return Range(s.customer_contacted, n, src);
      return std::nullopt;
    }
    if (f_.kind == EntityType::kInteraction) {
      // A customer's interactions are one cluster of the interactions table (its keys end with
      // the interaction's id); a deal's are in interaction_opp.
      const auto u64 = [](const Operand& o) { return codec::KeyBuilder().U64(static_cast<std::uint64_t>(o.i)).Take(); };
      if (name == "customer") return prefixes(s.interactions, u64);
      if (name == "opportunity") return prefixes(s.interaction_opp, u64);
      if (name == "external_id" && eq && s.interaction_external != model::kAbsentTable) {
        src.table = s.interaction_external;
        for (const Operand& o : n.operands) src.unique_keys.push_back(o.text);
        return src;
      }
      return std::nullopt;
    }
    const auto u64 = [](const Operand& o) { return codec::KeyBuilder().U64(static_cast<std::uint64_t>(o.i)).Take(); };
    if (name == "customer") return prefixes(s.opp_customer, u64);
    if (name == "external_id" && eq && s.opp_external != model::kAbsentTable) {
      src.table = s.opp_external;
      for (const Operand& o : n.operands) src.unique_keys.push_back(o.text);
      return src;
    }
    if (name == "contact") return prefixes(s.opp_contact, u64);
    if (name == "pipeline") return prefixes(s.opp_stage, u64);
    if (name == "owner") return prefixes(s.opp_owner, [](const Operand& o) { return codec::KeyBuilder().Str(o.text).Take(); });
    if (name == "stage")
      return prefixes(s.opp_stage, [](const Operand& o) {
        const auto code = static_cast<std::uint64_t>(o.i);
        return codec::KeyBuilder().U64(code >> 32).U32(static_cast<StageId>(code & 0xffffffff)).Take();
      });
    if (name == "status" && eq) {
      src.table = s.opp_stage;
      for (const Pipeline& p : p_.pipelines)
        for (const Stage& st : p.stages) {
          const std::int64_t status = st.outcome == StageOutcome::kWon ? 1 : st.outcome == StageOutcome::kLost ? 2 : 0;
          for (const Operand& o : n.operands)
            if (o.i == status) src.prefixes.push_back(codec::KeyBuilder().U64(p.id).U32(st.id).Take());
        }
      return src;
    }
    if (name == "expected_close" && ordered) return Range(s.opp_close, n, src);
    return std::nullopt;
  }

  // A comparison on a field read through the owner's user (team = 'East'): the owner index's
  // entries of every distinct owner text for which it holds. Owners are few; past kMaxOwners
  // distinct ones a scan of the records is cheaper.
  std::optional<Source> OwnerSource(const Node& n, Source src) {
    constexpr std::size_t kMaxOwners = 10000;
    const storage::Table table = f_.kind == EntityType::kCustomer      ? ctx_.schema.customer_owner
                                 : f_.kind == EntityType::kOpportunity ? ctx_.schema.opp_owner
                                                                       : model::kAbsentTable;
    if (p_.owners == nullptr || table == model::kAbsentTable) return std::nullopt;
    auto cursor = storage::Cursor::Open(ctx_.txn, table);
    if (!cursor.ok()) return Failed(cursor.status());
    src.table = table;
    src.label += " [through owners]";
    std::size_t owners = 0;
    for (auto at = cursor->First();; ) {
      if (!at.ok()) return Failed(at.status());
      if (!*at) break;
      codec::KeyReader r(cursor->key());
      std::optional<std::string> owner = r.Str();
      if (!owner) return Failed(absl::DataLossError("owner index: an entry is damaged"));
      if (++owners > kMaxOwners) return std::nullopt;
      std::string prefix = codec::KeyBuilder().Str(*owner).Take();
      at = cursor->Seek(codec::PrefixSuccessor(prefix));  // past this owner's entries
      if (HoldsForOwner(n, *owner, p_)) src.prefixes.push_back(std::move(prefix));
    }
    return src;
  }

  std::optional<Source> Failed(absl::Status s) {
    failure = std::move(s);
    return std::nullopt;
  }

  static bool RangesOnly(const Source& s) {
    return (!s.ranges.empty() || !s.loose.empty()) && s.prefixes.empty() && s.unique_keys.empty() &&
           s.literal_ids.empty() && !s.field.empty();
  }

  // The key ranges in both `a` and `b` (each a union of [lo, hi) ranges; hi empty: no bound).
  static std::vector<std::pair<std::string, std::string>> IntersectRanges(
      const std::vector<std::pair<std::string, std::string>>& a, const std::vector<std::pair<std::string, std::string>>& b) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [alo, ahi] : a)
      for (const auto& [blo, bhi] : b) {
        std::string lo = std::max(alo, blo);
        std::string hi = ahi.empty() ? bhi : bhi.empty() ? ahi : std::min(ahi, bhi);
        if (hi.empty() || lo < hi) out.emplace_back(std::move(lo), std::move(hi));
      }
    return out;
  }

  static bool Satisfies(Filter::Op op, std::int64_t v, std::int64_t x) {
    switch (op) {
      case Filter::Op::kLt: return v < x;
      case Filter::Op::kLe: return v <= x;
      case Filter::Op::kGt: return v > x;
      case Filter::Op::kGe: return v >= x;
      default: return v == x;
    }
  }

  // A time index keyed I64(time) U64(id): the keys of times the comparison can hold for.
  static std::optional<Source> Range(storage::Table table, const Node& n, Source src) {
    const std::int64_t x = n.operands.front().i;
    src.table = table;
    src.field = n.field.name;
    std::string lo, hi;
    switch (n.op) {
      case Filter::Op::kLt: hi = codec::KeyBuilder().I64(x).Take(); break;
      case Filter::Op::kLe: hi = codec::KeyBuilder().I64(x).U64(~std::uint64_t{0}).Take() + '\xff'; break;
      case Filter::Op::kGt: lo = codec::KeyBuilder().I64(x).U64(~std::uint64_t{0}).Take() + '\xff'; break;
      case Filter::Op::kGe: lo = codec::KeyBuilder().I64(x).Take(); break;
      default: return std::nullopt;
    }
    src.ranges.emplace_back(std::move(lo), std::move(hi));
    return src;
  }

  const Ctx& ctx_;
  const Compiled& f_;
  const Lookups& p_;
  bool include_archived_;
};

}  // namespace

PlanLimits& Limits() { return g_limits; }

absl::StatusOr<Candidates> FindCandidates(const Ctx& ctx, const Compiled& filter, const Lookups& pipelines,
                                          bool include_archived, Window window) {
  Candidates out;
  if (!filter.root) return out;
  Planner planner(ctx, filter, pipelines, include_archived);
  const FilterNode::Type root = filter.root->type;
  if ((window.after != 0 || window.first != SIZE_MAX) && root != FilterNode::Type::kAnd &&
      root != FilterNode::Type::kOr && root != FilterNode::Type::kNot)
    planner.window = window;
  if (window.only_count) planner.count_root = &*filter.root;
  std::string how;
  auto ids = planner.Run(*filter.root, &how);
  if (!ids.ok()) return ids.status();
  if (!planner.failure.ok()) return planner.failure;
  if (!ids->has_value()) return out;  // a full scan; the lookups made are of no use
  out.full_scan = false;
  out.ids = **std::move(ids);
  out.lookups = std::move(planner.lookups);
  out.exact = planner.exact();
  out.windowed = planner.windowed;
  if (planner.unsorted && !out.exact) std::sort(out.ids.begin(), out.ids.end());  // records to read, in key order
  out.how = std::move(how);
  return out;
}

}  // namespace crm::query
