// The transaction operations of products, as declared in crm/product.hpp (core/txn.h).
#include "crm/product.hpp"

#include "core/txn.h"
#include "products/products.h"

namespace crm {

absl::StatusOr<Product> ProductReads::GetProduct(ProductId id) const {
  return core::Query(this, [&](const model::Ctx& c) { return products::Get(c, id); });
}
absl::StatusOr<Product> ProductReads::FindProductByCode(std::string_view code) const {
  return core::Query(this, [&](const model::Ctx& c) { return products::FindByCode(c, code); });
}
absl::StatusOr<std::vector<Product>> ProductReads::ListProducts(bool active_only) const {
  return core::Query(this, [&](const model::Ctx& c) { return products::List(c, active_only); });
}
absl::StatusOr<std::uint64_t> ProductReads::CountDealsWithProduct(ProductId id) const {
  return core::Query(this, [&](const model::Ctx& c) { return products::CountDeals(c, id); });
}

absl::StatusOr<Product> ProductWrites::CreateProduct(const Product& product) {
  return core::Mutate(this, [&](model::Ctx& c) { return products::Create(c, product); });
}
absl::StatusOr<Product> ProductWrites::UpdateProduct(const Product& product) {
  return core::Mutate(this, [&](model::Ctx& c) { return products::Update(c, product); });
}
absl::Status ProductWrites::DeleteProduct(ProductId id) {
  return core::Mutate(this, [&](model::Ctx& c) { return products::Delete(c, id); }, core::Growth::kRemoves);
}

}  // namespace crm
