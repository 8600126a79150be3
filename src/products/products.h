// Products (crm/product.hpp): the catalog, kept by id with a unique lookup by folded code, and
// the pricing of deals' line items against it.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "crm/product.hpp"
#include "model/schema.h"

namespace crm::products {

using model::Ctx;

absl::StatusOr<Product> Get(const Ctx& ctx, ProductId id);
absl::StatusOr<Product> FindByCode(const Ctx& ctx, std::string_view code);
absl::StatusOr<std::vector<Product>> List(const Ctx& ctx, bool active_only);
absl::StatusOr<std::uint64_t> CountDeals(const Ctx& ctx, ProductId id);

absl::StatusOr<Product> Create(Ctx& ctx, Product p);
absl::StatusOr<Product> Update(Ctx& ctx, Product p);
absl::Status Delete(Ctx& ctx, ProductId id);

// Checks and prices the lines of `o` (`before`: the stored deal, nullptr for a new one): each
// names a product (active, unless `before` already sells it), in the deal's currency, its unit
// price filled in from the list price where it has none, and its total computed; the amount of
// a deal with lines becomes their sum.
absl::Status SettleLines(const Ctx& ctx, Opportunity& o, const Opportunity* before);

// The family of stored product `id`: "" when it has none or is gone; a failed read sets *failed.
std::string FamilyOf(const Ctx& ctx, ProductId id, absl::Status* failed);

// A line's total: quantity x unit price less the discount, rounded half away from zero;
// InvalidArgument when it does not fit.
absl::StatusOr<std::int64_t> LineTotal(std::int64_t unit_minor, std::int64_t quantity_milli, std::int32_t discount_bp);

// What Verify finds wrong with the catalog: records that do not decode or hold another id, the
// code lookup not matching the codes, deals' entries naming a product that does not exist.
absl::StatusOr<std::vector<std::string>> Check(const Ctx& ctx, std::uint64_t* records, std::uint64_t* entries);

// The catalog as queries read it (the code and family of a deal's products), loaded whole:
// products are few.
class Catalog {
 public:
  static absl::StatusOr<std::shared_ptr<const Catalog>> Load(const Ctx& ctx);
  const Product* Find(ProductId id) const;

 private:
  absl::flat_hash_map<ProductId, Product> by_id_;
};

}  // namespace crm::products
