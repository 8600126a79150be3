// Reading and writing one import row of products: the product with the row's code is updated
// (the fields the row gives; its price replaces the price in that currency only), or created.
#include "absl/strings/str_cat.h"
#include "imports/jobs.h"
#include "imports/mapping.h"
#include "imports/rows.h"
#include "products/products.h"

namespace crm::imports {
namespace {

// Keeps what a revert needs of product `p`: that the job made it, or the product before.
absl::Status RememberProduct(model::Ctx& ctx, const ImportJob& job, const Product& p, const Product* before) {
  auto held = GetUndo(ctx, job.id, 0, UndoRecord::kProduct, p.id);
  if (!held.ok()) return held.status();
  UndoEntry entry;
  if (held->has_value()) {
    entry = **held;
  } else {
    entry.record = UndoRecord::kProduct;
    entry.id = p.id;
    entry.created = before == nullptr;
    if (before != nullptr) entry.product_before = *before;
  }
  entry.revision = p.revision;
  return PutUndo(ctx, job.id, entry);
}

}  // namespace

absl::Status ApplyProductValue(Built& b, const Target& t, const std::string& value, const Reading& reading) {
  Product& p = b.item;
  switch (t.field) {
    case Field::kCode: p.code = value, AddField(b, "code"); break;
    case Field::kName: p.name = value, AddField(b, "name"); break;
    case Field::kFamily: p.family = value, AddField(b, "family"); break;
    case Field::kDescription: p.description = value, AddField(b, "description"); break;
    case Field::kActive: {
      auto v = ParseBool(value);
      if (!v.ok()) return v.status();
      p.active = *v;
      AddField(b, "active");
      break;
    }
    case Field::kPrice: {
      auto m = ParseMoney(value, reading.currency);
      if (!m.ok()) return m.status();
      p.prices = {*m};
      AddField(b, "price");
      break;
    }
    case Field::kCreatedAt:
    case Field::kUpdatedAt: {  // kept when the import creates the product
      auto at = ParseWhen(value, reading);
      if (!at.ok()) return at.status();
      (t.field == Field::kCreatedAt ? p.created_at : p.updated_at) = *at;
      break;
    }
    default: return absl::InvalidArgumentError("is not a field of a product");
  }
  return absl::OkStatus();
}

absl::StatusOr<RowOutcome> ApplyProductRow(model::Ctx& ctx, const ImportJob& job, Built&& b) {
  RowOutcome outcome;
  const Product& row = b.item;
  if (row.code.empty()) return absl::InvalidArgumentError("code: a product row needs its code");
  auto found = products::FindByCode(ctx, row.code);
  if (absl::IsNotFound(found.status())) {
    if (row.name.empty()) return absl::InvalidArgumentError("name: a new product needs a name");
    auto made = products::Create(ctx, row);
    if (!made.ok()) return made.status();
    if (auto s = RememberProduct(ctx, job, *made, nullptr); !s.ok()) return s;
    outcome.kind = RowOutcome::kCreated;
    outcome.customer = made->id;
    return outcome;
  }
  if (!found.ok()) return found.status();
  const Product& before = *found;
  Product out = before;
  for (const std::string& f : b.patch.fields) {
    if (f == "code") out.code = row.code;
    else if (f == "name") out.name = row.name;
    else if (f == "family") out.family = row.family;
    else if (f == "description") out.description = row.description;
    else if (f == "active") out.active = row.active;
    else if (f == "price") {
      bool replaced = false;
      for (Money& m : out.prices)
        if (m.currency == row.prices.front().currency) m = row.prices.front(), replaced = true;
      if (!replaced) out.prices.push_back(row.prices.front());
    }
  }
  outcome.customer = before.id;
  if (out == before) {
    outcome.kind = RowOutcome::kUnchanged;
    return outcome;
  }
  auto written = products::Update(ctx, out);
  if (!written.ok()) return written.status();
  if (auto s = RememberProduct(ctx, job, *written, &before); !s.ok()) return s;
  outcome.kind = RowOutcome::kUpdated;
  return outcome;
}

}  // namespace crm::imports
