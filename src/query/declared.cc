#include "query/declared.h"

#include <algorithm>
#include <climits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "codec/envelope.h"
#include "codec/key.h"
#include "common/strings.h"
#include "model/sealing.h"
#include "model/serialize.h"
#include "query/eval.h"

namespace crm::query {
namespace {

using model::Ctx;

constexpr std::size_t kMaxDeclared = 32;  // per kind: each one costs every write of the kind
constexpr char kSequence[] = "seq.index";

const char* KindName(EntityType kind) { return kind == EntityType::kCustomer ? "customers" : "opportunities"; }

std::string CatalogKey(EntityType kind, std::string_view name) {
  return codec::KeyBuilder().U8(static_cast<std::uint8_t>(kind)).Str(name).Take();
}

std::string NumberPrefix(std::uint32_t number) { return codec::KeyBuilder().U32(number).Take(); }

// Fields with an index of their own, which a declared one would only duplicate, and fields whose
// values are not kept in the record itself.
bool HasOwnIndex(EntityType kind, std::string_view name) {
  static const std::string_view kCustomers[] = {"id",          "email",        "phone",    "tag",
                                                "owner",       "external_id",  "stage",    "address.country",
                                                "organization", "domain",      "parent",   "last_interaction_at"};
  static const std::string_view kOpportunities[] = {"id",    "customer",       "pipeline", "stage",      "status",
                                                    "owner", "expected_close", "contact",  "external_id",
                                                    "forecast_category"};
  if (kind == EntityType::kCustomer) return std::find(std::begin(kCustomers), std::end(kCustomers), name) != std::end(kCustomers);
  return std::find(std::begin(kOpportunities), std::end(kOpportunities), name) != std::end(kOpportunities);
}

absl::StatusOr<std::vector<DeclaredField>> LoadKind(const Ctx& ctx, EntityType kind) {
  std::vector<DeclaredField> out;
  if (ctx.schema.index_catalog == model::kAbsentTable) return out;
  const std::string prefix = codec::KeyBuilder().U8(static_cast<std::uint8_t>(kind)).Take();
  absl::Status s = storage::ScanPrefix(ctx.txn, ctx.schema.index_catalog, prefix, {},
                                       [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                         codec::KeyReader r(key.substr(1));
                                         auto name = r.Str();
                                         codec::KeyReader v(value);
                                         auto number = v.U32();
                                         if (!name || !r.done() || !number || !v.done())
                                           return absl::DataLossError("index_catalog: an entry is damaged");
                                         auto field = Resolve(kind, *name);
                                         if (!field.ok())
                                           return absl::DataLossError(absl::StrCat(
                                               "index_catalog: declares an index on unknown field '", *name, "'"));
                                         out.push_back(DeclaredField{*number, *std::move(name), *std::move(field)});
                                         return true;
                                       });
  if (!s.ok()) return s;
  return out;
}

// The declared indexes of `kind`, from the transaction's catalogue when it has one.
absl::StatusOr<const std::vector<DeclaredField>*> Declared(const Ctx& ctx, EntityType kind,
                                                          std::vector<DeclaredField>* scratch) {
  if (ctx.indexes != nullptr) return ctx.indexes->Of(ctx, kind);
  auto all = LoadKind(ctx, kind);
  if (!all.ok()) return all.status();
  *scratch = *std::move(all);
  return scratch;
}

template <class EachValue>
std::vector<std::string> KeysOf(const std::vector<DeclaredField>& fields, std::uint64_t id, EachValue each) {
  std::vector<std::string> out;
  if (fields.empty()) return out;
  const std::string id_bytes = codec::EncodeU64(id);
  for (const DeclaredField& d : fields)
    each(d.field, [&](const Val& v) { out.push_back(NumberPrefix(d.number) + SortKey(&v, d.field) + id_bytes); });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Calls fn(id, keys, flags) for every record of `kind` with its keys in `fields`.
template <class Fn>
absl::Status EachRecord(const Ctx& ctx, EntityType kind, const std::vector<DeclaredField>& fields, Fn fn) {
  const bool customers = kind == EntityType::kCustomer;
  const Lookups none;
  Customer c;
  Opportunity o;
  return storage::ScanPrefix(
      ctx.txn, customers ? ctx.schema.customers : ctx.schema.opportunities, {}, {},
      [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
        if (key.size() != 8) return absl::DataLossError(absl::StrCat(KindName(kind), ": a key is damaged"));
        const std::uint64_t id = codec::GetBigEndian64(key.data());
        absl::Status st = customers ? codec::Decode(value, codec::RecordType::kCustomer, {"customer", id}, c, ctx.sealing)
                                    : codec::Decode(value, codec::RecordType::kOpportunity, {"opportunity", id}, o);
        if (!st.ok()) return st;
        std::vector<std::string> keys =
            customers ? KeysOf(fields, id, [&](const FieldRef& f, auto each) { Values(c, none, f, each); })
                      : KeysOf(fields, id, [&](const FieldRef& f, auto each) { Values(o, none, f, each); });
        const char flags = customers && c.archived ? model::kFlagArchived : 0;
        if (auto s = fn(id, keys, flags); !s.ok()) return s;
        return true;
      });
}

absl::Status NeedTables(const Ctx& ctx) {
  if (ctx.schema.index_catalog == model::kAbsentTable || ctx.schema.field_index == model::kAbsentTable)
    return absl::FailedPreconditionError("indexes: this database predates declared indexes (open it writable once to upgrade it)");
  return absl::OkStatus();
}

using K = Literal::Kind;

// Adds where `op` holds against the value encoded as `e`, among the keys under `t` (the value's
// type): `e` is `t` followed by the value. kPrefix: `e` is `t` and the unterminated text.
void Add(DeclaredLookup& out, Filter::Op op, const std::string& t, const std::string& e) {
  switch (op) {
    case Filter::Op::kEq: out.prefixes.push_back(e); return;
    case Filter::Op::kLt: out.ranges.emplace_back(t, e); return;
    case Filter::Op::kLe: out.ranges.emplace_back(t, codec::PrefixSuccessor(e)); return;
    case Filter::Op::kGt: out.ranges.emplace_back(codec::PrefixSuccessor(e), codec::PrefixSuccessor(t)); return;
    case Filter::Op::kGe: out.ranges.emplace_back(e, codec::PrefixSuccessor(t)); return;
    case Filter::Op::kPrefix: out.ranges.emplace_back(e, codec::PrefixSuccessor(e)); return;
    case Filter::Op::kNe: return;
  }
}

// Every value of a type: a superset, each entry to be tested on its record.
void Whole(DeclaredLookup& out, const std::string& t) { out.loose.emplace_back(t, codec::PrefixSuccessor(t)); }

void AddText(DeclaredLookup& out, Filter::Op op, const std::string& t, const std::string& text) {
  Add(out, op, t, t + (op == Filter::Op::kPrefix ? codec::KeyBuilder().StrPrefix(text).Take() : codec::KeyBuilder().Str(text).Take()));
}

void AddNumber(DeclaredLookup& out, Filter::Op op, const std::string& t, std::int64_t v) {
  if (op != Filter::Op::kPrefix) Add(out, op, t, t + codec::KeyBuilder().I64(v).Take());
}

// An integer custom value against a decimal literal: the integers around it, a superset.
void AddDecimal(DeclaredLookup& out, Filter::Op op, const std::string& t, const Literal& l) {
  DeclaredLookup around;
  std::int64_t scale = 1;
  for (int i = 0; i < l.scale && scale <= INT64_MAX / 10; ++i) scale *= 10;
  const std::int64_t floor = l.i >= 0 ? l.i / scale : -((-l.i + scale - 1) / scale);
  const std::int64_t ceil = l.i >= 0 ? (l.i + scale - 1) / scale : -(-l.i / scale);
  switch (op) {
    case Filter::Op::kEq:
      if (floor == ceil) AddNumber(around, op, t, floor);
      break;
    case Filter::Op::kLt:
    case Filter::Op::kLe: AddNumber(around, Filter::Op::kLe, t, ceil); break;
    case Filter::Op::kGt:
    case Filter::Op::kGe: AddNumber(around, Filter::Op::kGe, t, floor); break;
    default: break;
  }
  for (const std::string& p : around.prefixes) out.loose.emplace_back(p, codec::PrefixSuccessor(p));
  out.loose.insert(out.loose.end(), around.ranges.begin(), around.ranges.end());
}

void AddCustom(DeclaredLookup& out, Filter::Op op, const std::string& base, const Operand& o) {
  const auto type = [&](std::size_t index) { return base + codec::KeyBuilder().U8(static_cast<std::uint8_t>(index)).Take(); };
  constexpr std::size_t kString = 0, kInt = 1, kMoney = 2, kTime = 3, kBool = 4;
  switch (o.lit.kind) {
    case K::kText:
      AddText(out, op, type(kString), o.text);
      if (o.time) AddNumber(out, op, type(kTime), *o.time);
      return;
    case K::kInt:
      AddNumber(out, op, type(kInt), o.lit.i);
      AddNumber(out, op, type(kTime), o.lit.i);
      if (op != Filter::Op::kPrefix) Whole(out, type(kMoney));  // every currency has its own scale
      return;
    case K::kDecimal:
      AddDecimal(out, op, type(kInt), o.lit);
      if (op != Filter::Op::kPrefix) Whole(out, type(kMoney));
      return;
    case K::kMoney: {
      const std::string t = type(kMoney) + codec::KeyBuilder().Str(o.lit.money.currency).Take();
      return AddNumber(out, op, t, o.lit.money.minor_units);
    }
    case K::kTime: return AddNumber(out, op, type(kTime), o.lit.i);
    case K::kBool:
      if (op != Filter::Op::kPrefix) Add(out, op, type(kBool), type(kBool) + codec::KeyBuilder().U8(o.lit.i != 0).Take());
      return;
  }
}

}  // namespace

std::optional<DeclaredLookup> LookupOf(const DeclaredField& d, const Node& n) {
  if (n.type != FilterNode::Type::kCompare && n.type != FilterNode::Type::kIn) return std::nullopt;
  const Filter::Op op = n.type == FilterNode::Type::kIn ? Filter::Op::kEq : n.op;
  if (op == Filter::Op::kNe) return std::nullopt;
  const std::string base = NumberPrefix(d.number) + codec::KeyBuilder().U8(1).Take();  // SortKey's "has a value"
  DeclaredLookup out;
  for (const Operand& o : n.operands) {
    switch (d.field.type) {
      case Type::kText:
      case Type::kExact:
      case Type::kPhone: AddText(out, op, base, o.text); break;
      case Type::kId:
      case Type::kInt:
      case Type::kTime:
      case Type::kBool:
      case Type::kEnum: AddNumber(out, op, base, o.i); break;
      case Type::kMoney:
        if (o.lit.kind == K::kMoney)
          AddNumber(out, op, base + codec::KeyBuilder().Str(o.lit.money.currency).Take(), o.lit.money.minor_units);
        else if (op != Filter::Op::kPrefix)
          Whole(out, base);  // an amount without a currency: every currency, each with its own scale
        break;
      case Type::kCustom: AddCustom(out, op, base, o); break;
      case Type::kStage: return std::nullopt;
    }
  }
  return out;
}

absl::StatusOr<const std::vector<DeclaredField>*> IndexCatalog::Of(const Ctx& ctx, EntityType kind) {
  if (!loaded_) {
    auto c = LoadKind(ctx, EntityType::kCustomer);
    if (!c.ok()) return c.status();
    auto o = LoadKind(ctx, EntityType::kOpportunity);
    if (!o.ok()) return o.status();
    customers_ = *std::move(c);
    opportunities_ = *std::move(o);
    loaded_ = true;
  }
  return kind == EntityType::kCustomer ? &customers_ : &opportunities_;
}

absl::StatusOr<std::vector<std::string>> DeclaredKeys(const Ctx& ctx, const Customer& c) {
  std::vector<DeclaredField> scratch;
  auto fields = Declared(ctx, EntityType::kCustomer, &scratch);
  if (!fields.ok()) return fields.status();
  const Lookups none;  // no declarable field depends on the users
  return KeysOf(**fields, c.id, [&](const FieldRef& f, auto each) { Values(c, none, f, each); });
}

absl::StatusOr<std::vector<std::string>> DeclaredKeys(const Ctx& ctx, const Opportunity& o) {
  std::vector<DeclaredField> scratch;
  auto fields = Declared(ctx, EntityType::kOpportunity, &scratch);
  if (!fields.ok()) return fields.status();
  const Lookups none;  // no declarable field depends on the pipeline
  return KeysOf(**fields, o.id, [&](const FieldRef& f, auto each) { Values(o, none, f, each); });
}

std::string EntryValue(std::string_view key, char flags) { return codec::IndexValue(key, flags); }

bool EntrySound(std::string_view key, std::string_view value) { return codec::IndexValueSound(key, value); }

absl::Status CheckEntry(std::string_view key, std::string_view value) {
  if (!EntrySound(key, value))
    return absl::DataLossError("database is damaged: an entry of a declared index fails its checksum (verify the "
                               "database, and restore it from a backup)");
  return absl::OkStatus();
}

absl::Status ApplyDeclared(Ctx& ctx, const std::vector<std::string>& before, const std::vector<std::string>& after,
                           char flags, bool rewrite) {
  for (const std::string& k : before)
    if (!std::binary_search(after.begin(), after.end(), k))
      if (auto s = ctx.txn.Del(ctx.schema.field_index, k); !s.ok()) return s.status();
  for (const std::string& k : after)
    if (rewrite || !std::binary_search(before.begin(), before.end(), k))
      if (auto s = ctx.txn.Put(ctx.schema.field_index, k, EntryValue(k, flags)); !s.ok()) return s;
  return absl::OkStatus();
}

absl::StatusOr<const DeclaredField*> FindDeclared(const Ctx& ctx, EntityType kind, const FieldRef& f) {
  if (ctx.indexes == nullptr) return nullptr;
  auto fields = ctx.indexes->Of(ctx, kind);
  if (!fields.ok()) return fields.status();
  const std::string name = CanonicalName(kind, f);
  for (const DeclaredField& d : **fields)
    if (d.name == name) return &d;
  return nullptr;
}

absl::Status Declare(Ctx& ctx, EntityType kind, std::string_view field) {
  if (kind != EntityType::kCustomer && kind != EntityType::kOpportunity)
    return absl::InvalidArgumentError("kind: indexes are declared on customers or opportunities");
  auto f = Resolve(kind, field);
  if (!f.ok()) return absl::InvalidArgumentError(absl::StrCat("field: ", f.status().message()));
  const std::string name = CanonicalName(kind, *f);
  if (HasOwnIndex(kind, name))
    return absl::InvalidArgumentError(absl::StrCat("field: ", KindName(kind), "' field '", name,
                                                   "' has an index of its own"));
  if (NeedsOwners(*f))
    return absl::InvalidArgumentError(absl::StrCat("field: '", name, "' is read through the owner's user, not kept in ",
                                                   KindName(kind), ": it cannot be indexed (filter by owner instead)"));
  if (NeedsCatalog(kind, *f))
    return absl::InvalidArgumentError(absl::StrCat("field: '", name, "' is read through the product catalog, not kept in ",
                                                   KindName(kind), ": it cannot be indexed (index product.id instead)"));
  // Declared index keys hold the values themselves, in order (for ranges and sorting).
  if (ctx.sealing != nullptr && kind == EntityType::kCustomer)
    return absl::FailedPreconditionError(absl::StrCat(
        "field: the store is encrypted, and an index on customers' '", name,
        "' would keep its values in plain text in the file; filters on it read the records instead"));
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  std::vector<DeclaredField> scratch;
  auto fields = Declared(ctx, kind, &scratch);
  if (!fields.ok()) return fields.status();
  for (const DeclaredField& d : **fields)
    if (d.name == name) return absl::OkStatus();  // declared already
  if ((*fields)->size() >= kMaxDeclared)
    return absl::ResourceExhaustedError(
        absl::StrCat("indexes: ", KindName(kind), " have ", kMaxDeclared, " declared indexes, the most a kind may have"));
  auto number = model::NextId(ctx, kSequence);
  if (!number.ok()) return number.status();
  if (*number > 0xffffffffu) return absl::ResourceExhaustedError("indexes: no index numbers are left");
  const DeclaredField d{static_cast<std::uint32_t>(*number), name, *f};
  absl::Status s = ctx.txn.Put(ctx.schema.index_catalog, CatalogKey(kind, name), NumberPrefix(d.number));
  if (s.ok())
    s = EachRecord(ctx, kind, {d}, [&](std::uint64_t, const std::vector<std::string>& keys, char flags) {
      return ApplyDeclared(ctx, {}, keys, flags, false);
    });
  if (ctx.indexes != nullptr) ctx.indexes->Forget();
  return s;
}

absl::Status Drop(Ctx& ctx, EntityType kind, std::string_view field) {
  if (kind != EntityType::kCustomer && kind != EntityType::kOpportunity)
    return absl::InvalidArgumentError("kind: indexes are declared on customers or opportunities");
  auto f = Resolve(kind, field);
  if (!f.ok()) return absl::InvalidArgumentError(absl::StrCat("field: ", f.status().message()));
  const std::string name = CanonicalName(kind, *f);
  std::vector<DeclaredField> scratch;
  auto fields = Declared(ctx, kind, &scratch);
  if (!fields.ok()) return fields.status();
  const auto it = std::find_if((*fields)->begin(), (*fields)->end(), [&](const DeclaredField& d) { return d.name == name; });
  if (it == (*fields)->end())
    return absl::NotFoundError(absl::StrCat("field: ", KindName(kind), " have no declared index on '", name, "'"));
  const std::string prefix = NumberPrefix(it->number);
  std::vector<std::string> keys;
  absl::Status s = storage::ScanPrefix(ctx.txn, ctx.schema.field_index, prefix, {},
                                       [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                         keys.emplace_back(key);
                                         return true;
                                       });
  if (!s.ok()) return s;
  s = ctx.txn.Del(ctx.schema.index_catalog, CatalogKey(kind, name)).status();
  for (const std::string& k : keys)
    if (s.ok()) s = ctx.txn.Del(ctx.schema.field_index, k).status();
  if (ctx.indexes != nullptr) ctx.indexes->Forget();
  return s;
}

absl::StatusOr<std::vector<IndexInfo>> ListDeclared(const Ctx& ctx) {
  std::vector<IndexInfo> out;
  for (EntityType kind : {EntityType::kCustomer, EntityType::kOpportunity}) {
    std::vector<DeclaredField> scratch;
    auto fields = Declared(ctx, kind, &scratch);
    if (!fields.ok()) return fields.status();
    for (const DeclaredField& d : **fields) {
      IndexInfo info;
      info.kind = kind;
      info.field = d.name;
      absl::Status s = storage::ScanPrefix(ctx.txn, ctx.schema.field_index, NumberPrefix(d.number), {},
                                           [&](std::string_view, std::string_view) -> absl::StatusOr<bool> {
                                             ++info.entries;
                                             return true;
                                           });
      if (!s.ok()) return s;
      out.push_back(std::move(info));
    }
  }
  return out;
}

absl::StatusOr<std::uint64_t> CheckDeclared(const Ctx& ctx, std::vector<std::string>* problems) {
  if (ctx.schema.field_index == model::kAbsentTable) return 0;
  std::uint64_t present = 0;  // entries the records have and the index holds
  std::vector<std::uint32_t> numbers;
  for (EntityType kind : {EntityType::kCustomer, EntityType::kOpportunity}) {
    auto fields = LoadKind(ctx, kind);
    if (!fields.ok()) return fields.status();
    for (const DeclaredField& d : *fields) numbers.push_back(d.number);
    if (fields->empty()) continue;
    absl::Status s = EachRecord(ctx, kind, *fields, [&](std::uint64_t id, const std::vector<std::string>& keys, char flags) {
      for (const std::string& k : keys) {
        std::string_view stored;
        auto found = ctx.txn.Get(ctx.schema.field_index, k, &stored);
        if (!found.ok()) return found.status();
        if (*found) ++present;
        if (!*found)
          problems->push_back(absl::StrCat("field_index: ", KindName(kind), " record ", id, " lacks an entry of a declared index"));
        else if (stored != EntryValue(k, flags))
          problems->push_back(absl::StrCat("field_index: the entry of ", KindName(kind), " record ", id,
                                           " carries the wrong flags or checksum"));
      }
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
  }
  std::sort(numbers.begin(), numbers.end());
  std::uint64_t held = 0, strays = 0;
  absl::Status s = storage::ScanPrefix(ctx.txn, ctx.schema.field_index, {}, {},
                                       [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                         codec::KeyReader r(key);
                                         auto number = r.U32();
                                         if (!number || !std::binary_search(numbers.begin(), numbers.end(), *number))
                                           ++strays;
                                         else
                                           ++held;
                                         return true;
                                       });
  if (!s.ok()) return s;
  if (strays != 0) problems->push_back(absl::StrCat("field_index: ", strays, " entries belong to no declared index"));
  if (held > present)
    problems->push_back(absl::StrCat("field_index: ", held - present, " entries that no record has"));
  return held + strays;
}

}  // namespace crm::query
