#include "products/products.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "changes/changes.h"
#include "codec/key.h"
#include "common/errors.h"
#include "common/strings.h"
#include "model/external.h"
#include "model/records.h"
#include "model/validation.h"
#include "sales/scores.h"
#include "text/text.h"

namespace crm {

const Money* Product::PriceIn(std::string_view currency) const {
  for (const Money& m : prices)
    if (m.currency == currency) return &m;
  return nullptr;
}

}  // namespace crm

namespace crm::products {
namespace {

constexpr char kSequence[] = "seq.product";
constexpr std::size_t kCodeBytes = 128;
constexpr std::size_t kNameBytes = 256;
constexpr std::size_t kDescriptionBytes = 4096;
constexpr std::size_t kMaxPrices = 64;
constexpr std::size_t kMaxLines = 200;
constexpr std::size_t kLineTextBytes = 1024;
// A billion units: unit price x quantity x (10000 - discount) then stays within 128 bits.
constexpr std::int64_t kMaxQuantityMilli = 1'000'000'000'000;

using model::Field;
using model::Invalid;

const model::RecordKind kKind{&model::Schema::products, codec::RecordType::kProduct, "product"};

absl::Status NeedTables(const Ctx& ctx) {
  if (ctx.schema.products != model::kAbsentTable) return absl::OkStatus();
  return absl::FailedPreconditionError("this file predates products (opened read-only): open it writable once");
}

absl::Status Normalize(const Ctx& ctx, Product& p) {
  model::Trim(p.code);
  model::Trim(p.name);
  model::Trim(p.family);
  model::Trim(p.description);
  if (auto s = model::CheckRequiredText("code", p.code, kCodeBytes); !s.ok()) return s;
  if (auto s = model::CheckRequiredText("name", p.name, kNameBytes); !s.ok()) return s;
  if (auto s = model::CheckText("family", p.family, kNameBytes); !s.ok()) return s;
  if (auto s = model::CheckText("description", p.description, kDescriptionBytes, true); !s.ok()) return s;
  if (p.prices.size() > kMaxPrices) return Invalid("prices", absl::StrCat("more than ", kMaxPrices, " prices"));
  std::vector<std::string> seen;
  for (std::size_t i = 0; i < p.prices.size(); ++i) {
    const Money& m = p.prices[i];
    if (!IsKnownCurrency(m.currency))
      return Invalid(Field("prices", i, "currency"), absl::StrCat("'", m.currency, "' is not a known ISO 4217 code"));
    if (m.minor_units < 0) return Invalid(Field("prices", i, "minor_units"), "must not be negative");
    if (model::Repeats(seen, m.currency))
      return Invalid(Field("prices", i, "currency"), absl::StrCat("a second price in ", m.currency));
  }
  auto holder = model::FindExternal(ctx, ctx.schema.product_code, text::FoldCase(p.code));
  if (!holder.ok()) return holder.status();
  if (*holder != 0 && *holder != p.id)
    return absl::AlreadyExistsError(absl::StrCat("code: '", p.code, "' is already used by product ", *holder));
  return absl::OkStatus();
}

bool Sells(const Opportunity* o, ProductId id) {
  return o != nullptr &&
         std::any_of(o->lines.begin(), o->lines.end(), [&](const LineItem& l) { return l.product == id; });
}

}  // namespace

absl::StatusOr<Product> Get(const Ctx& ctx, ProductId id) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  return model::Get<Product>(ctx, kKind, id);
}

absl::StatusOr<Product> FindByCode(const Ctx& ctx, std::string_view code) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  std::string folded = text::FoldCase(code);
  model::Trim(folded);
  auto id = folded.empty() ? absl::StatusOr<std::uint64_t>(0) : model::FindExternal(ctx, ctx.schema.product_code, folded);
  if (!id.ok()) return id.status();
  if (*id == 0) return absl::NotFoundError(absl::StrCat("no product has the code '", Av(code), "'"));
  return Get(ctx, *id);
}

absl::StatusOr<std::vector<Product>> List(const Ctx& ctx, bool active_only) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  std::vector<Product> out;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.products, {}, {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 Product p;
                                 const std::uint64_t id = key.size() == 8 ? codec::GetBigEndian64(key.data()) : 0;
                                 if (auto st = codec::Decode(value, kKind.type, {"product", id}, p); !st.ok()) return st;
                                 if (p.id != id)
                                   return absl::DataLossError(absl::StrCat("product ", id, ": stored record holds id ", p.id));
                                 if (!active_only || p.active) out.push_back(std::move(p));
                                 return true;
                               });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::uint64_t> CountDeals(const Ctx& ctx, ProductId id) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  std::uint64_t n = 0;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.product_deals, codec::EncodeU64(id), {},
                               [&](std::string_view, std::string_view) -> absl::StatusOr<bool> {
                                 ++n;
                                 return true;
                               });
  if (!s.ok()) return s;
  return n;
}

