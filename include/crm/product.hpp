// Products: the catalog deals are sold from (since 0.15). A deal's line items
// (Opportunity::lines, crm/opportunity.hpp) name products of it; a deal with lines has the sum of
// their totals as its amount.
//
// Thread safety: records are plain values (see types.hpp); the operations are members of the
// transactions (store.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/opportunity.hpp"
#include "crm/txn_part.hpp"
#include "crm/types.hpp"

namespace crm {

struct Product {
  // Managed by the store (see Customer).
  ProductId id = 0;
  std::uint64_t revision = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;

  std::string code = {};  // required: the product code (SKU); unique, case-insensitively
  std::string name = {};  // required
  std::string family = {};       // the product line it belongs to ("GTX"); optional
  std::string description = {};  // optional
  // An inactive product stays on the deals that have it, but no new line may name it.
  bool active = true;
  // List prices, at most one per currency (a line without a unit price takes the one in its
  // deal's currency).
  std::vector<Money> prices = {};

  // The list price in `currency`; nullptr when it has none.
  const Money* PriceIn(std::string_view currency) const;

  friend bool operator==(const Product&, const Product&) = default;
};

// Reads of the catalog: members of every transaction.
class ProductReads {
 public:
  absl::StatusOr<Product> GetProduct(ProductId id) const;
  // NotFound when no product has that code (compared case-insensitively).
  absl::StatusOr<Product> FindProductByCode(std::string_view code) const;
  // Every product in id order; with `active_only`, the active ones.
  absl::StatusOr<std::vector<Product>> ListProducts(bool active_only = false) const;
  // How many deals have a line naming the product.
  absl::StatusOr<std::uint64_t> CountDealsWithProduct(ProductId id) const;

 protected:
  ProductReads() = default;
};

// Writes of the catalog: members of WriteTxn.
class ProductWrites {
 public:
  // AlreadyExists when the code is taken.
  absl::StatusOr<Product> CreateProduct(const Product& product);
  // Revision checked. Deals keep their lines, prices and amounts as they are: a new list price
  // applies to lines written after it.
  absl::StatusOr<Product> UpdateProduct(const Product& product);
  // Refused (CRM_EDEPENDENTS) while a deal has a line naming it: deactivate it instead.
  absl::Status DeleteProduct(ProductId id);

 protected:
  ProductWrites() = default;
};

}  // namespace crm