absl::StatusOr<Product> Create(Ctx& ctx, Product p) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  p.id = 0;
  if (auto s = Normalize(ctx, p); !s.ok()) return s;
  auto id = model::NextId(ctx, kSequence);
  if (!id.ok()) return id.status();
  p.id = *id;
  if (auto s = model::StampNew(p, ctx); !s.ok()) return s;
  absl::Status s = model::Put(ctx, kKind, p, /*fresh=*/true);
  if (s.ok()) s = model::MoveExternal(ctx, ctx.schema.product_code, {}, text::FoldCase(p.code), p.id);
  if (s.ok()) s = changes::Record(ctx, EntityType::kProduct, p.id, ChangeOp::kCreate, {}, changes::Flatten(p));
  if (!s.ok()) return s;
  return p;
}

absl::StatusOr<Product> Update(Ctx& ctx, Product p) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  auto before = model::LoadForUpdate(ctx, kKind, p);
  if (!before.ok()) return before.status();
  if (auto s = Normalize(ctx, p); !s.ok()) return s;
  model::StampChanged(p, *before, ctx.now);
  absl::Status s = model::Put(ctx, kKind, p);
  if (s.ok())
    s = model::MoveExternal(ctx, ctx.schema.product_code, text::FoldCase(before->code), text::FoldCase(p.code), p.id);
  if (s.ok()) s = sales::MoveProductFamily(ctx, p.id, before->family, p.family);
  if (s.ok())
    s = changes::Record(ctx, EntityType::kProduct, p.id, ChangeOp::kUpdate, changes::Flatten(*before),
                        changes::Flatten(p));
  if (!s.ok()) return s;
  return p;
}

absl::Status Delete(Ctx& ctx, ProductId id) {
  auto p = Get(ctx, id);
  if (!p.ok()) return p.status();
  auto deals = CountDeals(ctx, id);
  if (!deals.ok()) return deals.status();
  if (*deals != 0)
    return HasDependentsError(absl::StrCat("product ", id, " (", p->code, ") is on ", *deals,
                                           *deals == 1 ? " deal" : " deals", ": deactivate it instead"));
  absl::Status s = ctx.txn.Del(ctx.schema.products, codec::EncodeU64(id)).status();
  if (s.ok()) s = model::MoveExternal(ctx, ctx.schema.product_code, text::FoldCase(p->code), {}, id);
  if (s.ok()) s = changes::Record(ctx, EntityType::kProduct, id, ChangeOp::kDelete, changes::Flatten(*p), {});
  return s;
}

std::string FamilyOf(const Ctx& ctx, ProductId id, absl::Status* failed) {
  auto product = Get(ctx, id);
  if (!product.ok() && !absl::IsNotFound(product.status())) *failed = product.status();
  return product.ok() ? product->family : std::string();
}

absl::StatusOr<std::int64_t> LineTotal(std::int64_t unit_minor, std::int64_t quantity_milli, std::int32_t discount_bp) {
  // unit x quantity / 1000 x (10000 - discount) / 10000, in one division: exact before rounding.
  const __int128 numerator = static_cast<__int128>(unit_minor) * quantity_milli * (10000 - discount_bp);
  constexpr __int128 kDenominator = 10'000'000;
  __int128 total = numerator / kDenominator;
  const __int128 rest = numerator % kDenominator;
  if (2 * (rest < 0 ? -rest : rest) >= kDenominator) total += numerator < 0 ? -1 : 1;
  if (total > INT64_MAX || total < INT64_MIN) return absl::InvalidArgumentError("the total is too large");
  return static_cast<std::int64_t>(total);
}

absl::Status SettleLines(const Ctx& ctx, Opportunity& o, const Opportunity* before) {
  if (o.lines.empty()) return absl::OkStatus();
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  if (o.lines.size() > kMaxLines) return Invalid("lines", absl::StrCat("more than ", kMaxLines, " lines"));
  std::vector<Product> sold(o.lines.size());
  for (std::size_t i = 0; i < o.lines.size(); ++i) {
    LineItem& l = o.lines[i];
    if (l.product == 0) return Invalid(Field("lines", i, "product"), "a line needs its product");
    auto p = Get(ctx, l.product);
    if (!p.ok())
      return absl::IsNotFound(p.status())
                 ? Invalid(Field("lines", i, "product"), absl::StrCat("product ", l.product, " does not exist"))
                 : p.status();
    if (!p->active && !Sells(before, l.product))
      return Invalid(Field("lines", i, "product"),
                     absl::StrCat("product ", l.product, " (", p->code, ") is inactive: no new line may name it"));
    if (l.quantity_milli <= 0 || l.quantity_milli > kMaxQuantityMilli)
      return Invalid(Field("lines", i, "quantity_milli"),
                     "must be above 0 and at most a billion units (thousandths of a unit: 1000 is one)");
    if (l.discount_bp < 0 || l.discount_bp > 10000)
      return Invalid(Field("lines", i, "discount_bp"), "must be between 0 and 10000 basis points (0 to 100 %)");
    model::Trim(l.description);
    if (auto s = model::CheckText(Field("lines", i, "description"), l.description, kLineTextBytes); !s.ok()) return s;
    if (!l.unit_price.currency.empty() && !IsKnownCurrency(l.unit_price.currency))
      return Invalid(Field("lines", i, "unit_price.currency"),
                     absl::StrCat("'", l.unit_price.currency, "' is not a known ISO 4217 code"));
    if (l.unit_price.currency.empty() && l.unit_price.minor_units != 0)
      return Invalid(Field("lines", i, "unit_price.currency"), "a unit price needs its currency");
    if (l.unit_price.minor_units < 0) return Invalid(Field("lines", i, "unit_price"), "must not be negative");
    sold[i] = *std::move(p);
  }
  // The deal's currency: its amount's, else the first priced line's, else the first product's
  // only list price's.
  std::string currency = o.amount.currency;
  for (const LineItem& l : o.lines)
    if (currency.empty()) currency = l.unit_price.currency;
  if (currency.empty()) {
    if (sold.front().prices.size() != 1)
      return Invalid(Field("lines", 0, "unit_price"),
                     absl::StrCat("product ", sold.front().id, " (", sold.front().code, ") has ",
                                  sold.front().prices.size(),
                                  " list prices: give a unit price, or the deal's currency as its amount's"));
    currency = sold.front().prices.front().currency;
  }
  std::int64_t amount = 0;
  for (std::size_t i = 0; i < o.lines.size(); ++i) {
    LineItem& l = o.lines[i];
    if (l.unit_price.currency.empty()) {
      const Money* list = sold[i].PriceIn(currency);
      if (list == nullptr)
        return Invalid(Field("lines", i, "unit_price"), absl::StrCat("product ", sold[i].id, " (", sold[i].code,
                                                                     ") has no list price in ", currency,
                                                                     ": give a unit price"));
      l.unit_price = *list;
    } else if (l.unit_price.currency != currency) {
      return Invalid(Field("lines", i, "unit_price.currency"),
                     absl::StrCat("is ", l.unit_price.currency, ", and the deal is in ", currency,
                                  ": every line of a deal is in its currency"));
    }
    auto total = LineTotal(l.unit_price.minor_units, l.quantity_milli, l.discount_bp);
    if (!total.ok()) return Invalid(Field("lines", i, "total"), "is too large for an amount");
    l.total = Money{*total, currency};
    if (__builtin_add_overflow(amount, *total, &amount))
      return Invalid("amount", "the lines' totals add up to more than an amount holds");
  }
  o.amount = Money{amount, currency};
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> Check(const Ctx& ctx, std::uint64_t* records, std::uint64_t* entries) {
  std::vector<std::string> problems;
  if (ctx.schema.products == model::kAbsentTable) return problems;
  absl::flat_hash_map<std::string, ProductId> codes;  // folded code -> id
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.products, {}, {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 ++*records;
                                 Product p;
                                 const std::uint64_t id = key.size() == 8 ? codec::GetBigEndian64(key.data()) : 0;
                                 if (auto st = codec::Decode(value, kKind.type, {"product", id}, p); !st.ok())
                                   problems.emplace_back(st.message());
                                 else if (p.id != id || id == 0)
                                   problems.push_back(absl::StrCat("product ", id, ": the stored record holds id ", p.id));
                                 else
                                   codes[text::FoldCase(p.code)] = id;
                                 return true;
                               });
  if (!s.ok()) return s;
  std::size_t lookups = 0;
  s = storage::ScanPrefix(ctx.txn, ctx.schema.product_code, {}, {},
                          [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                            ++*entries;
                            ++lookups;
                            auto it = codes.find(Av(key));
                            if (value.size() != 8 || it == codes.end() || it->second != codec::GetBigEndian64(value.data()))
                              problems.push_back(absl::StrCat("product_code: the entry '", Av(key),
                                                              "' names a product that does not hold it"));
                            return true;
                          });
  if (!s.ok()) return s;
  if (lookups != codes.size())
    problems.push_back(absl::StrCat("product_code: ", codes.size(), " products, ", lookups, " entries"));
  absl::flat_hash_map<ProductId, bool> known;
  for (const auto& [code, id] : codes) known[id] = true;
  s = storage::ScanPrefix(ctx.txn, ctx.schema.product_deals, {}, {},
                          [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                            const ProductId id = key.size() == 16 ? codec::GetBigEndian64(key.data()) : 0;
                            if (!known.contains(id))
                              problems.push_back(absl::StrCat("product_deals: an entry names product ", id,
                                                              ", which does not exist"));
                            return true;
                          });
  if (!s.ok()) return s;
  return problems;
}

absl::StatusOr<std::shared_ptr<const Catalog>> Catalog::Load(const Ctx& ctx) {
  auto all = List(ctx, false);
  if (!all.ok()) return all.status();
  auto c = std::make_shared<Catalog>();
  for (Product& p : *all) c->by_id_.emplace(p.id, std::move(p));
  return std::shared_ptr<const Catalog>(std::move(c));
}

const Product* Catalog::Find(ProductId id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

}  // namespace crm::products
